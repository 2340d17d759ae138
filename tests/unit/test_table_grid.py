"""A grid table's ruling lines are found on the page image and its column rules painted as
paper before OCR; print (a heading's tall capitals, white letters on a dark banner, a logo)
and the row rules are left alone."""

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicepipe.adapters import ocr, table_grid
from tests.photo_synth import photograph, render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "pdf"


def _page(name: str) -> Image.Image:
    return render_pdf_page((SAMPLE / name).read_bytes())


@pytest.fixture(scope="module")
def grid() -> Image.Image:
    return _page("0001-de_din_ruled-digital.pdf")  # every cell of the items table boxed


def _column_rules(mask: np.ndarray, rows: slice) -> list[int]:
    """The x of each vertical rule crossing the band ``rows`` (columns with a long run)."""
    cols = np.flatnonzero((mask[rows] > 0).sum(axis=0) > 0.8 * (rows.stop - rows.start))
    return [int(c) for i, c in enumerate(cols) if i == 0 or c > cols[i - 1] + 3]


def test_a_grid_tables_column_rules_are_found_and_erased(grid):
    gray = np.asarray(grid)
    rules = table_grid.find_rules(gray)
    assert rules is not None and rules.found
    table_rows = slice(int(0.31 * gray.shape[0]), int(0.36 * gray.shape[0]))  # the item rows
    xs = _column_rules(rules.vertical, table_rows)
    assert len(xs) >= 7  # Pos, Art.-Nr., Bezeichnung, Menge, Einh., Einzelpreis, Gesamt: 8 rules
    erased, record = table_grid.erase_rules(grid)
    assert record["rules_vertical"] >= 7
    out = np.asarray(erased)
    for x in xs:  # no ink is left where a column rule ran
        assert out[table_rows, max(0, x - 1):x + 2].min() > 200
    # the row rules stay (Tesseract's layout analysis leans on them)
    y = int(np.argmax((rules.horizontal[table_rows] > 0).sum(axis=1))) + table_rows.start
    assert (out[y - 2:y + 3, xs[0] + 5:xs[-1] - 5] < 100).any(axis=0).mean() > 0.9


def test_print_outside_the_rules_is_left_as_it_was(grid):
    gray = np.asarray(grid)
    out = np.asarray(table_grid.erase_rules(grid)[0])
    # the letterhead: a 20 pt name and a diamond logo, no rule; the address block beside
    # the table: plain text
    head = slice(0, int(0.12 * gray.shape[0]))
    assert np.array_equal(out[head], gray[head])
    changed = out != gray
    assert changed.mean() < 0.01  # rules are thin: a small share of the page


def test_a_dark_banner_with_white_print_is_no_rule():
    page = _page("0002-en_banner_stripes-digital.pdf")
    gray = np.asarray(page)
    out = np.asarray(table_grid.erase_rules(page)[0])
    banner = slice(0, int(0.09 * gray.shape[0]))
    assert gray[banner].mean() < 120  # the banner is there
    assert np.array_equal(out[banner], gray[banner])


def test_a_page_without_rules_or_text_comes_back_unchanged():
    blank = Image.new("L", (1200, 1600), 245)
    assert table_grid.erase_rules(blank) == (blank, {})
    text = Image.fromarray(np.full((1600, 1200), 245, np.uint8))
    draw = ImageDraw.Draw(text)
    for i in range(40):
        draw.text((100, 100 + 30 * i), "Invoice 2026 total due 1.234,56", fill=20)
    assert table_grid.erase_rules(text)[0] is text


def test_rules_a_photo_left_slightly_off_level_are_still_found(grid):
    photo, _ = photograph(grid, seed=3, tilt=0.01, light=0.2)
    img = Image.open(io.BytesIO(photo))
    prepared, _, record = ocr.prepare(img, 1.0, ocr.OcrSettings())
    assert record["rules_vertical"] >= 7
    plain, _, before = ocr.prepare(img, 1.0, ocr.OcrSettings(erase_rules=False))
    assert "rules_vertical" not in before
    assert np.asarray(prepared).min() < 100  # the print is still there


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_grid_rows_cells_read_as_separate_words(grid):
    """Read with its rules erased, each cell of an item row is its own word: the quantity,
    the unit and both amounts, not glued to the rules between them."""
    photo, _ = photograph(grid, seed=5, tilt=0.01, light=0.2)
    text = ocr.read_with_ocr(photo, "image/jpeg", settings=ocr.OcrSettings(fallback="none", reread_amounts=False))
    words = text.pages[0].words
    for sku, cells in (("MUT-1006", ["50", "Pck", "4,20", "210,00"]), ("SKS-1314", ["40", "Pck", "40,23", "1.609,20"]),
                       ("SKS-1258", ["50", "Pck", "34,53", "1.726,50"])):
        anchor = next(w for w in words if w.text == sku)
        mid = (anchor.box.top + anchor.box.bottom) / 2
        row = sorted((w for w in words if w.box.top < mid < w.box.bottom), key=lambda w: w.box.x0)
        assert [w.text for w in row[-4:]] == cells


def _tight_grid(pad: float) -> tuple[Image.Image, list[str]]:
    """A grid table whose amounts are parenthesised (a credit note) and right-aligned ``pad``
    points from the column rule, rendered as a 200 dpi page; and the amounts printed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _, height = A4
    c.setFont("Helvetica", 10)
    for i in range(12):  # print enough to measure the page's glyph height by
        c.drawString(50, height - 60 - 14 * i, f"Letterhead line {i}: Industriestrasse 12, 8005 Zurich")
    cols, top, rh, rows = [50, 110, 330, 380, 460, 545], height - 260, 18, 10
    for x in cols:
        c.line(x, top, x, top - rh * rows)
    for r in range(rows + 1):
        c.line(cols[0], top - rh * r, cols[-1], top - rh * r)
    printed = []
    c.setFont("Helvetica", 8.5)
    for r in range(rows):
        y = top - rh * r - rh + 5
        c.drawString(cols[0] + 3, y, f"AB-{1000 + r}")
        c.drawString(cols[1] + 3, y, f"Widget part number {r} steel")
        cells = (f"({r + 1})", f"{12.5 * (r + 1):,.2f}", f"({(r + 1) ** 2 * 12.5:,.2f})")
        for x1, s in zip(cols[3:], cells):
            c.drawRightString(x1 - pad, y, s)
        printed += cells
    c.showPage()
    c.save()
    return render_pdf_page(buf.getvalue()), printed


def test_print_a_point_from_a_rule_keeps_its_ink_and_gains_no_ghost():
    """A closing parenthesis or a digit a point from a column rule: erasing the rule neither
    cuts the glyph nor paints a grey copy of it where the rule was (the fill is the paper's
    brightness, not the print's)."""
    page, _ = _tight_grid(pad=1.0)
    gray = np.asarray(page)
    rules = table_grid.find_rules(gray, level=False)
    out = np.asarray(table_grid.erase_rules(page)[0])
    rows = np.flatnonzero(rules.vertical.any(axis=1))
    band = slice(rows[0] + 8, rows[-1] - 8)
    xs = _column_rules(rules.vertical, band)
    assert len(xs) == 6
    ink = gray < 128
    # the rows of print: away from the row rules (whose crossings with a column rule go with it)
    row_rule = (ink[:, xs[0]:xs[-1]].mean(axis=1) > 0.8)
    text = ~np.convolve(row_rule, np.ones(7), mode="same").astype(bool)
    text[:band.start], text[band.stop:] = False, False
    for x in xs[3:]:  # the rules right of the quantity, price and amount cells
        beside = slice(x - 12, x - 2)  # the cell's last glyphs, ending a point (~3 px) before the rule
        assert ink[text, beside].sum() > 0
        # every dark pixel of the glyphs beside the rule is still there
        assert ((out[text, beside] < 128) | ~ink[text, beside]).all()
        # where the rule was, paper: no grey stroke beside a parenthesis (Tesseract reads "(12.50))")
        assert out[band, x - 1:x + 2].min() > 200


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_parenthesised_amounts_beside_rules_read_whole_on_a_photo():
    page, printed = _tight_grid(pad=1.5)
    photo, _ = photograph(page, seed=0, tilt=0.03, light=0.3)
    text = ocr.read_with_ocr(photo, "image/jpeg", settings=ocr.OcrSettings(fallback="none", reread_amounts=False))
    words = [w.text for w in text.pages[0].words]
    assert [s for s in printed if s not in words] == []
