"""A tax summary row whose rate is printed without its percent sign (``rate_split.unmarked_rate_rows``):
"22,00  2.608,28  573,82" under column captions in a language the vocabulary lacks. The
arithmetic names the rate, the base and the tax; the rows must still add up to the largest amount."""

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.column_totals import rate_rows_totals
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.rate_split import unmarked_rate_rows
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows

_RIGHT = 520.0


def _right(text: str) -> tuple[float, str]:
    return (_RIGHT - len(text) * CHAR_W, text)


def _invoice(rate_row) -> dict:
    return {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
            4: [(40, "Vara"), (300, "Magn"), (380, "Verð"), _right("Upphæð")],
            5: [(40, "Pappír A4"), (300, "25"), (380, "331,00"), _right("8.275,00")],
            6: [(40, "Kaffi"), (300, "2"), (380, "1.000,00"), _right("2.000,00")],
            8: [(40, "Yfirlit"), (200, "Hlutfall"), (380, "Stofn"), _right("Fjárhæð")],
            9: rate_row,
            11: [(300, "Greiðist"), _right("12.741,00")]}


# the rate, its base in the price column and its tax in the amount column, where items' amounts stand
_ROW = [(40, "A"), (200, "24,00"), (380, "10.275,00"), _right("2.466,00")]


def test_a_rate_without_its_sign_names_the_base_and_the_tax_that_add_up_to_the_largest_amount():
    ctx = document_context(doc_from_rows(_invoice(_ROW)))[0]
    assert [(r.rate, r.net, r.tax) for r in unmarked_rate_rows(ctx)] == [(Decimal("24.00"), Decimal("10275.00"), Decimal("2466.00"))]
    assert tuple(c.value for c in rate_rows_totals(ctx)) == ("10275.00", "2466.00", "12741.00")
    ex = extract_invoice(doc_from_rows(_invoice(_ROW)), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("10275.00", "2466.00", "12741.00")


def test_the_summary_row_under_the_items_amount_column_is_no_item():
    # the rate's row read on under the items (its tax in the amount column, its base in the
    # unit price's): the items add up to the net only without it
    rows = _invoice([(40, "I"), (300, "24,00"), (380, "10.275,00"), _right("2.466,00")])
    rows[4] = [(40, "Description"), (250, "Qty"), (300, "Unit price"), (400, "VAT"), _right("Amount")]
    rows[5] = [(40, "Pappír A4"), (250, "25,00"), (300, "331,0000"), (400, "24,00"), _right("8.275,00")]
    rows[6] = [(40, "Kaffi"), (250, "2,00"), (300, "1.000,0000"), (400, "24,00"), _right("2.000,00")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("net") == "10275.00"
    assert [item.amount for item in ex.lines] == [Decimal("8275.00"), Decimal("2000.00")]


def test_numbers_no_rate_makes_a_tax_of_name_nothing():
    # a cent off: 24 % of 10.275,00 is 2.466,00, not 2.467,00
    off = [(40, "A"), (200, "24,00"), (380, "10.275,00"), _right("2.467,00")]
    ctx = document_context(doc_from_rows(_invoice(off)))[0]
    assert unmarked_rate_rows(ctx) == [] and rate_rows_totals(ctx) is None
    # a "rate" above any VAT rate
    high = [(40, "A"), (200, "40,00"), (380, "10.275,00"), _right("4.110,00")]
    assert unmarked_rate_rows(document_context(doc_from_rows(_invoice(high)))[0]) == []
