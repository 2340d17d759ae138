"""Page images: rendered once with pypdfium2 and cached by content; images served as they are."""

import io

import pytest
from PIL import Image

from invoicepipe.services.ingest import ingest_bytes
from tests.web_helpers import person


def reportlab_pdf(pages: int = 1) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for n in range(pages):
        c.drawString(72, 800, f"Invoice No: P-{n}")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def anna(app):
    return person(app, "anna", "reviewer")


def test_a_pdf_page_is_rendered_once_and_then_served_from_the_cache(app, anna):
    [doc] = ingest_bytes(app, reportlab_pdf(2), "two-pages.pdf", "portal", "user:test").documents
    response = anna.get(f"/documents/{doc['id']}/pages/2.png?scale=1")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    width, height = Image.open(io.BytesIO(response.content)).size
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points: one pixel per point at scale 1
    [cached] = list((app.settings.var_dir / "pages").rglob("*.png"))
    assert cached.name.endswith("-p2-s1.png")
    stamp = cached.stat().st_mtime_ns
    assert anna.get(f"/documents/{doc['id']}/pages/2.png?scale=1").content == response.content
    assert cached.stat().st_mtime_ns == stamp
    assert anna.get(f"/documents/{doc['id']}/pages/3.png").status_code == 404
    assert anna.get(f"/documents/{doc['id']}/pages/1.png?scale=7").status_code == 404


def test_png_and_tiff_uploads_are_shown_as_png(app, anna):
    png, tiff = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(png, "PNG")
    Image.new("RGB", (40, 20), "white").save(tiff, "TIFF")
    [p] = ingest_bytes(app, png.getvalue(), "scan.png", "scan", "user:test").documents
    [t] = ingest_bytes(app, tiff.getvalue(), "scan.tif", "scan", "user:test").documents
    assert anna.get(f"/documents/{p['id']}/pages/1.png").content == png.getvalue()
    converted = anna.get(f"/documents/{t['id']}/pages/1.png")
    assert converted.headers["content-type"] == "image/png" and Image.open(io.BytesIO(converted.content)).size == (40, 20)


def test_page_images_need_a_login(app):
    from tests.web_helpers import client_for

    [doc] = ingest_bytes(app, reportlab_pdf(), "a.pdf", "portal", "user:test").documents
    assert client_for(app).get(f"/api/documents/{doc['id']}/pages/1.png").status_code == 401
