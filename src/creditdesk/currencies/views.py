"""The exchange-rate table, and a form to add the day's rates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditdesk.core.forms import show_errors
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.forms import RateForm
from creditdesk.currencies.selectors import functional_currency, rate_history
from creditdesk.currencies.services import set_exchange_rate


def rates(request: AuthedRequest) -> HttpResponse:
    require(request.user, "currencies.view_exchangerate")
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_exchange_rate(request.user, data["currency"].code, data["rate_date"], data["rate"], data["source"])
            messages.success(request, _("Rate saved."))
            return redirect("currencies:rates")
        except ValidationError as error:
            show_errors(form, error)
    currency = request.GET.get("currency", "").upper()
    page = Paginator(rate_history(currency), 50).get_page(request.GET.get("page"))
    return render(request, "currencies/rates.html", {"form": form, "page": page, "currency": currency,
                                                     "functional": functional_currency()})
