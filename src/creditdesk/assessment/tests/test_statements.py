"""Financial statements in the credit file: entered and corrected through checks an analyst would make by hand,
audited, imported from CSV/XLSX all-or-nothing, read back with their ratios over the years, and placed among
the industry's peers.

The default statement is the hand-worked one of `test_financials`: total assets 1,000,000 = liabilities
600,000 + equity 400,000, current assets 400,000 (cash 50,000), current liabilities 250,000.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from creditdesk.assessment import importers  # noqa: F401  registers the financial-statements import
from creditdesk.assessment.financials import Zone
from creditdesk.assessment.models import FinancialStatement
from creditdesk.assessment.selectors import (
    PEER_RATIOS,
    Standing,
    analysed_history,
    industry_percentiles,
    latest_statements,
)
from creditdesk.assessment.services import correct_statement, enter_statement
from creditdesk.assessment.tests.factories import HAND_WORKED, FinancialStatementFactory, statement_keeper
from creditdesk.audit.actions import action_label
from creditdesk.audit.models import AuditEntry
from creditdesk.imports.models import ImportStatus
from creditdesk.imports.services import run_import
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
YEAR_END = dt.date(2025, 12, 31)
HEADER = ("customer,period_end,period_months,currency,audited,source,current_assets,cash,receivables,inventory,"
          "total_assets,current_liabilities,total_liabilities,equity,retained_earnings,revenue,gross_profit,ebit,"
          "interest_expense,net_income,operating_cash_flow\n")
HAND_WORKED_CELLS = ("400000,50000,150000,120000,1000000,250000,600000,400000,180000,2000000,500000,120000,30000,"
                     "70000,100000")


@pytest.fixture
def keeper(db):
    return statement_keeper("zhou.analyst")


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C100001", external_id="ERP-1", name="Suzhou Textiles", industry="F")


def figures(**changes) -> dict:
    """The hand-worked statement as an analyst enters it, with some lines changed."""
    return {"period_end": YEAR_END, "period_months": 12, "currency_id": "CNY", "audited": True,
            "source": "annual_report", **HAND_WORKED, **changes}


def refusal(actor, customer, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        enter_statement(actor, customer, figures(**changes))
    return caught.value.message_dict


def statement_entries() -> list[tuple[str, dict, str]]:
    return [(e.action, e.changes, e.reason)
            for e in AuditEntry.objects.filter(action__startswith="financial_statement.").order_by("id")]


# --- entering a statement ----------------------------------------------------------------------------------------

def test_a_statement_entered_by_an_analyst_is_saved_and_every_figure_audited(keeper, customer):
    statement = enter_statement(keeper, customer, figures(equity=D("400000")))

    assert (statement.customer, statement.period_end, statement.entered_by) == (customer, YEAR_END, keeper)
    assert statement.equity == D("400000.00")  # kept to the cent, as stored
    entry = AuditEntry.objects.get(action="financial_statement.create")
    assert (entry.object_id, entry.customer_id, entry.actor_name) == (str(statement.pk), customer.pk, "zhou.analyst")
    assert entry.changes == {
        "customer": [None, customer.pk], "period_end": [None, "2025-12-31"], "period_months": [None, 12],
        "currency": [None, "CNY"], "audited": [None, True], "source": [None, "annual_report"],
        **{line: [None, f"{amount}"] for line, amount in HAND_WORKED.items()},
    }
    assert action_label("financial_statement.create") == "Financial statement entered"
    assert action_label("financial_statement.correct") == "Financial statement corrected"


def test_every_sanity_check_that_fails_names_its_field_at_once(keeper, customer):
    errors = refusal(keeper, customer,
                     period_end=timezone.localdate() + dt.timedelta(days=1),
                     cash=D("450000"),  # more than the 400,000 current assets
                     current_liabilities=D("700000"),  # more than the 600,000 total liabilities
                     revenue=D("-1"), gross_profit=D("-1"),
                     equity=D("300000"))  # 600,000 + 300,000 is 10 % short of 1,000,000
    assert errors == {
        "period_end": ["The period has not ended yet; enter the statement once it has."],
        "cash": ["Cash and equivalents cannot exceed current assets."],
        "current_liabilities": ["Current liabilities cannot exceed total liabilities."],
        "revenue": ["Revenue cannot be negative."],
        "equity": ["Total liabilities plus equity (900000.00) differ from total assets (1000000.00) by more than "
                   "1% of total assets."],
    }
    assert FinancialStatement.objects.count() == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"current_assets": D("1000000.01")}, "current_assets", "Current assets cannot exceed total assets."),
    ({"receivables": D("400000.01")}, "receivables", "Trade receivables cannot exceed current assets."),
    ({"inventory": D("400000.01")}, "inventory", "Inventory cannot exceed current assets."),
    ({"gross_profit": D("2000000.01")}, "gross_profit", "Gross profit cannot exceed revenue."),
    ({"interest_expense": D("-0.01")}, "interest_expense", "Interest expense cannot be negative."),
    ({"total_assets": D("0"), **{line: D("0") for line in ("current_assets", "cash", "receivables", "inventory",
                                                           "current_liabilities", "total_liabilities", "equity")}},
     "total_assets", "Total assets must be greater than zero."),
    ({"total_assets": None}, "total_assets", "This field cannot be null."),
    ({"period_months": 0}, "period_months", "Ensure this value is greater than or equal to 1."),
    ({"period_months": 25}, "period_months", "Ensure this value is less than or equal to 24."),
    ({"cash": D("0.001")}, "cash", "Ensure that there are no more than 2 decimal places."),
])
def test_one_sanity_check(keeper, customer, changes, field, message):
    assert refusal(keeper, customer, **changes) == {field: [message]}


def test_losses_and_negative_equity_are_figures_not_errors(keeper, customer):
    statement = enter_statement(keeper, customer, figures(
        total_liabilities=D("1100000"), equity=D("-100000"), retained_earnings=D("-300000"), ebit=D("-50000"),
        net_income=D("-80000"), operating_cash_flow=D("-10000"), gross_profit=D("-5000")))
    assert statement.equity == D("-100000.00")


def test_assets_may_differ_from_liabilities_plus_equity_by_one_percent_of_assets(keeper, customer):
    enter_statement(keeper, customer, figures(equity=D("390000")))  # 10,000 apart: exactly 1 % of 1,000,000
    assert refusal(keeper, customer, period_end=dt.date(2024, 12, 31), equity=D("389999.99")) == {"equity": [
        "Total liabilities plus equity (989999.99) differ from total assets (1000000.00) by more than 1% of total "
        "assets."]}


@pytest.mark.parametrize(("tolerance", "equity", "shown"), [("0", "399999.99", "0"), ("0.005", "394999.99", "0.5")])
def test_the_balance_tolerance_is_a_setting(keeper, customer, settings, tolerance, equity, shown):
    settings.CREDITDESK_BALANCE_TOLERANCE = tolerance
    assert refusal(keeper, customer, equity=D(equity))["equity"] == [
        f"Total liabilities plus equity ({D('600000.00') + D(equity)}) differ from total assets (1000000.00) by "
        f"more than {shown}% of total assets."]


def test_one_statement_per_customer_and_period_end(keeper, customer):
    enter_statement(keeper, customer, figures())
    assert refusal(keeper, customer) == {"period_end": [
        "This customer already has a statement for the period ending 2025-12-31; correct that one instead."]}
    enter_statement(keeper, CustomerFactory(), figures())  # another customer's year is its own


def test_the_database_refuses_what_the_checks_refuse(customer):
    for changes in ({"total_assets": D("0")}, {"cash": D("-1")}, {"cash": D("400000.01")}, {"period_months": 0}):
        with pytest.raises(IntegrityError), transaction.atomic():
            FinancialStatementFactory(customer=customer, **changes)


@pytest.mark.parametrize("role", ["sales", "collector", "auditor", "cfo"])
def test_roles_that_do_not_keep_credit_files_cannot_enter_statements(db, customer, role):
    with pytest.raises(PermissionDenied):
        enter_statement(UserFactory(username=f"u_{role}", role=role), customer, figures())


# --- correcting a statement --------------------------------------------------------------------------------------

def test_a_correction_is_audited_with_the_figures_before_and_after_and_the_reason(keeper, customer):
    statement = enter_statement(keeper, customer, figures())

    correct_statement(keeper, statement, {"total_liabilities": D("605000"), "equity": D("395000.00"),
                                          "cash": D("50000")}, "Auditor's adjustment: a provision of 5,000.")

    statement.refresh_from_db()
    assert (statement.total_liabilities, statement.equity) == (D("605000.00"), D("395000.00"))
    assert statement_entries()[1:] == [("financial_statement.correct", {
        "total_liabilities": ["600000.00", "605000.00"], "equity": ["400000.00", "395000.00"],
    }, "Auditor's adjustment: a provision of 5,000.")]  # cash unchanged: 50000 is 50000.00


def test_a_correction_without_a_change_writes_nothing_and_one_with_a_change_says_why(keeper, customer):
    statement = enter_statement(keeper, customer, figures())
    correct_statement(keeper, statement, {"equity": D("400000.00")}, "")
    assert len(statement_entries()) == 1
    with pytest.raises(ValidationError) as caught:
        correct_statement(keeper, statement, {"audited": False}, "  ")
    assert caught.value.message_dict == {"reason": ["Say why the statement is corrected."]}


def test_a_correction_passes_the_same_checks(keeper, customer):
    statement = enter_statement(keeper, customer, figures())
    with pytest.raises(ValidationError) as caught:
        correct_statement(keeper, statement, {"equity": D("100000")}, "Typo")
    assert list(caught.value.message_dict) == ["equity"]
    statement.refresh_from_db()
    assert statement.equity == D("400000.00")


# --- history and peers --------------------------------------------------------------------------------------------

def test_the_history_shows_each_period_with_growth_against_the_previous_period_of_the_same_length(
        customer, django_assert_num_queries):
    for period_end, months, revenue, net_income in [(dt.date(2023, 12, 31), 12, "1250000", "50000"),
                                                     (dt.date(2024, 12, 31), 12, "1600000", "80000"),
                                                     (dt.date(2025, 6, 30), 6, "900000", "30000"),
                                                     (YEAR_END, 12, "2000000", "70000")]:
        FinancialStatementFactory(customer=customer, period_end=period_end, period_months=months,
                                  revenue=D(revenue), net_income=D(net_income))

    with django_assert_num_queries(1):
        history = analysed_history(customer)

    assert [(a.statement.period_end, a.ratios.revenue_growth, a.ratios.net_income_growth) for a in history] == [
        (YEAR_END, D("0.2500"), D("-0.1250")),  # against 2024, not the half year: (2,000 − 1,600) / 1,600
        (dt.date(2025, 6, 30), None, None),  # no earlier half year to compare with
        (dt.date(2024, 12, 31), D("0.2800"), D("0.6000")),  # (1,600 − 1,250) / 1,250; (80 − 50) / 50
        (dt.date(2023, 12, 31), None, None),
    ]
    assert (history[0].altman.z, history[0].altman.zone) == (D("3.0772"), Zone.SAFE)
    assert history[1].ratios.return_on_assets == D("0.0600")  # 30,000 × 12/6 / 1,000,000


@pytest.fixture
def portfolio(customer):
    """Wholesale (F): the customer, P1 (current ratio 1.2), P2 (2.0, more debt), P3 (no current liabilities known);
    manufacturing (C): one more. P1's older statement is not its latest and does not count."""
    FinancialStatementFactory(customer=customer)
    p1 = CustomerFactory(industry="F")
    FinancialStatementFactory(customer=p1, current_assets=D("300000"))
    FinancialStatementFactory(customer=p1, period_end=dt.date(2024, 12, 31), current_assets=D("1000000"))
    FinancialStatementFactory(customer=CustomerFactory(industry="F"), current_assets=D("500000"),
                              total_liabilities=D("700000"), equity=D("300000"))
    FinancialStatementFactory(customer=CustomerFactory(industry="F"), period_end=dt.date(2025, 3, 31),
                              current_liabilities=None)
    FinancialStatementFactory(customer=CustomerFactory(industry="C"), current_assets=D("200000"),
                              current_liabilities=D("1000000"), total_liabilities=D("1000000"), equity=D("0"))


def test_industry_percentiles_place_the_latest_figures_among_the_peers_latest(
        customer, portfolio, django_assert_num_queries):
    with django_assert_num_queries(2):
        standings = industry_percentiles(customer)

    assert list(standings) == list(PEER_RATIOS)
    # current ratios 1.6 (own), 1.2, 2.0, P3 unknown: one below, itself half, of three → (1 + 0.5) / 3
    assert standings["current_ratio"] == Standing(D("1.6000"), D("50.0"), 3)
    # debt ratios 0.6 (own), 0.6, 0.7, 0.6: none below, three equal → (0 + 1.5) / 4
    assert standings["debt_ratio"] == Standing(D("0.6000"), D("37.5"), 4)
    # Z'': own 3.0772; P1 X1 = 0.05 → 2.4212; P2 X1 = 0.25, X4 = 0.4286 → 3.4832; P3 has no working capital
    assert standings["z_score"] == Standing(D("3.0772"), D("50.0"), 3)
    # every peer has the same margins: all equal → 50
    assert standings["net_margin"] == Standing(D("0.0350"), D("50.0"), 4)


def test_no_percentiles_without_a_statement_or_an_industry(customer, portfolio):
    assert industry_percentiles(CustomerFactory(industry="F")) == {}
    loner = CustomerFactory(industry="")
    FinancialStatementFactory(customer=loner)
    assert industry_percentiles(loner) == {}


def test_latest_statements_keep_each_customers_most_recent_period(customer, portfolio):
    latest = latest_statements().values_list("customer__industry", "period_end", "current_assets")
    assert sorted(latest) == [("C", YEAR_END, D("200000.00")), ("F", dt.date(2025, 3, 31), D("400000.00")),
                              ("F", YEAR_END, D("300000.00")), ("F", YEAR_END, D("400000.00")),
                              ("F", YEAR_END, D("500000.00"))]


# --- the financial-statements import -----------------------------------------------------------------------------

def feed(actor, text: str, name: str = "financial-statements.csv"):
    return run_import(actor, "financial-statements", name, text.encode())


def errors(batch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


GOOD_FILE = HEADER + (
    f"C100001,2025-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}\n"
    # by external id; no currency: the customer's; a source by its label; a loss in brackets; unknown lines empty
    'ERP-77,2025-06-30,6,,no,Tax filing,"300,000.00",20000,,,800000,260000,500000,300000,(40000.00),900000,,'
    "-15000,12000,-20000,\n"
)


def test_a_statements_file_creates_each_statement_and_audits_it(keeper, customer):
    usd_customer = CustomerFactory(external_id="ERP-77", currency_id="USD")

    batch = feed(keeper, GOOD_FILE)

    assert (batch.status, errors(batch), batch.created_count) == (ImportStatus.APPLIED, [], 2)
    first = FinancialStatement.objects.get(customer=customer)
    assert {line: getattr(first, line) for line in HAND_WORKED} == HAND_WORKED
    assert (first.period_end, first.audited, first.source, first.entered_by) == (YEAR_END, True, "annual_report",
                                                                                  keeper)
    second = FinancialStatement.objects.get(customer=usd_customer)
    assert (second.period_end, second.period_months, second.currency_id, second.audited, second.source) == (
        dt.date(2025, 6, 30), 6, "USD", False, "tax_filing")
    assert (second.current_assets, second.retained_earnings, second.ebit, second.net_income) == (
        D("300000.00"), D("-40000.00"), D("-15000.00"), D("-20000.00"))
    assert (second.receivables, second.inventory, second.gross_profit, second.operating_cash_flow) == (
        None, None, None, None)
    assert [(action, reason) for action, _changes, reason in statement_entries()] == [
        ("financial_statement.create", f"Import #{batch.pk} financial-statements.csv")] * 2


def test_the_same_file_again_writes_nothing_and_a_changed_figure_is_a_correction(keeper, customer):
    CustomerFactory(external_id="ERP-77")
    feed(keeper, GOOD_FILE)

    again = feed(keeper, GOOD_FILE)
    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == ("applied", 0, 0, 2)
    assert len(statement_entries()) == 2

    corrected = feed(keeper, GOOD_FILE.replace("600000,400000,180000", "610000,390000,180000"), "restated.csv")
    assert (corrected.created_count, corrected.updated_count, corrected.unchanged_count) == (0, 1, 1)
    assert statement_entries()[2:] == [("financial_statement.correct", {
        "total_liabilities": ["600000.00", "610000.00"], "equity": ["400000.00", "390000.00"]},
        f"Import #{corrected.pk} restated.csv")]


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_cell(keeper, customer):
    rows = [
        f"NOBODY,2025-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}",
        f"C100001,31/12/2025,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}",
        f"C100001,2025-12-31,12,CNY,yes,rumour,{HAND_WORKED_CELLS}",
        f"C100001,2023-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS.replace(',400000,180000', ',300000,180000')}",
        f"C100001,2022-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS.replace('400000,50000', '400000,450000')}",
        f"C100001,2021-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS.replace(',2000000,500000', ',-5,')}",
        f"C100001,2024-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}",
        f"C100001,2024-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}",
        f"C100001,2020-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS.replace(',1000000,', ',1.000.000,')}",
        f"C100001,2019-12-31,30,CNY,yes,annual_report,{HAND_WORKED_CELLS}",
        f"C100001,2018-12-31,12,XXX,yes,annual_report,{HAND_WORKED_CELLS}",
    ]

    batch = feed(keeper, HEADER + "\n".join(rows) + "\n")

    assert batch.status == ImportStatus.INVALID
    assert errors(batch) == [
        (2, "customer", "No customer with external id or number “NOBODY”."),
        (3, "period_end", "“31/12/2025” is not a date (use YYYY-MM-DD)."),
        (4, "source", "“rumour” is not one of: annual_report, tax_filing, management_accounts, agency, other."),
        (10, "total_assets", "“1.000.000” is not an amount (use 1234.56)."),
        (12, "currency", "Unknown currency “XXX”."),
        (9, "period_end", "Duplicate of row 8."),
        (5, "equity", "Total liabilities plus equity (900000.00) differ from total assets (1000000.00) by more than "
                      "1% of total assets."),
        (6, "cash", "Cash and equivalents cannot exceed current assets."),
        (7, "revenue", "Revenue cannot be negative."),
        (11, "period_months", "Ensure this value is less than or equal to 24."),
    ]
    assert FinancialStatement.objects.count() == 0


def test_a_file_without_a_required_column_is_refused_before_any_row(keeper, customer):
    batch = feed(keeper, "customer,period_end,source,total_assets,total_liabilities\n"
                         "C100001,2025-12-31,annual_report,1000000,600000\n")
    assert errors(batch) == [(1, "equity", "Required column is missing.")]


def test_a_workbook_with_column_titles_imports_like_a_csv(keeper, customer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Customer", "Period end", "Source", "Total assets", "Total liabilities", "Equity", "EBIT",
                  "Current assets", "Current liabilities", "Retained earnings"])
    sheet.append(["C100001", dt.datetime(2025, 12, 31), "agency", 1000000, 600000, 400000, 120000.5, 400000, 250000,
                  180000])
    content = io.BytesIO()
    workbook.save(content)

    batch = run_import(keeper, "financial-statements", "statements.xlsx", content.getvalue())

    assert (batch.status, errors(batch)) == (ImportStatus.APPLIED, [])
    statement = FinancialStatement.objects.get()
    assert (statement.source, statement.ebit, statement.currency_id, statement.period_months, statement.revenue) == (
        "agency", D("120000.50"), "CNY", 12, None)


def test_a_long_file_takes_as_many_queries_as_a_short_one(keeper):
    def queries_for(count: int) -> int:
        customers = [CustomerFactory() for _ in range(count)]
        text = HEADER + "".join(f"{c.code},2025-12-31,12,CNY,yes,annual_report,{HAND_WORKED_CELLS}\n"
                                for c in customers)
        with CaptureQueriesContext(connection) as queries:
            batch = feed(User.objects.get(pk=keeper.pk), text)
        assert (batch.status, batch.created_count) == (ImportStatus.APPLIED, count)
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_only_someone_who_may_enter_statements_may_import_them(db, customer):
    with pytest.raises(PermissionDenied):
        feed(UserFactory(username="li.sales", role="sales"), GOOD_FILE)
