"""adapters/char_words against pdfplumber, whose word grouping and plain text it restates:
the same words and boxes (equal floats, not close ones) and the same cell text, on random
characters made to hit its edge cases (equal tops and x0s, lines within the tolerance of
each other, spaces, empty texts, ligatures, overlapping and backwards glyphs, sideways runs)
and on the generated invoices' pages."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from pdfplumber.utils import extract_text
from pdfplumber.utils.text import WordExtractor

from invoicepipe.adapters import char_words
from invoicepipe.adapters.pdf import open_pdfium
from invoicepipe.adapters.pdf_words import page_drawing

_REFERENCE = WordExtractor(**char_words.SETTINGS)
GENERATOR = Path(__file__).resolve().parents[2] / "fixtures" / "generate.py"


def _reference_words(chars: list[tuple]) -> list[tuple]:
    return [(w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
            for w, _ in _REFERENCE.iter_extract_tuples(list(map(char_words.as_dict, chars)))]


def _reference_text(chars: list[tuple]) -> str:
    return extract_text(list(map(char_words.as_dict, chars)), x_tolerance=3, y_tolerance=3)


def _random_chars(rng: random.Random, count: int) -> list[tuple]:
    # coarse grids make equal values and gaps right at the tolerance common
    tops = [rng.choice((10.0, 12.5, 13.0, 16.0, 19.0, 40.0)) + rng.choice((0.0, 0.0, 0.5, 3.0, 3.25)) for _ in range(6)]
    texts = ["a", "b", "1", ",", " ", "\u00a0", "", "\ufb01", "\ufb03", "x"]
    chars, upright = [], True
    for _ in range(count):
        if rng.random() < 0.05:
            upright = not upright  # a sideways run goes to pdfplumber itself
        top = rng.choice(tops)
        x0 = rng.choice((0.0, 1.0, 2.0, 4.0, 5.5, 8.0)) + 6.0 * rng.randrange(10)
        width = rng.choice((0.0, 2.0, 3.0, 5.0, -1.0))
        bottom = top + rng.choice((8.0, 10.0))
        chars.append((rng.choice(texts), x0, x0 + width, top, bottom, bottom - top, upright))
    return chars


@pytest.mark.parametrize("seed", range(40))
def test_random_characters_group_as_pdfplumber_groups_them(seed):
    rng = random.Random(seed)
    chars = _random_chars(rng, rng.randrange(1, 300))
    assert char_words.words(chars) == _reference_words(chars)
    assert char_words.text(chars) == _reference_text(chars)


def test_no_characters_no_words():
    assert char_words.words([]) == []
    assert char_words.text([]) == ""


def test_generated_invoice_pages_group_as_pdfplumber_groups_them(tmp_path):
    # every core layout once (ruled grids, letter-spaced numbers, two pages) and a world one
    for region in ("core", "world"):
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / region), "--region", region, "--count", "8",
                        "--seed", "5", "--forms", "digital"], check=True, capture_output=True)
    pdfs = sorted(tmp_path.glob("*/pdf/*.pdf"))
    assert pdfs
    pages = 0
    for path in pdfs:
        with open_pdfium(path.read_bytes()) as pdf:
            for index in range(len(pdf)):
                page = pdf[index]
                try:
                    chars = page_drawing(page).chars
                finally:
                    page.close()
                assert char_words.words(chars) == _reference_words(chars)
                for start in range(0, len(chars), 37):  # pieces of the page, as cells take them
                    piece = chars[start:start + 60]
                    assert char_words.text(piece) == _reference_text(piece)
                pages += 1
    assert pages >= len(pdfs)
