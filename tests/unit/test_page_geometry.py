"""Page detection, perspective correction and lighting cleanup on synthesised captures."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicepipe.adapters import page_cleanup, page_geometry, page_orientation
from invoicepipe.adapters.ocr_languages import LanguageChoice
from invoicepipe.domain.models import Box, Word
from tests.photo_synth import photograph, render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
INSTALLED = frozenset({"eng", "deu", "fra", "ita", "spa"})


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_photographed_page_corners_are_found_within_a_few_pixels(page, seed):
    data, truth = photograph(page, seed=seed)
    quad, evidence = page_geometry.find_page(_open(data))
    assert quad is not None, evidence
    assert np.abs(quad - truth).max() < 3.0
    assert evidence["page_found"] and 0.2 < evidence["page_area"] < 0.9


def test_corrected_photo_is_an_upright_a4_page_with_even_paper(page):
    data, _ = photograph(page, seed=4, light=0.5)
    img = _open(data)
    out, px_per_pt, geometry = page_geometry.correct(img, 1.0)
    assert geometry.warped and geometry.evidence["paper"] == "A4"
    assert out.width / px_per_pt == pytest.approx(595, abs=1) and out.height / px_per_pt == pytest.approx(842, abs=1)
    before = page_cleanup.measure(np.asarray(out))
    cleaned, record = page_cleanup.clean(out)
    # the corrected page lines up with the page it was photographed from: same content in the
    # same place (a shift of 12 px, 1.5 pt, already costs most of the agreement)
    reference = np.asarray(page.resize(out.size), dtype=np.float32)
    corrected = np.asarray(cleaned, dtype=np.float32).ravel()
    assert np.corrcoef(reference.ravel(), corrected)[0, 1] > 0.85
    assert np.corrcoef(np.roll(reference, 12, axis=1).ravel(), corrected)[0, 1] < 0.7
    assert before.unevenness > page_cleanup.MAX_UNEVENNESS and record["cleanup"] == "flattened"
    assert page_cleanup.measure(np.asarray(cleaned)).unevenness < 15


@pytest.mark.parametrize("name", ["0017-de_modern_lines-image.png", "0018-fr_banner_zebra-image.jpg",
                                  "0019-en_india_gst-image.tif"])
def test_clean_scans_and_images_are_not_warped_or_flattened(name):
    img = Image.open(SAMPLE / "img" / name)
    img.load()
    out, px_per_pt, geometry = page_geometry.correct(img, 200 / 72)
    assert out is img and px_per_pt == 200 / 72 and not geometry.warped
    assert page_cleanup.clean(img)[1]["cleanup"] == "contrast"


def test_a_box_drawn_on_the_paper_is_not_taken_for_the_page():
    # a ruled frame filling most of a white page: a quadrilateral, but paper on both sides
    img = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(img)
    draw.rectangle((150, 300, 1500, 2000), outline=0, width=5)
    for y in range(400, 1900, 60):
        draw.text((200, y), "Position 1  Schraube M8  40 Stk  12,50", fill=0)
    quad, evidence = page_geometry.find_page(img)
    assert quad is None and not evidence["page_found"]


def test_a_dark_banner_is_content_not_uneven_light():
    img = Image.new("L", (1654, 2339), 250)
    ImageDraw.Draw(img).rectangle((0, 0, 1654, 400), fill=30)
    assert page_cleanup.measure(np.asarray(img)).unevenness < page_cleanup.MAX_UNEVENNESS
    assert page_cleanup.clean(img)[1]["cleanup"] == "contrast"


def test_orientation_is_applied_only_when_the_detector_is_sure():
    img = Image.new("L", (100, 200), 255)
    assert page_geometry.orientation(img, lambda _: (180, 6.0)) == 180
    assert page_geometry.orientation(img, lambda _: (90, 0.4)) == 0
    assert page_geometry.orientation(img, lambda _: (_ for _ in ()).throw(RuntimeError("osd"))) == 0
    assert page_geometry.turn(img, 90).size == (200, 100)


def test_a_page_photographed_upside_down_is_turned_by_its_print_without_osd(page):
    data, _ = photograph(page, seed=4, light=0.5, rotate180=True)

    def osd(_img):  # the print decides: OSD (1.5 s of CPU a page) is not asked
        raise AssertionError("OSD asked although the print was clear")

    upright, _, geometry = page_geometry.correct(_open(data), 1.0, osd)
    assert geometry.rotation == 180 and geometry.evidence["orientation_balance"] < -page_orientation.CLEAR
    assert page_orientation.measure(np.asarray(page_cleanup.clean(upright)[0])).upright


def test_an_upright_photo_stays_upright_whatever_osd_claims(page):
    # OSD named a Courier page's script Greek on a photo's uneven light and said "turn 180"
    data, _ = photograph(page, seed=4, light=0.5)
    assert page_geometry.correct(_open(data), 1.0, lambda _img: (180, 9.0))[2].rotation == 0


def test_where_the_print_says_nothing_a_turn_needs_osd_on_the_evenly_lit_page_too():
    # a sheet of rules and blocks only (no words in rows): orientation is left to OSD, whose
    # turn must also be seen on the page lit evenly, as Tesseract will read it
    sheet = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(sheet)
    for y in range(300, 1500, 120):
        draw.line((120, y, 1120, y), fill=0, width=3)
    draw.rectangle((120, 120, 500, 240), fill=40)
    data, _ = photograph(sheet, seed=4, light=0.5)

    def detect(evenly_lit_answer):
        def osd(img):
            even = page_cleanup.measure(np.asarray(img)).unevenness < 15
            return (evenly_lit_answer if even else 180), 9.0
        return osd

    assert page_geometry.correct(_open(data), 1.0, detect(0))[2].rotation == 0
    assert page_geometry.correct(_open(data), 1.0, detect(180))[2].rotation == 180


def _words(*texts: str) -> list[Word]:
    return [Word(t, Box(10 * i, 10, 10 * i + 8, 18), 1, 0.9) for i, t in enumerate(texts)]


def test_the_quick_pass_fixes_the_language_or_leaves_it_to_the_full_read():
    german = LanguageChoice("auto", INSTALLED)
    assert german.wants_first_pass()
    german.after_first_pass(_words("Rechnung", "Rechnungsdatum", "Bestellnummer", "Betrag", "Summe", "MwSt"))
    assert german.current == "deu+eng" and german.decided and not german.wants_first_pass()
    assert german.after_first_page(_words("Invoice")) is None  # no second read

    unsure = LanguageChoice("auto", INSTALLED)
    unsure.after_first_pass(_words("Total", "Invoice"))
    assert unsure.current == "eng" and not unsure.wants_first_pass()
    # the full English read still may find the language the quick pass could not
    assert unsure.after_first_page(_words("fattura", "scadenza", "imponibile", "totale", "ordine")) == "ita+eng"

    fixed = LanguageChoice("deu+eng", INSTALLED)
    assert not fixed.wants_first_pass()


def test_an_image_finer_than_tesseract_needs_is_read_at_300_dpi():
    from invoicepipe.adapters.ocr import OcrSettings, prepare

    img = Image.new("L", (4960, 7016), 250)  # A4 at 600 dpi
    ImageDraw.Draw(img).text((400, 400), "Invoice 4711", fill=0)
    out, px_per_pt, capture = prepare(img, 600 / 72, OcrSettings())
    assert px_per_pt == pytest.approx(300 / 72) and out.size == (2480, 3508)
    assert not capture["warped"] and capture["cleanup"] == "contrast"
    same, px, _ = prepare(Image.new("L", (1654, 2339), 250), 200 / 72, OcrSettings())
    assert px == pytest.approx(200 / 72) and same.size == (1654, 2339)


def test_the_capture_record_is_plain_json_even_with_opencv_numbers():
    import json

    geometry = page_geometry.PageGeometry(True, tuple((np.float32(10.26), np.float32(20.5)) for _ in range(4)), 0, (10, 10),
                                          {"border_drop": np.float64(31.5), "area": np.float32(0.8)})
    described = json.loads(json.dumps(geometry.describe()))
    assert described["corners"][0] == [10.3, 20.5] and described["border_drop"] == 31.5


def test_the_tile_percentile_is_numpys_to_the_last_bit():
    rng = np.random.default_rng(7)
    for _ in range(500):
        tile = rng.integers(0, 256, size=(int(rng.integers(1, 40)), int(rng.integers(1, 40))), dtype=np.uint8)
        for q in (2, 5, 50, 90, 95):
            assert page_cleanup._percentile(tile, q) == float(np.percentile(tile, q))
