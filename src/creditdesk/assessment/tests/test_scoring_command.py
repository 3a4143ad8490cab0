"""`creditdesk scoring cv|train|evaluate`: the exact JSON interface, the train → evaluate round-trip, clear errors."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from creditdesk.assessment.models import ScoringModel
from creditdesk.assessment.scoring.data import load_dataset
from creditdesk.assessment.scoring.metrics import quality
from creditdesk.assessment.scoring.scorecard import Scorecard, train_scorecard


def firms(n: int, seed: int) -> pd.DataFrame:
    """Generated customers: leverage and a sector drive defaults, some margins unknown."""
    rng = np.random.default_rng(seed)
    leverage = rng.lognormal(0.0, 0.5, n).round(4)
    sector = rng.choice(["retail", "mining", "services"], n)
    margin = np.where(rng.random(n) < 0.1, np.nan, rng.normal(0.1, 0.1, n).round(4))
    log_odds = -1.5 + 2.0 * (leverage - 1) + np.where(sector == "mining", 1.0, 0.0)
    status = np.where(rng.random(n) < 1 / (1 + np.exp(-log_odds)), "bad", "good")
    return pd.DataFrame({"leverage": leverage, "margin": margin, "sector": sector, "status": status})


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scoring") / "firms.csv"
    firms(400, seed=5).to_csv(path, index=False)
    return path


def run(*args: str) -> str:
    """The command's output, in English so the assertions below read the same whatever is translated."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("scoring", *args, stdout=out)
    return out.getvalue()


def test_cv_json_has_exactly_the_documented_shape(data_file):
    report = json.loads(run("cv", "--data", str(data_file), "--target", "status", "--folds", "3", "--json"))
    frame = pd.read_csv(data_file)
    assert list(report) == ["rows", "positives", "folds", "models"]
    assert report["rows"] == len(frame)
    assert report["positives"] == int((frame["status"] == "bad").sum())
    assert report["folds"] == 3
    assert list(report["models"]) == ["scorecard", "challenger"]
    for figures in report["models"].values():
        assert list(figures) == ["auc", "gini", "ks"]
        assert all(round(value, 4) == value for value in figures.values())
        assert 0.6 < figures["auc"] <= 1
        assert figures["gini"] == pytest.approx(2 * figures["auc"] - 1, abs=2e-4)


def test_cv_is_deterministic_and_bad_can_be_named(data_file):
    args = ("cv", "--data", str(data_file), "--target", "status", "--folds", "3", "--seed", "7", "--json")
    first = json.loads(run(*args))
    assert json.loads(run(*args)) == first
    flipped = json.loads(run(*args, "--bad", "good"))
    assert flipped["positives"] == first["rows"] - first["positives"]


def test_cv_prints_a_readable_table(data_file):
    text = run("cv", "--data", str(data_file), "--target", "status", "--folds", "3")
    assert "400 rows" in text
    assert "3-fold stratified CV, seed 0" in text
    assert "AUC" in text
    assert "scorecard" in text
    assert "challenger" in text


@pytest.fixture(scope="module")
def trained(data_file):
    model = data_file.parent / "model.json"
    message = run("train", "--data", str(data_file), "--target", "status", "--folds", "3", "--out", str(model))
    return model, message


def test_train_then_evaluate_reproduces_the_scores(data_file, trained, tmp_path):
    model, message = trained
    assert str(model) in message
    saved = json.loads(model.read_text(encoding="utf-8"))
    assert saved["validation"]["folds"] == 3
    assert saved["validation"]["data"]["bad"] == "bad"
    assert set(saved["validation"]["models"]) == {"scorecard", "challenger"}
    assert {"name", "kind", "bins", "points"} <= set(saved["factors"][0])

    data = load_dataset(data_file, "status")
    trained = train_scorecard(data.X, data.y, seed=0)
    loaded = Scorecard.from_dict(saved)
    assert np.array_equal(loaded.score(data.X), trained.score(data.X))
    assert loaded.points == trained.points

    fresh = tmp_path / "fresh.csv"
    firms(300, seed=6).to_csv(fresh, index=False)
    evaluated = json.loads(run("evaluate", "--model", str(model), "--data", str(fresh), "--target", "status", "--json"))
    fresh_data = load_dataset(fresh, "status", bad="bad")
    expected = quality(fresh_data.y, loaded.predict_proba(fresh_data.X)).rounded()
    assert evaluated == {"rows": 300, "positives": fresh_data.positives, **expected}
    text = run("evaluate", "--model", str(model), "--data", str(fresh), "--target", "status")
    assert f"AUC {expected['auc']:.4f}" in text


def test_evaluate_needs_the_scorecard_factors(trained, tmp_path):
    model, _ = trained
    partial = tmp_path / "partial.csv"
    firms(50, seed=7).drop(columns=["leverage"]).to_csv(partial, index=False)
    with pytest.raises(CommandError, match="data lacks the scorecard's factors: leverage"):
        run("evaluate", "--model", str(model), "--data", str(partial), "--target", "status")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cv", "--data", "nowhere.csv", "--target", "status"), "data file not found: nowhere.csv"),
        (("cv", "--data", "{data}", "--target", "grade"), "target column 'grade' not found"),
        (("cv", "--data", "{data}", "--target", "sector"), "must have exactly 2 classes, found 3"),
        (("cv", "--data", "{data}", "--target", "status", "--bad", "late"), "bad value 'late' is not a class"),
        (("cv", "--data", "{data}", "--target", "status", "--folds", "1"), "at least 2 folds"),
        (("cv", "--data", "{data}", "--target", "status", "--folds", "200"), "too few rows of the rarer class"),
        (("cv", "--data", "{empty}", "--target", "status"), "data file is empty"),
        (("cv", "--target", "status"), "the following arguments are required: --data"),
        (("evaluate", "--model", "{missing}", "--data", "{data}", "--target", "status"), "model file not found"),
        (("evaluate", "--model", "{data}", "--data", "{data}", "--target", "status"), "is not readable JSON"),
        (("evaluate", "--model", "{other}", "--data", "{data}", "--target", "status"), "does not hold a scorecard"),
        (("evaluate", "--model", "{list}", "--data", "{data}", "--target", "status"), "does not hold a scorecard"),
        (("forecast",), "invalid choice: 'forecast'"),
    ],
)
def test_bad_input_gives_a_clear_error(args, message, data_file, tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"format": "something else"}', encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    paths = {"data": data_file, "empty": tmp_path / "empty.csv", "missing": tmp_path / "no.json",
             "other": tmp_path / "other.json", "list": tmp_path / "list.json"}
    with pytest.raises(CommandError, match=message):
        run(*(arg.format(**paths) for arg in args))


@pytest.mark.django_db
def test_a_model_trained_on_the_inputs_of_assessments_is_registered_as_a_draft(analyst, tmp_path):
    """The same generated firms, their columns named as the assessment's inputs and answers."""
    data, model = tmp_path / "portfolio.csv", tmp_path / "portfolio-model.json"
    frame = firms(400, seed=5).rename(columns={"leverage": "debt_ratio", "margin": "net_margin",
                                              "sector": "industry_risk"})
    frame["industry_risk"] = frame["industry_risk"].map({"retail": "moderate", "mining": "high", "services": "low"})
    frame.to_csv(data, index=False)
    run("train", "--data", str(data), "--target", "status", "--folds", "3", "--out", str(model))

    text = run("register", "--model", str(model), "--code", "portfolio-1", "--note", "Generated firms.",
               "--user", analyst.username)

    assert text == "model portfolio-1 registered as a draft; ask for its activation on its page\n"
    saved = ScoringModel.objects.get()
    assert (saved.code, saved.status, saved.note, saved.registered_by) == (
        "portfolio-1", "draft", "Generated firms.", analyst)
    assert saved.definition == json.loads(model.read_text(encoding="utf-8"))
    assert {factor["name"] for factor in saved.definition["factors"]} <= {"debt_ratio", "net_margin", "industry_risk"}
    assert list(saved.definition["validation"]["models"]) == ["scorecard", "challenger"]


@pytest.mark.django_db
def test_a_model_on_other_columns_or_an_unknown_user_is_not_registered(analyst, trained):
    model, _ = trained
    with pytest.raises(CommandError, match="The model reads factors an assessment does not gather: leverage"):
        run("register", "--model", str(model), "--code", "firms-1", "--user", analyst.username)
    with pytest.raises(CommandError, match="no user nobody; pass --user"):
        run("register", "--model", str(model), "--code", "firms-1", "--user", "nobody")
    assert not ScoringModel.objects.exists()
