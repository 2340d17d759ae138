"""The amounts' region read again by the real Tesseract: a misread total (simulated on the
first reading's words) is read again from the page image, in the page's own point space,
and the reading is kept because net + tax = total then agrees."""

from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from invoicepipe.adapters import ocr_amounts
from invoicepipe.adapters.ocr import TESSERACT_CONFIG, read_with_ocr, tesseract_words
from invoicepipe.domain.extraction import extract_invoice

from .test_readers import _tesseract_or_skip, invoice_pdf

pytestmark = pytest.mark.integration
DPI = 200


def _page_image():
    return pdfium.PdfDocument(invoice_pdf())[0].render(scale=DPI / 72, grayscale=True).to_pil()


def _misread_total(doc):
    """The first reading with the total's digits garbled as a blurred photo reads them."""
    page = doc.pages[0]
    words = tuple(replace(w, text="29A.0O") if w.text.endswith("294.00") else w for w in page.words)
    return replace(doc, pages=(replace(page, words=words),))


def test_a_misread_total_is_read_again_from_the_page_and_agrees():
    _tesseract_or_skip()
    assert TESSERACT_CONFIG.endswith("--psm 3")
    first = read_with_ocr(invoice_pdf(), "application/pdf", dpi=DPI)
    assert extract_invoice(first, []).value("total") == "294.00"  # nothing to read again: unchanged
    misread = _misread_total(first)
    assert extract_invoice(misread, []).value("total") != "294.00"
    regions = []

    def read_region(image, px, number):
        regions.append(image.size)
        return tesseract_words(image, px, number, "eng", psm=ocr_amounts.BLOCK_PSM)

    again = ocr_amounts.reread_amounts(misread, {1: (_page_image(), DPI / 72)}, read_region)
    ex = extract_invoice(again, [])
    assert ex.value("total") == "294.00" and "arithmetic" in ex.fields["total"].evidence
    assert len(regions) == 1 and regions[0][0] == round(_page_image().width * ocr_amounts.SCALE)
    total = next(w for w in again.pages[0].words if w.text.endswith("294.00"))
    printed = next(w for w in first.pages[0].words if w.text.endswith("294.00"))
    assert total.box.top == pytest.approx(printed.box.top, abs=3)  # back in the page's points
    assert total.box.x0 == pytest.approx(printed.box.x0, abs=3)
