"""Codes whose letters touch digits are read again by the real Tesseract (``ocr_identifiers``),
and the capture record says so; the setting turns it off."""

import io
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from invoicepipe.adapters.ocr import OcrSettings
from invoicepipe.adapters.readers import read_with_ocr
from tests.requirements import require

pytestmark = pytest.mark.integration
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def scan() -> bytes:
    require(shutil.which("tesseract") is not None, "tesseract")
    require(shutil.os.path.exists(FONT), "DejaVu Sans")
    img = Image.new("L", (1654, 700), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    rows = ["Calder Valley Fasteners Ltd", "Invoice No. ABO1234 Date 08/01/2026",
            "IBAN GB66 NQTD 5321 6189 3480 02", "Total due GBP 3,828.36"]
    for i, text in enumerate(rows):
        draw.text((120, 100 + 90 * i), text, fill=0, font=font)
    out = io.BytesIO()
    img.save(out, format="PNG", dpi=(200, 200))
    return out.getvalue()


def test_a_code_with_a_letter_beside_a_digit_is_read_again(scan):
    doc = read_with_ocr(scan, "image/png", settings=OcrSettings(fallback="none"))
    capture = doc.pages[0].capture
    assert capture.get("codes_reread", 0) >= 1
    # whatever the second reading said, the printed code is still on the page, or held down
    code = [w for w in doc.pages[0].words if w.text.startswith("AB")]
    assert code and (code[0].text == "ABO1234" or code[0].confidence <= 0.45)


def test_the_setting_turns_it_off(scan):
    doc = read_with_ocr(scan, "image/png", settings=OcrSettings(fallback="none", reread_codes=False))
    assert "codes_reread" not in doc.pages[0].capture
