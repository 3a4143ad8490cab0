"""Exchange rates from a bank's or treasury's file: currency, date, rate."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.core.fields import check_value
from creditdesk.core.types import Actor
from creditdesk.currencies.models import Currency, ExchangeRate
from creditdesk.currencies.services import check_rate_currency, parse_rate, set_exchange_rate
from creditdesk.imports.cells import RowProblem, parse_date, refuse_other_digits
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError, register


@register
class ExchangeRateImport(ImportKind):
    name = "rates"
    label = gettext_lazy("Exchange rates")
    permission = "currencies.add_exchangerate"
    required = frozenset({"currency", "rate_date", "rate"})
    columns = {"currency": gettext_lazy("currency"), "rate_date": gettext_lazy("date"),
               "rate": gettext_lazy("rate"), "source": gettext_lazy("source")}

    def plan(self, records: list[Record]) -> Plan:
        plan = Plan()
        known = set(Currency.objects.values_list("code", flat=True))
        current = {(r.currency_id, r.rate_date): r.rate for r in ExchangeRate.objects.all()}
        seen: dict[tuple[str, Any], int] = {}
        for number, raw in records:
            self.row_checked()
            try:
                row = self.parse(raw, known)
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
                continue
            key = (row["currency"], row["rate_date"])
            if key in seen:
                plan.errors.append(RowError(number, "rate_date", _("Duplicate of row %(row)d.") % {"row": seen[key]}))
                continue
            seen[key] = number
            if key not in current:
                plan.creates.append(row)
            elif current[key] != row["rate"]:
                plan.updates.append(row)
            else:
                plan.unchanged += 1
        return plan

    @staticmethod
    def parse(raw: dict[str, str], known: set[str]) -> dict[str, Any]:
        currency = raw.get("currency", "").upper()
        if currency not in known:
            raise RowProblem("currency", _("Unknown currency “%(value)s”.") % {"value": raw.get("currency", "")})
        rate_date = parse_date("rate_date", raw.get("rate_date", ""))
        if rate_date is None:
            raise RowProblem("rate_date", _("Required."))
        try:
            check_rate_currency(currency)
            check_value(ExchangeRate, "rate_date", rate_date)
            rate: Decimal = parse_rate(refuse_other_digits("rate", raw.get("rate", "")))
        except ValidationError as error:
            column, messages = next(iter(error.message_dict.items()))
            raise RowProblem(column, messages[0]) from None
        return {"currency": currency, "rate_date": rate_date, "rate": rate, "source": raw.get("source", "")}

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        for row in [*plan.creates, *plan.updates]:
            set_exchange_rate(actor, row["currency"], row["rate_date"], row["rate"], row["source"] or reason)
