"""The real RapidOCR recognizer reads a garbled IBAN's line again (``ocr_iban`` with
``ocr_fallback.read_line_rapidocr``): the printed IBAN, which passes its check digits, is
written into the words the page read it in."""

from dataclasses import replace

import pytest

from invoicepipe.adapters.ocr_fallback import read_line_rapidocr
from invoicepipe.adapters.ocr_iban import reread_ibans
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import DocumentText, Page
from tests.printed_words import blank_page_for_rapidocr, print_line

pytestmark = pytest.mark.integration
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PX = 200 / 72
PRINTED = ("IBAN:", "AT78", "5879", "2257", "0307", "9434", "BIC", "BKAUATWW")


def test_a_garbled_iban_is_read_again_and_passes_its_checks():
    img, draw, font = blank_page_for_rapidocr(FONT, 34, 400)
    words = print_line(draw, font, 120, 150, PRINTED, PX, gap=22)
    # the page read the check digits' "7" as "Z": the IBAN fails mod 97
    garbled = [replace(w, text="ATZ8", confidence=0.6) if w.text == "AT78" else w for w in words]
    doc = DocumentText((Page(1, 1654 / PX, 400 / PX, tuple(garbled), "ocr_tesseract"),), None, "test")
    assert extract_invoice(doc, ()).value("iban") is None
    read = reread_ibans(doc, {1: (img, PX)}, [read_line_rapidocr])
    assert read.pages[0].capture == {"ibans_reread": 1, "ibans_read": 1}
    assert extract_invoice(read, ()).value("iban") == "AT785879225703079434"
    assert [w.text for w in read.pages[0].words[-2:]] == ["BIC", "BKAUATWW"]
