"""Forms for the limit pages; they only collect input, the limits services decide."""

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import DateInput
from creditdesk.currencies.models import Currency
from creditdesk.limits.models import CheckStatus, LimitKind


class LimitRequestForm(forms.Form):
    """A new limit for the customer; the service checks the justification, the kind and the authority band."""

    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0)
    currency = forms.ModelChoiceField(label=_("Currency"), queryset=Currency.objects.filter(is_active=True),
                                      empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=LimitKind.choices, initial=LimitKind.STANDARD)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    review_on = forms.DateField(label=_("Review date"), required=False, widget=DateInput())
    overdue_cap = forms.DecimalField(label=_("Cap on the overdue amount"), required=False, max_digits=18,
                                     decimal_places=2, min_value=0)
    justification = forms.CharField(label=_("Justification"), max_length=2000,
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

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class ReleaseForm(forms.Form):
    """A blocked order let through, with why and until when the release holds."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())


class BlockedFilterForm(forms.Form):
    """The blocked-orders queue by default; the decided ones on request."""

    status = forms.ChoiceField(label=_("Status"), required=False, initial=CheckStatus.BLOCKED,
                               choices=[(CheckStatus.BLOCKED, CheckStatus.BLOCKED.label),
                                        (CheckStatus.RELEASED, CheckStatus.RELEASED.label),
                                        (CheckStatus.REJECTED, CheckStatus.REJECTED.label)])
