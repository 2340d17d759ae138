"""When a scanned date of issue is read again, where, and which reading is kept
(``date_reread``); the OCR adapter that reads the pixels is ``adapters/ocr_dates``."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.date_reread import (LINES_BELOW, REACH_RIGHT, better_reading, date_rows,
                                                       label_regions, needs_reread)
from invoicepipe.domain.models import Box
from tests.unit.test_extraction_fields import CHAR_W, ROW_H, doc_from_rows

ROWS = {0: "Acme Supplies Ltd", 2: "Invoice number: INV-2026-0815", 3: "Invoice date: 14 March 2026",
        5: "Paper A4   10   4.50   45.00", 7: "Total due   GBP 45.00"}


def _doc(date_row: str, confidence: float = 0.9):
    return doc_from_rows({**ROWS, 3: date_row}, confidence=confidence)


def test_a_sure_date_is_not_read_again_a_lost_or_unsure_one_is():
    assert not needs_reread(extract_invoice(_doc(ROWS[3]), []))
    assert needs_reread(extract_invoice(_doc("Invoice date: 14 March i 202"), []))  # lost
    # a date that only the order of the page guesses (no label reaches it): unsure
    assert needs_reread(extract_invoice(_doc("Invo1ce d@te 14.03.2026"), []))


def test_the_region_is_the_labels_line_and_the_lines_under_it():
    regions = label_regions(_doc("Invoice date: 14 March i 202"))
    assert len(regions) == 1
    page, box = regions[0]
    assert page == 1
    label_top, label_x0 = 40 + 3 * ROW_H, 40.0  # doc_from_rows: row 3, the label at the left margin
    assert box.top < label_top < box.bottom and box.x0 <= label_x0
    assert box.bottom - label_top >= LINES_BELOW * 10  # a value under its caption
    assert box.x1 >= label_x0 + len("Invoice date:") * CHAR_W + REACH_RIGHT / 2 * CHAR_W  # a value a column gap right
    assert label_regions(doc_from_rows({0: "Acme Supplies Ltd", 2: "Total 45.00"})) == []  # no date label


def test_a_second_reading_is_kept_only_when_it_gives_the_date_or_gives_it_more_surely():
    lost = extract_invoice(_doc("Invoice date: 14 March i 202"), [])
    found = extract_invoice(_doc(ROWS[3]), [])
    assert better_reading(lost, found)
    assert not better_reading(found, lost)
    assert not better_reading(found, found)  # the same date as surely: nothing gained
    assert not better_reading(lost, lost)


def test_only_the_dates_rows_take_the_second_reading():
    found = extract_invoice(_doc(ROWS[3]), [])
    date = found.fields["invoice_date"]
    region = Box(0, date.box.top - 20, 595, date.box.bottom + 60)
    rows = date_rows(found, 1, region)
    assert rows.top <= date.box.top and rows.bottom >= date.box.bottom
    assert rows.bottom < date.box.bottom + 10 and rows.top > date.box.top - 15  # not the rows under it
    assert date_rows(found, 2, region) is None  # another page
    assert date_rows(found, 1, Box(0, 600, 595, 700)) is None  # not in the region read
