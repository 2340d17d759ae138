"""``UnitOfWork.look``: reads without BEGIN and COMMIT on PostgreSQL (autocommit), leaving
the pooled connection as it was: its prepared statements kept, its next unit of work a
transaction again."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from invoicepipe.adapters.db.engine import PoolLimits, make_engine
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.adapters.db.uow import UnitOfWork
from invoicepipe.domain.models import Status

pytestmark = pytest.mark.integration


def test_a_look_runs_outside_any_transaction_and_leaves_the_connection_as_it_was(postgres_url):
    upgrade(postgres_url)
    engine = make_engine(postgres_url, limits=PoolLimits(size=1, overflow=0, prepare_threshold=1))
    uow = UnitOfWork(engine, b"k" * 32)
    try:
        with uow.begin() as tx:
            doc_id = tx.documents.add(sha256="a" * 64, filename="a.pdf", channel="portal", media_type="application/pdf",
                                      size_bytes=1, status=Status.RECEIVED)
        for _ in range(3):
            with uow.look() as tx:
                assert tx.documents.get(doc_id).status is Status.RECEIVED
                raw = tx.conn.connection.dbapi_connection
                assert raw.info.transaction_status == TransactionStatus.IDLE  # no BEGIN was sent
        with uow.begin() as tx:
            assert tx.conn.execute(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM documents%'")
                                   ).scalar_one() == 1  # prepared by the looks, and kept
            assert tx.conn.connection.dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
            tx.documents.transition(doc_id, {Status.RECEIVED}, Status.QUEUED)
        with uow.look() as tx:
            assert tx.documents.get(doc_id).status is Status.QUEUED
    finally:
        engine.dispose()
