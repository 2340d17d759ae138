"""A scanned date of issue's cell read again by the real Tesseract: a date the page reading
garbled (simulated on the first reading's words, as a speck or a neighbouring row makes
Tesseract read it) is read again from the page image, in the page's own point space, and
only the date's rows take the second reading."""

from dataclasses import replace

import pytest

from invoicepipe.adapters import ocr_dates
from invoicepipe.adapters.ocr import read_with_ocr, tesseract_words
from invoicepipe.domain.extraction import extract_invoice

from .test_ocr_amounts import DPI, _page_image
from .test_readers import _tesseract_or_skip, invoice_pdf

pytestmark = pytest.mark.integration


def _garbled_date(doc):
    """The first reading with the date's year lost in marks ("14 March i 202 6e")."""
    page = doc.pages[0]
    words = []
    for w in page.words:
        if w.text == "2026" and any(v.text == "March" and abs(v.box.top - w.box.top) < 3 for v in page.words):
            words += [replace(w, text="i 202", confidence=0.4)]
        else:
            words.append(w)
    return replace(doc, pages=(replace(page, words=tuple(words)),))


def test_a_garbled_date_of_issue_is_read_again_from_its_labels_cell():
    _tesseract_or_skip()
    first = read_with_ocr(invoice_pdf(), "application/pdf", dpi=DPI)
    assert extract_invoice(first, []).value("invoice_date") == "2026-03-14"
    regions = []

    def read_region(image, px, number):
        regions.append(image.size)
        return tesseract_words(image, px, number, "eng", psm=ocr_dates.BLOCK_PSM)

    # read surely the first time: nothing is read again
    assert ocr_dates.reread_dates(first, {1: (_page_image(), DPI / 72)}, read_region) is first and not regions
    garbled = _garbled_date(first)
    assert extract_invoice(garbled, []).value("invoice_date") != "2026-03-14"
    again = ocr_dates.reread_dates(garbled, {1: (_page_image(), DPI / 72)}, read_region)
    assert extract_invoice(again, []).value("invoice_date") == "2026-03-14"
    assert len(regions) == 1
    year = next(w for w in again.pages[0].words if w.text == "2026")
    printed = next(w for w in first.pages[0].words if w.text == "2026")
    assert year.box.top == pytest.approx(printed.box.top, abs=3)  # back in the page's points
    assert year.box.x0 == pytest.approx(printed.box.x0, abs=3)
    # the rows under the date (the table) keep their first reading, word for word
    table = {w for w in garbled.pages[0].words if w.box.top > year.box.bottom + 20}
    assert {w for w in again.pages[0].words if w.box.top > year.box.bottom + 20} == table
