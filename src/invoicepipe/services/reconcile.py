"""Reconcile: duplicates + three-way match + bank check -> APPROVED or NEEDS_REVIEW."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from ..adapters.db.documents import extraction_from_json, reasons_to_json
from ..domain.duplicates import InvoiceKey, normalise_invoice_number
from ..domain.matching import pair_line
from ..domain.models import Status
from ..domain.reconcile import APPROVED, ReconcileInput, reconcile_invoice
from .export import outbox_payload
from .transitions import log_step, move


def _prior_keys(rows) -> list[InvoiceKey]:
    keys = []
    for r in rows:
        try:
            when = date.fromisoformat(r["invoice_date"]) if r["invoice_date"] else None
        except ValueError:
            when = None
        total = Decimal(str(r["total"])) if r["total"] is not None else None
        keys.append(InvoiceKey(r["document_id"], r["vendor_id"], r["invoice_number"], when, total, r["currency"], r["document_type"] or "invoice", r["channel"]))
    return keys


def _billed_before(tx, po, document_id) -> tuple[dict, Decimal]:
    """Quantities and net value billed on ``po`` by earlier approved invoices, in arrival order."""
    per_line: dict[str, Decimal] = {}
    value = Decimal(0)
    if po is None:
        return per_line, value
    for row in tx.documents.billed_against_po(po.po_number, document_id):
        if not row:
            continue
        earlier = extraction_from_json(row)
        value += earlier.amount("net") or earlier.amount("total") or Decimal(0)
        for line in earlier.lines:
            po_line, _ = pair_line(line, po)
            if po_line is not None and line.quantity is not None:
                per_line[po_line.line_no] = per_line.get(po_line.line_no, Decimal(0)) + line.quantity
    return per_line, value


def reconcile(app, document_id: int, actor: str) -> None:
    """RECONCILING -> APPROVED or -> NEEDS_REVIEW with reason codes and their evidence."""
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status is not Status.RECONCILING:
            return
        extraction = extraction_from_json(tx.documents.latest_extraction(document_id))
        vendor = tx.master.vendor(extraction.value("vendor_id"))
        po = tx.master.purchase_order(extraction.value("po_number"))
        receipts = tx.master.receipts_for(po.po_number) if po else []
        billed, billed_value = _billed_before(tx, po, document_id)
        number = extraction.value("invoice_number")
        candidates = tx.documents.duplicate_candidates(
            document_id, extraction.value("vendor_id"), normalise_invoice_number(number) if number else None, extraction.amount("total"))
        outcome = reconcile_invoice(
            ReconcileInput(document_id, extraction, vendor, po, receipts, billed, billed_value, _prior_keys(candidates),
                           datetime.now(timezone.utc).date(), doc.channel),
            app.policy,
        )
        decision = outcome.decision
        to = Status.APPROVED if decision.outcome == APPROVED else Status.NEEDS_REVIEW
        reasons = reasons_to_json(decision.reasons)
        lines = [{"invoice": m.invoice_line.description, "po_line": m.po_line.line_no if m.po_line else None, "paired_by": m.how,
                  "received": str(m.received), "billed_before": str(m.previously_billed)} for m in (outcome.match.lines if outcome.match else ())]
        event = move(tx, doc, to, step="reconcile", actor=actor, outcome=decision.outcome, reasons=reasons,
                     inputs={"po_number": po.po_number if po else extraction.value("po_number"), "receipts": [r.receipt_id for r in receipts],
                             "duplicates_checked": list(outcome.duplicates_checked), "lines": lines},
                     extractor_version=extraction.extractor_version, policy_version=decision.policy_version,
                     reason="; ".join(r["message"] for r in reasons) or None)
        if event is not None:
            tx.documents.add_decision(doc.id, "reconcile", decision.outcome, decision.reasons, decision.policy_version, actor)
            if to is Status.APPROVED:
                key, payload = outbox_payload(doc.id, doc.sha256, extraction, decision.policy_version)
                tx.documents.add_outbox(doc.id, key, payload)
    log_step(app, event)
    if event is not None and to is Status.APPROVED:
        app.enqueuer.send("export", document_id)
