"""Append-only audit events with a hash chain; the head row serialises appenders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Optional, Sequence

from sqlalchemy import Connection, insert, select, update

from ...domain.audit import ChainEvent, canonical_json, event_hash
from . import tables as t

CONTENT_COLUMNS = (
    "document_id", "step", "actor", "outcome", "from_status", "to_status", "reasons", "inputs",
    "extractor_version", "policy_version", "created_at",
)


@dataclass(frozen=True)
class AuditEvent:
    """What happened to a document (or to the system), by whom, under which versions, why."""

    step: str
    actor: str
    outcome: str
    document_id: Optional[int] = None
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    reasons: Sequence[Mapping[str, Any]] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)
    extractor_version: Optional[str] = None
    policy_version: Optional[str] = None


def _content(row: Mapping[str, Any]) -> dict:
    return {k: row[k] for k in CONTENT_COLUMNS}


class AuditRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def append(self, event: AuditEvent) -> dict:
        """Write one event chained to the current head; returns the stored row."""
        head = self.conn.execute(select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1).with_for_update()).one()
        seq, prev = int(head.seq) + 1, head.hash
        content = {
            "document_id": event.document_id,
            "step": event.step,
            "actor": event.actor,
            "outcome": event.outcome,
            "from_status": event.from_status,
            "to_status": event.to_status,
            # Round-trip through JSON so the hashed form is exactly what the column returns.
            "reasons": json.loads(canonical_json(list(event.reasons))),
            "inputs": json.loads(canonical_json(dict(event.inputs))),
            "extractor_version": event.extractor_version,
            "policy_version": event.policy_version,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        }
        digest = event_hash(seq, prev, content)
        self.conn.execute(insert(t.audit_events).values(seq=seq, prev_hash=prev, hash=digest, **content))
        self.conn.execute(update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=seq, hash=digest))
        return {"seq": seq, "hash": digest, **content}

    def trail(self, document_id: int) -> list[dict]:
        rows = self.conn.execute(select(t.audit_events).where(t.audit_events.c.document_id == document_id).order_by(t.audit_events.c.seq))
        return [dict(r._mapping) for r in rows]

    def requeues_since_last_move(self, document_id: int) -> int:
        """How many times the sweeper re-sent this document since its state last changed."""
        rows = self.conn.execute(
            select(t.audit_events.c.step, t.audit_events.c.from_status, t.audit_events.c.to_status)
            .where(t.audit_events.c.document_id == document_id).order_by(t.audit_events.c.seq.desc()).limit(200)
        )
        count = 0
        for step, from_status, to_status in rows:
            if from_status != to_status:
                break
            count += step == "requeued"
        return count

    def head(self) -> tuple[int, str]:
        row = self.conn.execute(select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1)).one()
        return int(row.seq), row.hash

    def chain(self, batch: int = 5000) -> Iterator[ChainEvent]:
        """Every event in seq order, read in batches so a long chain fits in memory."""
        last = 0
        while True:
            rows = self.conn.execute(select(t.audit_events).where(t.audit_events.c.seq > last).order_by(t.audit_events.c.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                m = r._mapping
                yield ChainEvent(seq=int(m["seq"]), prev_hash=m["prev_hash"], hash=m["hash"], content=_content(m))
            last = int(rows[-1]._mapping["seq"])
