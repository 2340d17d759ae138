"""Append-only audit events in partitioned, keyed hash chains; one head row per partition."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Optional, Sequence

from sqlalchemy import Connection, func, insert, select, text, update

from ...domain.audit import LEGACY_PARTITION, ChainEvent, Head, canonical_json, keyed_event_hash
from . import tables as t

# Fixed: the migration creates one head row per partition (1..16). Sixteen heads make two
# appenders wait on each other rarely at the concurrency one database serves.
PARTITIONS = 16

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


def partition_for(document_id: Optional[int]) -> int:
    """A document's events go to one partition (so its trail is one chain); others spread at random."""
    if document_id is None:
        return 1 + random.randrange(PARTITIONS)
    return 1 + int(document_id) % PARTITIONS


class AuditRepository:
    def __init__(self, conn: Connection, key: bytes):
        self.conn = conn
        self.key = key
        # One head lock per transaction: a transaction that appends for several documents
        # keeps to the partition it locked first, so two transactions never lock two heads
        # in opposite orders (a deadlock).
        self._partition: Optional[int] = None

    def _next_seq(self) -> int:
        if self.conn.dialect.name == "postgresql":
            return int(self.conn.execute(text(f"SELECT nextval('{t.AUDIT_SEQ}')")).scalar_one())
        # SQLite: every write transaction holds the database lock (BEGIN IMMEDIATE).
        return int(self.conn.execute(select(func.coalesce(func.max(t.audit_events.c.seq), 0) + 1)).scalar_one())

    def append(self, event: AuditEvent) -> dict:
        """Write one event chained to its partition's head; returns the stored row."""
        if self._partition is None:
            self._partition = partition_for(event.document_id)
        partition = self._partition
        heads = t.audit_heads.c
        head = self.conn.execute(select(heads.chain_position, heads.hash).where(heads.chain_partition == partition).with_for_update()).one()
        # The seq is drawn after the head lock, so within a partition seq order is chain order.
        seq, position, prev = self._next_seq(), int(head.chain_position) + 1, head.hash
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
        digest = keyed_event_hash(self.key, seq, partition, position, prev, content)
        self.conn.execute(insert(t.audit_events).values(seq=seq, prev_hash=prev, hash=digest, chain_partition=partition,
                                                        chain_position=position, **content))
        self.conn.execute(update(t.audit_heads).where(heads.chain_partition == partition).values(chain_position=position, hash=digest))
        return {"seq": seq, "hash": digest, "chain_partition": partition, "chain_position": position, **content}

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

    def heads(self) -> dict[int, Head]:
        c = t.audit_heads.c
        rows = self.conn.execute(select(c.chain_partition, c.chain_position, c.hash).order_by(c.chain_partition))
        return {int(p): Head(int(p), int(pos), h) for p, pos, h in rows}

    def chain(self, partition: int, batch: int = 5000) -> Iterator[ChainEvent]:
        """One partition's events in chain order, read in batches so a long chain fits in memory."""
        a = t.audit_events
        # The legacy partition has no positions: its seq is its place in the chain.
        order = a.c.seq if partition == LEGACY_PARTITION else a.c.chain_position
        last = 0
        while True:
            query = select(a).where(a.c.chain_partition == partition, order > last).order_by(order).limit(batch)
            rows = self.conn.execute(query).all()
            if not rows:
                return
            for r in rows:
                m = r._mapping
                position = int(m["seq"]) if partition == LEGACY_PARTITION else int(m["chain_position"])
                yield ChainEvent(seq=int(m["seq"]), partition=partition, position=position, prev_hash=m["prev_hash"], hash=m["hash"],
                                 content=_content(m))
            last = position

    def hash_at(self, partition: int, position: int) -> Optional[str]:
        a = t.audit_events.c
        where = a.seq == position if partition == LEGACY_PARTITION else a.chain_position == position
        return self.conn.execute(select(a.hash).where(a.chain_partition == partition, where)).scalar_one_or_none()

    def partitions_with_events(self) -> set[int]:
        """Partitions that hold at least one event (read from the chain index, not the whole table)."""
        a = t.audit_events
        return {int(p) for (p,) in self.conn.execute(select(a.c.chain_partition).distinct())}

    def record_checkpoint(self, counter: int, root: str, sig: str, created_at: str) -> None:
        self.conn.execute(insert(t.audit_checkpoints).values(counter=counter, root=root, sig=sig, created_at=created_at))

    def checkpoint_marks(self) -> list[tuple[int, str]]:
        c = t.audit_checkpoints.c
        return [(int(n), s) for n, s in self.conn.execute(select(c.counter, c.sig).order_by(c.counter))]
