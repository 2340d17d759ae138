"""The one way a document changes state: a guarded update and its audit event, together."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from ..adapters.db.audit import AuditEvent
from ..adapters.db.uow import Transaction
from ..domain.models import Document, Status
from ..domain.webhook_events import STATE_CHANGED, event_key, state_change_payload
from ..logs import adopt_correlation_id, current_correlation_id
from ..observability.events import observe_event


def move(tx: Transaction, doc: Document, to: Status, *, step: str, actor: str, outcome: str,
         expected: Optional[Iterable[Status]] = None, reasons: Sequence[Mapping[str, Any]] = (),
         inputs: Optional[Mapping[str, Any]] = None, extractor_version: Optional[str] = None,
         policy_version: Optional[str] = None, expected_version: Optional[int] = None, holder: Optional[str] = None,
         decision: Optional[Mapping[str, Any]] = None, outbox_delivered: bool = False, **changes: Any) -> Optional[dict]:
    """Move ``doc`` to ``to`` if it is still in ``expected`` (default: its loaded status)
    and, when ``expected_version`` is given, still at the version the caller saw, and, when
    ``holder`` is given, held by no one else's live lease (``services/leases.py``).

    Writes the audit event, and a delivery for every webhook subscriber that wants the
    change, in the same transaction and returns the event, or returns None when
    another worker moved the document first (the caller then has nothing to do).
    ``decision`` (stage, outcome, reasons, policy_version, actor) is recorded when the
    document moves, ``outbox_delivered`` marks its outbox row delivered either way: in the
    move's own statement on PostgreSQL (``DocumentRepository.transition_drawing_seq``).
    """
    expected = set(expected) if expected is not None else {doc.status}
    # The guarded update draws the event's seq (PostgreSQL), so the append can be one
    # statement at a head this thread wrote last (adapters/db/audit.py).
    seq = tx.documents.transition_drawing_seq(doc.id, expected, to, expected_version=expected_version, holder=holder,
                                              decision=decision, outbox_delivered=outbox_delivered, **changes)
    if seq is None:
        return None
    event = tx.audit.append(
        AuditEvent(
            step=step, actor=actor, outcome=outcome, document_id=doc.id, from_status=doc.status.value,
            to_status=to.value, reasons=list(reasons), inputs=_with_correlation(doc, inputs),
            extractor_version=extractor_version, policy_version=policy_version,
        ),
        seq=seq or None,
    )
    # Subscribers' deliveries commit with the change or not at all (the database is the truth).
    webhooks = getattr(tx, "webhooks", None)
    if webhooks is not None:
        payload = state_change_payload(event, doc.filename, doc.channel, changes.get("reason"))
        webhooks.enqueue(event, payload, event_key(event["seq"]), STATE_CHANGED, getattr(tx.audit, "subscribers_version", None))
    # Counted once committed: a rolled-back move (retried later) must not count twice.
    getattr(tx, "after_commit", []).append(lambda: observe_event(event))
    return event


def record(tx: Transaction, doc: Optional[Document], *, step: str, actor: str, outcome: str,
           reasons: Sequence[Mapping[str, Any]] = (), inputs: Optional[Mapping[str, Any]] = None,
           policy_version: Optional[str] = None, seq: Optional[int] = None) -> dict:
    """An audit event that changes no state (a re-arrival, a sweep, a master-data load).
    ``seq``: drawn for it already by the statement that wrote the document's row in this
    transaction (a new document's INSERT), after which nothing else of it was written."""
    status = doc.status.value if doc else None
    return tx.audit.append(
        AuditEvent(step=step, actor=actor, outcome=outcome, document_id=doc.id if doc else None, from_status=status,
                   to_status=status, reasons=list(reasons), inputs=_with_correlation(doc, inputs), policy_version=policy_version),
        seq=seq,
    )


def _with_correlation(doc: Optional[Document], inputs: Optional[Mapping[str, Any]]) -> dict:
    """The event's inputs with the document's correlation id (logs.py). From here on this
    context's log lines and messages carry the document's id, so a reviewer's request
    continues the trail that the upload started."""
    cid = (doc.correlation_id if doc is not None else None) or current_correlation_id()
    adopt_correlation_id(cid)
    return {**(inputs or {}), **({"correlation_id": cid} if cid else {})}


FAILED_STATES = (Status.FAILED.value, Status.EXPORT_FAILED.value)
WARNING_STEPS = ("requeued",)  # a message was lost or a worker died: recovered, but worth a look


def log_step(app, event: Optional[dict], **extra: Any) -> None:
    """The structlog line for a step, carrying the audit event's ids: at warning when the
    document failed or had to be re-sent (an operator may have to act), at info for every
    routine step."""
    if event is None:
        return
    emit = app.log.warning if event["to_status"] in FAILED_STATES or event["step"] in WARNING_STEPS else app.log.info
    emit(
        event["step"], document_id=event["document_id"], audit_seq=event["seq"], actor=event["actor"],
        outcome=event["outcome"], from_status=event["from_status"], to_status=event["to_status"],
        reasons=[r.get("code") for r in event["reasons"]], policy_version=event["policy_version"],
        extractor_version=event["extractor_version"], **extra,
    )


def reason(code: str, message: str, **evidence: Any) -> dict:
    return {"code": code, "message": message, "evidence": evidence}
