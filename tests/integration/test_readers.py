import io
import os
import shutil

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from invoicepipe.adapters.readers import READER_VERSION, probe, read_text_layer, read_with_ocr
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.triage import TriageLimits, choose_pool
from invoicepipe.errors import UnreadableDocument

pytestmark = pytest.mark.integration


def invoice_pdf(encrypt: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(20 * mm, 275 * mm, "Acme Supplies Ltd")
    c.setFont("Helvetica", 11)
    c.drawString(20 * mm, 260 * mm, "Invoice number: INV-2026-0815")
    c.drawString(20 * mm, 254 * mm, "Invoice date: 14 March 2026")
    rows = [("Description", "Qty", "Unit price", "Amount"), ("Paper A4", "10", "4.50", "45.00"),
            ("Toner", "2", "100.00", "200.00")]
    xs, top = [20 * mm, 100 * mm, 130 * mm, 160 * mm, 190 * mm], 240 * mm
    for r, row in enumerate(rows):
        for i, cell in enumerate(row):
            c.drawString(xs[i] + 2, top - r * 8 * mm - 6 * mm, cell)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * 8 * mm, xs[-1], top - r * 8 * mm)
    for x in xs:
        c.line(x, top, x, top - len(rows) * 8 * mm)
    c.drawString(130 * mm, 200 * mm, "Subtotal")
    c.drawRightString(188 * mm, 200 * mm, "245.00")
    c.drawString(130 * mm, 194 * mm, "VAT 20%")
    c.drawRightString(188 * mm, 194 * mm, "49.00")
    c.drawString(130 * mm, 188 * mm, "Total due")
    c.drawRightString(188 * mm, 188 * mm, "GBP 294.00")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_text_layer_words_tables_and_probe():
    data = invoice_pdf()
    facts = probe(data, "application/pdf")
    assert facts.page_count == 1 and facts.text_chars > 100 and not facts.has_einvoice_xml
    assert choose_pool(facts, TriageLimits())[0] == "fast"
    doc = read_text_layer(data)
    page = doc.pages[0]
    assert page.method == "pdf_text" and page.width == pytest.approx(595.27, abs=0.1)
    word = next(w for w in page.words if w.text == "INV-2026-0815")
    assert 0 < word.box.top < 100  # top-left origin: near the top of the page
    assert any(row[0] == "Toner" for table in page.tables for row in table)
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "INV-2026-0815"
    assert ex.value("invoice_date") == "2026-03-14"
    assert ex.value("total") == "294.00" and ex.value("currency") == "GBP"
    assert [str(i.amount) for i in ex.lines] == ["45.00", "200.00"]
    assert READER_VERSION and doc.reader.startswith("pdfium")


def test_encrypted_pdf_is_unreadable():
    data = invoice_pdf(encrypt="secret")
    with pytest.raises(UnreadableDocument, match="encrypted"):
        probe(data, "application/pdf")
    with pytest.raises(UnreadableDocument, match="encrypted"):
        read_text_layer(data)


def test_truncated_pdf_is_unreadable():
    data = invoice_pdf()[:700]
    with pytest.raises(UnreadableDocument) as err:
        read_text_layer(data)
    assert "damaged" in err.value.reason or "no pages" in err.value.reason


def test_broken_image_is_unreadable():
    with pytest.raises(UnreadableDocument, match="image cannot be decoded"):
        probe(b"\x89PNG\r\n\x1a\nnot really", "image/png")


def _tesseract_or_skip():
    if shutil.which("tesseract") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tesseract is required in CI")
        pytest.skip("tesseract not installed")


def test_ocr_of_rendered_png():
    _tesseract_or_skip()
    page = pdfium.PdfDocument(invoice_pdf())[0]
    image = page.render(scale=200 / 72).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(200, 200))
    facts = probe(buf.getvalue(), "image/png")
    assert facts.page_count == 1 and facts.text_chars == 0
    assert choose_pool(facts, TriageLimits())[0] == "slow"
    doc = read_with_ocr(buf.getvalue(), "image/png")
    ocr_page = doc.pages[0]
    assert ocr_page.method == "ocr_tesseract" and doc.reader.startswith("tesseract")
    assert ocr_page.width == pytest.approx(595.3, abs=1.0)  # 200 dpi pixels back to points
    word = next(w for w in ocr_page.words if "INV-2026-0815" in w.text)
    printed = next(w for w in read_text_layer(invoice_pdf()).pages[0].words if w.text == "INV-2026-0815")
    assert 0 < word.confidence <= 1
    assert word.box.top == pytest.approx(printed.box.top, abs=3)  # same point space as the text layer
    assert word.box.x0 == pytest.approx(printed.box.x0, abs=3)
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "INV-2026-0815"
    assert ex.value("total") == "294.00"


def test_ocr_of_pdf_pages():
    _tesseract_or_skip()
    doc = read_with_ocr(invoice_pdf(), "application/pdf", dpi=150)
    assert extract_invoice(doc, []).value("invoice_date") == "2026-03-14"
