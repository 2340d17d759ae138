"""Fakes of the ports, for tests that must not need Tesseract, PDFs or servers.

``TextReaders`` stands in for ``adapters.readers``: a "document" is the bytes
``%PDF-fake\n`` followed by lines of text; each line becomes words with plausible boxes,
so the real extraction code runs on them. Markers make the bad cases: ``%PDF-fake-encrypted``
raises the same UnreadableDocument as an encrypted PDF does.
"""

from __future__ import annotations

from invoicepipe.adapters import cost_meter
from invoicepipe.adapters.einvoice_file import probe_xml, read_einvoice_file
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from invoicepipe.domain.sniff import XML
from invoicepipe.domain.triage import DocumentFacts
from invoicepipe.errors import UnreadableDocument

FAKE_HEADER = b"%PDF-fake\n"
ENCRYPTED = b"%PDF-fake-encrypted\n"
SCANNED = b"%PDF-fake-scan\n"


def fake_pdf(*lines: str, header: bytes = FAKE_HEADER) -> bytes:
    return header + "\n".join(lines).encode("utf-8")


def _page(text: str, method: str, confidence: float) -> Page:
    words, top = [], 40.0
    for line in text.splitlines():
        x = 40.0
        for token in line.split():
            width = 6.0 * len(token)
            words.append(Word(token, Box(x, top, x + width, top + 10), 1, confidence))
            x += width + 4.0
        top += 14.0
    return Page(1, 595.0, 842.0, tuple(words), method)


class TextReaders:
    def __init__(self):
        self.reads: list[str] = []

    def probe(self, data: bytes, media_type: str) -> DocumentFacts:
        if media_type == XML:  # stand-alone e-invoices are read for real: no PDF library involved
            return probe_xml(data)
        if data.startswith(ENCRYPTED):
            raise UnreadableDocument("PDF is encrypted")
        scanned = data.startswith(SCANNED)
        return DocumentFacts(media_type, len(data), 1, 0 if scanned else len(data), False)

    def read_text_layer(self, data: bytes) -> DocumentText:
        self.reads.append("text")
        if data.startswith(SCANNED):
            return DocumentText((Page(1, 595.0, 842.0, (), "pdf_text"),), None, "fake-text")
        return DocumentText((_page(data.split(b"\n", 1)[1].decode(), "pdf_text", 1.0),), None, "fake-text")

    def read_einvoice_file(self, data: bytes) -> DocumentText:
        self.reads.append("xml")
        return read_einvoice_file(data)

    def read_with_ocr(self, data: bytes, media_type: str, dpi: int = 200) -> DocumentText:
        # asks the parse's cost meter first, as adapters/ocr does before every page
        if not cost_meter.permits("tesseract", 1):
            self.reads.append("ocr_skipped")
            return DocumentText((Page(1, 595.0, 842.0, (), "ocr_skipped_cost_ceiling"),), None, "fake-ocr")
        self.reads.append("ocr")
        with cost_meter.charge("tesseract"):
            return DocumentText((_page(data.split(b"\n", 1)[1].decode(errors="replace"), "ocr_fake", 0.9),), None, "fake-ocr")


class DelayedSendsKept:
    """The app's enqueuer, except that delayed sends (an export backing off) are only
    recorded: the test plays the clock instead of waiting for them."""

    def __init__(self, inner):
        self.inner, self.delayed = inner, []

    def send(self, step, document_id, delay_ms=None):
        if delay_ms:
            self.delayed.append((step, document_id, delay_ms))
        else:
            self.inner.send(step, document_id)


def backoff_passes(app, document_id) -> None:
    """Time passes until the outbox row is due again (moves its next_attempt_at to the past)."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from invoicepipe.adapters.db import tables as t

    with app.uow.begin() as tx:
        tx.conn.execute(update(t.outbox).where(t.outbox.c.document_id == document_id)
                        .values(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
