"""Text skew measured from the print of a page without a found outline, and the page
turned level only when the measurement is clear."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicepipe.adapters import page_geometry, page_skew
from tests.photo_synth import photograph, render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())


def _turned(page: Image.Image, degrees: float) -> np.ndarray:
    """The page turned counter-clockwise (rows rising to the right), on white paper."""
    return np.asarray(page.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=250))


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize("degrees", [-7.0, -4.5, -2.5, 3.0, 4.5, 9.0])
def test_the_angle_of_turned_text_is_measured_to_a_tenth_of_a_degree(page, degrees):
    skew = page_skew.measure(_turned(page, degrees))
    assert skew.angle == pytest.approx(degrees, abs=0.1)
    assert skew.clear and skew.gain > 1.5


@pytest.mark.parametrize("degrees", [0.0, 0.4, -1.0, 1.5])
def test_a_straight_page_or_a_scanner_skew_is_measured_but_left_alone(page, degrees):
    skew = page_skew.measure(_turned(page, degrees))
    assert skew.angle == pytest.approx(degrees, abs=0.1)
    assert not skew.clear


def test_a_page_with_too_little_print_is_not_measured():
    blank = Image.new("L", (1654, 2339), 245)
    ImageDraw.Draw(blank).text((200, 200), "1", fill=0)
    skew = page_skew.measure(np.asarray(blank.rotate(5, fillcolor=245)))
    assert skew == page_skew.Skew(0.0, 1.0, skew.ink) and not skew.clear


def test_one_slanted_mark_on_an_empty_page_is_no_text_angle():
    # a stamp or a diagonal rule: the sharpest "rows" lie at the end of the search
    img = Image.new("L", (1654, 2339), 245)
    draw = ImageDraw.Draw(img)
    for k in range(12):
        draw.line((100, 2200 - 40 * k, 1550, 2200 - 40 * k - 1450 * np.tan(np.radians(25))), fill=0, width=5)
    assert not page_skew.measure(np.asarray(img)).clear


def test_a_photo_without_a_page_edge_is_turned_level(page):
    # close up on a white table: nothing to find as the page's outline, text rising 4.5 degrees
    data, _ = photograph(page, seed=3, tilt=0.0, spin=4.5, white=True, share=(0.8, 0.9))
    img = _open(data)
    out, px_per_pt, geometry = page_geometry.correct(img, 1.0)
    assert not geometry.warped and not geometry.evidence["page_found"]
    assert geometry.straightened == pytest.approx(4.5, abs=0.15) and geometry.changed
    # the corners are kept: the canvas grows by the turn
    assert out.width > img.width and out.height > img.height and geometry.size == out.size
    assert abs(page_skew.measure(np.asarray(out)).angle) <= 0.15
    record = geometry.describe()
    assert record["straightened"] == pytest.approx(4.5, abs=0.15) and record["skew_gain"] > page_skew.MIN_GAIN
    json.dumps(record)


@pytest.mark.parametrize("name", ["0013-de_din_ruled-scan.pdf", "0014-de_din_ruled-scan.pdf",
                                  "0015-en_us_statement-scan.pdf", "0016-de_boxed_fields-scan.pdf"])
def test_a_scan_is_read_as_it_is(name):
    from invoicepipe.adapters.pdf import open_pdfium, render_page

    with open_pdfium((SAMPLE / "pdf" / name).read_bytes()) as pdf:
        img = render_page(pdf, 0, 200 / 72, grayscale=True)
    out, _, geometry = page_geometry.correct(img, 200 / 72)
    assert out is img and not geometry.changed and "straightened" not in geometry.describe()
    assert abs(geometry.evidence["skew_angle"]) < page_skew.MIN_TURN


def test_a_photo_with_a_found_outline_is_warped_not_turned(page):
    data, _ = photograph(page, seed=5, tilt=0.0, spin=4.5)
    _, _, geometry = page_geometry.correct(_open(data), 1.0)
    assert geometry.warped and not geometry.straightened and "skew_angle" not in geometry.evidence
