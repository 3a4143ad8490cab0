"""`creditdesk scoring cv|train|evaluate|register|sample`: validate, train and check scoring models on a CSV or ARFF
file, keep one as a draft policy model, and build a training file from our own portfolio.

cv        --data PATH --target COLUMN [--folds 10] [--seed 0] [--json] [--bad VALUE]
train     --data PATH --target COLUMN [--folds 10] [--seed 0] [--bad VALUE] --out FILE.json
evaluate  --model FILE.json --data PATH --target COLUMN [--bad VALUE] [--json]
register  --model FILE.json --code CODE [--note TEXT] [--user NAME]: keep a trained model as a draft, to be
          activated as the policy's model through an approved change on its page
sample    --as-of YYYY-MM-DD [--horizon 12] [--days-past-due 90] --out FILE.csv: one row per customer invoiced by
          the day, its assessment inputs as known then and whether it went bad in the months after
          (`assessment.sample`); train on it with --target bad
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.assessment.model_changes import register_model
from creditdesk.assessment.sample import BAD, TARGET, development_sample, outcome_known, window_end
from creditdesk.assessment.scoring.data import Dataset, load_dataset
from creditdesk.assessment.scoring.metrics import Quality, quality
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.assessment.scoring.validation import CHALLENGER, SCORECARD, cross_validate, train_validated


class Command(BaseCommand):
    help = _("Cross-validate, train or evaluate the credit scorecard (and its challenger) on a CSV or ARFF file.")

    def add_arguments(self, parser: CommandParser) -> None:
        """The subcommands and their options."""
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{cv,train,evaluate,register,sample}")
        cv = actions.add_parser("cv", help=_("stratified k-fold cross-validation of the scorecard and challenger"))
        _data_arguments(cv)
        _fold_arguments(cv)
        cv.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
        train = actions.add_parser("train", help=_("train the scorecard on all rows and save it as JSON"))
        _data_arguments(train)
        _fold_arguments(train)
        train.add_argument("--out", required=True, type=Path, help=_("file to write the model to"))
        evaluate = actions.add_parser("evaluate", help=_("score a data file with a saved scorecard"))
        evaluate.add_argument("--model", required=True, type=Path, help=_("a model file written by train"))
        _data_arguments(evaluate)
        evaluate.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
        register = actions.add_parser("register", help=_("keep a saved scorecard as a draft policy model"))
        register.add_argument("--model", required=True, type=Path, help=_("a model file written by train"))
        register.add_argument("--code", required=True, help=_("the new model's code"))
        register.add_argument("--note", default="", help=_("what the model was trained on, in a line"))
        register.add_argument("--user", default="admin", help=_("who registers the model"))
        sample = actions.add_parser("sample", help=_("write a development sample of our own customers as CSV"))
        sample.add_argument("--as-of", required=True, help=_("the observation day, YYYY-MM-DD"))
        sample.add_argument("--horizon", type=int, default=12, help=_("months of outcome after the day"))
        sample.add_argument("--days-past-due", type=int, default=90,
                            help=_("days past due that make a customer bad"))
        sample.add_argument("--out", required=True, type=Path, help=_("CSV file to write the sample to"))

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen subcommand; bad input becomes a CommandError with a readable message."""
        handlers = {"cv": self.run_cv, "train": self.run_train, "evaluate": self.run_evaluate,
                    "register": self.run_register, "sample": self.run_sample}
        try:
            handlers[options["action"]](options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error

    def run_cv(self, options: dict[str, Any]) -> None:
        """Print mean AUC, Gini and KS of both models over stratified folds."""
        data = _load(options)
        report = cross_validate(data.X, data.y, folds=options["folds"], seed=options["seed"]).report()
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(_("%(rows)d rows, %(positives)d bad (“%(bad)s”), %(folds)d-fold stratified CV, seed %(seed)d")
                          % {"rows": data.rows, "positives": data.positives, "bad": data.bad,
                             "folds": options["folds"], "seed": options["seed"]})
        self.stdout.write(f"{_('model'):<12} {'AUC':>7} {'Gini':>7} {'KS':>7}")
        names = {SCORECARD: _("scorecard"), CHALLENGER: _("challenger")}
        for model, figures in report["models"].items():
            line = f"{names[model]:<12} {figures['auc']:>7.4f} {figures['gini']:>7.4f} {figures['ks']:>7.4f}"
            self.stdout.write(line)

    def run_train(self, options: dict[str, Any]) -> None:
        """Train on all rows, cross-validate on the same rows for the report, and save the model."""
        data = _load(options)
        card, validation = train_validated(data, Path(options["data"]).name, options["folds"], options["seed"])
        out: Path = options["out"]
        try:
            out.write_text(json.dumps(card.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as error:
            raise CommandError(_("cannot write %(file)s: %(error)s") % {"file": out, "error": error}) from error
        scorecard_auc = validation.mean(SCORECARD).auc
        self.stdout.write(_("scorecard (%(method)s, %(factors)d factors) written to %(file)s; CV AUC %(auc).4f")
                          % {"method": card.method, "factors": len(card.factors), "file": out, "auc": scorecard_auc})

    def run_evaluate(self, options: dict[str, Any]) -> None:
        """Score a data file with a saved model and print its discrimination."""
        card = _read_model(options["model"])
        saved_bad = card.validation.get("data", {}).get("bad")
        data = _load({**options, "bad": options["bad"] or saved_bad})
        figures = quality(data.y, card.predict_proba(data.X))
        if options["json"]:
            self.stdout.write(json.dumps({"rows": data.rows, "positives": data.positives, **figures.rounded()}))
            return
        self.stdout.write(_format_quality(data, figures))

    def run_register(self, options: dict[str, Any]) -> None:
        """Register a saved scorecard under a new code, as the named user."""
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("no user %(user)s; pass --user") % {"user": options["user"]})
        model = register_model(user, options["code"], _read_json(options["model"]), options["note"])
        self.stdout.write(_("model %(code)s registered as a draft; ask for its activation on its page")
                          % {"code": model.code})

    def run_sample(self, options: dict[str, Any]) -> None:
        """Write the development sample observed on the day, once its outcome window is over."""
        observed_on, horizon = _observation_day(options["as_of"]), options["horizon"]
        if horizon < 1:
            raise CommandError(_("the horizon must be at least 1 month"))
        if options["days_past_due"] < 0:
            raise CommandError(_("the days past due cannot be negative"))
        if not outcome_known(observed_on, horizon, timezone.localdate()):
            raise CommandError(_("the outcome of %(day)s is not known yet: its %(months)d-month window ends on "
                                 "%(end)s; choose an earlier day or a shorter horizon")
                               % {"day": observed_on, "months": horizon, "end": window_end(observed_on, horizon)})
        frame = development_sample(observed_on, horizon, options["days_past_due"])
        if frame.empty:
            raise CommandError(_("no customer had an invoice on or before %(day)s: the sample is empty")
                               % {"day": observed_on})
        out: Path = options["out"]
        try:
            frame.to_csv(out, index=False, encoding="utf-8")
        except OSError as error:
            raise CommandError(_("cannot write %(file)s: %(error)s") % {"file": out, "error": error}) from error
        self.stdout.write(_("%(rows)d customers, %(bad)d bad, observed on %(day)s, written to %(file)s")
                          % {"rows": len(frame), "bad": int((frame[TARGET] == BAD).sum()), "day": observed_on,
                             "file": out})


def _observation_day(text: str) -> dt.date:
    """The --as-of day, or a CommandError naming the expected form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("not a date: %(text)s (expected YYYY-MM-DD)") % {"text": text}) from error


def _data_arguments(parser: CommandParser) -> None:
    """Options every subcommand shares: the data file, its target column and the bad class."""
    parser.add_argument("--data", required=True, help=_("CSV (comma or semicolon) or Weka ARFF file"))
    parser.add_argument("--target", required=True, help=_("the column holding good/bad"))
    parser.add_argument("--bad", default=None, help=_("the target value meaning bad (default: the rarer class)"))


def _fold_arguments(parser: CommandParser) -> None:
    """Options of the subcommands that cross-validate."""
    parser.add_argument("--folds", type=int, default=10, help=_("number of folds"))
    parser.add_argument("--seed", type=int, default=0, help=_("random seed of the fold split and the models"))


def _load(options: dict[str, Any]) -> Dataset:
    """The data file named in the options, with its target coded 1 = bad."""
    return load_dataset(options["data"], options["target"], options["bad"])


def _read_json(path: Path) -> Any:
    """A model file's JSON, or a CommandError saying why it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CommandError(_("model file not found: %(file)s") % {"file": path}) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(_("model file %(file)s is not readable JSON: %(error)s")
                           % {"file": path, "error": error}) from error


def _read_model(path: Path) -> Scorecard:
    """A saved scorecard, or a CommandError saying why the file cannot be one."""
    data = _read_json(path)
    try:
        return Scorecard.from_dict(data)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise CommandError(_("model file %(file)s does not hold a scorecard: %(error)s")
                           % {"file": path, "error": error}) from error


def _format_quality(data: Dataset, figures: Quality) -> str:
    """One readable line of the figures."""
    return _("%(rows)d rows, %(positives)d bad: AUC %(auc).4f, Gini %(gini).4f, KS %(ks).4f") % {
        "rows": data.rows, "positives": data.positives, "auc": figures.auc, "gini": figures.gini, "ks": figures.ks,
    }
