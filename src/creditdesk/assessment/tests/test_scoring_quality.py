"""Quality floors of issue 5 on real defaults (10-fold stratified CV, seed 0), reading the shared files in place."""

import io
import json

from django.core.management import call_command

from creditdesk.assessment.scoring.data import load_dataset
from creditdesk.assessment.scoring.validation import SCORECARD, cross_validate
from creditdesk.testing.shared_data import SHARED_DATA

POLISH = SHARED_DATA / "polish-bankruptcy" / "1year.arff"
GERMAN = SHARED_DATA / "german-credit" / "germancredit.csv"


def test_polish_bankruptcy_floors_through_the_command_line():
    out = io.StringIO()
    call_command("scoring", "cv", "--data", str(POLISH), "--target", "class", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["rows"], report["positives"], report["folds"]) == (7027, 271, 10)
    assert report["models"]["challenger"]["auc"] >= 0.95
    assert report["models"]["scorecard"]["auc"] >= 0.88


def test_german_credit_scorecard_floor():
    data = load_dataset(GERMAN, "creditability", bad="bad")
    assert (data.rows, data.positives) == (1000, 300)
    assert cross_validate(data.X, data.y, folds=10, seed=0, models=(SCORECARD,)).mean(SCORECARD).auc >= 0.77
