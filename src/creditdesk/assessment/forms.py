"""Forms for the assessment tab; they only collect input, the assessment services check and decide."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.assessment.models import ExternalRating, FinancialStatement, Outlook
from creditdesk.assessment.qualitative import Factor
from creditdesk.assessment.services import LINES
from creditdesk.core.forms import DateInput, DayField
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer, Document

MAX_MODEL_BYTES = 5 * 1024 * 1024
STATEMENT_FIELDS = ["period_end", "period_months", "currency", "audited", "source", *LINES]


class StatementForm(forms.Form):
    """A period's statement as the analyst reads it off the accounts; the fields, labels and help of the model."""

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(FinancialStatement, fields=STATEMENT_FIELDS,
                                                  widgets={"period_end": DateInput()}))
        currencies = self.fields["currency"]
        currencies.queryset = Currency.objects.filter(is_active=True)  # type: ignore[attr-defined]
        currencies.empty_label = None  # type: ignore[attr-defined]
        currencies.initial = currency or None


class CorrectionForm(StatementForm):
    """The statement's fields as they stand, and why they change."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([*STATEMENT_FIELDS, "reason"])


class RatingForm(forms.Form):
    """An agency's rating; the service maps the grade onto our classes and names the grades it knows."""

    agency = forms.ChoiceField(label=_("Agency"))
    grade = forms.CharField(label=_("Grade"), max_length=10)
    rated_on = DayField(label=_("Rated on"))
    outlook = forms.ChoiceField(label=_("Outlook"), required=False, choices=[("", "—"), *Outlook.choices])
    document = forms.ModelChoiceField(label=_("Agency report"), required=False, queryset=Document.objects.none(),
                                      help_text=ExternalRating._meta.get_field("document").help_text)

    def __init__(self, *args: Any, customer: Customer, agencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(name, name) for name in agencies]  # type: ignore[attr-defined]
        self.fields["document"].queryset = customer.documents.filter(  # type: ignore[attr-defined]
            deleted_at__isnull=True)


def note_field(code: str) -> str:
    return f"{code}__note"


class AnswersForm(forms.Form):
    """One choice and one note per factor in force; an empty choice takes the answer back."""

    def __init__(self, *args: Any, factors: tuple[Factor, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.factors = factors
        for factor in factors:
            self.fields[factor.code] = forms.ChoiceField(
                label=str(factor.label), required=False,
                choices=[("", _("Not answered")), *((a.code, a.label) for a in factor.answers)])
            self.fields[note_field(factor.code)] = forms.CharField(label=_("Note"), max_length=300, required=False)

    def answers(self) -> dict[str, str]:
        return {factor.code: self.cleaned_data[factor.code] for factor in self.factors}

    def notes(self) -> dict[str, str]:
        return {factor.code: self.cleaned_data[note_field(factor.code)] for factor in self.factors}


class OverrideForm(forms.Form):
    """Another class than the card gave, and why; the service checks both."""

    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, classes: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [(c, c) for c in classes]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """Approving an override may say why; rejecting one must (the service checks)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RegisterModelForm(forms.Form):
    """A model file written by `creditdesk scoring train`, the code it will be known by and a note."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    file = forms.FileField(label=_("Model file (JSON)"))

    def clean_file(self) -> Any:
        """The file's JSON; the service says whether it holds a scorecard."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MODEL_BYTES:
            raise forms.ValidationError(_("A model file is at most 5 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(_("This file is not readable JSON: %(error)s") % {"error": error}) from error
