from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import DayField
from creditdesk.currencies.models import Currency


class RateForm(forms.Form):
    currency = forms.ModelChoiceField(Currency.objects.filter(is_active=True), label=_("Currency"))
    rate_date = DayField(label=_("Date"))
    rate = forms.DecimalField(label=_("Rate"), max_digits=20, decimal_places=10)
    source = forms.CharField(label=_("Source"), required=False, max_length=60)
