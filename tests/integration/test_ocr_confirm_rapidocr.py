"""The real RapidOCR recognizer reads an unsurely read invoice number's crop (``ocr_confirm``
with ``ocr_fallback.read_line_rapidocr``): another engine that reads the print as the page
did lifts the number, one that reads other characters (the "SI" Tesseract read as "51")
holds it under review and the capture record says so; one that differs only in shapes OCR
confuses gives the word its characters, still held."""

from dataclasses import replace

import pytest

from invoicepipe.adapters.ocr_confirm import confirm_identifiers
from invoicepipe.adapters.ocr_fallback import rapidocr_available, read_line_rapidocr
from invoicepipe.domain.extraction.identifier_reread import DISAGREED
from invoicepipe.domain.models import DocumentText, Page
from tests.printed_words import blank_page_for_rapidocr, print_line

pytestmark = pytest.mark.integration
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
PX = 200 / 72


@pytest.fixture(scope="module")
def page():
    """A page image with "Invoice No. SI000072" and its words as a page reading has them."""
    img, draw, font = blank_page_for_rapidocr(FONT, 34, 400)
    return img, print_line(draw, font, 120, 150, ("Invoice", "No.", "SI000072"), PX, gap=22)


def _doc(words, number_text: str, conf: float) -> DocumentText:
    out = [replace(w, text=number_text, confidence=conf) if w.text == "SI000072" else w for w in words]
    return DocumentText((Page(1, 1654 / PX, 400 / PX, tuple(out), "ocr_tesseract"),), None, "test")


def test_rapidocr_reads_the_crop_as_printed(page):
    img, words = page
    number = words[2]
    crop = img.crop((int(number.box.x0 * PX) - 8, int(number.box.top * PX) - 8,
                     int(number.box.x1 * PX) + 8, int(number.box.bottom * PX) + 8))
    (read,) = read_line_rapidocr(crop, PX, 1)
    assert read.text == "SI000072" and read.confidence > 0.9


def test_another_engine_that_agrees_lifts_the_number(page):
    img, words = page
    doc = confirm_identifiers(_doc(words, "SI000072", 0.6), {1: (img, PX)}, read_line_rapidocr,
                              engine=rapidocr_available())
    assert next(w for w in doc.pages[0].words if w.text == "SI000072").confidence > 0.9
    assert doc.pages[0].capture["ids_confirmed"] == 1 and doc.pages[0].capture["ids_disagreed"] == 0


def test_another_engine_that_reads_other_characters_holds_the_number(page):
    img, words = page
    doc = confirm_identifiers(_doc(words, "51000073", 0.69), {1: (img, PX)}, read_line_rapidocr,
                              engine=rapidocr_available())
    assert next(w for w in doc.pages[0].words if w.text == "51000073").confidence == DISAGREED
    capture = doc.pages[0].capture
    assert capture["ids_disagreed"] == 1 and capture["ids_confirmed_by"].startswith("rapidocr")
    assert "ids_read_as_other" not in capture


def test_confusable_shapes_take_the_other_engines_characters_still_held(page):
    """ "51000072" differs from RapidOCR's "SI000072" only in shapes OCR confuses (5/S, 1/I):
    the word takes RapidOCR's characters, and the value stays held (readers-1.17)."""
    img, words = page
    doc = confirm_identifiers(_doc(words, "51000072", 0.69), {1: (img, PX)}, read_line_rapidocr,
                              engine=rapidocr_available())
    texts = [w.text for w in doc.pages[0].words]
    assert "51000072" not in texts
    assert next(w for w in doc.pages[0].words if w.text == "SI000072").confidence == DISAGREED
    capture = doc.pages[0].capture
    assert capture["ids_disagreed"] == 1 and capture["ids_read_as_other"] == 1


def test_a_number_wrapped_in_its_cell_is_read_again_line_by_line():
    """ "Rechnung Nr.: RE2026-" over "00367": one crop of both lines held the caption beside the
    first and RapidOCR, reading it as one line, read neither ("OchnunNr.:RE2026"), so a right
    number was held as a disagreement; each line read on its own reads the value as the page
    did (readers-1.32)."""
    from invoicepipe.domain.extraction import extract_invoice

    img, draw, font = blank_page_for_rapidocr(FONT, 34, 400)
    first = print_line(draw, font, 120, 100, ("Rechnung", "Nr.:", "RE2026-"), PX, gap=22)
    below = print_line(draw, font, 120, 100 + 48, ("00367",), PX)
    doc = DocumentText((Page(1, 1654 / PX, 400 / PX, tuple(first + below), "ocr_tesseract"),), None, "test")
    assert extract_invoice(doc, []).value("invoice_number") == "RE2026-00367"
    read = confirm_identifiers(doc, {1: (img, PX)}, read_line_rapidocr, engine=rapidocr_available())
    capture = read.pages[0].capture
    assert capture["ids_reread"] == 1 and capture["ids_disagreed"] == 0
    assert "ids_doubted" not in capture
