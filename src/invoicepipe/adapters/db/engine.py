"""Build the SQLAlchemy engine for SQLite (embedded) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError

# A pooled connection idle longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_IDLE_S = 5.0


# Execution option marking a connection's transactions read-only (``UnitOfWork.read``).
READ_ONLY = "invoicepipe_read_only"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily and DEFERRED, so two
    # writers can read the same audit chain head. Taking the write lock at BEGIN
    # (IMMEDIATE) serialises writers, so an audit append never reads a stale partition head.
    # A read-only transaction needs no lock: in WAL mode a deferred BEGIN reads one snapshot
    # while a writer commits, so the review pages never queue behind the workers' writes.
    # ``query_only`` turns a write slipped into such a transaction into an error, not a
    # silent lock upgrade that could wait on (or deadlock with) a writer.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("PRAGMA query_only=1")
            conn.connection.info["query_only"] = True  # the pooled record's info, seen at checkin
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _writable_again(dbapi_connection, record):
        # The next user of this pooled connection may write outside ``UnitOfWork.read``.
        if record is not None and record.info.pop("query_only", False):
            dbapi_connection.execute("PRAGMA query_only=0")


# How long a thread waits for its turn to write before the step is retried (as SQLite's
# own busy_timeout below: a write lock held that long is an outage, not a queue).
WRITER_TURN_TIMEOUT_S = 30.0


class NoWriterTurn(TimeoutError):
    """No turn to write came within ``WriterTurn.timeout_s``."""


class WriterTurn:
    """One SQLite writer at a time among this process's threads, in a Python lock.

    SQLite lets one write transaction (BEGIN IMMEDIATE) hold the database; another one's
    BEGIN sleeps in SQLite's busy handler, which polls at 1, 2, 5, 10, 15, 20, 25, 50 and
    100 ms steps and never learns that the lock came free in between. In `invoicepipe up`,
    where every pool's threads write to one file, the threads sampled (py-spy --idle, 190
    invoices) spent 8.5 s asleep there, the lock free again at any point of a sleep: 43 % of
    what a fast-pool thread spent outside its parse child, the child idle meanwhile.
    Taking turns in a lock first hands the database over the moment the writer before
    commits. Re-entrant, so a write transaction opened inside another in one thread still
    meets SQLite's busy timeout (an error after 30 s), not a silent deadlock. Other
    processes (``invoicepipe ingest``, a second ``up``) still meet SQLite's own lock."""

    def __init__(self, timeout_s: float = WRITER_TURN_TIMEOUT_S):
        self.lock = threading.RLock()
        self.timeout_s = timeout_s

    def __enter__(self) -> "WriterTurn":
        if not self.lock.acquire(timeout=self.timeout_s):
            raise NoWriterTurn(f"no turn to write to the database within {self.timeout_s:g} s")
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()


_TURNS: "weakref.WeakKeyDictionary[Engine, WriterTurn]" = weakref.WeakKeyDictionary()


def writer_turn(engine: Engine) -> Optional[WriterTurn]:
    """The engine's ``WriterTurn`` on SQLite (one per engine, shared by its threads), None
    on PostgreSQL (row locks; writers do not exclude one another)."""
    return _TURNS.get(engine)


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout needs no set-up step."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection before use only when it sat idle for ``idle_s``.

    ``pool_pre_ping`` pings on every checkout: one more round trip in every transaction, a
    fifth of a short one's (an audit append is BEGIN, head lock, insert, COMMIT). A
    connection used a moment ago is almost surely alive; one that sat idle may have lost its
    server (restarted, failed over) and is replaced before use, as pre-ping would. A server
    lost in between shows as an invalidated connection: a TransientError the step retries.

    The ping is the dialect's own (psycopg: ``SELECT 1`` in autocommit), which opens no
    transaction and so needs no ROLLBACK after it: psycopg forgets every statement it
    prepared on the connection at a ROLLBACK (``DEALLOCATE ALL``; a rolled-back transaction
    may have undone a PREPARE), so a ping with a rollback behind it threw away the
    prepared statements of every connection that had sat idle for ``idle_s``.
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool connects afresh
            raise DisconnectionError(f"pooled connection idle {time.monotonic() - since:.0f} s is gone: {exc}") from exc


@dataclass(frozen=True)
class PoolLimits:
    """How many PostgreSQL connections one process may hold: ``size`` kept open, ``overflow``
    more opened under load and closed when returned; a thread wanting one past that waits
    ``timeout_s`` (then a TransientError). ``application_name`` labels the process's
    connections in ``pg_stat_activity``. ``prepare_threshold`` is psycopg's: after how many
    runs of one statement it is prepared on the server; None never prepares, which
    PgBouncer in transaction mode needs unless it tracks prepared statements itself
    (docs/operations.md)."""

    size: int = 5
    overflow: int = 5
    timeout_s: float = 30.0
    application_name: str = "invoicepipe"
    prepare_threshold: Optional[int] = 5

    @classmethod
    def from_settings(cls, settings, application_name: Optional[str] = None) -> "PoolLimits":
        """The limits the settings give (``INVOICEPIPE_DB_*``), under ``application_name`` if given."""
        return cls(settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout_s,
                   application_name or settings.db_application_name, settings.db_prepare_threshold)

    @property
    def most(self) -> int:
        return self.size + self.overflow


def make_engine(url: str, ping_after_idle_s: float = PING_AFTER_IDLE_S, limits: Optional[PoolLimits] = None) -> Engine:
    """An engine for ``url``; SQLite parent folders are created on demand."""
    if url.startswith("sqlite"):
        ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        _TURNS[engine] = WriterTurn()
        return engine
    limits = limits or PoolLimits()
    engine = create_engine(url, pool_size=limits.size, max_overflow=limits.overflow, pool_timeout=limits.timeout_s,
                           connect_args={"application_name": limits.application_name[:63],
                                         "prepare_threshold": limits.prepare_threshold})
    _ping_when_idle(engine, ping_after_idle_s)
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def dialect_insert(conn):
    """The INSERT construct of ``conn``'s dialect (PostgreSQL or SQLite): both have
    ``on_conflict_do_nothing`` / ``on_conflict_do_update``, the generic one has neither."""
    return dialect_insert_for(conn.dialect.name)


def dialect_insert_for(dialect_name: str):
    """``dialect_insert`` by the dialect's name (for statements built once per dialect)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
