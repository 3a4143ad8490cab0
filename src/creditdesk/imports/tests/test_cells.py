"""Reading one cell: numbers and dates in the ASCII digits 0–9 only, amounts that fit the ledger's money columns.

Python's int(), Decimal() and strptime() also read full-width (１２３) and Arabic-Indic (١٢٣) digits; an import
refuses them, naming the column, as it refuses any other cell it cannot read.
"""

import datetime as dt
from decimal import Decimal

import pytest

from creditdesk.core.bounds import MONEY_MAX
from creditdesk.imports.cells import RowProblem, parse_date, parse_int, parse_money


def problem(parse, text: str, *args) -> tuple[str, str]:
    with pytest.raises(RowProblem) as caught:
        parse("column", text, *args)
    return caught.value.column, caught.value.message


@pytest.mark.parametrize("text", ["１２３", "١٢٣", "۱۲۳", "१२३", "12３"])
def test_whole_numbers_in_other_digits_are_refused(text):
    assert problem(parse_int, text, 30) == ("column", f"“{text}”: write numbers with the digits 0–9.")


@pytest.mark.parametrize(("text", "value"), [("", 30), ("0", 0), ("60", 60), ("0060", 60), ("720", 720)])
def test_whole_numbers_in_ascii_digits_are_read(text, value):
    assert parse_int("column", text, 30) == value


@pytest.mark.parametrize(("text", "message"), [
    ("721", "721 is out of range (0–720)."),
    ("9" * 5000, f"{'9' * 5000} is out of range (0–720)."),
    ("+60", "“+60” is not a whole number."),
    ("6_0", "“6_0” is not a whole number."),
    ("²", "“²” is not a whole number."),
])
def test_whole_numbers_out_of_range_or_not_plain_digits_are_refused(text, message):
    assert problem(parse_int, text, 30) == ("column", message)


@pytest.mark.parametrize("text", ["１２３.４５", "١٢٣.٤٥", "1,２34.56"])
def test_amounts_in_other_digits_are_refused(text):
    assert problem(parse_money, text) == ("column", f"“{text}”: write numbers with the digits 0–9.")


@pytest.mark.parametrize(("text", "amount"), [
    ("9999999999999.99", Decimal("9999999999999.99")),
    ("9,999,999,999,999.99", Decimal("9999999999999.99")),
    ("0001234.5", Decimal("1234.50")),
])
def test_amounts_up_to_what_a_money_column_holds_are_read(text, amount):
    assert parse_money("column", text) == amount == amount.quantize(Decimal("0.01"))
    assert amount <= MONEY_MAX


@pytest.mark.parametrize("text", ["10000000000000.00", "10000000000000", "99999999999999999999"])
def test_amounts_past_what_a_money_column_holds_are_refused(text):
    assert problem(parse_money, text) == (
        "column", f"“{text}” is more than 9,999,999,999,999.99, the largest amount a ledger holds.")


@pytest.mark.parametrize("text", ["２０２６-11-30", "٢٠٢٦1130", "２０２６年11月30日", "11/30/２０２６"])
def test_dates_in_other_digits_are_refused(text):
    assert problem(parse_date, text) == ("column", f"“{text}”: write numbers with the digits 0–9.")


def test_dates_in_ascii_digits_are_still_read_in_every_format():
    assert {parse_date("column", text) for text in ["2026-11-30", "2026/11/30", "30.11.2026", "20261130",
                                                    "2026年11月30日", "11/30/2026"]} == {dt.date(2026, 11, 30)}
