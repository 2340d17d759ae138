"""Gather everything the decision needs about one invoice, in the caller's transaction.

The PO's row is locked first (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers at
BEGIN), so two invoices on one PO are decided one after the other and each sees what the
other billed. Duplicate candidates come from indexed blocking on the resolved vendor
(number, or amount within the date window); commitments are the other invoices billing the
same PO, pending ones included.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Optional

from ..adapters.db.documents import extraction_from_json
from ..adapters.db.review import ReviewRepository
from ..domain.duplicates import InvoiceKey, normalise_invoice_number
from ..domain.evidence import PAID_STATES, Commitment, Evidence, PriorInvoice
from ..domain.matching import pair_line
from ..domain.models import Document, Extraction
from ..domain.reconcile import document_type, invoice_key


def _prior(r: dict) -> PriorInvoice:
    try:
        when = date.fromisoformat(r["invoice_date"]) if r["invoice_date"] else None
    except ValueError:
        when = None
    total = Decimal(str(r["total"])).quantize(Decimal("0.01")) if r["total"] is not None else None
    kind = "credit_note" if r["document_type"] == "credit_note" or (total is not None and total < 0) else "invoice"
    key = InvoiceKey(r["document_id"], r["vendor_id"] or None, r["invoice_number"] or None, when, total, r["currency"] or None, kind, r["channel"])
    return PriorInvoice(key, r["status"])


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


def gather_evidence(app, tx, doc: Document, extraction: Extraction, today: Optional[date] = None) -> Evidence:
    """All the evidence about ``doc`` as ``extraction`` reads it, with the PO row locked."""
    vendor = tx.master.vendor(extraction.value("vendor_id"))
    po_number = extraction.value("po_number")
    if po_number:
        tx.documents.lock_po_billing(po_number)
    po = tx.master.purchase_order(po_number)
    receipts = tx.master.receipts_for(po.po_number) if po else []
    key = invoice_key(doc.id, extraction, doc.channel)
    priors = duplicate_candidates(tx, doc.id, key, app.policy.reconcile.duplicate_date_window_days)
    machine = _machine(tx, doc.id, extraction)
    machine_vendor = tx.master.vendor(machine.value("vendor_id")) if machine else None
    return Evidence(document_id=doc.id, extraction=extraction, vendor=vendor, po=po, receipts=tuple(receipts),
                    commitments=tuple(commitments(tx, po, doc.id)), priors=tuple(priors),
                    today=today or datetime.now(timezone.utc).date(), channel=doc.channel,
                    machine_extraction=machine, machine_vendor=machine_vendor,
                    checked_documents=tuple(p.key.document_id for p in priors))
