"""Webhook subscribers and their delivery rows (the webhooks' outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, insert, literal, or_, select, update

from . import tables as t
from .documents import utcnow

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
DELIVERY_STATES = (PENDING, DELIVERED, DEAD)
# The audit steps that record who delivered a document (services/submissions.py reads the same).
ARRIVAL_STEPS = ("received", "re_arrival")
ALL_EVENTS = "*"


def events_column(states: Iterable[str]) -> str:
    """``*`` or ``,a,b,``: a state matches with one exact LIKE on both databases."""
    states = sorted(set(states))
    return ALL_EVENTS if not states or ALL_EVENTS in states else "," + ",".join(states) + ","


LIKE_ESCAPE = "/"


def _like_escaped(value: str) -> str:
    """``value`` matched literally by LIKE ... ESCAPE '/' (a state holds ``_``, LIKE's any-character)."""
    return value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def _wanted_query():
    """The subscribers wanting a state change (bound: ``document_id``, ``state`` as a LIKE
    pattern), built once: every state change of every document runs it."""
    s, a = t.webhook_subscribers.c, t.audit_events.c
    uploaded_by_owner = exists(select(literal(1)).where(
        a.document_id == bindparam("document_id"), a.step.in_(ARRIVAL_STEPS), a.actor == s.owner))
    return select(s.id).where(or_(s.events == ALL_EVENTS, s.events.like(bindparam("state"), escape=LIKE_ESCAPE)),
                              or_(s.owner.is_(None), uploaded_by_owner))


_WANTED = _wanted_query()


class WebhookRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- subscribers ------------------------------------------------------------------------
    def add_subscriber(self, name: str, url: str, secret: str, states: Iterable[str], owner: Optional[str], actor: str) -> int:
        result = self.conn.execute(insert(t.webhook_subscribers).values(
            name=name, url=url, secret=secret, events=events_column(states), owner=owner, created_by=actor, created_at=utcnow()))
        return int(result.inserted_primary_key[0])

    def subscriber(self, name: str) -> Optional[dict]:
        row = self.conn.execute(select(t.webhook_subscribers).where(t.webhook_subscribers.c.name == name)).first()
        return dict(row._mapping) if row else None

    def subscriber_by_id(self, subscriber_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.webhook_subscribers).where(t.webhook_subscribers.c.id == subscriber_id)).first()
        return dict(row._mapping) if row else None

    def subscribers(self) -> list[dict]:
        rows = self.conn.execute(select(t.webhook_subscribers).order_by(t.webhook_subscribers.c.name))
        return [dict(r._mapping) for r in rows]

    def remove_subscriber(self, subscriber_id: int) -> None:
        # Explicitly, not by the foreign key's cascade: SQLite enforces foreign keys only when asked.
        self.conn.execute(delete(t.webhook_deliveries).where(t.webhook_deliveries.c.subscriber_id == subscriber_id))
        self.conn.execute(delete(t.webhook_subscribers).where(t.webhook_subscribers.c.id == subscriber_id))

    # -- the outbox -------------------------------------------------------------------------
    def enqueue(self, event: Mapping[str, Any], payload: Mapping[str, Any], key: str, event_type: str) -> int:
        """One pending delivery per subscriber that wants this state change (its state is in
        the subscriber's events, and the subscriber follows everything or the account that
        delivered the document), in one statement inside the caller's transaction."""
        document_id, to_status = event["document_id"], event["to_status"]
        wanted = [int(r[0]) for r in self.conn.execute(_WANTED, {"document_id": document_id,
                                                                 "state": f"%,{_like_escaped(to_status)},%"})]
        if wanted:
            now = utcnow()
            self.conn.execute(insert(t.webhook_deliveries), [dict(
                subscriber_id=sid, audit_seq=event["seq"], document_id=document_id, event_type=event_type, idempotency_key=key,
                payload=dict(payload), state=PENDING, attempts=0, next_attempt_at=now, created_at=now) for sid in wanted])
        return len(wanted)

    def delivery(self, delivery_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.webhook_deliveries).where(t.webhook_deliveries.c.id == delivery_id)).first()
        return dict(row._mapping) if row else None

    def due_ids(self, now: datetime, limit: int) -> list[int]:
        d = t.webhook_deliveries.c
        rows = self.conn.execute(select(d.id).where(d.state == PENDING, d.next_attempt_at <= now)
                                 .order_by(d.next_attempt_at, d.id).limit(limit))
        return [int(r[0]) for r in rows]

    def claim(self, delivery_id: int, now: datetime, until: datetime) -> bool:
        """Take a due delivery (its next attempt moves to ``until``, a lease): a second
        dispatcher finds it not due. False when another took it first."""
        d = t.webhook_deliveries.c
        done = self.conn.execute(update(t.webhook_deliveries).where(
            d.id == delivery_id, d.state == PENDING, d.next_attempt_at <= now).values(next_attempt_at=until))
        return done.rowcount == 1

    def record_attempt(self, delivery_id: int, state: str, error: Optional[str], next_attempt_at: Optional[datetime] = None) -> None:
        values: dict[str, Any] = {"attempts": t.webhook_deliveries.c.attempts + 1, "state": state, "last_error": error}
        if state == DELIVERED:
            values["delivered_at"] = utcnow()
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        self.conn.execute(update(t.webhook_deliveries).where(t.webhook_deliveries.c.id == delivery_id).values(**values))

    def reset(self, delivery_id: int) -> bool:
        """Make a dead (or backing-off) delivery pending and due now, attempts cleared; the
        same row, key and payload. False when there is no such row or it was delivered."""
        d = t.webhook_deliveries.c
        done = self.conn.execute(update(t.webhook_deliveries).where(d.id == delivery_id, d.state != DELIVERED).values(
            state=PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None))
        return done.rowcount == 1

    def deliveries(self, state: Optional[str] = None, subscriber_id: Optional[int] = None, limit: int = 100) -> list[dict]:
        d, s = t.webhook_deliveries.c, t.webhook_subscribers.c
        query = (select(d.id, s.name.label("subscriber"), d.audit_seq, d.document_id, d.event_type, d.idempotency_key, d.state,
                        d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.created_at)
                 .join_from(t.webhook_deliveries, t.webhook_subscribers, s.id == d.subscriber_id)
                 .order_by(d.id.desc()).limit(limit))
        if state:
            query = query.where(d.state == state)
        if subscriber_id is not None:
            query = query.where(d.subscriber_id == subscriber_id)
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def dead_by_subscriber(self) -> dict[int, int]:
        d = t.webhook_deliveries.c
        rows = self.conn.execute(select(d.subscriber_id, func.count()).where(d.state == DEAD).group_by(d.subscriber_id))
        return {int(sid): int(n) for sid, n in rows}

    def prune(self, delivered_before: datetime, dead_before: datetime, limit: int) -> int:
        """Delete at most ``limit`` rows delivered before ``delivered_before`` or dead (never
        replayed) and created before ``dead_before``; returns how many. Pending rows stay."""
        d = t.webhook_deliveries.c
        ids = [int(r[0]) for r in self.conn.execute(select(d.id).where(or_(
            and_(d.state == DELIVERED, d.delivered_at < delivered_before),
            and_(d.state == DEAD, d.created_at < dead_before))).order_by(d.id).limit(limit))]
        if ids:
            self.conn.execute(delete(t.webhook_deliveries).where(d.id.in_(ids)))
        return len(ids)
