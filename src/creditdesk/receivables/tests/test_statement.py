"""Statement of account: exact open items, credits and aging as of the day, in the customer's language, as a
PDF that carries the Chinese font and text.

The world below, as of 2026-11-30 (CNY unless said):
  S-1  due 2026-10-16 (45 days overdue)  1,130.00, 330.00 of a 500.00 payment set against it → 800.00 open
  S-2  due 2026-12-10 (not due)           2,260.00, 100.00 allocated only on 2026-12-01 → all open that day
  S-3  due 2026-11-20                        100.00, fully paid on 2026-11-25 → not on the statement
  S-4  cancelled                             999.00 → not on the statement
  S-5  issued 2026-12-05, after the day       70.00 → not on the statement
  U-1  USD, due 2026-11-25 (5 days overdue)    10.00, open
  credit note CN-1 on account                  50.00 → unallocated
"""

import contextlib
import datetime as dt
import re
import time
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
import weasyprint
from django.core.management import call_command
from django.utils import translation

from creditdesk.core.templatetags.creditdesk import money
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.services import allocate, record_credit_note, record_invoice, record_payment
from creditdesk.receivables.statement import (
    TEMPLATE,
    OpenCredit,
    OpenInvoice,
    statement_context,
    statement_html,
    statement_pdf,
)
from creditdesk.testing.factories import CustomerFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)
CHINESE_NAME = "上海某某贸易有限公司"
PROJECT = Path(__file__).resolve().parents[2]  # src/creditdesk


def bill(actor, customer, number: str, due: dt.date, gross: str, currency: str = "CNY", **extra) -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": due - dt.timedelta(days=30),
                                  "due_date": due, "currency_id": currency, "net_amount": D(gross),
                                  "tax_amount": D("0.00"), "gross_amount": D(gross), **extra})


def pay(actor, customer, amount: str, on: dt.date, reference: str = ""):
    return record_payment(actor, {"customer": customer, "received_on": on, "amount": D(amount), "currency_id": "CNY",
                                  "bank_reference": reference})


def ledger(actor, customer) -> None:
    late = bill(actor, customer, "S-1", dt.date(2026, 10, 16), "1130.00")
    part = pay(actor, customer, "500.00", dt.date(2026, 11, 10), "BOC-778")
    allocate(actor, late, part, D("330.00"), on=dt.date(2026, 11, 10))
    later = bill(actor, customer, "S-2", dt.date(2026, 12, 10), "2260.00", disputed=True)
    allocate(actor, later, pay(actor, customer, "100.00", dt.date(2026, 12, 1)), D("100.00"), on=dt.date(2026, 12, 1))
    paid = bill(actor, customer, "S-3", dt.date(2026, 11, 20), "100.00")
    allocate(actor, paid, pay(actor, customer, "100.00", dt.date(2026, 11, 25)), D("100.00"),
             on=dt.date(2026, 11, 25))
    bill(actor, customer, "S-4", dt.date(2026, 11, 1), "999.00", status="cancelled")
    record_invoice(actor, {"customer": customer, "number": "S-5", "invoice_date": dt.date(2026, 12, 5),
                           "due_date": dt.date(2027, 1, 4), "currency_id": "CNY", "net_amount": D("70.00"),
                           "tax_amount": D("0.00"), "gross_amount": D("70.00")})
    bill(actor, customer, "U-1", dt.date(2026, 11, 25), "10.00", currency="USD")
    record_credit_note(actor, {"customer": customer, "number": "CN-1", "issued_on": dt.date(2026, 11, 20),
                               "amount": D("50.00"), "currency_id": "CNY"})


@pytest.fixture
def chinese_customer(analyst):
    customer = CustomerFactory(name="Shanghai Moumou Trading Co., Ltd.", local_name=CHINESE_NAME, language="zh-hans",
                               address="上海市浦东新区世纪大道100号\n20楼", code="C-0001")
    ledger(analyst, customer)
    return customer


@pytest.fixture
def english_customer(analyst):
    customer = CustomerFactory(name="Acme Trading Ltd", local_name="阿克米贸易有限公司", language="en",
                               address="1 Harbour Road, Hong Kong", code="C-0002")
    ledger(analyst, customer)
    return customer


@pytest.fixture
def catalogue(settings):
    """The committed Chinese catalogue compiled (as `make messages` does), and Django's catalogue cache emptied."""
    with contextlib.chdir(PROJECT):
        call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=[".venv", "static", "node_modules"],
                     verbosity=0)
    settings.LOCALE_PATHS = [PROJECT / "locale"]


def page_texts(html: str) -> list[str]:
    """The text WeasyPrint lays out on the pages, box by box: what the PDF shows."""
    document = weasyprint.HTML(string=html).render()
    return [box.text for page in document.pages for box in page._page_box.descendants() if hasattr(box, "text")]


def flate_streams(pdf: bytes) -> list[bytes]:
    """The PDF's compressed streams, inflated: WeasyPrint packs font objects and text maps into them."""
    streams = []
    for start in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            streams.append(zlib.decompressobj().decompress(pdf[start.end():]))
    return streams


def test_context_has_exactly_the_open_items_credits_and_aging_of_the_day(chinese_customer):
    context = statement_context(chinese_customer, AS_OF)

    assert context["company"] == "CreditDesk"
    assert context["customer"] == chinese_customer
    assert context["names"] == [CHINESE_NAME, "Shanghai Moumou Trading Co., Ltd."]
    assert (context["as_of"], context["language"], context["overdue"]) == (AS_OF, "zh-hans", True)
    cny, usd = context["sections"]
    assert cny.currency == "CNY"
    assert cny.invoices == [
        OpenInvoice("CNY", "S-1", dt.date(2026, 9, 16), dt.date(2026, 10, 16), 45, D("1130.00"), D("800.00"), False),
        OpenInvoice("CNY", "S-2", dt.date(2026, 11, 10), dt.date(2026, 12, 10), 0, D("2260.00"), D("2260.00"), True),
    ]
    assert cny.credits == [
        OpenCredit("CNY", "payment", "BOC-778", dt.date(2026, 11, 10), D("500.00"), D("170.00")),
        OpenCredit("CNY", "credit_note", "CN-1", dt.date(2026, 11, 20), D("50.00"), D("50.00")),
    ]
    assert (cny.open_total, cny.overdue_total, cny.credit_total, cny.balance) == (
        D("3060.00"), D("800.00"), D("220.00"), D("2840.00"))
    assert cny.aging is not None
    assert cny.aging.amounts == {"not_due": D("2260.00"), "1_30": D("0.00"), "31_60": D("800.00"), "61_90": D("0.00"),
                                 "91_180": D("0.00"), "181_365": D("0.00"), "over_365": D("0.00")}
    assert cny.aging.total == D("3060.00")
    assert cny.aging_amounts == [D("2260.00"), D("0.00"), D("800.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")]
    assert usd.currency == "USD"
    assert [(i.number, i.days_overdue, i.open_amount) for i in usd.invoices] == [("U-1", 5, D("10.00"))]
    assert (usd.credits, usd.aging.total, usd.aging.amounts["1_30"]) == ([], D("10.00"), D("10.00"))
    assert context["aged_sections"] == [cny, usd]


def test_a_later_day_counts_the_later_allocations(chinese_customer):
    cny = statement_context(chinese_customer, dt.date(2026, 12, 31))["sections"][0]
    assert [(i.number, i.open_amount) for i in cny.invoices] == [
        ("S-1", D("800.00")), ("S-2", D("2160.00")), ("S-5", D("70.00"))]
    assert cny.aging.total == cny.open_total == D("3030.00")


def test_the_company_name_comes_from_the_setting(chinese_customer, settings):
    settings.CREDITDESK_COMPANY_NAME = "华东机械制造有限公司"
    assert statement_context(chinese_customer, AS_OF)["company"] == "华东机械制造有限公司"
    assert "华东机械制造有限公司" in page_texts(statement_html(chinese_customer, AS_OF))


def test_amounts_and_dates_print_the_same_in_every_language(chinese_customer):
    assert money(D("1234567.8")) == "1,234,567.80"
    html = statement_html(chinese_customer, AS_OF)
    for shown in ["1,130.00", "2,260.00", "3,060.00", "2,840.00", "2026-10-16", "2026-11-30"]:
        assert shown in html


@pytest.mark.usefixtures("catalogue")
def test_a_chinese_customer_gets_a_chinese_statement(chinese_customer):
    with translation.override("en"):
        html = statement_html(chinese_customer, AS_OF)
        assert translation.get_language() == "en", "the customer's language is only switched on while rendering"
    assert '<html lang="zh-hans">' in html
    texts = page_texts(html)
    assert CHINESE_NAME in texts
    assert "Shanghai Moumou Trading Co., Ltd." in texts
    assert "上海市浦东新区世纪大道100号" in texts
    # labels whose translation the committed catalogue already has
    for label in ["客户", "客户编号", "币种", "未到期", "日期", "类型"]:
        assert label in texts, label
    for english in ["Customer", "Customer number", "Not due", "Currency"]:
        assert english not in texts, english


@pytest.mark.usefixtures("catalogue")
def test_an_english_customer_gets_an_english_statement(english_customer):
    with translation.override("zh-hans"):
        html = statement_html(english_customer, AS_OF)
    assert '<html lang="en">' in html
    texts = page_texts(html)
    assert texts.index("Acme Trading Ltd") < texts.index("阿克米贸易有限公司")
    for label in ["Statement of account", "Customer", "Customer number", "Open invoices", "Not due",
                  "Unallocated payments and credit notes", "Aging summary", "Balance", "Days overdue", "Disputed"]:
        assert label in texts, label
    assert any(text.startswith("Please pay the overdue amount") for text in texts)


def test_the_pdf_embeds_the_chinese_font_and_maps_its_glyphs_back_to_the_text(chinese_customer):
    started = time.perf_counter()
    pdf = statement_pdf(chinese_customer, AS_OF)
    assert time.perf_counter() - started < 10
    assert pdf.startswith(b"%PDF")
    streams = flate_streams(pdf)
    fonts = {name.split(b"+")[-1] for stream in streams
             for name in re.findall(rb"/FontName\s*/([^\s/<>\[\]]+)", stream)}
    assert fonts and all(name.startswith(b"Noto-Sans-CJK-SC") for name in fonts), fonts
    shown = {chr(int(code, 16)) for stream in streams if b"beginbfchar" in stream
             for code in re.findall(rb"<[0-9a-f]+>\s*<([0-9a-f]{4})>", stream)}
    assert set(CHINESE_NAME + "上海市浦东新区世纪大道客户编号") <= shown
    assert b"/Lang (zh-hans)" in b"".join(streams) + pdf


def test_a_customer_with_nothing_open_gets_a_short_statement(analyst):
    customer = CustomerFactory(language="en")
    context = statement_context(customer, AS_OF)
    assert (context["sections"], context["aged_sections"], context["overdue"]) == ([], [], False)
    texts = page_texts(statement_html(customer, AS_OF))
    assert "There are no open items on this date." in texts
    assert not any(text.startswith("Please pay") for text in texts)
    assert statement_pdf(customer, AS_OF).startswith(b"%PDF")


def test_every_word_of_the_template_goes_through_translation():
    """Outside tags, variables and the style sheet, the template has nothing but punctuation to show."""
    source = (PROJECT / "receivables" / "templates" / TEMPLATE).read_text()
    shown = re.sub(r"<style>.*?</style>|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", " ", source, flags=re.S)
    assert re.findall(r"\w+", shown) == []
