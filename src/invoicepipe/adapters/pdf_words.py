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
import re
from dataclasses import dataclass
from itertools import repeat

import numpy as np
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
    texts, glyphs, made_up = _read_glyphs(textpage)
    if not texts:
        return []
    boxes = _page_boxes(glyphs, ctm, height, mb_x0, mb_top)
    out = [{"text": char, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "height": tall, "upright": upright}
           for char, x0, x1, top, bottom, tall, upright in zip(texts, *boxes)]
    if made_up:
        out.extend(_spaces_drawn_alone(page, out, ctm, height, mb_x0, mb_top))
    return out


def _by_address(func, restype, *argtypes):
    """The same PDFium entry point declared with plain addresses for its pointers, so ``map``
    can fill a ctypes array in one C-level loop (no Python frame, no ctypes object per call)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)


_ADDR, _INT = ctypes.c_void_p, ctypes.c_int
_LOOSE_BOX = _by_address(pdfium_c.FPDFText_GetLooseCharBox, _INT, _ADDR, _INT, _ADDR)
_MATRIX = _by_address(pdfium_c.FPDFText_GetMatrix, _INT, _ADDR, _INT, _ADDR)
_FONT_SIZE = _by_address(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, _ADDR, _INT)
_ORIGIN = _by_address(pdfium_c.FPDFText_GetCharOrigin, _INT, _ADDR, _INT, _ADDR, _ADDR)
_RECT_BYTES, _MATRIX_BYTES = ctypes.sizeof(pdfium_c.FS_RECTF), ctypes.sizeof(pdfium_c.FS_MATRIX)
# what needs a look of its own: controls and spaces (PDFium may have made them up), the
# line-end hyphen marks, UTF-16 halves
_SPECIAL = re.compile("[\x00-\x20\xa0\ufffe\ud800-\udfff]")


@dataclass
class _Glyphs:
    """What PDFium says of each kept character, in ctypes arrays filled by C-level loops;
    the arithmetic on them is done afterwards on whole arrays."""

    boxes: ctypes.Array  # FS_RECTF: PDFium's loose box (left, top, right, bottom), user space
    matrices: ctypes.Array  # FS_MATRIX: the glyph's text matrix
    sizes: list[float]  # font size
    origins: ctypes.Array  # x, y of each glyph's origin


def _read_glyphs(textpage: pdfium.PdfTextPage) -> tuple[list[str], _Glyphs, bool]:
    """The printed characters' texts and PDFium facts, and whether PDFium made up a space."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:  # a character outside the BMP takes two UTF-16 units: read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    indices, texts, made_up = _printed(raw, text)
    address = ctypes.cast(raw, ctypes.c_void_p).value
    boxes, found = _loose_boxes(address, indices)
    if not all(found):  # PDFium has no box for it: not drawn
        indices = [i for i, ok in zip(indices, found) if ok]
        texts = [t for t, ok in zip(texts, found) if ok]
        boxes, _ = _loose_boxes(address, indices)
    n = len(indices)
    matrices = (pdfium_c.FS_MATRIX * max(n, 1))()
    origins = (ctypes.c_double * max(2 * n, 2))()
    at, to = ctypes.addressof(matrices), ctypes.addressof(origins)
    list(map(_MATRIX, repeat(address, n), indices, range(at, at + _MATRIX_BYTES * n, _MATRIX_BYTES)))
    sizes = list(map(_FONT_SIZE, repeat(address, n), indices))
    list(map(_ORIGIN, repeat(address, n), indices, range(to, to + 16 * n, 16), range(to + 8, to + 16 * n, 16)))
    return texts, _Glyphs(boxes, matrices, sizes, origins), made_up


def _loose_boxes(address: int, indices: list[int]) -> tuple[ctypes.Array, list[int]]:
    n = len(indices)
    boxes = (pdfium_c.FS_RECTF * max(n, 1))()
    at = ctypes.addressof(boxes)
    return boxes, list(map(_LOOSE_BOX, repeat(address, n), indices, range(at, at + _RECT_BYTES * n, _RECT_BYTES)))


def _printed(raw, text: str) -> tuple[list[int], list[str], bool]:
    """Indices and texts of the characters that are printed, and whether PDFium made up a
    space. Controls and the spaces PDFium inserted between runs are dropped, its line-end
    hyphen marks become "-", a UTF-16 pair becomes its character and a stray half is dropped."""
    drop: set[int] = set()
    replace: dict[int, str] = {}
    made_up = False
    for match in _SPECIAL.finditer(text):
        i = match.start()
        if i in drop:  # the low half of a pair already joined
            continue
        code = ord(text[i])
        if code in _HYPHEN_MARKS:
            replace[i] = "-"
        elif code < 0x20:
            drop.add(i)
        elif code in _SPACE_LIKE:
            if pdfium_c.FPDFText_IsGenerated(raw, i) != 0:
                made_up = made_up or code == 0x20
                drop.add(i)
        else:  # a UTF-16 half
            low = ord(text[i + 1]) if i + 1 < len(text) else 0
            if code <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
                replace[i] = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                drop.add(i + 1)
            else:
                drop.add(i)
    if not drop and not replace:
        return list(range(len(text))), list(text), made_up
    indices = [i for i in range(len(text)) if i not in drop]
    return indices, [replace.get(i) or text[i] for i in indices], made_up


def _page_boxes(glyphs: _Glyphs, ctm: tuple, height: float, mb_x0: float, mb_top: float) -> tuple[list, ...]:
    """x0, x1, top, bottom, height and upright of every glyph in pdfplumber's page space.

    The same IEEE operations in the same order as a per-character loop would do them
    (numpy on float64 columns), so the boxes are the same floats."""
    n = len(glyphs.sizes)
    a, b, c, d, e, f = ctm
    box = np.frombuffer(glyphs.boxes, dtype=np.float32, count=4 * n).reshape(n, 4).astype(np.float64)
    matrix = np.frombuffer(glyphs.matrices, dtype=np.float32, count=6 * n).reshape(n, 6).astype(np.float64)
    left, top, right, bottom = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    ma, mb, mc, md = matrix[:, 0], matrix[:, 1], matrix[:, 2], matrix[:, 3]
    size = np.array(glyphs.sizes, dtype=np.float64)
    origin = np.frombuffer(glyphs.origins, dtype=np.float64, count=2 * n).reshape(n, 2)
    ox, oy = origin[:, 0], origin[:, 1]
    # PDFium's loose box also takes in the glyph's ink (an italic "f" overhangs its advance);
    # pdfminer's runs from the origin to the advance. The origin is known, the advance ends
    # where the next glyph of the run starts (fixed below).
    horizontal = (ma > 0) & (np.abs(mb) < 1e-6) & (np.abs(mc) < 1e-6)
    left = np.where(horizontal, ox, left)
    # pdfminer's box is one font size tall from the descent; PDFium's loose box reaches the
    # font's ascent instead. The glyph's vertical axis (mc, md) scaled by the font size is
    # that height in user space; skewed glyphs keep PDFium's box.
    upright_axes = (size > 0) & (np.abs(mb) < 1e-6) & (np.abs(mc) < 1e-6)
    new_top = np.where(upright_axes & (md > 0), bottom + size * md, top)
    bottom = np.where(upright_axes & (md < 0), top + size * md, bottom)
    top = new_top
    sideways = ~upright_axes & (size > 0) & (np.abs(ma) < 1e-6) & (np.abs(md) < 1e-6)
    new_left = np.where(sideways & (mc < 0), right + size * mc, left)
    right = np.where(sideways & (mc > 0), left + size * mc, right)
    left = new_left
    ra, rb, rc, rd = ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d
    upright = (0 < ra * rd) & (rb * rc <= 0)
    # user space -> displayed page space (rotation), then pdfplumber's top-left origin
    px0, py0 = a * left + c * bottom + e, b * left + d * bottom + f
    px1, py1 = a * right + c * top + e, b * right + d * top + f
    px0, px1 = np.minimum(px0, px1), np.maximum(px0, px1)
    py0, py1 = np.minimum(py0, py1), np.maximum(py0, py1)
    x1 = px1 + mb_x0
    if a == 1.0 and d == 1.0 and n > 1:  # /Rotate 0: page x is user x shifted
        # a glyph whose advance runs past the next glyph's origin on the same baseline of a
        # horizontal run ends there
        follows = horizontal[1:] & horizontal[:-1] & (np.abs(oy[1:] - oy[:-1]) < 0.01) & (ox[:-1] < ox[1:]) & (ox[1:] < right[:-1])
        x1[:-1] = np.where(follows, ox[1:] + mb_x0 + e, x1[:-1])
    return ((px0 + mb_x0).tolist(), x1.tolist(), (height - py1 + mb_top).tolist(), (height - py0 + mb_top).tolist(),
            (py1 - py0).tolist(), upright.tolist())


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
    information. The same spot is the same (x0, top) rounded to 0.1 pt; only glyphs of a
    space's rounded line within 0.2 pt of it can share its rounded x0, so each space looks
    at those few instead of every glyph being rounded.
    """
    spaces = [k for k, ch in enumerate(chars) if ch["text"].isspace()]
    if not spaces:
        return chars
    rounded: dict[float, float] = {}  # a line's glyphs share their top: round each value once
    lines: dict[float, list[float]] = {}
    for ch in chars:
        if not ch["text"].isspace():
            top = ch["top"]
            line = rounded.get(top)
            if line is None:
                line = rounded[top] = round(top, 1)
            lines.setdefault(line, []).append(ch["x0"])
    for xs in lines.values():
        xs.sort()
    covered = set()
    for k in spaces:
        x0 = chars[k]["x0"]
        xs = lines.get(round(chars[k]["top"], 1))
        if xs and any(round(x, 1) == round(x0, 1) for x in xs[bisect.bisect_left(xs, x0 - 0.2):bisect.bisect_right(xs, x0 + 0.2)]):
            covered.add(k)
    return [ch for k, ch in enumerate(chars) if k not in covered] if covered else chars


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
