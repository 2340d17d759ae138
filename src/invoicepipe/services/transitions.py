"""The one way a document changes state: a guarded update and its audit event, together."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..adapters.db.audit import AuditEvent
from ..adapters.db.uow import Transaction
from ..domain.models import Document, Status
from ..domain.webhook_events import STATE_CHANGED, event_key, state_change_payload
from ..logs import adopt_correlation_id, current_correlation_id
from ..observability.events import observe_event

_DOCUMENT_FIELDS = frozenset(f.name for f in fields(Document))


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
    return _moved(tx, doc, to, seq, step=step, actor=actor, outcome=outcome, reasons=reasons, inputs=inputs,
                  extractor_version=extractor_version, policy_version=policy_version, reason=changes.get("reason"))


def _moved(tx: Transaction, doc: Document, to: Status, seq: int, *, step: str, actor: str, outcome: str,
           reasons: Sequence[Mapping[str, Any]] = (), inputs: Optional[Mapping[str, Any]] = None,
           extractor_version: Optional[str] = None, policy_version: Optional[str] = None,
           reason: Optional[str] = None) -> dict:
    """What a move writes once its guarded update went through: the audit event (at ``seq``,
    drawn by the update; 0: the append draws it), the webhook deliveries, the count after commit."""
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
        payload = state_change_payload(event, doc.filename, doc.channel, reason)
        webhooks.enqueue(event, payload, event_key(event["seq"]), STATE_CHANGED, getattr(tx.audit, "subscribers_version", None))
    # Counted once committed: a rolled-back move (retried later) must not count twice.
    getattr(tx, "after_commit", []).append(lambda: observe_event(event))
    return event


# Columns a first move of ``move_twice`` must leave alone: the second move's guards read them.
_GUARDED = frozenset({"status", "version", "lease_owner", "lease_expires_at"})


def move_twice(tx: Transaction, doc: Document, first: Mapping[str, Any], second: Mapping[str, Any]) -> Optional[tuple[dict, dict]]:
    """``move(tx, doc, **first)`` and then ``move(tx, <doc as first left it>, **second)`` in
    one guarded update (PostgreSQL), each move with its own audit event, in that order, and
    its own webhook deliveries: the events, or None when nothing was written (SQLite, a
    shape this does not take, or a document either guard refuses), and the caller then makes
    the two moves, which do exactly what they did. ``first`` and ``second``: ``move``'s
    keyword arguments, with ``to``; the first move is guarded by the document's loaded
    status only, the second by its ``expected`` states (which must take the first's target)
    and, with ``holder``, by the lease. Neither may carry riders; the first may not set the
    columns the second's guards read; a column both set takes the second's value."""
    first, second = dict(first), dict(second)
    specs = []
    for move_spec in (first, second):
        to = move_spec.pop("to")
        event_args = {k: move_spec.pop(k) for k in ("step", "actor", "outcome", "reasons", "inputs", "extractor_version",
                                                    "policy_version") if k in move_spec}
        specs.append((to, event_args, move_spec))
    (via, first_event, first_rest), (to, second_event, second_rest) = specs
    expected = set(second_rest.pop("expected", None) or {via})
    holder = second_rest.pop("holder", None)
    if first_rest.keys() & {"expected", "expected_version", "holder", "decision", "outbox_delivered"} or \
            second_rest.keys() & {"expected_version", "decision", "outbox_delivered"} or \
            first_rest.keys() & _GUARDED or via not in expected:
        return None
    seqs = tx.documents.transition_twice(doc.id, {doc.status}, to, holder=holder, **{**first_rest, **second_rest})
    if seqs is None:
        return None
    first_event = _moved(tx, doc, via, seqs[0], **first_event, reason=first_rest.get("reason"))
    after_first = replace(doc, status=via, **{k: v for k, v in first_rest.items() if k in _DOCUMENT_FIELDS})
    # The second seq was drawn before the first event was written: it may be used only after
    # the first event at the first seq. When the first append could not use it (its head had
    # moved on: it locked a head and drew a later seq there), the second draws its own under
    # that head's lock, so a partition's seq order stays its chain order (the unused seq is a
    # gap, as after a rollback).
    second_seq = seqs[1] if first_event["seq"] == seqs[0] else 0
    return first_event, _moved(tx, after_first, to, second_seq, **second_event, reason=second_rest.get("reason"))


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
