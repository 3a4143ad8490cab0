"""The receivables pages' filters: they check the query string, so a wrong date or bucket is a 400, not a 500."""

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from creditdesk.core.forms import DayField
from creditdesk.core.types import Viewer
from creditdesk.customers.choices import Industry
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_group, visible_customers
from creditdesk.receivables.aging import buckets
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.portfolio import PortfolioFilter

FORMATS = [("", _("Web page")), ("xlsx", _("Excel"))]


def with_default(data: QueryDict, name: str, value: str) -> QueryDict:
    """The query string with `name` filled in when it is absent, so the form shows the date the page uses."""
    data = data.copy()
    if not data.get(name):
        data[name] = value
    return data


def last_complete_month() -> str:
    """The KPI dashboard opens on the last month that has ended."""
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


class MonthInput(forms.DateInput):
    """The browser's month picker (YYYY-MM)."""

    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


class PersonChoiceField(forms.ModelChoiceField):
    """Sales owners and collectors listed by name rather than by login."""

    def label_from_instance(self, obj: Any) -> str:
        """Staff as people know them: full name, else user name."""
        return str(obj.get_full_name() or obj.get_username())


class AsOfForm(forms.Form):
    """A day to look at the ledger as it stood on; today when none is given."""

    as_of = DayField(label=_("As of"))

    def __init__(self, data: QueryDict, **kwargs: Any) -> None:
        super().__init__(with_default(data, "as_of", timezone.localdate().isoformat()), **kwargs)


class OpenItemsForm(AsOfForm):
    """The customer tab's open items: overdue ones only, one currency only, the customer or its whole group."""

    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    group = forms.BooleanField(label=_("Whole group"), required=False)

    def __init__(self, data: QueryDict, customer: Customer) -> None:
        super().__init__(data)
        group = [member.pk for _depth, member in customer_group(customer)] or [customer.pk]
        codes = (Invoice.objects.filter(customer__in=group).order_by("currency_id")
                 .values_list("currency_id", flat=True).distinct())
        self.fields["currency"].choices = [("", _("All currencies")), *((code, code) for code in codes)]  # type: ignore[attr-defined]


class SegmentForm(forms.Form):
    """A segment of the book (country, industry, sales owner, collector) and whether to download the table."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries")), *Industry.choices])
    owner = PersonChoiceField(label=_("Sales owner"), required=False, queryset=User.objects.none(),
                              empty_label=_("All sales owners"))
    collector = PersonChoiceField(label=_("Collector"), required=False, queryset=User.objects.none(),
                                  empty_label=_("All collectors"))
    format = forms.ChoiceField(label=_("Format"), required=False, choices=FORMATS, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, user: Viewer) -> None:
        super().__init__(data)
        book = visible_customers(user).order_by()
        codes = book.values_list("country", flat=True).distinct()
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("All countries")), *sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])]
        people = User.objects.order_by("first_name", "last_name", "username")
        self.fields["owner"].queryset = people.filter(pk__in=book.values("owner_id"))  # type: ignore[attr-defined]
        self.fields["collector"].queryset = people.filter(pk__in=book.values("collector_id"))  # type: ignore[attr-defined]

    def filters(self) -> PortfolioFilter:
        """The segment as the portfolio selector takes it."""
        data = self.cleaned_data
        return PortfolioFilter(country=data["country"], industry=data["industry"],
                               owner_id=data["owner"].pk if data["owner"] else None,
                               collector_id=data["collector"].pk if data["collector"] else None)

    def wants_xlsx(self) -> bool:
        """`?format=xlsx`: the same table, from the same selector, as an Excel file."""
        return self.cleaned_data["format"] == "xlsx"


class AgingForm(SegmentForm):
    """The portfolio aging on a day."""

    as_of = DayField(label=_("As of"))
    field_order = ["as_of"]

    def __init__(self, data: QueryDict, user: Viewer) -> None:
        super().__init__(with_default(data, "as_of", timezone.localdate().isoformat()), user)


class BucketForm(AgingForm):
    """One aging bucket of the portfolio (or all of them), on a day."""

    bucket = forms.ChoiceField(label=_("Bucket"), required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, user: Viewer) -> None:
        super().__init__(data, user)
        self.fields["bucket"].choices = [("", ""), *((b.key, b.label) for b in buckets())]  # type: ignore[attr-defined]


class KpiForm(SegmentForm):
    """The KPI dashboard: the last month to show and a segment."""

    month = DayField(label=_("Last month"), widget=MonthInput(), input_formats=["%Y-%m"])
    field_order = ["month"]

    def __init__(self, data: QueryDict, user: Viewer) -> None:
        super().__init__(with_default(data, "month", last_complete_month()), user)

    def clean_month(self) -> dt.date:
        """A month that has not started has no figures yet."""
        month: dt.date = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("Choose a month that has started."))
        return month

    def period_end(self) -> dt.date:
        """The chosen month's last day, or today while that month is still running (its month to date)."""
        month: dt.date = self.cleaned_data["month"]
        return min(month.replace(day=calendar.monthrange(month.year, month.month)[1]), timezone.localdate())
