"""Append-only audit events in partitioned, keyed hash chains; one head row per partition."""

from __future__ import annotations

import json
import os
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Optional, Protocol, Sequence, runtime_checkable

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from ...domain.audit import LEGACY_PARTITION, ChainEvent, Head, canonical_json, keyed_event_hash
from ...domain.audit_keys import Keyring, Takeover, as_keyring
from ...errors import StateConflict
from . import tables as t
from .data_versions import SUBSCRIBERS, VENDORS, version_of

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


EVENT_COLUMNS = ("seq", *CONTENT_COLUMNS, "prev_hash", "hash", "chain_partition", "chain_position", "key_id")

# SQLite: every write transaction holds the database lock (BEGIN IMMEDIATE) from its start,
# so the head and the next seq are read in one statement and stay true until the commit. The
# statements are built once: building and cache-keying a Core statement per append cost more
# client CPU than running it.
_SQLITE_HEAD_AND_SEQ = (select(t.audit_heads.c.chain_position, t.audit_heads.c.hash,
                               select(func.coalesce(func.max(t.audit_events.c.seq), 0) + 1).scalar_subquery(),
                               version_of(SUBSCRIBERS), version_of(VENDORS))
                        .where(t.audit_heads.c.chain_partition == bindparam("p")))
_SQLITE_INSERT_EVENT = insert(t.audit_events)
# SQLite (and the statements' shape): the head moves from (old_position, old_hash) to the new
# event, or not at all.
_MOVE_HEAD = (update(t.audit_heads)
              .where(t.audit_heads.c.chain_partition == bindparam("p"), t.audit_heads.c.chain_position == bindparam("old_position"),
                     t.audit_heads.c.hash == bindparam("old_hash"))
              .values(chain_position=bindparam("new_position"), hash=bindparam("new_hash")))

# PostgreSQL hot path, written as SQL and run on the driver's cursor: an append is two short
# statements, and SQLAlchemy Core's compile-cache lookup, parameter processing and result
# wrapping cost more client CPU than the statements themselves (benchmarks/audit_appends.py,
# CPU per append). psycopg prepares a statement it has run a few times on a connection.
#
# Lock a head row and draw the next seq once it is held (nextval outside the locking
# subquery runs after the lock), so within a partition seq order is chain order. The webhook
# subscribers' version rides along: every state change appends, and with it in hand the
# change matches its subscribers in memory (adapters/db/webhooks.py, data_versions.py).
_PG_HEAD = "SELECT chain_partition, chain_position, hash FROM audit_heads"
# The cached tables' versions ride along (the subscribers' for this transaction's state
# changes, the vendors' for a parse that starts in it: ``MasterDataRepository.vendors``).
_PG_VERSIONS = (f"(SELECT version FROM data_versions WHERE name = '{SUBSCRIBERS}'), "
                f"(SELECT version FROM data_versions WHERE name = '{VENDORS}')")
_PG_DRAW = f"nextval('{t.AUDIT_SEQ}'), {_PG_VERSIONS}"
_PG_LOCK_HEAD = f"SELECT h.*, {_PG_DRAW} FROM ({_PG_HEAD} WHERE chain_partition = %(p)s FOR UPDATE) AS h"
_PG_LOCK_HEAD_IF_FREE = f"SELECT h.*, {_PG_DRAW} FROM ({_PG_HEAD} WHERE chain_partition = %(p)s FOR UPDATE SKIP LOCKED) AS h"
# The first free head from the preferred one on, wrapping around.
_PG_LOCK_ANY_FREE_HEAD = (f"SELECT h.*, {_PG_DRAW} FROM ({_PG_HEAD} WHERE chain_partition >= 1 "
                          f"ORDER BY (chain_partition - %(p)s + {PARTITIONS}) %% {PARTITIONS} LIMIT 1 FOR UPDATE SKIP LOCKED) AS h")
# One round trip: the event is inserted from the head update's RETURNING, so it is written
# only together with the head that points at it. reasons and inputs arrive as their
# canonical JSON text.
_PG_INSERT_FROM_MOVED = (
    f"INSERT INTO audit_events ({', '.join(EVENT_COLUMNS)}) "
    # Typed: an untyped NULL in a SELECT list would be text.
    "SELECT %(seq)s::bigint, %(document_id)s::bigint, %(step)s, %(actor)s, %(outcome)s, %(from_status)s, %(to_status)s, "
    "%(reasons)s::json, %(inputs)s::json, %(extractor_version)s, %(policy_version)s, %(created_at)s, %(prev_hash)s, %(hash)s, "
    "%(chain_partition)s::int, %(position)s::bigint, %(key_id)s FROM moved"
)
_PG_INSERT_WITH_HEAD_MOVE = (
    "WITH moved AS (UPDATE audit_heads SET chain_position = %(position)s, hash = %(hash)s "
    "WHERE chain_partition = %(chain_partition)s AND chain_position = %(position)s - 1 AND hash = %(prev_hash)s RETURNING 1) "
    + _PG_INSERT_FROM_MOVED
)
# An append in one statement, when its seq was drawn already (by the document's guarded
# update, ``DocumentRepository.transition_drawing_seq``) and this thread knows the head it
# chains to (it wrote it last: ``_Affinity.head``): the head is locked, moved and the event
# inserted only if the head is still that one and no other appender holds it (SKIP LOCKED:
# never a wait, it falls back to locking the head instead). Its versions come back with it.
_PG_APPEND_AT_KNOWN_HEAD = (
    "WITH head AS (SELECT chain_partition FROM audit_heads WHERE chain_partition = %(chain_partition)s "
    "AND chain_position = %(position)s - 1 AND hash = %(prev_hash)s FOR UPDATE SKIP LOCKED), "
    "moved AS (UPDATE audit_heads SET chain_position = %(position)s, hash = %(hash)s FROM head "
    "WHERE audit_heads.chain_partition = head.chain_partition RETURNING 1) "
    + _PG_INSERT_FROM_MOVED + f" RETURNING {_PG_VERSIONS}"
)


@runtime_checkable
class KeyringSource(Protocol):
    """Where appenders get the keyring at the moment they sign (adapters/audit_key.KeyringWatch)."""

    def current(self) -> Keyring: ...

    def replace(self, keyring: Keyring) -> None: ...


def _content(row: Mapping[str, Any]) -> dict:
    return {k: row[k] for k in CONTENT_COLUMNS}


class _Affinity(threading.local):
    """The partition this thread last appended to, and the process it was in (a forked child
    starts afresh, or every child of one parent would first try the same head); ``head``:
    (partition, position, hash) of the last event this thread wrote, which its next append
    may chain to in one statement. Only a hint: the statement checks the head is still that
    one (after a rollback, or another appender's turn on the partition, it is not)."""

    pid: int = 0
    partition: int = 0
    head: Optional[tuple[int, int, str]] = None


_affinity = _Affinity()


def preferred_partition() -> int:
    """The partition this writer (thread) appends to: the one it got last time, at first a
    random one. Writers thus settle on partitions of their own and seldom meet on a head,
    where choosing by document made two writers collide whenever their documents hashed
    alike (benchmarks/audit_appends.py). A document's trail spans partitions; it is read by
    document id and ordered by seq, never by chain."""
    if _affinity.pid != os.getpid() or not _affinity.partition:
        _affinity.pid, _affinity.partition = os.getpid(), 1 + random.randrange(PARTITIONS)
    return _affinity.partition


def _settle_on(partition: int) -> None:
    if _affinity.pid != os.getpid():
        _affinity.head = None
    _affinity.pid, _affinity.partition = os.getpid(), partition


def _written(partition: int, position: int, digest: str) -> None:
    _settle_on(partition)
    _affinity.head = (partition, position, digest)


def _last_written(partition: int) -> Optional[tuple[int, int, str]]:
    """The head this thread wrote last in ``partition`` (this process), if it knows one."""
    head = _affinity.head if _affinity.pid == os.getpid() else None
    return head if head is not None and head[0] == partition else None


class AuditRepository:
    def __init__(self, conn: Connection, key: "bytes | Keyring | KeyringSource"):
        self.conn = conn
        # New events are signed with the keyring's active key; a source is asked only when an
        # append holds its head (below), so a transaction that appends nothing reads no file.
        # Tested against the concrete types: an isinstance check against the runtime Protocol
        # costs 25 us, at every transaction.
        self._source = None if isinstance(key, (bytes, Keyring)) else key
        self.keyring: Optional[Keyring] = None if self._source else as_keyring(key)
        # One head lock per transaction: a transaction that appends for several documents
        # keeps to the partition it locked first, so two transactions never lock two heads
        # in opposite orders (a deadlock).
        self._partition: Optional[int] = None
        # (partition, position, hash) of the head this transaction last wrote (it holds its lock).
        self._held: Optional[tuple[int, int, str]] = None
        self._pg_cursor = None
        # The webhook subscribers' version as the last append read it with its head (None
        # before any append): ``transitions.move`` hands it to ``WebhookRepository.enqueue``.
        self.subscribers_version: Optional[int] = None
        # The vendors' version as read with it: a parse started in this transaction takes
        # the vendor master at that version without reading it again.
        self.vendors_version: Optional[int] = None

    def _lock_head(self, preferred: int, sticky: bool) -> tuple[int, int, str, int]:
        """Lock a partition's head row: (partition, position, hash, next seq).

        PostgreSQL: the preferred partition if it is free (one row by its key), else the
        next free one (SKIP LOCKED over all heads), so appenders do not queue behind one
        another while fewer than PARTITIONS append at the same moment; only when all are
        busy does it wait for the preferred one. ``sticky``: this transaction already holds
        ``preferred``, take it again.
        """
        if self.conn.dialect.name != "postgresql":
            position, prev, seq, self.subscribers_version, self.vendors_version = self.conn.execute(
                _SQLITE_HEAD_AND_SEQ, {"p": preferred}).one()
            return preferred, int(position), prev, int(seq)
        run = self._run
        row = None
        if not sticky:
            row = run(_PG_LOCK_HEAD_IF_FREE, {"p": preferred}).fetchone() or run(_PG_LOCK_ANY_FREE_HEAD, {"p": preferred}).fetchone()
        if row is None:
            row = run(_PG_LOCK_HEAD, {"p": preferred}).fetchone()
        # The seq is drawn once the head is locked, so within a partition seq order is chain order.
        self.subscribers_version, self.vendors_version = row[4], row[5]
        return int(row[0]), int(row[1]), row[2], int(row[3])

    def _run(self, sql: str, params: dict):
        """Run one hot-path statement on the driver's cursor of this transaction's connection.

        A driver error is handed on as SQLAlchemy would hand it (``DBAPIError`` subclasses,
        a lost connection invalidated), so ``UnitOfWork`` classifies it as for any other
        statement; the parameters (event content) stay out of the message.
        """
        if self._pg_cursor is None:
            self._pg_cursor = self.conn.connection.dbapi_connection.cursor()
        cursor = self._pg_cursor
        try:
            return cursor.execute(sql, params)
        except self.conn.dialect.loaded_dbapi.Error as exc:
            lost = self.conn.dialect.is_disconnect(exc, self.conn.connection.dbapi_connection, cursor)
            if lost:
                self.conn.invalidate()
            raise DBAPIError.instance(sql, params, exc, self.conn.dialect.loaded_dbapi.Error, hide_parameters=True,
                                      connection_invalidated=lost, dialect=self.conn.dialect) from exc

    def _write(self, row: dict, reasons_json: str, inputs_json: str) -> None:
        """Insert the event and move its partition's head to it."""
        if self.conn.dialect.name == "postgresql":
            params = {**row, "position": row["chain_position"], "reasons": reasons_json, "inputs": inputs_json}
            written = self._run(_PG_INSERT_WITH_HEAD_MOVE, params).rowcount
        else:
            self.conn.execute(_SQLITE_INSERT_EVENT, row)
            written = self.conn.execute(_MOVE_HEAD, {"p": row["chain_partition"], "old_position": row["chain_position"] - 1,
                                                     "old_hash": row["prev_hash"], "new_position": row["chain_position"],
                                                     "new_hash": row["hash"]}).rowcount
        if written != 1:  # we hold the head's lock: this is a bug, not a race
            raise StateConflict(f"audit partition {row['chain_partition']} head moved while locked")

    def append(self, event: AuditEvent, seq: Optional[int] = None) -> dict:
        """Write one event chained to its partition's head; returns the stored row.

        ``seq``: drawn for this event already, in this transaction, once its document's row
        was locked (PostgreSQL; ``services.transitions.move``). With it, and a head this
        thread or transaction wrote last, the append is one statement (``_append_at``);
        otherwise, or when that head has moved on, it locks a head and draws its seq there
        (two statements; a seq drawn and not used is a gap, as after a rollback).
        """
        sticky = self._partition is not None
        if seq is not None and self.conn.dialect.name == "postgresql":
            known = self._held if sticky else _last_written(preferred_partition())
            if known is not None:
                row = self._append_at(event, seq, known, sticky)
                if row is not None:
                    return row
        partition, head_position, prev, seq = self._lock_head(self._partition if sticky else preferred_partition(), sticky)
        if not sticky:
            _settle_on(partition)
            if self._source:
                # Asked once the head is locked: a rotation writes its key before it locks
                # every head, so this append either commits before the rotation event or
                # signs with the new key (never with a key retired before its seq).
                self.keyring = self._source.current()
        self._partition = partition
        row = self._signed(event, seq, partition, head_position + 1, prev)
        self._write(row, *self._json)
        self._held = (partition, row["chain_position"], row["hash"])
        _written(*self._held)
        return row

    def _append_at(self, event: AuditEvent, seq: int, head: tuple[int, int, str], sticky: bool) -> Optional[dict]:
        """The event chained to ``head`` in one statement, or None (nothing written) when the
        head is no longer that one or another appender holds it.

        Why the chain stays as ``_lock_head`` keeps it: the statement writes only if the
        head is still ``head``, locked by it, so nothing chains twice to one event; and
        ``seq`` was drawn after ``head``'s event was committed (this thread wrote it in an
        earlier transaction) or written (in this one), so within a partition seq order is
        still chain order, and a document's events stay in seq order (each drawn after its
        row was locked). The keyring is asked after the seq was drawn: a key read as active
        then had not yet been handed over, so its takeover's seq comes later."""
        partition, position, prev = head
        if not sticky and self._source:
            self.keyring = self._source.current()
        row = self._signed(event, seq, partition, position + 1, prev)
        reasons_json, inputs_json = self._json
        params = {**row, "position": row["chain_position"], "reasons": reasons_json, "inputs": inputs_json}
        versions = self._run(_PG_APPEND_AT_KNOWN_HEAD, params).fetchone()
        if versions is None:
            return None
        self.subscribers_version, self.vendors_version = versions
        self._partition = partition
        self._held = (partition, row["chain_position"], row["hash"])
        _written(*self._held)
        return row

    def _signed(self, event: AuditEvent, seq: int, partition: int, position: int, prev: str) -> dict:
        """The row of ``event`` at ``position`` after ``prev``, signed with the active key
        (its reasons' and inputs' canonical JSON kept in ``self._json`` for the write)."""
        # Their canonical text is also what PostgreSQL stores (dumping the parsed value again gives the same text).
        reasons_json, inputs_json = canonical_json(list(event.reasons)), canonical_json(dict(event.inputs))
        self._json = (reasons_json, inputs_json)
        content = {
            "document_id": event.document_id,
            "step": event.step,
            "actor": event.actor,
            "outcome": event.outcome,
            "from_status": event.from_status,
            "to_status": event.to_status,
            # Round-trip through JSON so the hashed form is exactly what the column returns.
            "reasons": json.loads(reasons_json),
            "inputs": json.loads(inputs_json),
            "extractor_version": event.extractor_version,
            "policy_version": event.policy_version,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        }
        key_id = self.keyring.active
        digest = keyed_event_hash(self.keyring.active_key, seq, partition, position, prev, content, key_id)
        return {"seq": seq, **content, "prev_hash": prev, "hash": digest, "chain_partition": partition, "chain_position": position,
                "key_id": key_id}

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
                                 content=_content(m), key_id=m["key_id"])
            last = position

    def hash_at(self, partition: int, position: int) -> Optional[str]:
        a = t.audit_events.c
        where = a.seq == position if partition == LEGACY_PARTITION else a.chain_position == position
        return self.conn.execute(select(a.hash).where(a.chain_partition == partition, where)).scalar_one_or_none()

    def lock_all_heads(self) -> None:
        """Wait for every appender holding a head to commit and keep the others out until this
        transaction ends (``rotate_key``). In partition order; an appender holds one head only,
        so this cannot deadlock with them. SQLite: the write lock is held already."""
        if self.conn.dialect.name == "postgresql":
            c = t.audit_heads.c
            self.conn.execute(select(c.chain_partition).where(c.chain_partition >= 1).order_by(c.chain_partition).with_for_update()).all()

    def key_takeovers(self) -> dict[str, Takeover]:
        """Key id -> where the ``audit_key / rotated`` event that handed signing to it sits
        (read through the step index). Only an event signed by the key it names counts: the
        rotation appends it under the new key, and the chain walk checks that signature."""
        a = t.audit_events.c
        rows = self.conn.execute(select(a.seq, a.inputs, a.key_id, a.chain_partition, a.chain_position)
                                 .where(a.step == "audit_key", a.outcome == "rotated", a.chain_partition > 0).order_by(a.seq))
        takeovers: dict[str, Takeover] = {}
        for seq, inputs, key_id, partition, position in rows:
            to = (inputs or {}).get("to") if isinstance(inputs, dict) else None
            if to is not None and to == key_id:
                takeovers.setdefault(to, Takeover(int(seq), int(partition), int(position)))
        return takeovers

    def partitions_with_events(self) -> set[int]:
        """Partitions that hold at least one event (read from the chain index, not the whole table)."""
        a = t.audit_events
        return {int(p) for (p,) in self.conn.execute(select(a.c.chain_partition).distinct())}

    def record_checkpoint(self, counter: int, root: str, sig: str, created_at: str) -> None:
        self.conn.execute(insert(t.audit_checkpoints).values(counter=counter, root=root, sig=sig, created_at=created_at))

    def last_checkpoint_counter(self) -> int:
        return int(self.conn.execute(select(func.coalesce(func.max(t.audit_checkpoints.c.counter), 0))).scalar_one())

    def checkpoint_marks(self) -> list[tuple[int, str]]:
        c = t.audit_checkpoints.c
        return [(int(n), s) for n, s in self.conn.execute(select(c.counter, c.sig).order_by(c.counter))]
