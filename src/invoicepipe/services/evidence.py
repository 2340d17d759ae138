"""Gather everything the decision needs about one invoice, in the caller's transaction.

The vendor's and the PO's rows are locked first (``FOR UPDATE`` on PostgreSQL; SQLite
serialises writers at BEGIN), so two invoices of one vendor, or on one PO, are decided one
after the other: each sees what the other billed and whether it was just approved. Duplicate candidates come from indexed blocking on the resolved vendor
(number, or amount within the date window); commitments are the other invoices billing the
same PO, pending ones included.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Optional

from ..adapters.db.documents import DecisionRead, extraction_from_json
from ..adapters.db.review import ReviewRepository
from ..domain.duplicates import InvoiceKey, normalise_invoice_number
from ..domain.evidence import PAID_STATES, Commitment, Evidence, PriorInvoice
from ..domain.fingerprints import ContentPrint, compare
from ..domain.matching import pair_line
from ..domain.models import Document, Extraction
from ..domain.reconcile import document_type, invoice_key
from .costs import ceiling_of


def _key(document_id: int, r: dict) -> InvoiceKey:
    try:
        when = date.fromisoformat(r["invoice_date"]) if r["invoice_date"] else None
    except ValueError:
        when = None
    total = Decimal(str(r["total"])).quantize(Decimal("0.01")) if r["total"] is not None else None
    kind = "credit_note" if r["document_type"] == "credit_note" or (total is not None and total < 0) else "invoice"
    return InvoiceKey(document_id, r["vendor_id"] or None, r["invoice_number"] or None, when, total, r["currency"] or None, kind,
                      r.get("channel"))


def _prior(r: dict) -> PriorInvoice:
    return PriorInvoice(_key(r["document_id"], r), r["status"])


def _counts(document_id: int, other_id: int, status: str) -> bool:
    """The arrival rule of every duplicate candidate: earlier documents unless rejected or
    failed, later ones once approved or exported (they overtook this one)."""
    if other_id < document_id:
        return status not in ("rejected", "failed")
    return status in PAID_STATES


UNREAD = object()  # a pre-read value not given: read it here


def content_candidates(tx, document_id: int, stored: Any = UNREAD) -> list[PriorInvoice]:
    """Documents whose content print is like this one's, with how alike: found by the print's
    index keys, whatever their extracted fields say. ``stored``: the document's print as
    stored, read already by the caller (None: it has none)."""
    if stored is UNREAD:
        own = tx.content_prints.content_print(document_id)
    else:
        own = ContentPrint.from_json(stored) if stored else None
    if own is None:
        return []
    out = []
    for c in tx.content_prints.content_candidates(document_id, own):
        if c["invoice"] is None or not _counts(document_id, c["document_id"], c["status"]):
            continue
        out.append(PriorInvoice(_key(c["document_id"], c["invoice"]), c["status"], compare(own, c["print"])))
    return out


def _merged(by_fields: list[PriorInvoice], by_content: list[PriorInvoice]) -> list[PriorInvoice]:
    """One candidate per document: found by its fields, by its content, or by both."""
    merged = {p.key.document_id: p for p in by_fields}
    for p in by_content:
        known = merged.get(p.key.document_id)
        merged[p.key.document_id] = p if known is None else PriorInvoice(known.key, known.status, p.content)
    return [merged[i] for i in sorted(merged)]


def duplicate_candidates(tx, document_id: int, key: InvoiceKey, window_days: int) -> list[PriorInvoice]:
    number = normalise_invoice_number(key.invoice_number) if key.invoice_number else None
    dated = None
    if key.invoice_date:
        window = timedelta(days=window_days)
        dated = ((key.invoice_date - window).isoformat(), (key.invoice_date + window).isoformat())
    return [_prior(r) for r in tx.documents.duplicate_candidates(document_id, key.vendor_id, number, key.total, dated)]


def _commitment(row: dict, po, suspected: bool) -> Commitment:
    """What one other invoice bills on ``po``: quantity per PO line and net (credit notes count back)."""
    other = extraction_from_json(row["extraction"])
    sign = -1 if document_type(other) == "credit_note" else 1
    per_line: dict[str, Decimal] = {}
    for line in other.lines:
        po_line, _ = pair_line(line, po)
        if po_line is not None and line.quantity is not None:
            per_line[po_line.line_no] = per_line.get(po_line.line_no, Decimal(0)) + sign * abs(line.quantity)
    try:
        value = other.amount("net") or other.amount("total") or Decimal(0)
    except ArithmeticError:
        value = Decimal(0)
    return Commitment(row["document_id"], row["status"], per_line, sign * abs(value), suspected)


def commitments(tx, po, document_id: int) -> list[Commitment]:
    if po is None:
        return []
    rows = tx.documents.po_commitments(po.po_number, document_id)
    pending = [r["document_id"] for r in rows if r["status"] not in PAID_STATES]
    held = ReviewRepository(tx.conn).open_reasons(pending) if pending else {}
    return [_commitment(r, po, any(x.get("code") == "duplicate_suspected" for x in held.get(r["document_id"], []))) for r in rows]


def _machine(tx, document_id: int, extraction: Extraction) -> Optional[Extraction]:
    """The machine's own reading, when the extraction being decided is not it."""
    row = tx.documents.machine_extraction(document_id)
    if row is None:
        return None
    machine = extraction_from_json(row)
    return None if machine.fields == extraction.fields else machine


def gather_evidence(app, tx, doc: Document, extraction: Extraction, today: Optional[date] = None,
                    is_machine_reading: bool = False, read: Optional[DecisionRead] = None) -> Evidence:
    """All the evidence about ``doc`` as ``extraction`` reads it, with the PO row locked.

    ``is_machine_reading``: the caller read ``extraction`` as the document's newest row and
    it is the machine's; the machine's reading is then the one decided (nothing to compare).
    ``read``: the caller's ``DocumentRepository.for_decision`` of ``doc``; what it holds (the
    content print, the newest metered parse's ceiling) is not read again."""
    vendor, po, receipts = tx.master.for_decision(extraction.value("vendor_id"), extraction.value("po_number"))
    key = invoice_key(doc.id, extraction, doc.channel)
    priors = _merged(duplicate_candidates(tx, doc.id, key, app.policy.reconcile.duplicate_date_window_days), content_candidates(tx, doc.id, UNREAD if read is None else read.content_print))
    machine = None if is_machine_reading else _machine(tx, doc.id, extraction)
    machine_vendor = tx.master.vendor(machine.value("vendor_id")) if machine else None
    return Evidence(document_id=doc.id, extraction=extraction, vendor=vendor, po=po, receipts=tuple(receipts),
                    commitments=tuple(commitments(tx, po, doc.id)), priors=tuple(priors),
                    today=today or datetime.now(timezone.utc).date(), channel=doc.channel,
                    machine_extraction=machine, machine_vendor=machine_vendor,
                    checked_documents=tuple(p.key.document_id for p in priors),
                    cost_ceiling=None if read is not None and not read.metered_ceiling
                    else ceiling_of(tx, doc.id, app.policy.costs.currency))
