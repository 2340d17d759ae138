"""Export: approved invoices leave through an outbox to the payable destination.

The outbox row is written in the same transaction that approves the invoice, so an
approval can never be lost between the decision and the delivery. Delivery carries an
idempotency key; a destination that is down is retried with backoff by Dramatiq and, after
that, by the sweeper: nothing is lost while it is down.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..domain.models import Status
from ..errors import TransientError
from .transitions import log_step, move


def outbox_payload(document_id: int, sha256: str, extraction, decision_policy: str) -> tuple[str, dict]:
    """The idempotency key and the record the ERP receives."""
    key = f"invoicepipe-{document_id}-{sha256[:12]}"
    fields = {name: extraction.value(name) for name in ("vendor_id", "vendor", "invoice_number", "invoice_date", "due_date",
                                                          "po_number", "currency", "net", "tax", "total", "iban", "document_type")}
    lines = [{"description": li.description, "quantity": None if li.quantity is None else str(li.quantity),
              "unit_price": None if li.unit_price is None else str(li.unit_price),
              "amount": None if li.amount is None else str(li.amount)} for li in extraction.lines]
    return key, {"idempotency_key": key, "document_id": document_id, "policy_version": decision_policy, **fields, "lines": lines}


def export(app, document_id: int, actor: str) -> None:
    """APPROVED -> EXPORTED once the destination has the invoice."""
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        entry = tx.documents.outbox_entry(document_id)
    if doc is None or doc.status is not Status.APPROVED or entry is None:
        return
    try:
        where = app.exporter.deliver(entry["idempotency_key"], entry["payload"])
    except TransientError as exc:
        backoff = timedelta(seconds=min(3600, 30 * 2 ** min(entry["attempts"], 7)))
        with app.uow.begin() as tx:
            tx.documents.outbox_attempt(document_id, str(exc), datetime.now(timezone.utc) + backoff)
        raise
    with app.uow.begin() as tx:
        tx.documents.outbox_attempt(document_id, None)
        event = move(tx, doc, Status.EXPORTED, step="export", actor=actor, outcome="delivered",
                     inputs={"idempotency_key": entry["idempotency_key"], "destination": where, "attempt": entry["attempts"] + 1})
    log_step(app, event)
