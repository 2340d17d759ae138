"""Export: approved invoices leave through an outbox to the payable destination.

The outbox row is written in the same transaction that approves the invoice, so an
approval can never be lost between the decision and the delivery. Delivery carries an
idempotency key. A destination that is down (``TransientError``) is tried again after an
exponential backoff with jitter (or after the destination's ``Retry-After``), recorded as the row's ``next_attempt_at``: this step and
the sweeper both leave the row alone until then, so nothing is lost while it is down and
nothing hammers it either. A sender claims the due try first (moving ``next_attempt_at``
on by a lease), so two messages for one invoice arriving together make one try, not two. A destination that refuses the invoice for good
(``DeliveryRefused``) ends the document in ``export_failed`` with the reason, on the
document and on the outbox row, until an operator fixes the cause and replays it
(``invoicepipe export replay``, runbooks/export-failed.md).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Optional

from ..domain.models import Status
from ..errors import PermanentError, StateConflict, TransientError
from ..observability.events import export_retry
from .transitions import log_step, move, reason, record

BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0


def outbox_payload(document_id: int, sha256: str, extraction, decision_policy: str) -> tuple[str, dict]:
    """The idempotency key and the record the ERP receives."""
    key = f"invoicepipe-{document_id}-{sha256[:12]}"
    fields = {name: extraction.value(name) for name in ("vendor_id", "vendor", "invoice_number", "invoice_date", "due_date",
                                                          "po_number", "currency", "net", "tax", "total", "iban", "document_type")}
    lines = [{"description": li.description, "quantity": None if li.quantity is None else str(li.quantity),
              "unit_price": None if li.unit_price is None else str(li.unit_price),
              "amount": None if li.amount is None else str(li.amount)} for li in extraction.lines]
    return key, {"idempotency_key": key, "document_id": document_id, "policy_version": decision_policy, **fields, "lines": lines}


def backoff_delay(attempts_before: int, jitter: Callable[[], float] = random.random, *, base_s: float = BACKOFF_BASE_S,
                  cap_s: float = BACKOFF_CAP_S) -> float:
    """Seconds to wait after the ``attempts_before + 1``-th failed try: the ceiling doubles from
    ``base_s`` (30 s) up to ``cap_s`` (an hour), and the wait is drawn from its upper half
    ("equal jitter") so that many invoices failing together do not all come back in the same
    second, yet none comes back at once."""
    ceiling = min(cap_s, base_s * 2 ** min(attempts_before, 16))
    return ceiling / 2 + jitter() * ceiling / 2


def retry_wait(exc: BaseException, attempts_before: int, settings) -> float:
    """Seconds until the next try after a transient failure: what the destination asked for
    (``RetryLater.retry_after_s``, its ``Retry-After``; at least a second), else the back-off."""
    asked = getattr(exc, "retry_after_s", None)
    if asked is not None:
        return max(1.0, float(asked))
    return backoff_delay(attempts_before, base_s=settings.export_backoff_base_s, cap_s=settings.export_backoff_cap_s)


def refusal_evidence(exc: BaseException) -> dict:
    """An HTTP destination's answer to a refused delivery: its status and a sanitised excerpt."""
    status, excerpt = getattr(exc, "status", None), getattr(exc, "excerpt", None)
    return {k: v for k, v in (("status", status), ("response", excerpt)) if v is not None}


def _aware(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; everything we write is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def is_due(entry: dict, now: Optional[datetime] = None) -> bool:
    """True when the outbox row may be tried now (``next_attempt_at`` has passed)."""
    now = now or datetime.now(timezone.utc)
    return entry["delivered_at"] is None and _aware(entry["next_attempt_at"]) <= now


def export(app, document_id: int, actor: str, *, states: Iterable[Status] = (Status.APPROVED,),
           now: Optional[datetime] = None, resend: bool = True) -> str:
    """Deliver the outbox row of a document in ``states`` once it is due.

    Returns what happened: ``delivered``, ``refused: …`` (now EXPORT_FAILED), ``retry at …``
    (a transient failure, recorded with its backoff; with ``resend`` the step is sent again
    delayed until then), ``not due`` or ``nothing to do``.
    """
    now = now or datetime.now(timezone.utc)
    states = frozenset(states)
    # Claimed for as long as a lease: if this worker dies mid-delivery, the try comes back
    # then; until then a second message for the same invoice finds it not due. The claim
    # returns the row to deliver, in the transaction that reads the document: one
    # transaction, not a read and then a claim.
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status not in states:
            return "nothing to do"
        entry = tx.documents.claim_due_outbox(document_id, now, claim_until(app, now))
        if entry is None:  # why not: read only on this rare path
            unclaimed = tx.documents.outbox_entry(document_id)
            return "nothing to do" if unclaimed is None or unclaimed["delivered_at"] is not None else "not due"
    return deliver_claimed(app, doc, entry, actor, now=now, resend=resend)


def claim_until(app, now: datetime) -> datetime:
    """Until when a claimed delivery is the claimant's: a lease, after which a sender that
    died mid-delivery is presumed gone and the sweeper sends the step again."""
    return now + timedelta(seconds=app.settings.lease_s)


def deliver_claimed(app, doc, entry: dict, actor: str, *, now: Optional[datetime] = None, resend: bool = True) -> str:
    """Deliver the outbox row ``entry`` (key, payload, attempts) this caller has claimed, and
    record the outcome as ``export`` describes. ``doc`` is the document as it stands (its
    status the one the delivery moves it from)."""
    now = now or datetime.now(timezone.utc)
    document_id = doc.id
    try:
        where = app.exporter.deliver(entry["idempotency_key"], entry["payload"])
    except TransientError as exc:
        wait = retry_wait(exc, entry["attempts"], app.settings)
        retry_at = now + timedelta(seconds=wait)
        with app.uow.begin() as tx:
            tx.documents.outbox_attempt(document_id, str(exc), retry_at)
        export_retry()
        app.log.warning("export_retry", document_id=document_id, attempt=entry["attempts"] + 1, error=str(exc),
                        next_attempt_at=retry_at.isoformat())
        if resend:
            app.enqueuer.send("export", document_id, delay_ms=int(wait * 1000))
        return f"retry at {retry_at:%Y-%m-%d %H:%M:%S} UTC: {exc}"
    except PermanentError as exc:
        why = f"the destination refused the invoice: {exc.reason}; see runbooks/export-failed.md"
        with app.uow.begin() as tx:
            tx.documents.outbox_attempt(document_id, exc.reason, now)
            event = move(tx, doc, Status.EXPORT_FAILED, step="export", actor=actor, outcome="delivery_refused",
                         reasons=[reason("delivery_refused", exc.reason, idempotency_key=entry["idempotency_key"],
                                         **refusal_evidence(exc))],
                         inputs={"idempotency_key": entry["idempotency_key"], "attempt": entry["attempts"] + 1}, reason=why)
        app.log.error("export_refused", document_id=document_id, error=exc.reason)
        log_step(app, event)
        return f"refused: {exc.reason}"
    with app.uow.begin() as tx:
        # the outbox row is marked delivered with the move (in its statement on PostgreSQL)
        event = move(tx, doc, Status.EXPORTED, step="export", actor=actor, outcome="delivered", outbox_delivered=True,
                     inputs={"idempotency_key": entry["idempotency_key"], "destination": where, "attempt": entry["attempts"] + 1})
    log_step(app, event)
    return "delivered"


REPLAYABLE = (Status.EXPORT_FAILED, Status.APPROVED)


def replay_export(app, document_id: int, actor: str) -> str:
    """Send an invoice again after the cause was fixed, audited with who asked: one in
    ``export_failed``, or one still ``approved`` and backing off (so an operator need not
    wait out the backoff once the destination is back).

    The outbox row the payment gate wrote is reused (same idempotency key; attempts, backoff
    and error reset): replay never writes a new row, so nothing reaches the export that the
    gate did not pass. Delivery is tried at once, so the operator sees the outcome.
    """
    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
        if doc.status not in REPLAYABLE:
            raise StateConflict(f"document {document_id} is {doc.status.value}; only export_failed (or approved, "
                                "not yet delivered) documents can be replayed")
        if not tx.documents.reset_outbox(document_id):
            raise StateConflict(f"document {document_id} has no outbox row; it was never approved by the payment gate")
        event = record(tx, doc, step="export_replay", actor=actor, outcome="replayed",
                       reasons=[reason("export_replayed", f"replayed after: {doc.reason or 'a delayed delivery'}")])
    log_step(app, event)
    outcome = export(app, document_id, actor, states=(doc.status,), resend=doc.status is Status.APPROVED)
    return f"document {document_id}: {outcome}"


def export_failed_ids(app, limit: int = 10_000) -> list[int]:
    with app.uow.begin() as tx:
        return [d.id for d in tx.documents.in_states([Status.EXPORT_FAILED], limit)]
