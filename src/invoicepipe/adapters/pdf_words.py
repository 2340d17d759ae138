"""Words of a PDF page from PDFium's character boxes.

PDFium lays out a page's text in about a millisecond; pdfminer (under pdfplumber) needs tens
of milliseconds for the same page. The characters come from PDFium, in the coordinates
pdfplumber used before (points, top-left origin of the page as displayed, /Rotate applied),
with the box pdfminer gives a glyph: its advance width, from the font's descent below the
baseline up to one font size above that. They are then grouped into words as pdfplumber's
own ``WordExtractor`` groups them (``char_words``: its steps as plain loops), so words split
exactly where they did: a space character, a gap wider than ``x_tolerance``, a jump of more
than ``y_tolerance``. PDFium's facts per character are read in bulk by ``pdf_glyphs`` and
zipped into tuples (``char_words.Char``), not a dict per character: the reader's words,
its overprint check and the table cells all read the tuples.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from invoicepipe.adapters import char_words
from invoicepipe.adapters.char_words import BOTTOM, TEXT, TOP, UPRIGHT, X0, Char
from invoicepipe.adapters.pdf_glyphs import page_boxes, read_glyphs
from invoicepipe.adapters.pdf_rules import TABLE_EDGE_MIN_LENGTH, find_tables, page_edges
from invoicepipe.adapters.pdfium_calls import object_bounds, page_objects

# pdfplumber's default x_tolerance (3 pt) keeps letter-spaced numbers ("4 71102" as drawn by
# some generators) whole; use_text_flow=False so words come in page geometry, which the
# extractor regroups into lines anyway. ``char_words`` groups with exactly these settings.
WORD_SETTINGS = char_words.SETTINGS


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


def _chars(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, objects: tuple[list, list[int]]) -> list[Char]:
    """The page's printed characters (``char_words.Char``: text, x0, x1, top, bottom, height,
    upright, pdfplumber's values), in PDFium's order. Characters PDFium made up (spaces and
    line breaks it inserts between runs) are dropped: word breaks come from geometry, as before.
    ``objects``: the page's objects and their types (``pdfium_calls.page_objects``)."""
    ctm, _, height, mb_x0, mb_top = _view_transform(page)
    texts, glyphs, made_up = read_glyphs(textpage)
    if not texts:
        return []
    columns = page_boxes(glyphs, ctm, height, mb_x0, mb_top)
    out = list(zip(texts, *columns))
    if made_up:
        out.extend(_spaces_drawn_alone(objects, out, ctm, height, mb_x0, mb_top, columns))
    return out


def _spaces_drawn_alone(objects: tuple[list, list[int]], chars: list[Char], ctm: tuple, height: float, mb_x0: float,
                        mb_top: float, columns: Optional[tuple[list, ...]] = None) -> list[Char]:
    """Space characters PDFium left out of its text page.

    A space drawn as a text object of its own (some generators draw every glyph alone) is
    not in PDFium's text page, though pdfminer read it and the words split there. The object
    is still on the page, with an empty box at the baseline: it becomes a space in front of
    the glyph that follows it on its line. Such pages have a text object per glyph (500 and
    more): their boxes are read in one C-level loop. ``columns``: the characters' fields
    after the text as lists (``page_boxes``), when at hand.
    """
    x, y = _empty_text_objects(objects)
    if not len(x):
        return []
    a, b, c, d, e, f = ctm
    # the same IEEE operations in the same order as on each blank's floats
    pxs, pys = a * x + c * y + e + mb_x0, height - (b * x + d * y + f) + mb_top
    if columns is None:
        columns = tuple(zip(*chars))[1:] if chars else ((),) * UPRIGHT
    # (the text is not among the columns)
    x0s, tops, bottoms, uprights = (np.array(columns[k - 1], dtype=float) for k in (X0, TOP, BOTTOM, UPRIGHT))
    if np.isnan(x0s).any() or np.isnan(pxs).any():  # no order for a NaN: as the loop sorts and bisects
        return _next_glyphs_one_by_one(list(zip(x.tolist(), y.tolist())), chars, ctm, height, mb_x0, mb_top)
    order = np.argsort(x0s, kind="stable")  # sorted()'s order of the characters by x0
    xs = x0s[order]
    # each blank's candidates, the glyphs whose x0 is within 0.5 pt before and 6 pt after
    # it (farther away the gap alone splits the word), as one flat array of glyph indices
    lo, hi = np.searchsorted(xs, pxs - 0.5, side="left"), np.searchsorted(xs, pxs + 6, side="right")
    counts = np.maximum(hi - lo, 0)
    blank_of = np.repeat(np.arange(len(x)), counts)
    glyph = order[np.arange(counts.sum()) + np.repeat(lo - (np.cumsum(counts) - counts), counts)]
    py = pys[blank_of]
    on_line = (uprights[glyph] != 0) & (tops[glyph] <= py) & (py <= bottoms[glyph])
    hits = np.flatnonzero(on_line)
    found, first = np.unique(blank_of[hits], return_index=True)  # each blank's first candidate on its line
    spaces = []
    for px, k in zip(pxs[found].tolist(), glyph[hits[first]].tolist()):
        _, _, _, top, bottom, tall, upright = chars[k]
        spaces.append((" ", px, px, top, bottom, tall, upright))
    return spaces


def _next_glyphs_one_by_one(blanks: list[tuple[float, float]], chars: list[Char], ctm: tuple, height: float,
                            mb_x0: float, mb_top: float) -> list[Char]:
    """``_spaces_drawn_alone``'s look-up blank by blank (for x positions without an order)."""
    x0s = [ch[X0] for ch in chars]
    order = sorted(range(len(chars)), key=x0s.__getitem__)  # the same stable order, no Python frame per key
    xs = list(map(x0s.__getitem__, order))
    a, b, c, d, e, f = ctm
    spaces = []
    for x, y in blanks:
        px, py = a * x + c * y + e + mb_x0, height - (b * x + d * y + f) + mb_top
        # the next glyph within 6 pt; farther away the gap alone splits the word
        for k in range(bisect.bisect_left(xs, px - 0.5), bisect.bisect_right(xs, px + 6)):
            _, _, _, top, bottom, tall, upright = chars[order[k]]
            if upright and top <= py <= bottom:
                spaces.append((" ", px, px, top, bottom, tall, upright))
                break
    return spaces


def _empty_text_objects(objects: tuple[list, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Left and bottom (two arrays) of the page's top-level text objects whose box has no width."""
    texts = [obj for obj, kind in zip(*objects) if kind == pdfium_c.FPDF_PAGEOBJ_TEXT]
    found, box = object_bounds(texts)  # left, bottom, right, top per object
    empty = found & (box[:, 2] - box[:, 0] < 0.01)
    return box[empty, 0], box[empty, 1]


def _without_overprinted_spaces(chars: list[Char]) -> list[Char]:
    """Drop space characters drawn at the same spot as a glyph.

    Some generators emit a space and the next glyph at one position; split at that space,
    "471102" would become "4" and "71102". A space that covers no free room carries no
    information. The same spot is the same (x0, top) rounded to 0.1 pt; only glyphs of a
    space's rounded line within 0.2 pt of it can share its rounded x0, so each space looks
    at those few instead of every glyph being rounded. Only the rounded lines holding a
    space are asked about, so only their glyphs are gathered; a line's glyphs follow one
    another in PDFium's order and share their top, so a glyph on the top of the one before
    it is on its line without a look-up.
    """
    spaces = [k for k, ch in enumerate(chars) if ch[TEXT].isspace()]
    if not spaces:
        return chars
    lines: dict[float, list[float]] = {round(chars[k][TOP], 1): [] for k in spaces}
    last_top, xs = None, None
    for text, x0, _, top, _, _, _ in chars:
        if top != last_top:  # (a NaN top is never equal: looked up, and found nowhere, every time)
            last_top, xs = top, lines.get(round(top, 1))
        if xs is not None and not text.isspace():
            xs.append(x0)
    for xs in lines.values():
        xs.sort()
    covered = set()
    for k in spaces:
        x0 = chars[k][X0]
        xs = lines.get(round(chars[k][TOP], 1))
        if xs and any(round(x, 1) == round(x0, 1) for x in xs[bisect.bisect_left(xs, x0 - 0.2):bisect.bisect_right(xs, x0 + 0.2)]):
            covered.add(k)
    return [ch for k, ch in enumerate(chars) if k not in covered] if covered else chars


@dataclass(frozen=True)
class PageDrawing:
    """What PDFium gives of one page: its size, characters and the drawn edges long enough
    for the table finder."""

    width: float
    height: float
    chars: list[Char]
    edges: list[dict]


def page_drawing(page: pdfium.PdfPage, textpage: Optional[pdfium.PdfTextPage] = None) -> PageDrawing:
    """The page's characters and edges (call inside open_pdfium: every PDFium call is here).
    ``textpage``: the page's text page when it is laid out already (the caller closes it)."""
    view, width, height, mb_x0, mb_top = _view_transform(page)
    objects = page_objects(page)  # for the spaces drawn alone and the drawn edges
    own = textpage is None
    if own:
        textpage = page.get_textpage()
    try:
        chars = _without_overprinted_spaces(_chars(page, textpage, objects))
    finally:
        if own:
            textpage.close()
    # only the edges the table finder looks at: a page's QR code alone is thousands of shorter ones
    edges = page_edges(page, view, height, mb_x0, mb_top, objects, TABLE_EDGE_MIN_LENGTH) if chars else []
    return PageDrawing(width, height, chars, edges)


def words_and_tables(drawing: PageDrawing) -> tuple[list[tuple[str, float, float, float, float]], tuple]:
    """Words as (text, x0, top, x1, bottom) and ruled tables; pure Python, so the caller can
    run it outside the PDFium lock."""
    chars = drawing.chars
    words = char_words.words(chars) if chars else []
    tables = find_tables(drawing.edges, chars, drawing.width, drawing.height) if words else ()
    return words, tables


def read_page(page: pdfium.PdfPage) -> tuple[float, float, list[tuple[str, float, float, float, float]], tuple]:
    """Width, height, words and ruled tables of ``page`` (call inside open_pdfium)."""
    drawing = page_drawing(page)
    return (drawing.width, drawing.height, *words_and_tables(drawing))
