"""A page's orientation from the top/bottom balance of its words' ink."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicepipe.adapters import page_orientation
from tests.photo_synth import render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"


@pytest.mark.parametrize("name", ["0001-de_din_ruled-digital.pdf", "0003-fr_classic_grid-digital.pdf", "0008-en_two_column-digital.pdf"])
def test_an_upright_page_leans_up_and_the_same_page_turned_leans_down(name):
    gray = np.asarray(render_pdf_page((SAMPLE / "pdf" / name).read_bytes()))
    upright, turned = page_orientation.measure(gray), page_orientation.measure(gray[::-1, ::-1].copy())
    assert upright.upright and not upright.upside_down
    assert turned.upside_down and not turned.upright
    assert upright.words == turned.words >= page_orientation.MIN_WORDS
    assert upright.balance == pytest.approx(-turned.balance, abs=0.02)


def test_rules_blocks_and_a_blank_page_are_no_evidence():
    sheet = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(sheet)
    for y in range(200, 1600, 60):  # a grid: rules are taken out before words are looked for
        draw.line((100, y, 1140, y), fill=0, width=2)
    for x in range(100, 1200, 260):
        draw.line((x, 200, x, 1580), fill=0, width=2)
    draw.rectangle((100, 60, 400, 150), fill=0)
    for gray in (np.asarray(sheet), np.full((1754, 1240), 255, np.uint8)):
        measured = page_orientation.measure(gray)
        assert not measured.clear and not measured.upside_down and not measured.upright
