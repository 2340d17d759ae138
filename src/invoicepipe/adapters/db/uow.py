"""Unit of work: one database transaction, with every repository bound to it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ...errors import TransientError
from .audit import AuditRepository
from .content_prints import ContentPrintRepository
from .documents import DocumentRepository
from .masterdata import MasterDataRepository


class Transaction:
    def __init__(self, conn, audit_key: bytes):
        self.conn = conn
        self.documents = DocumentRepository(conn)
        self.audit = AuditRepository(conn, audit_key)
        self.master = MasterDataRepository(conn)
        self.content_prints = ContentPrintRepository(conn)


class UnitOfWork:
    """``with uow.begin() as tx:`` commits on success and rolls back on any exception.

    Connection-level failures (server gone, lock timeout) surface as TransientError so the
    caller retries; constraint violations and bugs propagate unchanged.
    """

    def __init__(self, engine: Engine, audit_key: bytes):
        self.engine = engine
        self.audit_key = audit_key

    @contextmanager
    def begin(self, snapshot: bool = False) -> Iterator[Transaction]:
        """``snapshot=True``: every statement sees the same committed state (PostgreSQL
        REPEATABLE READ), for readers that must not see rows appear half-way, like the
        chain verifier. SQLite transactions are serialised already."""
        try:
            with self._connect(snapshot) as conn, conn.begin():
                yield Transaction(conn, self.audit_key)
        except OperationalError as exc:
            raise TransientError(f"database unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientError(f"database connection lost: {exc.orig}") from exc
            raise

    def _connect(self, snapshot: bool):
        conn = self.engine.connect()
        if snapshot and self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn
