"""adapters/pdf_rules and pdf_words read PDFium's page objects in bulk (``pdfium_calls``):
the drawn edges and the spaces drawn alone equal what one call per object and per path
segment gives, on a page with lines, rectangles, curves, closed and open paths, a form
drawn twice (one form inside another) and text drawn glyph by glyph."""

from __future__ import annotations

import ctypes
import io

import pypdfium2.raw as pdfium_c
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from invoicepipe.adapters import pdf_rules, pdf_words
from invoicepipe.adapters.pdf import open_pdfium
from invoicepipe.adapters.pdfium_calls import page_objects


def _drawn_page() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    x = 60
    for ch in "Invoice No 4711":  # every glyph, spaces included, a text object of its own
        c.drawString(x, 780, ch)
        x += c.stringWidth(ch, "Helvetica", 10)
    c.line(60, 700, 500, 700)
    c.line(60, 650, 300, 560)  # diagonal: a "line" edge all the same
    c.rect(60, 600, 200, 40)
    c.roundRect(300, 600, 150, 40, 8)  # curves between straight sides
    c.circle(400, 500, 30)
    path = c.beginPath()
    path.moveTo(100, 400)
    path.lineTo(200, 400)
    path.lineTo(200, 350)
    path.close()
    path.moveTo(250, 400)  # a second, open subpath of the same path
    path.lineTo(300, 400)
    path.curveTo(320, 400, 330, 380, 330, 360)
    c.drawPath(path)
    c.beginForm("cell")
    c.rect(0, 0, 80, 20)
    c.line(40, 0, 40, 20)
    c.endForm()
    c.beginForm("row")
    c.doForm("cell")
    c.translate(80, 0)
    c.doForm("cell")
    c.endForm()
    c.saveState()
    c.translate(60, 200)
    c.doForm("row")
    c.translate(0, 20)
    c.scale(1.5, 1)
    c.doForm("row")
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def _edges_one_call_at_a_time(page, view, height, mb_x0, mb_top) -> list[dict]:
    """The reading before the bulk calls: every object, segment and fact asked for alone."""
    def matrix_of(obj):
        m = pdfium_c.FS_MATRIX()
        return (m.a, m.b, m.c, m.d, m.e, m.f) if pdfium_c.FPDFPageObj_GetMatrix(obj, m) else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

    def subpaths(obj, matrix):
        a, b, c, d, e, f = matrix
        x, y = ctypes.c_float(), ctypes.c_float()
        out, current, bezier = [], [], 0
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                bezier += 1
                if bezier % 3:
                    continue
            else:
                bezier = 0
            if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                if current:
                    out.append(current)
                current = [point]
            else:
                current.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and current:
                if len(current) < 2 or current[-1] != current[0]:
                    current.append(current[0])
                out.append(current)
                current = []
        if current:
            out.append(current)
        return out

    def collect(count, get, outer, edges, depth):
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 15:
                inner = pdf_rules._then(matrix_of(obj), outer)
                collect(pdfium_c.FPDFFormObj_CountObjects(obj), lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j),
                        inner, edges, depth + 1)
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                for points in subpaths(obj, pdf_rules._then(matrix_of(obj), outer)):
                    edges.extend(pdf_rules._edges_of(points))

    edges: list[dict] = []
    to_page = pdf_rules._then(view, (1.0, 0.0, 0.0, -1.0, mb_x0, height + mb_top))
    collect(pdfium_c.FPDFPage_CountObjects(page.raw), lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i), to_page, edges, 0)
    return edges


def test_edges_read_in_bulk_equal_one_call_per_object_and_segment():
    with open_pdfium(_drawn_page()) as pdf:
        page = pdf[0]
        try:
            view, _, height, mb_x0, mb_top = pdf_words._view_transform(page)
            expected = _edges_one_call_at_a_time(page, view, height, mb_x0, mb_top)
            assert pdf_rules.page_edges(page, view, height, mb_x0, mb_top) == expected
            assert pdf_rules.page_edges(page, view, height, mb_x0, mb_top, page_objects(page)) == expected
        finally:
            page.close()
    kinds = {e["object_type"] for e in expected}
    assert kinds == {"line", "rect_edge", "curve_edge"}
    assert sum(e["object_type"] == "rect_edge" and e["width"] == 120 for e in expected) == 4  # the scaled form's cells


def test_empty_text_objects_read_in_bulk_equal_one_call_per_object():
    with open_pdfium(_drawn_page()) as pdf:
        page = pdf[0]
        try:
            objects = page_objects(page)
            left, bottom, right, top = (ctypes.c_float() for _ in range(4))
            expected = []
            for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
                if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT \
                        and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top) and right.value - left.value < 0.01:
                    expected.append((left.value, bottom.value))
            left, bottom = pdf_words._empty_text_objects(objects)
            assert list(zip(left.tolist(), bottom.tolist())) == expected
            assert len(expected) == 2  # the two spaces
        finally:
            page.close()


def _tiny_squares_page() -> bytes:
    """A QR-code-like field of small filled squares (some just under and over the table
    finder's 1 pt, stroked and not, some in a scaled form) beside ruled lines."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for row in range(12):
        for col in range(12):
            side = (0.4, 0.9, 0.96, 1.0, 1.04, 0.7)[(row + col) % 6]
            c.rect(100 + col * 1.5, 700 + row * 1.5, side, side, stroke=(row % 2), fill=1)
    c.setLineWidth(0.3)
    c.rect(60, 600, 300, 0.5, stroke=0, fill=1)  # a thin filled rule: two long sides, two short
    c.line(60, 560, 360, 560)
    c.line(60, 560, 60, 600)
    c.line(200, 560, 200, 560.6)  # a stub shorter than 1 pt
    c.beginForm("dots")
    for k in range(5):
        c.rect(k * 2, 0, 0.8, 0.8, stroke=0, fill=1)
    c.endForm()
    c.saveState()
    c.translate(60, 500)
    c.doForm("dots")
    c.scale(1.5, 1.5)  # the form's 0.8 pt squares become 1.2 pt wide
    c.doForm("dots")
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def test_edges_at_a_min_length_are_what_pdfplumbers_filter_keeps():
    from pdfplumber.utils import filter_edges

    for data, has_short_edges in ((_tiny_squares_page(), True), (_drawn_page(), False)):
        with open_pdfium(data) as pdf:
            page = pdf[0]
            try:
                view, _, height, mb_x0, mb_top = pdf_words._view_transform(page)
                every = pdf_rules.page_edges(page, view, height, mb_x0, mb_top)
                kept = pdf_rules.page_edges(page, view, height, mb_x0, mb_top, page_objects(page), pdf_rules.TABLE_EDGE_MIN_LENGTH)
            finally:
                page.close()
        assert kept == filter_edges(every, min_length=pdf_rules.TABLE_EDGE_MIN_LENGTH)
        assert (len(kept) < len(every)) is has_short_edges


def test_outputs_reused_start_zeroed_and_are_per_thread():
    import threading

    from invoicepipe.adapters.pdfium_calls import Outputs

    out = Outputs(ctypes.c_float, 2)
    pointers = out.pointers(300)
    assert [len(p) for p in pointers] >= [300, 300]
    for k in range(600):
        out.array[k] = k + 1.0
    again = out.pointers(5)
    assert again is pointers and out.array[:10] == [0.0] * 10 and out.array[10] == 11.0  # only what is asked for
    # each pointer points at its item's field, y of item 3 at 2 * 3 + 1 (memmove writes
    # through it as PDFium would)
    ctypes.memmove(again[1][3], ctypes.byref(ctypes.c_float(7.5)), 4)
    assert out.array[7] == 7.5
    bigger = out.pointers(1000)
    assert len(bigger[0]) >= 1000 and out.array[:2000] == [0.0] * 2000
    huge = out.pointers(40000)  # beyond what is kept: made again, small, for the next call
    assert len(huge[0]) >= 40000 and out.pointers(2)[0] is not huge[0] and len(out.pointers(2)[0]) < 40000
    seen = []
    thread = threading.Thread(target=lambda: seen.append(out.pointers(3)))
    thread.start()
    thread.join()
    assert seen[0] is not bigger
