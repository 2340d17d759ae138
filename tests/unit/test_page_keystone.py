"""A page without a found outline whose rows converge (photographed at a slant) is made
parallel and level from its rows alone; straight and merely turned pages are left to
``page_skew``."""

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from invoicepipe.adapters import page_geometry, page_keystone, page_skew
from tests.photo_synth import photograph, render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    img = render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())
    return np.asarray(img.convert("L"))


def _slanted(gray: np.ndarray, drop: float) -> np.ndarray:
    """The page seen turned about its long side: its right edge ``drop`` (share of the height)
    shorter at top and bottom, so the top rows fall to the right and the bottom rows rise."""
    h, w = gray.shape
    d = drop * h
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0, 0], [w, d], [w, h - d], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_AREA, borderValue=250)


def test_converging_rows_are_measured_and_made_parallel_and_level(page):
    slanted = _slanted(page, 0.02)
    true = 2 * np.degrees(np.arctan(0.02 * page.shape[0] / page.shape[1]))  # between the page's top and bottom edges
    found = page_keystone.measure(slanted)
    assert found.clear
    assert 0.5 * true < found.convergence <= 1.05 * true  # the print spans less than the page
    flat = np.asarray(page_keystone.flatten(slanted, found))
    again = page_keystone.measure(flat)
    assert again.convergence < 0.25 and not again.clear
    assert abs(page_skew.measure(flat).angle) < 0.3


def test_a_straight_page_and_a_turned_one_have_no_convergence(page):
    assert not page_keystone.measure(page).clear
    turned = np.asarray(Image.fromarray(page).rotate(4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=250))
    found = page_keystone.measure(turned)
    assert not found.clear and found.convergence < page_keystone.MIN_CONVERGENCE
    assert abs(found.angle - 4) < 0.3  # the rows' angle is measured all the same


def test_a_page_with_too_few_rows_is_not_measured():
    blank = np.full((1400, 1000), 245, np.uint8)
    blank[600:612, 100:700] = 20  # one rule
    assert not page_keystone.measure(blank).clear


def test_a_slanted_photo_without_a_page_edge_is_flattened_before_reading(page):
    slanted = Image.fromarray(_slanted(page, 0.025)).convert("RGB")
    data, _corners = photograph(slanted, seed=3, tilt=0.0, spin=3.0, white=True, share=(0.85, 0.9))
    img = Image.open(io.BytesIO(data))
    img.load()
    out, _px, geometry = page_geometry.correct(img, 1.0)
    record = geometry.describe()
    assert not geometry.warped and geometry.flattened and geometry.changed
    assert record["flattened"] is True and record["keystone_convergence"] >= page_keystone.MIN_CONVERGENCE
    again = page_keystone.measure(np.asarray(out.convert("L")))
    assert again.convergence < 0.3
