"""Reconcile: duplicates + three-way match + bank check -> APPROVED or NEEDS_REVIEW.

Everything the pure decision needs is read in the same transaction that records it: the
vendor, the PO (locked, so invoices on one PO are decided one after the other), its
receipts, what the invoices already approved on it billed, and the duplicate candidates
from indexed blocking on the resolved vendor id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Optional

from ..adapters.db.documents import extraction_from_json, reasons_to_json
from ..domain.duplicates import InvoiceKey, normalise_invoice_number
from ..domain.matching import pair_line
from ..domain.models import Status
from ..domain.reconcile import APPROVED, ReconcileInput, ReconcileOutcome, document_type, invoice_key, reconcile_invoice
from .export import outbox_payload
from .transitions import log_step, move


def _prior_keys(rows) -> list[InvoiceKey]:
    keys = []
    for r in rows:
        try:
            when = date.fromisoformat(r["invoice_date"]) if r["invoice_date"] else None
        except ValueError:
            when = None
        total = Decimal(str(r["total"])).quantize(Decimal("0.01")) if r["total"] is not None else None
        kind = "credit_note" if r["document_type"] == "credit_note" or (total is not None and total < 0) else "invoice"
        keys.append(InvoiceKey(r["document_id"], r["vendor_id"], r["invoice_number"], when, total, r["currency"], kind, r["channel"]))
    return keys


def _billing_by_document(tx, po, document_id) -> dict[int, tuple[dict, Decimal]]:
    """For each other approved invoice on ``po``: quantity per PO line and net value (credit notes count back)."""
    billing: dict[int, tuple[dict, Decimal]] = {}
    for row in tx.documents.billed_against_po(po.po_number, document_id) if po else []:
        if not row:
            continue
        earlier = extraction_from_json(row)
        sign = -1 if document_type(earlier) == "credit_note" else 1
        per_line: dict[str, Decimal] = {}
        for line in earlier.lines:
            po_line, _ = pair_line(line, po)
            if po_line is not None and line.quantity is not None:
                per_line[po_line.line_no] = per_line.get(po_line.line_no, Decimal(0)) + sign * abs(line.quantity)
        billing[row["document_id"]] = (per_line, sign * abs(earlier.amount("net") or earlier.amount("total") or Decimal(0)))
    return billing


def _totals(billing: dict[int, tuple[dict, Decimal]]) -> tuple[dict, Decimal]:
    per_line: dict[str, Decimal] = {}
    for lines, _ in billing.values():
        for no, qty in lines.items():
            per_line[no] = per_line.get(no, Decimal(0)) + qty
    return per_line, sum((value for _, value in billing.values()), Decimal(0))


def billed_before(tx, po, document_id: int) -> tuple[dict, Decimal]:
    """Quantity per PO line and net value billed on ``po`` by the other invoices already approved."""
    return _totals(_billing_by_document(tx, po, document_id))


_billed_before = billed_before  # the name the review view imported first


def _candidates(tx, document_id: int, key: InvoiceKey, window_days: int) -> list[InvoiceKey]:
    number = normalise_invoice_number(key.invoice_number) if key.invoice_number else None
    dated = None
    if key.invoice_date:
        window = timedelta(days=window_days)
        dated = ((key.invoice_date - window).isoformat(), (key.invoice_date + window).isoformat())
    rows = tx.documents.duplicate_candidates(document_id, key.vendor_id, number, key.total, dated)
    return _prior_keys(rows)


def _audit_inputs(outcome: ReconcileOutcome, po, po_number: Optional[str], receipts) -> dict:
    lines = [{"invoice": m.invoice_line.description, "po_line": m.po_line.line_no if m.po_line else None, "paired_by": m.how,
              "received": str(m.received), "billed_before": str(m.previously_billed), "explanation": m.explanation}
             for m in (outcome.match.lines if outcome.match else ())]
    return {"po_number": po.po_number if po else po_number, "receipts": [r.receipt_id for r in receipts],
            "duplicates_checked": list(outcome.duplicates_checked), "lines": lines}


def reconcile(app, document_id: int, actor: str, today: Optional[date] = None) -> None:
    """RECONCILING -> APPROVED or -> NEEDS_REVIEW with reason codes and their evidence.

    ``today`` (default: the current UTC date) is the day the bank-change window counts back from.
    """
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status is not Status.RECONCILING:
            return
        extraction = extraction_from_json(tx.documents.latest_extraction(document_id))
        vendor = tx.master.vendor(extraction.value("vendor_id"))
        po_number = extraction.value("po_number")
        if po_number:
            tx.documents.lock_po_billing(po_number)
        po = tx.master.purchase_order(po_number)
        receipts = tx.master.receipts_for(po.po_number) if po else []
        billing = _billing_by_document(tx, po, document_id)
        billed, billed_value = _totals(billing)
        key = invoice_key(document_id, extraction, doc.channel)
        candidates = _candidates(tx, document_id, key, app.policy.reconcile.duplicate_date_window_days)
        outcome = reconcile_invoice(
            ReconcileInput(document_id, extraction, vendor, po, receipts, billed, billed_value, candidates,
                           today or datetime.now(timezone.utc).date(), doc.channel,
                           {doc_id: lines for doc_id, (lines, _) in billing.items()}, {doc_id: value for doc_id, (_, value) in billing.items()}),
            app.policy,
        )
        decision = outcome.decision
        to = Status.APPROVED if decision.outcome == APPROVED else Status.NEEDS_REVIEW
        reasons = reasons_to_json(decision.reasons)
        event = move(tx, doc, to, step="reconcile", actor=actor, outcome=decision.outcome, reasons=reasons,
                     inputs=_audit_inputs(outcome, po, po_number, receipts),
                     extractor_version=extraction.extractor_version, policy_version=decision.policy_version,
                     reason="; ".join(r["message"] for r in reasons) or None)
        if event is not None:
            tx.documents.add_decision(doc.id, "reconcile", decision.outcome, decision.reasons, decision.policy_version, actor)
            if to is Status.APPROVED:
                idempotency_key, payload = outbox_payload(doc.id, doc.sha256, extraction, decision.policy_version)
                tx.documents.add_outbox(doc.id, idempotency_key, payload)
    log_step(app, event)
    if event is not None and to is Status.APPROVED:
        app.enqueuer.send("export", document_id)
