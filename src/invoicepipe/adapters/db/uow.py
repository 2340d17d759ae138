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
    def __init__(self, conn):
        self.conn = conn
        self.documents = DocumentRepository(conn)
        self.audit = AuditRepository(conn)
        self.master = MasterDataRepository(conn)
        self.content_prints = ContentPrintRepository(conn)


class UnitOfWork:
    """``with uow.begin() as tx:`` commits on success and rolls back on any exception.

    Connection-level failures (server gone, lock timeout) surface as TransientError so the
    caller retries; constraint violations and bugs propagate unchanged.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    @contextmanager
    def begin(self) -> Iterator[Transaction]:
        try:
            with self.engine.begin() as conn:
                yield Transaction(conn)
        except OperationalError as exc:
            raise TransientError(f"database unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise TransientError(f"database connection lost: {exc.orig}") from exc
            raise
