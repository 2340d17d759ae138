"""Words of a PDF page from PDFium's character boxes.

PDFium lays out a page's text in about a millisecond; pdfminer (under pdfplumber) needs tens
of milliseconds for the same page. The characters come from PDFium, in the coordinates
pdfplumber used before (points, top-left origin of the page as displayed, /Rotate applied),
with the box pdfminer gives a glyph: its advance width, from the font's descent below the
baseline up to one font size above that. They are then grouped into words by pdfplumber's
own ``WordExtractor`` (pure Python, no PDF parsing), so words split exactly where they did:
a space character, a gap wider than ``x_tolerance``, a jump of more than ``y_tolerance``.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils.text import WordExtractor

from invoicepipe.adapters.pdf_rules import find_tables, page_edges

# pdfplumber's default x_tolerance (3 pt) keeps letter-spaced numbers ("4 71102" as drawn by
# some generators) whole; use_text_flow=False so words come in page geometry, which the
# extractor regroups into lines anyway.
WORD_SETTINGS = {"x_tolerance": 3, "y_tolerance": 3, "keep_blank_chars": False, "use_text_flow": False}
_EXTRACTOR = WordExtractor(**WORD_SETTINGS)

# PDFium marks a hyphen that ends a line with U+0002 or U+FFFE in its text page; the printed
# glyph is a hyphen. NUL and other controls are not printed text.
_HYPHEN_MARKS = {0x02, 0xFFFE}
_SPACE_LIKE = {0x20, 0xA0, 0x09, 0x0D, 0x0A}


def _view_transform(page: pdfium.PdfPage) -> tuple[tuple[float, ...], float, float, float, float]:
    """What pdfminer does to user space for a page: the /Rotate matrix from the MediaBox,
    the displayed height, and the MediaBox offsets pdfplumber adds back (see its
    ``Page.process_object``), so boxes land where pdfplumber put them."""
    x0, y0, x1, y1 = page.get_mediabox()
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = page.get_rotation() % 360
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    if rotation in (90, 270):  # pdfplumber's _normalize_box swaps the axes
        x0, y0, x1, y1 = y0, x0, y1, x1
    height = y1 - y0
    return ctm, x1 - x0, height, x0, -y0


def _chars(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[dict]:
    """The page's printed characters as pdfplumber-shaped dicts (text, x0, x1, top, bottom,
    upright), in PDFium's order. Characters PDFium made up (spaces and line breaks it
    inserts between runs) are dropped: word breaks come from geometry, as before."""
    ctm, _, height, mb_x0, mb_top = _view_transform(page)
    a, b, c, d, e, f = ctm
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    aligned = len(text) == count  # a character outside the BMP takes two UTF-16 units
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    loose_box, char_matrix, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetMatrix, pdfium_c.FPDFText_GetFontSize
    out, made_up = [], False
    skip, previous = -1, None
    ox, oy, char_origin = ctypes.c_double(), ctypes.c_double(), pdfium_c.FPDFText_GetCharOrigin
    upright_view = a == 1.0 and d == 1.0  # /Rotate 0: page x is user x shifted
    for i in range(count):
        if i == skip:
            continue
        code = ord(text[i]) if aligned else pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in _SPACE_LIKE or code < 0x20:
            if code in _HYPHEN_MARKS:
                pass
            elif code < 0x20:
                continue
            elif pdfium_c.FPDFText_IsGenerated(raw, i) != 0:
                made_up = made_up or code == 0x20
                continue
        if 0xD800 <= code <= 0xDFFF:  # PDFium hands out UTF-16 units: join a pair, drop a stray half
            low = ord(text[i + 1]) if aligned and i + 1 < count else pdfium_c.FPDFText_GetUnicode(raw, i + 1) if i + 1 < count else 0
            if not (code <= 0xDBFF and 0xDC00 <= low <= 0xDFFF):
                continue
            char, skip = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), i + 1
        else:
            char = "-" if code in _HYPHEN_MARKS else chr(code)
        if not loose_box(raw, i, rect):
            continue
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        char_matrix(raw, i, matrix)
        ma, mb, mc, md = matrix.a, matrix.b, matrix.c, matrix.d
        # pdfminer's box is one font size tall from the descent; PDFium's loose box reaches the
        # font's ascent instead. The glyph's vertical axis (mc, md) scaled by the font size is
        # that height in user space; skewed glyphs keep PDFium's box.
        size = font_size(raw, i)
        horizontal = ma > 0 and abs(mb) < 1e-6 and abs(mc) < 1e-6
        if horizontal:
            # PDFium's loose box also takes in the glyph's ink (an italic "f" overhangs its
            # advance); pdfminer's runs from the origin to the advance. The origin is known,
            # the advance ends where the next glyph of the run starts (fixed below).
            char_origin(raw, i, ox, oy)
            left = ox.value
            if previous is not None and abs(oy.value - previous[1]) < 0.01 and previous[0] < left < previous[2]:
                previous[3]["x1"] = left + mb_x0 + e if upright_view else previous[3]["x1"]
        if size > 0 and abs(mb) < 1e-6 and abs(mc) < 1e-6:
            if md > 0:
                top = bottom + size * md
            elif md < 0:
                bottom = top + size * md
        elif size > 0 and abs(ma) < 1e-6 and abs(md) < 1e-6:
            if mc < 0:
                left = right + size * mc
            elif mc > 0:
                right = left + size * mc
        ra, rb, rc, rd = ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d
        upright = 0 < ra * rd and rb * rc <= 0
        # user space -> displayed page space (rotation), then pdfplumber's top-left origin
        px0, py0 = a * left + c * bottom + e, b * left + d * bottom + f
        px1, py1 = a * right + c * top + e, b * right + d * top + f
        if px0 > px1:
            px0, px1 = px1, px0
        if py0 > py1:
            py0, py1 = py1, py0
        out.append({"text": char, "x0": px0 + mb_x0, "x1": px1 + mb_x0, "top": height - py1 + mb_top,
                    "bottom": height - py0 + mb_top, "doctop": height - py1 + mb_top, "height": py1 - py0,
                    "upright": upright})
        previous = (ox.value, oy.value, right, out[-1]) if horizontal else None
    if made_up:
        out.extend(_spaces_drawn_alone(page, out, ctm, height, mb_x0, mb_top))
    return out


def _spaces_drawn_alone(page: pdfium.PdfPage, chars: list[dict], ctm: tuple, height: float, mb_x0: float,
                        mb_top: float) -> list[dict]:
    """Space characters PDFium left out of its text page, as pdfplumber-shaped dicts.

    A space drawn as a text object of its own (some generators draw every glyph alone) is
    not in PDFium's text page, though pdfminer read it and the words split there. The object
    is still on the page, with an empty box at the baseline: it becomes a space in front of
    the glyph that follows it on its line.
    """
    blanks = []
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT \
                and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top) and right.value - left.value < 0.01:
            blanks.append((left.value, bottom.value))
    if not blanks:
        return []
    order = sorted(range(len(chars)), key=lambda k: chars[k]["x0"])
    xs = [chars[k]["x0"] for k in order]
    a, b, c, d, e, f = ctm
    spaces = []
    for x, y in blanks:
        px, py = a * x + c * y + e + mb_x0, height - (b * x + d * y + f) + mb_top
        # the next glyph within 6 pt; farther away the gap alone splits the word
        for k in range(bisect.bisect_left(xs, px - 0.5), bisect.bisect_right(xs, px + 6)):
            glyph = chars[order[k]]
            if glyph["upright"] and glyph["top"] <= py <= glyph["bottom"]:
                spaces.append({**glyph, "text": " ", "x0": px, "x1": px})
                break
    return spaces


def _without_overprinted_spaces(chars: list[dict]) -> list[dict]:
    """Drop space characters drawn at the same spot as a glyph.

    Some generators emit a space and the next glyph at one position; split at that space,
    "471102" would become "4" and "71102". A space that covers no free room carries no
    information.
    """
    taken = {(round(ch["x0"], 1), round(ch["top"], 1)) for ch in chars if not ch["text"].isspace()}
    return [ch for ch in chars if not (ch["text"].isspace() and (round(ch["x0"], 1), round(ch["top"], 1)) in taken)]


@dataclass(frozen=True)
class PageDrawing:
    """What PDFium gives of one page: its size, characters and drawn edges."""

    width: float
    height: float
    chars: list[dict]
    edges: list[dict]


def page_drawing(page: pdfium.PdfPage) -> PageDrawing:
    """The page's characters and edges (call inside open_pdfium: every PDFium call is here)."""
    view, width, height, mb_x0, mb_top = _view_transform(page)
    textpage = page.get_textpage()
    try:
        chars = _without_overprinted_spaces(_chars(page, textpage))
    finally:
        textpage.close()
    return PageDrawing(width, height, chars, page_edges(page, view, height, mb_x0, mb_top) if chars else [])


def words_and_tables(drawing: PageDrawing) -> tuple[list[tuple[str, float, float, float, float]], tuple]:
    """Words as (text, x0, top, x1, bottom) and ruled tables; pure Python, so the caller can
    run it outside the PDFium lock."""
    chars = drawing.chars
    words = [(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w, _ in _EXTRACTOR.iter_extract_tuples(chars)] if chars else []
    tables = find_tables(drawing.edges, chars, drawing.width, drawing.height) if words else ()
    return words, tables


def read_page(page: pdfium.PdfPage) -> tuple[float, float, list[tuple[str, float, float, float, float]], tuple]:
    """Width, height, words and ruled tables of ``page`` (call inside open_pdfium)."""
    drawing = page_drawing(page)
    return (drawing.width, drawing.height, *words_and_tables(drawing))
