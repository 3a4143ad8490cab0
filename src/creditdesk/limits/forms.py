"""Forms for the limit pages; they only collect input, the limits services decide."""

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.bounds import SHORT_TEXT
from creditdesk.core.forms import DayField
from creditdesk.currencies.models import Currency
from creditdesk.limits.models import CheckStatus, CreditLimit, LimitKind


class LimitRequestForm(forms.Form):
    """A new limit for the customer; the service checks the justification, the kind and the authority band."""

    amount = CreditLimit._meta.get_field("amount").formfield(label=_("Amount"), min_value=0)
    currency = forms.ModelChoiceField(label=_("Currency"), queryset=Currency.objects.filter(is_active=True),
                                      empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=LimitKind.choices, initial=LimitKind.STANDARD)
    valid_from = DayField(label=_("Valid from"))
    valid_to = DayField(label=_("Valid to"), required=False)
    review_on = DayField(label=_("Review date"), required=False)
    overdue_cap = CreditLimit._meta.get_field("overdue_cap").formfield(label=_("Cap on the overdue amount"),
                                                                       required=False, min_value=0)
    justification = CreditLimit._meta.get_field("justification").formfield(label=_("Justification"),
                                                                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, currency: str = "", today: dt.date | None = None, amount: str = "",
                 **kwargs: Any) -> None:
        """`amount` pre-fills the form, from an assessment's recommendation; anything but an amount is ignored."""
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = currency or None
        self.fields["valid_from"].initial = today
        with contextlib.suppress(forms.ValidationError):
            self.fields["amount"].initial = self.fields["amount"].clean(amount) if amount else None


class ReasonForm(forms.Form):
    """Why: rejecting a limit or an order, or putting a customer on hold and taking it off."""

    reason = forms.CharField(label=_("Reason"), max_length=SHORT_TEXT, required=False)


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=SHORT_TEXT, required=False)


class ReleaseForm(forms.Form):
    """A blocked order let through, with why and until when the release holds."""

    reason = forms.CharField(label=_("Reason"), max_length=SHORT_TEXT, required=False)
    valid_until = DayField(label=_("Valid until"), required=False)


class BlockedFilterForm(forms.Form):
    """The blocked-orders queue by default; the decided ones on request."""

    status = forms.ChoiceField(label=_("Status"), required=False, initial=CheckStatus.BLOCKED,
                               choices=[(CheckStatus.BLOCKED, CheckStatus.BLOCKED.label),
                                        (CheckStatus.RELEASED, CheckStatus.RELEASED.label),
                                        (CheckStatus.REJECTED, CheckStatus.REJECTED.label)])
