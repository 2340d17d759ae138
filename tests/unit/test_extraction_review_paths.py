"""End to end through the services: e-invoice/text disagreement and unreadable pages go to
review with their reason; a reviewer's correction teaches the vendor's next invoice."""

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.documents import extraction_from_json
from invoicepipe.adapters.ocr import OcrSettings, read_with_ocr
from invoicepipe.adapters.pdf import probe
from invoicepipe.domain.models import DocumentText, ExtractedField
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.fakes import TextReaders, fake_pdf
from tests.unit.test_extraction_einvoice import CII


class EInvoiceReaders(TextReaders):
    """Text layer plus the embedded CII of ``test_extraction_einvoice`` (invoice 471102, 529.87)."""

    def read_text_layer(self, data: bytes) -> DocumentText:
        text = super().read_text_layer(data)
        return DocumentText(text.pages, CII, text.reader)


class NoOcrEngineReaders(TextReaders):
    """Real OCR adapter, configured with a Tesseract that does not exist and no second engine."""

    def __init__(self, missing):
        super().__init__()
        self.settings = OcrSettings(tesseract_cmd=str(missing), fallback="none")

    def probe(self, data, media_type):
        return probe(data, media_type)

    def read_with_ocr(self, data, media_type, dpi=200):
        return read_with_ocr(data, media_type, dpi, settings=self.settings)


def reason_codes(app, doc_id):
    return [r["code"] for d in show(app, doc_id)["decisions"] for r in d["reasons"]]


def test_xml_and_printed_text_disagreeing_goes_to_review_with_that_reason(app, run_pipeline):
    app.readers = EInvoiceReaders()
    [doc] = ingest_bytes(app, fake_pdf("Lieferant GmbH", "Rechnung Nr. 471102", "Gesamtbetrag 999,00 EUR"),
                         "x.pdf", "portal", "user:test").documents
    run_pipeline(app)
    shown = show(app, doc["id"])
    assert shown["status"] == "needs_review"
    assert shown["extraction"]["fields"]["total"]["value"] == "529.87"  # the XML is the truth
    assert "einvoice_text_mismatch" in reason_codes(app, doc["id"])
    mismatch = next(r for d in shown["decisions"] for r in d["reasons"] if r["code"] == "einvoice_text_mismatch")
    assert "total" in mismatch["message"]


def scan_png() -> bytes:
    img = Image.new("L", (800, 400), 255)
    draw = ImageDraw.Draw(img)
    for row in range(6):
        draw.rectangle((40, 40 + 50 * row, 600, 60 + 50 * row), fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(200, 200))
    return buf.getvalue()


def test_no_ocr_engine_means_review_with_the_reason_never_a_crash(app, run_pipeline, tmp_path):
    app.readers = NoOcrEngineReaders(tmp_path / "no-such-tesseract")
    [doc] = ingest_bytes(app, scan_png(), "scan.png", "scan", "user:test").documents
    run_pipeline(app)
    shown = show(app, doc["id"])
    assert shown["status"] == "needs_review"
    assert "ocr_unreadable" in reason_codes(app, doc["id"])


def test_missing_tesseract_is_a_configuration_not_an_error(tmp_path):
    settings = OcrSettings.from_env({"INVOICEPIPE_TESSERACT_CMD": str(tmp_path / "nothing"), "INVOICEPIPE_OCR_FALLBACK": "none"})
    text = read_with_ocr(scan_png(), "image/png", settings=settings)
    assert [p.method for p in text.pages] == ["ocr_unreadable"]
    assert "not found" in text.reader
    blank = io.BytesIO()
    Image.new("L", (400, 400), 255).save(blank, format="PNG")
    assert read_with_ocr(blank.getvalue(), "image/png", settings=settings).pages[0].method == "blank"


VORGANG = ["Acme Industrial Supplies GmbH", "VAT ID: DE123456789", "Vorgang {number}", "Invoice date: 2026-03-14",
           "Subtotal: 125.00 EUR", "VAT 19%: 23.75 EUR", "Total: 148.75 EUR"]


def test_a_correction_teaches_the_vendors_next_invoice(loaded, run_pipeline):
    app = loaded
    [first] = ingest_bytes(app, fake_pdf(*[ln.format(number="K-1001") for ln in VORGANG]), "a.pdf", "portal", "user:t").documents
    run_pipeline(app)
    assert "invoice_number" not in show(app, first["id"])["extraction"]["fields"]  # "Vorgang" is no known label
    with app.uow.begin() as tx:  # what the review step stores for a correction: a "review" extraction
        row = tx.documents.latest_extraction(first["id"])
        machine = extraction_from_json(row)
        fields = {**machine.fields, "invoice_number": ExtractedField("invoice_number", "K-1001", 1.0, "review")}
        tx.documents.save_extraction(first["id"], machine.__class__(fields, machine.lines, machine.extractor_version),
                                     "review:clerk", row["pages"], source="review")
    [second] = ingest_bytes(app, fake_pdf(*[ln.format(number="K-1002") for ln in VORGANG]), "b.pdf", "portal", "user:t").documents
    run_pipeline(app)
    found = show(app, second["id"])["extraction"]["fields"]["invoice_number"]
    assert (found["value"], found["method"]) == ("K-1002", "layout_memory")
    with app.engine.connect() as conn:
        assert conn.execute(select(t.layout_memory.c.vendor_key)).scalars().all() == ["V100"]
        assert len(conn.execute(select(t.layout_memory_sources)).all()) == 1
