"""Typed amounts and dates: every written form read like the extractor reads print, and the
two forms that depend on a convention refused without one (never guessed)."""

from datetime import date
from decimal import Decimal

import pytest

from invoicepipe.domain.typed_input import UNKNOWN, Convention, TypedInputError, read_amount, read_date

GERMAN = Convention(",", "dmy")
AMERICAN = Convention(".", "mdy")


@pytest.mark.parametrize("typed, value", [
    ("12,50", "12.50"), ("12.50", "12.50"), ("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("1 234,56", "1234.56"),
    ("1'234.55", "1234.55"), ("1,23,456.00", "123456.00"), ("(12.50)", "-12.50"), ("12.50-", "-12.50"), ("-12,50", "-12.50"),
    ("€ 12,50", "12.50"), ("12,50 EUR", "12.50"), ("CHF 1'234.–", "1234.00"), ("12", "12.00"), ("1.234.567", "1234567.00"),
])
def test_unambiguous_amounts_read_the_same_in_every_convention(typed, value):
    for convention in (UNKNOWN, GERMAN, AMERICAN):
        assert read_amount(typed, convention) == Decimal(value)


def test_one_separator_before_three_digits_needs_a_convention():
    with pytest.raises(TypedInputError, match="ambiguous"):
        read_amount("1.234")
    with pytest.raises(TypedInputError, match="ambiguous"):
        read_amount("1,234")
    assert read_amount("1.234", GERMAN) == Decimal("1234.00")
    assert read_amount("1,234", AMERICAN) == Decimal("1234.00")
    with pytest.raises(TypedInputError, match="more than two decimals"):
        read_amount("1.234", AMERICAN)


@pytest.mark.parametrize("typed", ["lots", "1.2345", "12,5,0", "9" * 40, "1e400", ""])
def test_what_is_not_an_amount_is_refused_with_a_bounded_message(typed):
    with pytest.raises(TypedInputError) as caught:
        read_amount(typed)
    assert len(str(caught.value)) < 140


@pytest.mark.parametrize("typed", ["2026-03-04", "04.03.2026", "4.3.2026", "4-Mar-26", "04-Mar-2026", "4. März 2026",
                                   "4 de marzo de 2026", "March 4, 2026", "4 mars 2026", "4 Mar 2026."])
def test_written_dates(typed):
    assert read_date(typed) == date(2026, 3, 4)


def test_a_numeric_date_that_reads_two_ways_needs_a_convention():
    with pytest.raises(TypedInputError, match="2026-04-03 or 2026-03-04"):
        read_date("03/04/2026")
    assert read_date("03/04/2026", GERMAN) == date(2026, 4, 3)
    assert read_date("03/04/2026", AMERICAN) == date(2026, 3, 4)
    assert read_date("13/04/2026") == date(2026, 4, 13)  # only one reading is a date


@pytest.mark.parametrize("typed", ["next Friday", "2026-02-30", "invoice of 2026-03-04", "31/31/2026"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(TypedInputError):
        read_date(typed)
