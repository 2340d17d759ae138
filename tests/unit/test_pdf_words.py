"""The PDFium text layer (adapters/pdf_words, pdf_rules) against pdfplumber, the reference it
replaces: same words, boxes within a fraction of a point, same ruled tables, on PDFs built
here with reportlab: plain and italic text, a page turned by /Rotate, a MediaBox that does not
start at 0, rotated text, a ruled grid, a space drawn as an object of its own, a hyphen at
the end of a line and an empty page."""

from __future__ import annotations

import io

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from invoicepipe.adapters.pdf import WORD_SETTINGS, open_pdfium, read_text_layer
from invoicepipe.adapters.pdf_words import read_page


def _reference(data: bytes) -> list[tuple[list[tuple], list]]:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return [([(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in page.extract_words(**WORD_SETTINGS)],
                 page.extract_tables()) for page in doc.pages]


def _ours(data: bytes) -> list[tuple[list[tuple], tuple]]:
    out = []
    with open_pdfium(data) as pdf:
        for i in range(len(pdf)):
            _, _, words, tables = read_page(pdf[i])
            out.append((words, tables))
    return out


def _assert_same(data: bytes, box_tolerance: float = 1.0) -> None:
    for (ref_words, ref_tables), (words, tables) in zip(_reference(data), _ours(data), strict=True):
        assert sorted(w[0] for w in words) == sorted(w[0] for w in ref_words)
        by_text = {w[0]: w for w in ref_words}
        for text, *box in words:
            assert box == pytest.approx(list(by_text[text][1:]), abs=box_tolerance), text
        assert [[list(row) for row in table] for table in tables] == ref_tables


def _invoice(c: canvas.Canvas, font: str = "Helvetica") -> None:
    c.setFont(font, 10)
    c.drawString(60, 760, "Northwind Supplies Ltd")
    c.drawString(60, 740, "Invoice No. INV-2026-0815")
    c.drawString(320, 740, "Date 14.03.2026")
    c.drawRightString(520, 700, "Total EUR 1.294,00")


def _pdf(draw, pagesize=A4) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_plain_and_italic_text_match_pdfplumber():
    _assert_same(_pdf(_invoice))
    _assert_same(_pdf(lambda c: _invoice(c, "Times-Italic")))  # ink overhangs the advance


def test_a_page_turned_by_rotate_and_a_shifted_mediabox_match_pdfplumber():
    def turned(c):
        _invoice(c)
        c.setPageRotation(90)
    _assert_same(_pdf(turned, landscape(A4)))
    shifted = _pdf(_invoice).replace(b"/MediaBox [ 0 0 595.2756 841.8898 ]", b"/MediaBox [ 20 30 615.2756 871.8898 ]")
    assert b"/MediaBox [ 20 30" in shifted
    _assert_same(shifted)


def test_rotated_text_keeps_its_words():
    def sideways(c):
        _invoice(c)
        c.saveState()
        c.translate(40, 300)
        c.rotate(90)
        c.setFont("Helvetica", 8)
        c.drawString(0, 0, "Printed by Example Software 2026")
        c.restoreState()
    _assert_same(_pdf(sideways))


def test_ruled_grid_gives_the_same_table():
    def grid(c):
        c.setFont("Helvetica", 9)
        rows = [("Item", "Qty", "Amount"), ("Toner", "3", "45.00"), ("Paper", "10", "200.00")]
        xs, top = [60, 260, 360, 480], 700
        for r, row in enumerate(rows):
            y = top - 18 * r
            for x, text in zip(xs, row):
                c.drawString(x + 4, y - 13, text)
        for r in range(len(rows) + 1):
            c.line(xs[0], top - 18 * r, xs[-1], top - 18 * r)
        for x in xs:
            c.line(x, top, x, top - 18 * len(rows))
        c.rect(60, 600, 420, 30, fill=0)  # a lone box: one cell, still a table for pdfplumber
    _assert_same(_pdf(grid))
    tables = read_text_layer(_pdf(grid)).pages[0].tables
    assert any(row == ("Toner", "3", "45.00") for table in tables for row in table)


def test_space_drawn_alone_still_splits_words():
    """Some generators draw every glyph, spaces included, as a text object of its own;
    PDFium leaves such a space out of its text page."""
    def glyph_by_glyph(c):
        c.setFont("Helvetica", 10)
        x = 60
        for ch in "Invoice No 4711":
            c.drawString(x, 700, ch)
            x += c.stringWidth(ch, "Helvetica", 10)
    data = _pdf(glyph_by_glyph)
    assert [w.text for w in read_text_layer(data).pages[0].words] == ["Invoice", "No", "4711"]
    _assert_same(data)


def test_hyphen_at_line_end_and_empty_page():
    def hyphen(c):
        c.setFont("Helvetica", 10)
        c.drawString(60, 700, "Auftrag Positions-")
        c.drawString(60, 688, "nummer 12")
    words = [w.text for w in read_text_layer(_pdf(hyphen)).pages[0].words]
    assert words == ["Auftrag", "Positions-", "nummer", "12"]
    empty = read_text_layer(_pdf(lambda c: None))
    assert empty.pages[0].words == () and empty.pages[0].tables == ()
    assert empty.pages[0].width == pytest.approx(595.28, abs=0.01)


def test_reader_names_pdfium():
    assert read_text_layer(_pdf(_invoice)).reader.startswith(f"pdfium {pdfium.PDFIUM_INFO.build}")


def _overprinted_one_by_one(chars: list) -> list:
    """The spaces drawn at a glyph's spot, each glyph of the page rounded and listed by line:
    the plain form of ``_without_overprinted_spaces`` (which gathers only the lines holding a
    space, and looks a line up once per run of glyphs on one top)."""
    lines: dict = {}
    for text, x0, _, top, _, _, _ in chars:
        if not text.isspace():
            lines.setdefault(round(top, 1), []).append(x0)
    covered = {k for k, (text, x0, _, top, _, _, _) in enumerate(chars)
               if text.isspace() and any(round(x, 1) == round(x0, 1) for x in lines.get(round(top, 1), []))}
    return [ch for k, ch in enumerate(chars) if k not in covered]


def test_spaces_over_glyphs_dropped_as_one_by_one():
    import math
    import random

    from invoicepipe.adapters.pdf_words import _without_overprinted_spaces

    rng = random.Random(17)
    for _ in range(3000):
        tops = [rng.choice([100.0, 100.04, 100.06, 112.5, 112.45, -0.0, 0.0, math.nan]) for _ in range(3)]
        chars = []
        for _ in range(rng.randint(0, 30)):
            top = rng.choice(tops)
            x0 = rng.choice([10.0, 10.04, 10.16, 10.25, 20.0, rng.uniform(0, 30)])
            chars.append((rng.choice(["a", "1", " ", "\u00a0", "b"]), x0, x0 + 5, top, top + 9, 9.0, True))
        assert _without_overprinted_spaces(chars) == _overprinted_one_by_one(chars)


@pytest.mark.parametrize("seed", range(6))
def test_spaces_drawn_alone_found_at_once_as_blank_by_blank(seed, monkeypatch):
    """The blanks' next glyphs found with whole arrays are those the loop over the blanks
    finds (a glyph within 6 pt after the blank, on its baseline, the first in x order):
    glyphs sharing an x0 on other lines, sideways glyphs, blanks with no glyph near, a NaN
    position (the loop's own order) and a turned page's matrix."""
    import random

    import numpy as np

    from invoicepipe.adapters import pdf_words

    rng = random.Random(seed)
    chars = []
    for _ in range(rng.randint(0, 400)):
        top = rng.choice([100.0, 112.5, 125.0, 300.25]) + rng.choice([0.0, 0.0, 0.3])
        x0 = rng.choice([rng.uniform(50, 500), 72.0, 72.5, 80.0])
        chars.append(("a", x0, x0 + 5, top, top + 10, 10.0, rng.random() > 0.1))
    # on a line's baseline (the identity's y runs up from the page's foot) or anywhere
    blanks = [(rng.choice([rng.uniform(40, 510), 71.8, 72.0, 79.5]),
               rng.choice([842.0 - rng.choice([110.0, 122.5, 135.0, 310.25]) + rng.choice([0.0, 0.3, 2.0]), rng.uniform(-2, 820)]))
              for _ in range(rng.randint(1, 300))]
    if seed == 4:
        chars.append(("b", float("nan"), 1.0, 100.0, 110.0, 10.0, True))
    if seed == 5:
        blanks.append((float("nan"), 700.0))
    left, bottom = (np.array(v, dtype=np.float64) for v in zip(*blanks))
    monkeypatch.setattr(pdf_words, "_empty_text_objects", lambda objects: (left, bottom))
    spaces = 0
    for ctm in ((1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (0.0, -1.0, 1.0, 0.0, -10.0, 620.0)):
        expected = pdf_words._next_glyphs_one_by_one(blanks, chars, ctm, 842.0, 0.0, 0.0)
        found = pdf_words._spaces_drawn_alone(([], []), chars, ctm, 842.0, 0.0, 0.0)
        assert repr(found) == repr(expected)
        spaces += len(found)
    assert spaces or not chars  # some blanks have a glyph after them
