"""Ruled tables of a PDF page from PDFium's drawn paths and character boxes.

pdfplumber's table finder (default "lines" strategy) builds cells from the page's drawn
edges only: ruling lines, rectangle sides and straight pieces of other paths. Its input is
pdfminer's layout of the page, which costs tens of milliseconds; the edges are rebuilt here
from PDFium's path objects the way pdfminer turns a path into a line, a rectangle or a curve
(each subpath on its own, Bézier control points left out, a closed subpath back to its
start), in the page coordinates of ``pdf_words``. pdfplumber's own ``TableFinder`` then finds
the cells (their search from the intersections done by ``table_cells``), and each cell's text is read as pdfplumber's ``extract_text`` reads it (its steps
as plain loops, ``char_words``) from the characters ``Table.extract`` would pick (box middle
inside the cell) out of the same characters the words come from, found by bisection
instead of its all-characters-by-all-rows scan; tables
come out as pdfplumber made them, without pdfminer. A page without both a horizontal and a
vertical edge has no cell, so the finder is not run.
"""

from __future__ import annotations

import bisect
import ctypes
from itertools import compress
from typing import Optional

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import utils
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

from invoicepipe.adapters import char_words, table_cells
from invoicepipe.adapters.pdfium_calls import Handle, Outputs, form_objects, object_bounds, page_objects, unconverted

_MAX_DEPTH = 15  # Form XObjects nest; PDFium itself stops at a similar depth
_Matrix = tuple[float, float, float, float, float, float]
_PLAIN_TEXT = {"x_tolerance": char_words.TOLERANCE, "y_tolerance": char_words.TOLERANCE}
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MOVETO, _BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
_MATRICES, _POINTS = Outputs(pdfium_c.FS_MATRIX), Outputs(ctypes.c_float, 2)
_OBJECT_MATRIX = unconverted(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int)
_SEGMENT_COUNT = unconverted(pdfium_c.FPDFPath_CountSegments, ctypes.c_int)
_SEGMENT = unconverted(pdfium_c.FPDFPath_GetPathSegment, Handle)
_SEGMENT_TYPE = unconverted(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
_SEGMENT_POINT = unconverted(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
_SEGMENT_CLOSE = unconverted(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)
# The table finder's first step drops every edge shorter than this (pdfplumber's
# ``edge_min_length_prefilter`` in the settings ``find_tables`` uses): a vertical edge by its
# height, any other by its width. Generated pages draw QR codes and dotted rules as
# thousands of tiny squares, each four edges that only that filter ever sees.
TABLE_EDGE_MIN_LENGTH = TableSettings.resolve(None).edge_min_length_prefilter
# paths on a page from which their boxes are asked for first (``_collect``): a box costs
# a fair part of what reading a short path's segments does, so it pays only where most
# paths are tiny. A QR code drawn module by module is hundreds of paths (the generated
# sets' pages with one: 300-550, nine in ten of them under 1 pt); a page of ruled tables
# or boxed HTML has tens to a hundred, hardly any tiny.
_MANY_PATHS = 128


class _Drawing:
    """What pdfplumber's ``TableFinder`` reads from a page: edges, characters, bounds."""

    def __init__(self, edges: list[dict], chars: list[dict], width: float, height: float):
        self.edges, self.chars, self.bbox = edges, chars, (0, 0, width, height)


def page_edges(page: pdfium.PdfPage, view: _Matrix, height: float, mb_x0: float, mb_top: float,
               objects: Optional[tuple[list, list[int]]] = None, min_length: float = 0) -> list[dict]:
    """The page's drawn edges as pdfplumber's ``Page.edges`` gives them (call inside open_pdfium).
    ``objects``: the page's objects and types (``pdfium_calls.page_objects``) when the caller
    listed them already. ``min_length``: only the edges pdfplumber's ``filter_edges`` keeps
    at that length, in the same order (``TABLE_EDGE_MIN_LENGTH``: what the table finder
    looks at); a page's path whose box in PDFium is clearly shorter than that both ways
    gives none, and its segments are not read."""
    edges: list[dict] = []
    to_page = _then(view, (1.0, 0.0, 0.0, -1.0, mb_x0, height + mb_top))  # PDF user space -> top-left origin
    _collect(*(objects or page_objects(page)), to_page, edges, 0, min_length)
    return edges


def find_tables(edges: list[dict], chars: list[char_words.Char], width: float, height: float) -> tuple:
    """Tables (rows of cell texts) as pdfplumber's ``extract_tables`` gives them; pure Python,
    no PDFium call, so it runs outside the PDFium lock."""
    if not _has_both_orientations(edges):  # a cell needs a horizontal and a vertical edge
        return ()
    settings = TableSettings.resolve(None)  # what Page.extract_tables() uses
    finder = _Finder(_Drawing(edges, [], width, height), settings)
    if not finder.tables:
        return ()
    placed = _CharIndex(chars)
    text_settings = settings.text_settings or {}
    return tuple(tuple(tuple(None if cell is None else placed.text_in(cell, text_settings) for cell in row.cells)
                       for row in table.rows)
                 for table in finder.tables)


class _Finder(TableFinder):
    """pdfplumber's ``TableFinder`` (its ``__init__`` step by step) with the cells found by
    ``table_cells``: the same cells without its rescans of the points."""

    def __init__(self, page: _Drawing, settings: TableSettings):  # not super().__init__: it would find the cells its way
        self.page, self.settings = page, settings
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(self.edges, settings.intersection_x_tolerance,
                                                    settings.intersection_y_tolerance)
        self.cells = table_cells.cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def _has_both_orientations(edges: list[dict]) -> bool:
    orientations = {edge["orientation"] for edge in edges}
    return "h" in orientations and "v" in orientations


class _CharIndex:
    """The page's characters by the middle of their box, for pdfplumber's cell test.

    ``Table.extract`` tests every character of the page against every row and every row's
    character against each of its cells (quadratic: most of a ruled page's reading time).
    A cell's characters are those whose box middle lies in [x0, x1) x [top, bottom), the
    same comparisons on the same midpoints, found here by bisecting the characters sorted
    by vertical middle and kept in page order for ``extract_text``.
    """

    def __init__(self, chars: list[char_words.Char]):
        middles = sorted(((top + bottom) / 2, (x0 + x1) / 2, k) for k, (_, x0, x1, top, bottom, _, _) in enumerate(chars))
        self.chars = chars
        self.v_mids = [m[0] for m in middles]
        self.entries = middles

    def text_in(self, cell: tuple, text_settings: dict) -> str:
        x0, top, x1, bottom = cell
        start, end = bisect.bisect_left(self.v_mids, top), bisect.bisect_left(self.v_mids, bottom)
        inside = sorted(k for _, h_mid, k in self.entries[start:end] if x0 <= h_mid < x1)
        if not inside:
            return ""
        chars = [self.chars[k] for k in inside]
        if text_settings == _PLAIN_TEXT:  # what TableSettings gives: pdfplumber's text as plain loops
            return char_words.text(chars)
        return utils.extract_text(list(map(char_words.as_dict, chars)), **text_settings)


def _then(first: _Matrix, second: _Matrix) -> _Matrix:
    """The matrix that applies ``first`` and then ``second`` (PDF row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _collect(objects: list[Handle], kinds: list[int], outer: _Matrix, edges: list[dict], depth: int,
             min_length: float = 0) -> None:
    """The edges of one page's or form's objects, in drawing order (pdfplumber's edge order),
    those shorter than ``min_length`` left out (``page_edges``)."""
    path_objects = [obj for obj, kind in zip(objects, kinds) if kind == pdfium_c.FPDF_PAGEOBJ_PATH]
    # the page's own paths (``outer`` neither scales nor skews them), when there are enough
    # for the boxes to pay: a page of a few rules gains nothing by asking for them
    if min_length > 0 and depth == 0 and len(path_objects) >= _MANY_PATHS:
        reaching = _may_reach(path_objects, min_length)
        read = iter(_subpaths(list(compress(path_objects, reaching)), outer))
        paths = iter([next(read) if ok else [] for ok in reaching])
    else:
        paths = iter(_subpaths(path_objects, outer))
    for obj, kind in zip(objects, kinds):
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
            # a form's objects are in its own space: its matrix maps them onto the page
            inner = _then(_object_matrices([obj])[0], outer)
            _collect(*form_objects(obj), inner, edges, depth + 1, min_length)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            for points in next(paths):
                edges.extend(_edges_of(points, min_length))


def _may_reach(paths: list[Handle], min_length: float) -> list[bool]:
    """For each of the page's paths, False when it can give no edge of ``min_length``: its
    box in PDFium (which holds every point of the path, Bézier control points and the
    stroke's width included, through the path's matrix) is shorter than that both ways by
    more than PDFium's float32 arithmetic and ours could differ (a generous slack). The
    page's own transform only turns and moves, so a length on the page is the length in
    user space. A path without a box is read."""
    found, box = object_bounds(paths)  # left, bottom, right, top
    slack = 0.05 + 1e-5 * np.abs(box).max(axis=1, initial=0.0)
    reach = (box[:, 2] - box[:, 0] + slack >= min_length) | (box[:, 3] - box[:, 1] + slack >= min_length)
    return (reach | ~found).tolist()


def _object_matrices(objects: list[Handle]) -> list[_Matrix]:
    """Each object's matrix (identity where PDFium has none), one C-level call per object."""
    ok = list(map(_OBJECT_MATRIX, objects, *_MATRICES.pointers(len(objects))))
    return [(m.a, m.b, m.c, m.d, m.e, m.f) if got else _IDENTITY for m, got in zip(_MATRICES.array, ok)]


def _subpaths(paths: list[Handle], outer: _Matrix) -> list[list[list[tuple[float, float]]]]:
    """Per path object, each subpath's points as pdfminer keeps them: segment ends (Bézier
    control points dropped) and, for a closed subpath, its start again. PDFium's facts of
    every segment of every path (type, point, close flag) are read first, each in one
    C-level loop: four calls per segment, a few thousand on a ruled page."""
    counts = [max(0, n) for n in map(_SEGMENT_COUNT, paths)]
    owners = [obj for obj, n in zip(paths, counts) for _ in range(n)]
    segments = list(map(_SEGMENT, owners, [i for n in counts for i in range(n)]))
    total = len(segments)
    kinds = list(map(_SEGMENT_TYPE, segments))
    closed = list(map(_SEGMENT_CLOSE, segments))
    has_point = list(map(_SEGMENT_POINT, segments, *_POINTS.pointers(total)))
    xys = _POINTS.array[:2 * total]  # the float32 values as Python floats, as c_float.value gives them
    out = []
    start = 0
    for matrix, n in zip(_object_matrices(paths), counts):
        out.append(_path_points(_then(matrix, outer), kinds, closed, has_point, xys, start, start + n))
        start += n
    return out


def _path_points(matrix: _Matrix, kinds: list[int], closed: list[int], has_point: list[int], xys: list[float],
                 start: int, end: int) -> list[list[tuple[float, float]]]:
    """One path's subpaths from its segments ``start:end`` of the facts read in bulk."""
    a, b, c, d, e, f = matrix
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    bezier = 0
    for i in range(start, end):
        kind = kinds[i]
        if kind == _BEZIERTO:
            bezier += 1
            if bezier % 3:  # the first two points of a curve segment are its control points
                continue
        else:
            bezier = 0
        if not has_point[i]:
            continue
        x, y = xys[2 * i], xys[2 * i + 1]
        point = (a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO:
            if current:
                out.append(current)
            current = [point]
        else:
            current.append(point)
        if closed[i] and current:
            if len(current) < 2 or current[-1] != current[0]:  # pdfminer's "h" goes back to the start once
                current.append(current[0])
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _edge(p0: tuple[float, float], p1: tuple[float, float], orientation: Optional[str], kind: str) -> dict:
    # the two-value ``sorted`` as one comparison (it swaps only when the second is smaller)
    x0, x1 = (p1[0], p0[0]) if p1[0] < p0[0] else (p0[0], p1[0])
    top, bottom = (p1[1], p0[1]) if p1[1] < p0[1] else (p0[1], p1[1])
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def _edges_of(points: list[tuple[float, float]], min_length: float = 0) -> list[dict]:
    """pdfplumber's edges of one subpath: a two-point line, a rectangle's four sides, or the
    straight axis-parallel pieces of anything else; with ``min_length``, only those its
    ``filter_edges`` keeps (a vertical edge by its height, any other by its width), the
    others never made (a thin filled rule is two long sides and two short ones)."""
    if len(points) == 2 or (len(points) == 3 and points[2] == points[0]):  # pdfminer's "ml" / "mlh"
        p0, p1 = points[0], points[1]
        return _long_enough([_edge(p0, p1, "h" if p0[1] == p1[1] else "v", "line")], min_length)
    if len(points) == 5 and _is_rectangle(points):
        xs, ys = sorted({p[0] for p in points}), sorted({p[1] for p in points})
        x0, x1, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
        edges = []
        if not min_length or x1 - x0 >= min_length:  # the width _edge gives both horizontal sides
            edges += [_edge((x0, top), (x1, top), "h", "rect_edge"), _edge((x0, bottom), (x1, bottom), "h", "rect_edge")]
        if not min_length or bottom - top >= min_length:  # and the height of both vertical ones
            edges += [_edge((x0, top), (x0, bottom), "v", "rect_edge"), _edge((x1, top), (x1, bottom), "v", "rect_edge")]
        return edges
    return _long_enough([_edge(p0, p1, "v" if p0[0] == p1[0] else "h", "curve_edge")
                         for p0, p1 in zip(points, points[1:]) if p0[0] == p1[0] or p0[1] == p1[1]], min_length)


def _long_enough(edges: list[dict], min_length: float) -> list[dict]:
    """The edges pdfplumber's ``filter_edges`` keeps at ``min_length`` (all at 0)."""
    if not min_length:
        return edges
    return [e for e in edges if e["height" if e["orientation"] == "v" else "width"] >= min_length]


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
