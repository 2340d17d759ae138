"""Three ways a poorly read page made a wrong value look sure, each now held for a person:

- a tax larger than its net closes net + tax = total only by chance (``amount_checks``);
- one rate's row of a tax breakdown, with its own gross, passes for the whole invoice where
  the document's total was not read (``column_totals.rate_rows_totals``);
- the field's own label printed and its value unread leaves a weaker label's value, which
  the calibration would call sure (``unread_label``).
"""

import pytest

from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.domain.calibration import apply_calibration
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.column_totals import rate_rows_totals
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.extract import CONTESTED_DATE_CONFIDENCE
from tests.unit.test_extraction_fields import doc_from_rows

# routing thresholds in policy/default.yaml
TOTAL_THRESHOLD = 0.95
DATE_THRESHOLD = 0.85

HEAD = {0: "Harlow Print Services Ltd", 1: "12 Mill Lane, Leeds LS1 4AB", 3: "Invoice No: HP-20417",
        4: "Invoice Date: 14/03/2026"}


def _calibrated(rows: dict, field: str):
    raw = extract_invoice(doc_from_rows({**HEAD, **rows}), [])
    return raw.fields.get(field), apply_calibration(raw, load_calibration(), "text").confidence(field)


def test_a_tax_larger_than_its_net_is_no_arithmetic():
    # three small amounts read wrong add up: 0.58 + 2.88 = 3.46, a "tax" of 496 %
    rows = {8: [(300, "Net"), (450, "0.58")], 9: [(300, "VAT"), (450, "2.88")],
            10: [(300, "Total"), (450, "3.46")], 11: [(300, "Grand total"), (450, "4.06")]}
    total, calibrated = _calibrated(rows, "total")
    assert "arithmetic" not in total.evidence
    assert calibrated < TOTAL_THRESHOLD


def test_a_plausible_tax_still_closes_the_sum():
    rows = {8: [(300, "Net"), (450, "100.00")], 9: [(300, "VAT 20%"), (450, "20.00")],
            10: [(300, "Total"), (450, "120.00")]}
    total, _ = _calibrated(rows, "total")
    assert total.value == "120.00" and "arithmetic" in total.evidence


# a breakdown printing base, rate, tax and gross per rate, in a language the labels do not
# know; the invoice's total line is lost (a photo's fold)
BREAKDOWN = {
    0: "Tlačiareň s.r.o.",
    8: [(200, "8.275,00"), (300, "24 %"), (400, "1.986,00"), (480, "10.261,00")],
    9: [(200, "2.000,00"), (300, "11 %"), (400, "220,00"), (480, "2.220,00")],
}


def test_one_rates_row_with_its_gross_is_not_the_invoice():
    # 8,275 + 1,986 = 10,261, the largest amount left, but printed on that row itself
    assert rate_rows_totals(document_context(doc_from_rows(BREAKDOWN))[0]) is None


def test_the_rows_add_up_to_a_total_printed_apart():
    rows = {**BREAKDOWN, 11: [(300, "Spolu"), (480, "12.481,00")]}
    found = rate_rows_totals(document_context(doc_from_rows(rows))[0])
    assert tuple(c.value for c in found) == ("10275.00", "2206.00", "12481.00")


def test_a_weaker_labels_date_is_held_where_the_dates_own_label_is_unread():
    # the date beside "Invoice Date" garbled; an acknowledgement's bare "Date" remains
    date, calibrated = _calibrated({4: "Invoice Date: l4/O3/2O2b", 5: "Ack No: 1120261234", 6: "Date: 16/03/2026"},
                                   "invoice_date")
    assert date.value == "2026-03-16"  # offered to the person
    assert "stronger_label_unread" in date.evidence
    assert date.confidence <= CONTESTED_DATE_CONFIDENCE and calibrated < DATE_THRESHOLD


@pytest.mark.parametrize("rows", [
    {4: "Date: 16/03/2026"},
    # the field named in a sentence is no label whose value went unread
    {4: "Date: 16/03/2026", 12: "Payment within 30 days of invoice date"},
])
def test_a_weaker_labels_date_stays_sure_where_nothing_stronger_labels_a_value(rows):
    date, calibrated = _calibrated(rows, "invoice_date")
    assert date.value == "2026-03-16" and "stronger_label_unread" not in date.evidence

