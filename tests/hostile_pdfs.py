"""Hostile PDFs for the parse-limit tests, written by hand (small files, costly to parse)."""

from __future__ import annotations

import zlib


def _pdf(pages: list[tuple[bytes, tuple[float, float]]]) -> bytes:
    """A PDF with one page per (content stream, (width, height)), Helvetica as F1."""
    objects: list[bytes] = []
    kids = []
    font_id = 3
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # the page tree, filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for content, (width, height) in pages:
        packed = zlib.compress(content, 9)
        stream_id = len(objects) + 1
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
        page_id = len(objects) + 1
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
                       % (width, height, stream_id, font_id))
        kids.append(page_id)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_page(lines: list[str]) -> bytes:
    """A born-digital A4 page with ``lines`` of text."""
    ops = [b"BT /F1 10 Tf 40 800 Td 14 TL"] + [b"(%s) '" % line.encode("latin-1") for line in lines] + [b"ET"]
    return _pdf([(b"\n".join(ops), (595, 842))])


def huge_content_stream(chars: int = 3_000_000) -> bytes:
    """One A4 page whose content stream draws ``chars`` characters: a few kB on disk, every
    character an object in the layout analysis (gigabytes unbounded)."""
    line = b"(" + b"A" * 1000 + b") Tj 0 -1 Td\n"
    content = b"BT /F1 1 Tf 10 830 Td\n" + line * (chars // 1000) + b"ET"
    return _pdf([(content, (595, 842))])


def enormous_page(width_pt: float = 14_400, height_pt: float = 14_400) -> bytes:
    """One page 200 x 200 inches with no text: it goes to OCR, which would render 1.6
    billion pixels at 200 dpi."""
    return _pdf([(b"0 0 m 10 10 l S", (width_pt, height_pt))])


def many_pages(count: int) -> bytes:
    """``count`` empty A4 pages."""
    return _pdf([(b"0 0 m 10 10 l S", (595, 842))] * count)
