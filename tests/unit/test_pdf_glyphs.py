"""adapters/pdf_glyphs: which of PDFium's text-page characters are printed, and as what (no
PDFium call is needed when the text has no space); the facts read once per text object."""

from __future__ import annotations

import pytest

from invoicepipe.adapters.pdf_glyphs import _printed


def test_controls_dropped_hyphen_marks_and_pairs_turned_into_their_characters():
    text = "ab\x02c\x01d\ud83d\ude00e\ud800f\ufffe"
    indices, texts, made_up = _printed(None, text)
    assert indices == [0, 1, 2, 3, 5, 6, 8, 10, 11]
    assert texts == ["a", "b", "-", "c", "d", "\U0001F600", "e", "f", "-"]
    assert made_up is False


def test_plain_text_is_kept_whole():
    assert _printed(None, "Total") == ([0, 1, 2, 3, 4], ["T", "o", "t", "a", "l"], False)


def _page_with_forms() -> bytes:
    """Text objects of several sizes and directions, and one form drawn twice under different
    matrices: its text objects are the same in the file, not on the page."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(400, 400))
    c.setFont("Helvetica", 9)
    c.drawString(20, 370, "Invoice 2026-0042")
    c.setFont("Times-Italic", 13)
    c.drawString(20, 340, "Total 1.234,56 EUR")
    c.saveState()
    c.translate(300, 100)
    c.rotate(90)
    c.setFont("Courier", 7)
    c.drawString(0, 0, "sideways note")
    c.restoreState()
    c.beginForm("stamp")
    c.setFont("Helvetica-Bold", 11)
    c.drawString(0, 0, "PAID 12.03.2026")
    c.endForm()
    for dx, dy, scale in ((40, 200, 1.0), (60, 120, 1.7)):
        c.saveState()
        c.translate(dx, dy)
        c.scale(scale, scale)
        c.doForm("stamp")
        c.restoreState()
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.mark.parametrize("objects_known", [True, False])
def test_matrix_and_font_size_read_per_text_object_equal_one_call_per_character(objects_known, monkeypatch):
    import ctypes

    import numpy as np
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from invoicepipe.adapters import pdf_glyphs
    from invoicepipe.adapters.pdf_glyphs import _object_facts

    if not objects_known:  # PDFium names no object for a character: each one's facts are read
        monkeypatch.setattr(pdf_glyphs, "_TEXT_OBJECT", lambda page, index: 0)
    pdf = pdfium.PdfDocument(_page_with_forms())
    page = pdf[0]
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        indices = [i for i in range(count) if pdfium_c.FPDFText_GetUnicode(raw, i) > 0x20]
        matrices, sizes = _object_facts(ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value), indices)
        one_by_one = []
        for i in indices:
            m = pdfium_c.FS_MATRIX()
            assert pdfium_c.FPDFText_GetMatrix(raw, i, m)
            one_by_one.append([np.float32(v) for v in (m.a, m.b, m.c, m.d, m.e, m.f)])
        assert matrices.tolist() == np.array(one_by_one, dtype=np.float32).astype(np.float64).tolist()
        assert sizes.tolist() == [pdfium_c.FPDFText_GetFontSize(raw, i) for i in indices]
        assert len({tuple(row) for row in matrices.tolist()}) >= 4  # the forms' two placements differ
    finally:
        textpage.close()
        page.close()
        pdf.close()


def _page_glyph_by_glyph() -> bytes:
    """Every glyph a text object of its own (as Chromium prints HTML), then a run of whole
    strings: the first characters tell ``_object_facts`` to read each character's facts."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(400, 400))
    x = 20
    for k, ch in enumerate("Rechnung Nr 2026-0042 vom 12.03.2026 Betrag 1.234,56 EUR"):
        c.setFont("Helvetica" if k % 3 else "Times-Bold", 8 + k % 5)
        c.drawString(x, 370 - (k % 4), ch)
        x += 6
    c.setFont("Courier", 10)
    c.drawString(20, 300, "Total 99,00")
    c.showPage()
    c.save()
    return out.getvalue()


def test_facts_of_a_page_drawn_glyph_by_glyph_equal_one_call_per_character():
    import ctypes

    import numpy as np
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from invoicepipe.adapters.pdf_glyphs import _object_facts

    pdf = pdfium.PdfDocument(_page_glyph_by_glyph())
    page = pdf[0]
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        indices = [i for i in range(pdfium_c.FPDFText_CountChars(raw)) if pdfium_c.FPDFText_GetUnicode(raw, i) > 0x20]
        objects = {ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value for i in indices}
        assert len(objects) > len(indices) * 0.7  # glyph by glyph indeed
        matrices, sizes = _object_facts(ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value), indices)
        one_by_one = []
        for i in indices:
            m = pdfium_c.FS_MATRIX()
            assert pdfium_c.FPDFText_GetMatrix(raw, i, m)
            one_by_one.append([m.a, m.b, m.c, m.d, m.e, m.f])
        assert matrices.tolist() == np.array(one_by_one, dtype=np.float32).astype(np.float64).tolist()
        assert sizes.tolist() == [pdfium_c.FPDFText_GetFontSize(raw, i) for i in indices]
        assert len(set(sizes.tolist())) == 5
    finally:
        textpage.close()
        page.close()
        pdf.close()
