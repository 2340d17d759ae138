"""Unit of work: one database transaction, with every repository bound to it."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Iterator, Optional

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ...domain.audit_keys import Keyring, as_keyring
from ...errors import StorageUnavailable, TransientError
from .audit import AuditRepository, KeyringSource
from .content_prints import ContentPrintRepository, PrintCache
from .costs import CostRepository
from .data_versions import VersionedCopies
from .documents import DocumentRepository
from .engine import READ_ONLY, NoWriterTurn, writer_turn
from .mail_ledger import MailLedgerRepository
from .masterdata import MasterDataRepository
from .webhooks import WebhookRepository


class Transaction:
    def __init__(self, conn, audit_key: "bytes | Keyring | KeyringSource", copies: Optional[VersionedCopies] = None,
                 prints: Optional[PrintCache] = None):
        self.conn = conn
        copies = copies or VersionedCopies()
        self.documents = DocumentRepository(conn)
        self.audit = AuditRepository(conn, audit_key)
        self.master = MasterDataRepository(conn, copies)
        self.content_prints = ContentPrintRepository(conn, prints)
        self.mail = MailLedgerRepository(conn)
        self.webhooks = WebhookRepository(conn, copies)
        self.costs = CostRepository(conn)
        # Run after the commit, never after a rollback (metrics of committed state changes).
        self.after_commit: list = []


class UnitOfWork:
    """``with uow.begin() as tx:`` commits on success and rolls back on any exception.

    Connection-level failures (server gone, lock timeout) surface as TransientError so the
    caller retries; constraint violations and bugs propagate unchanged.
    """

    def __init__(self, engine: Engine, audit_key: "bytes | Keyring | KeyringSource"):
        self.engine = engine
        # A source (adapters/audit_key.KeyringWatch) follows the keyring file; a key or a
        # keyring stays as given.
        self._keys = audit_key if isinstance(audit_key, KeyringSource) else _Fixed(as_keyring(audit_key))
        # This database's cached tables (webhook subscribers, vendors), shared by its transactions.
        self.copies = VersionedCopies()
        # The content prints its decisions met, by their stored stamp (adapters/db/content_prints.py).
        self.prints = PrintCache()
        self._turn = writer_turn(engine)

    @property
    def audit_keyring(self) -> Keyring:
        """The keyring now (re-read if its file changed)."""
        return self._keys.current()

    @audit_keyring.setter
    def audit_keyring(self, keyring: Keyring) -> None:
        self._keys.replace(keyring)

    @property
    def audit_key(self) -> bytes:
        """The key new events are signed with."""
        return self.audit_keyring.active_key

    @contextmanager
    def begin(self, snapshot: bool = False) -> Iterator[Transaction]:
        """``snapshot=True``: every statement sees the same committed state (PostgreSQL
        REPEATABLE READ), for readers that must not see rows appear half-way, like the
        chain verifier. SQLite transactions are serialised already."""
        try:
            # SQLite: this process's writers take turns before BEGIN IMMEDIATE (engine.WriterTurn)
            with self._turn or nullcontext(), self._connect(snapshot) as conn, conn.begin():
                tx = Transaction(conn, self._keys, self.copies, self.prints)
                yield tx
        except NoWriterTurn as exc:  # as SQLite's own "database is locked" after its busy timeout
            raise TransientError(f"database unavailable: {exc}") from exc
        except OperationalError as exc:
            if _out_of_storage(exc):
                raise StorageUnavailable(f"storage unavailable: the database cannot write ({str(exc.orig).splitlines()[0]}); "
                                         "see runbooks/storage-full.md") from exc
            raise TransientError(f"database unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientError(f"database connection lost: {exc.orig}") from exc
            raise
        for hook in tx.after_commit:
            hook()

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A read-only transaction for pages and queries: on SQLite a deferred BEGIN that
        takes no write lock (WAL: one snapshot, never waiting for a writer), on PostgreSQL a
        READ ONLY transaction. A write inside it is a bug and fails, on both."""
        try:
            with self._connect(False, read_only=True) as conn, conn.begin():
                yield Transaction(conn, self.audit_keyring, self.copies, self.prints)
        except OperationalError as exc:
            if "readonly" in str(exc.orig).lower() or "read-only" in str(exc.orig).lower():
                raise  # a write in a read-only transaction: a bug, not an outage
            raise TransientError(f"database unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientError(f"database connection lost: {exc.orig}") from exc
            raise

    @contextmanager
    def look(self) -> Iterator[Transaction]:
        """A few reads that need no common snapshot (a step's look at its document before a
        guarded move; two independent tables): on PostgreSQL each statement runs on its own
        in autocommit, so the reads cost no BEGIN and COMMIT round trips, two of the three
        statements of a one-row look. Nothing here may write (as in ``read``; on PostgreSQL
        nothing enforces it: use ``read`` where a page or a query runs caller-given code).
        SQLite: ``read``."""
        if self.engine.dialect.name != "postgresql":
            with self.read() as tx:
                yield tx
            return
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield Transaction(conn, self.audit_keyring, self.copies, self.prints)
        except OperationalError as exc:
            raise TransientError(f"database unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientError(f"database connection lost: {exc.orig}") from exc
            raise

    def _connect(self, snapshot: bool, read_only: bool = False):
        conn = self.engine.connect()
        if snapshot and self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        if read_only:
            conn = conn.execution_options(**{READ_ONLY: True}, **(
                {"postgresql_readonly": True} if self.engine.dialect.name == "postgresql" else {}))
        return conn


class _Fixed:
    """A keyring that never changes (tests, benchmarks, a key handed in)."""

    def __init__(self, keyring: Keyring):
        self.keyring = keyring

    def current(self) -> Keyring:
        return self.keyring

    def replace(self, keyring: Keyring) -> None:
        self.keyring = keyring


# SQLite: "database or disk is full", "attempt to write a readonly database"; PostgreSQL:
# "could not extend file …: No space left on device" (SQLSTATE 53100, disk_full).
_STORAGE_MESSAGES = ("disk is full", "readonly database", "read-only", "no space left", "disk quota")


def _out_of_storage(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return getattr(exc.orig, "sqlstate", None) == "53100" or any(m in text for m in _STORAGE_MESSAGES)
