"""The real Tesseract reads an unsurely read invoice number again on its own
(``ocr_confirm``): a second reading that agrees raises its words' confidence, one of other
ink leaves the page as read."""

import shutil
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw, ImageFont

from invoicepipe.adapters import ocr
from invoicepipe.adapters.ocr_confirm import LINE_PSM, confirm_identifiers
from invoicepipe.domain.models import DocumentText, Page
from tests.requirements import require

pytestmark = pytest.mark.integration
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PX = 200 / 72


@pytest.fixture(scope="module")
def page():
    """The page image and its first reading by Tesseract, as the reader has them."""
    require(shutil.which("tesseract") is not None, "tesseract")
    require(shutil.os.path.exists(FONT), "DejaVu Sans")
    img = Image.new("L", (1654, 600), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(["Calder Valley Fasteners Ltd", "Invoice No. 4711-0815", "Total due GBP 3,828.36"]):
        draw.text((120, 100 + 90 * i), text, fill=0, font=font)
    words = ocr.tesseract_words(img, PX, 1, "eng", "tesseract")
    return img, words


def _doc(words, number_text=None, conf=0.5):
    """The page with the number's words read unsurely (and, optionally, as something else)."""
    out = [replace(w, confidence=conf, text=number_text or w.text) if w.text == "4711-0815" else w for w in words]
    return DocumentText((Page(1, 1654 / PX, 600 / PX, tuple(out), "ocr_tesseract"),), None, "test")


def _reader(image, px, number):
    return ocr.tesseract_words(image, px, number, "eng", "tesseract", psm=LINE_PSM)


def test_an_agreeing_second_reading_raises_the_numbers_confidence(page):
    img, words = page
    assert any(w.text == "4711-0815" for w in words)  # the page's own reading of the print
    doc = confirm_identifiers(_doc(words), {1: (img, PX)}, _reader)
    number = next(w for w in doc.pages[0].words if w.text == "4711-0815")
    assert number.confidence > 0.5
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 1, "ids_confirmed_by": "tesseract"}


def test_a_reading_of_other_ink_changes_nothing(page):
    img, words = page
    first = _doc(words, number_text="4711-0816")
    doc = confirm_identifiers(first, {1: (img, PX)}, _reader)
    assert doc.pages[0].words == first.pages[0].words
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 0, "ids_confirmed_by": "tesseract"}
