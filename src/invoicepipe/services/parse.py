"""Parse: read the document (text layer or OCR) and extract the invoice fields.

The slow work runs outside any transaction; only the state changes are transactional. A
document has a budget of attempts: a parse that keeps crashing its worker ends in FAILED
for an operator instead of looping forever.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Optional

from ..adapters.calibration_store import load_calibration
from ..adapters.content_prints import page_thumbnails
from ..domain.extraction import extract_invoice
from ..domain.extraction.bank_details import flag_unreadable_iban
from ..domain.extraction.po_search import refine_po_number
from ..domain.fingerprints import ContentPrint, content_print
from ..domain.layout_memory import vendor_memory_key
from ..domain.models import DocumentText, Status
from ..domain.duplicates import normalise_invoice_number
from ..errors import PermanentError
from .learning import memory_for_vendor
from .transitions import log_step, move, reason

PARSABLE = {Status.QUEUED, Status.PARSING}


def read_document(readers, data: bytes, media_type: str, min_chars_per_page: int) -> DocumentText:
    """The text layer when there is a usable one (or an embedded e-invoice), OCR otherwise."""
    if media_type == "application/pdf":
        text = readers.read_text_layer(data)
        chars = sum(len(w.text) for p in text.pages for w in p.words)
        if text.einvoice_xml or chars >= min_chars_per_page * max(1, len(text.pages)):
            return text
    return readers.read_with_ocr(data, media_type)


def _read(app, data: bytes, media_type: str) -> DocumentText:
    return read_document(app.readers, data, media_type, app.policy.triage.min_text_chars_per_page)


def _extract(app, text: DocumentText, vendors):
    """Extract with the shipped calibration; a vendor with a layout memory (learned from
    reviewers' corrections) is extracted again with it, and the PO number is checked against
    the resolved vendor's own purchase orders. ``app.calibration``, when set, replaces the
    shipped table (tests, experiments)."""
    calibration = getattr(app, "calibration", None) or load_calibration()
    extraction = extract_invoice(text, vendors, calibration)
    key = vendor_memory_key(extraction.value("vendor_id"), None)
    memory = memory_for_vendor(app, key, _read) if key else None
    extraction = extract_invoice(text, vendors, calibration, memory) if memory else extraction
    with app.uow.begin() as tx:
        vendor_pos = tx.master.purchase_orders_of(extraction.value("vendor_id"))
    return flag_unreadable_iban(refine_po_number(extraction, text, vendor_pos), text)


def _summary(extraction) -> dict:
    return {name: {"value": f.value, "confidence": round(f.confidence, 3), "method": f.method} for name, f in extraction.fields.items()}


def _content_print(app, doc, text: DocumentText, data: bytes) -> tuple[Optional[ContentPrint], float]:
    """The document's content print and what it cost (ms), or None: a print is a help for
    duplicate detection, never a reason to fail a parse. Pages that cannot be rendered give
    a print of the words alone."""
    started = time.perf_counter()
    words = [w for page in text.pages for w in page.words]
    try:
        try:
            images = page_thumbnails(data, doc.media_type) if doc.media_type else []
        except Exception as exc:  # noqa: BLE001 - any renderer failure leaves the words
            app.log.warning("content_print_images_failed", document_id=doc.id, error=f"{type(exc).__name__}: {exc}")
            images = []
        result = content_print(words, images)
    except Exception as exc:  # noqa: BLE001 - see the docstring
        app.log.warning("content_print_failed", document_id=doc.id, error=f"{type(exc).__name__}: {exc}")
        result = None
    return result, round((time.perf_counter() - started) * 1000, 1)


def parse(app, document_id: int, actor: str) -> None:
    """QUEUED/PARSING -> EXTRACTED (then enqueue route), or -> FAILED with a reason."""
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status not in PARSABLE:
            return
        if doc.attempts >= app.policy.max_attempts:
            why = f"parsing did not finish after {doc.attempts} attempts (retry budget exhausted)"
            event = move(tx, doc, Status.FAILED, step="parse", actor=actor, outcome="retry_budget_exhausted",
                         reasons=[reason("retry_budget_exhausted", why, attempts=doc.attempts)], reason=why)
            started = None
        else:
            event = None
            started = move(tx, doc, Status.PARSING, step="parse_started", actor=actor, outcome=doc.pool or "",
                           expected=PARSABLE, inputs={"attempt": doc.attempts + 1}, attempts=doc.attempts + 1)
    log_step(app, event or started)
    if started is None:
        return
    doc = replace(doc, status=Status.PARSING)
    try:
        data = app.blobs.get(doc.sha256)
        text = _read(app, data, doc.media_type)
        with app.uow.begin() as tx:
            vendors = tx.master.vendors()
        extraction = _extract(app, text, vendors)
        fingerprint, print_ms = _content_print(app, doc, text, data)
    except PermanentError as exc:
        with app.uow.begin() as tx:
            event = move(tx, doc, Status.FAILED, step="parse", actor=actor, outcome="unreadable",
                         reasons=[reason("unreadable", exc.reason)], reason=exc.reason)
        log_step(app, event)
        return
    pages = [{"number": p.number, "width": p.width, "height": p.height, "method": p.method, "words": len(p.words)} for p in text.pages]
    with app.uow.begin() as tx:
        event = move(tx, doc, Status.EXTRACTED, step="extracted", actor=actor, outcome=f"{len(extraction.fields)} fields",
                     inputs={"reader": text.reader, "pages": pages, "fields": _summary(extraction), "lines": len(extraction.lines),
                             "warnings": list(extraction.warnings)},
                     extractor_version=extraction.extractor_version, page_count=len(text.pages), reason=None)
        if event is not None:
            tx.documents.save_extraction(doc.id, extraction, text.reader, pages)
            tx.documents.upsert_invoice(doc.id, **invoice_columns(extraction, doc.channel))
            if fingerprint is not None:
                tx.content_prints.save_content_print(doc.id, fingerprint)
    log_step(app, event, content_print_ms=print_ms)
    if event is not None:
        app.enqueuer.send("decide", document_id)


def invoice_columns(extraction, channel: str) -> dict:
    """The indexed columns duplicate detection and PO matching look up."""
    try:
        total = extraction.amount("total")
    except ArithmeticError:
        total = None
    number = extraction.value("invoice_number")
    return {
        "vendor_id": extraction.value("vendor_id"),
        "invoice_number": number,
        "invoice_number_norm": normalise_invoice_number(number) if number else None,
        "invoice_date": extraction.value("invoice_date"),
        "total": total,
        "currency": extraction.value("currency"),
        "po_number": extraction.value("po_number"),
        "document_type": extraction.value("document_type") or "invoice",
        "channel": channel,
    }
