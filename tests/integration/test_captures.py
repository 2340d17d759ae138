"""Phone photos and scans through the normal reader path, with the real Tesseract."""

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from reportlab.lib.utils import ImageReader

from invoicepipe.adapters.ocr import OcrSettings
from invoicepipe.adapters.readers import read_with_ocr
from invoicepipe.domain.extraction import extract_invoice
from tests.photo_synth import photograph, render_pdf_page
from tests.requirements import require

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
NO_FALLBACK = OcrSettings(fallback="none")  # Tesseract alone must read the corrected page


@pytest.fixture(scope="module")
def page() -> Image.Image:
    require(shutil.which("tesseract") is not None, "tesseract")
    return render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())


def _check_invoice(doc):
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "RE-2026-00897"
    assert ex.value("total") == "4219.38"


def test_photo_is_found_warped_and_read(page):
    data, _ = photograph(page, seed=11)
    doc = read_with_ocr(data, "image/jpeg", settings=NO_FALLBACK)
    p = doc.pages[0]
    assert p.method == "ocr_tesseract" and p.capture["warped"] and p.capture["cleanup"] == "flattened"
    assert (p.width, p.height) == (pytest.approx(595, abs=1), pytest.approx(842, abs=1))  # the page, not the photo
    _check_invoice(doc)


def test_photo_without_a_page_edge_is_turned_level_by_its_text_and_read(page):
    # close up on a white table, held 4.5 degrees off: no outline to warp by
    data, _ = photograph(page, seed=14, tilt=0.0, spin=-4.5, white=True, share=(0.8, 0.9))
    doc = read_with_ocr(data, "image/jpeg", settings=NO_FALLBACK)
    capture = doc.pages[0].capture
    assert not capture["warped"] and capture["straightened"] == pytest.approx(-4.5, abs=0.15)
    _check_invoice(doc)


def test_photo_upside_down_is_turned_by_orientation_detection(page):
    data, _ = photograph(page, seed=12, rotate180=True)
    doc = read_with_ocr(data, "image/jpeg", settings=NO_FALLBACK)
    assert doc.pages[0].capture["rotation"] == 180
    _check_invoice(doc)


def test_photo_inside_an_image_only_pdf(page):
    data, _ = photograph(page, seed=13)
    img = Image.open(io.BytesIO(data))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(img.width * 72 / 200, img.height * 72 / 200))
    c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, width=img.width * 72 / 200, height=img.height * 72 / 200)
    c.showPage()
    c.save()
    doc = read_with_ocr(buf.getvalue(), "application/pdf", settings=NO_FALLBACK)
    assert doc.pages[0].capture["warped"]
    _check_invoice(doc)


def test_scan_is_read_as_it_is_in_one_full_pass_of_its_language(monkeypatch):
    require(shutil.which("tesseract") is not None, "tesseract")
    from invoicepipe.adapters import ocr, ocr_garbled
    from invoicepipe.adapters.ocr_first_pass import BANDS

    calls = []
    real = ocr.tesseract_words

    def counting(image, px_per_pt, number, lang="eng", cmd="tesseract", psm=3):
        calls.append((image.width, image.height, lang, psm))
        return real(image, px_per_pt, number, lang, cmd, psm=psm)

    monkeypatch.setattr(ocr, "tesseract_words", counting)
    data = (SAMPLE / "pdf" / "0013-de_din_ruled-scan.pdf").read_bytes()
    doc = read_with_ocr(data, "application/pdf", settings=NO_FALLBACK)
    capture = doc.pages[0].capture
    assert not capture["warped"] and capture["cleanup"] == "contrast"
    # a half-resolution English pass over bands of the upper half, stopped once German is
    # clear, then one full read with the page's language; spots it read as garbage are
    # read again alone (ocr_garbled), each a few rows cut out and enlarged, in that language
    full_width, full_height = doc.pages[0].width * 200 / 72, doc.pages[0].height * 200 / 72
    spots = [c for c in calls if c[3] == ocr_garbled.BLOCK_PSM]
    assert len(spots) <= capture.get("garbled_spots", 0)
    assert all(h < full_height / 8 and lang == "deu+eng" for _, h, lang, _ in spots)
    *bands, last = [c[:3] for c in calls if c[3] == 3]
    assert {(round(w / full_width, 1), lang) for w, _, lang in bands} == {(0.5, "eng")}
    assert 1 <= len(bands) < BANDS and sum(h for _, h, _ in bands) < full_height / 4
    assert (round(last[0] / full_width, 1), last[2]) == (1.0, "deu+eng")
    assert extract_invoice(doc, []).value("currency") == "EUR"
