"""The production engine pings a pooled PostgreSQL connection only after it sat idle: a
server-side disconnect of an idle connection is healed before use, while a connection used
a moment ago goes straight to work (no extra round trip per transaction)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from invoicepipe.adapters.db.engine import PoolLimits, make_engine

pytestmark = pytest.mark.integration


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    admin.dispose()
    time.sleep(0.2)


def test_an_idle_connection_killed_by_the_server_is_replaced_before_use(postgres_url):
    engine = make_engine(postgres_url, ping_after_idle_s=0.3)
    try:
        first = backend_pid(engine)
        terminate(postgres_url, first)
        time.sleep(0.4)  # idle past the threshold
        assert backend_pid(engine) != first  # pinged, found dead, reconnected: no error
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(postgres_url):
    engine = make_engine(postgres_url, ping_after_idle_s=60)
    try:
        first = backend_pid(engine)
        terminate(postgres_url, first)
        # Within the idle window nothing checks it: the loss shows on first use, as an
        # invalidated connection (the unit of work turns that into a TransientError, retried).
        with pytest.raises(DBAPIError) as lost:
            backend_pid(engine)
        assert lost.value.connection_invalidated
        assert backend_pid(engine) != first  # the pool connects afresh next time
    finally:
        engine.dispose()


def prepared_here(conn, fragment: str) -> int:
    return conn.execute(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :f"),
                        {"f": f"%{fragment}%"}).scalar_one()


def test_the_idle_ping_keeps_the_statements_psycopg_prepared(postgres_url):
    # A ROLLBACK after the ping made psycopg DEALLOCATE ALL: every idle connection came back
    # with its prepared statements gone and prepared them again, run by run.
    engine = make_engine(postgres_url, ping_after_idle_s=0.3, limits=PoolLimits(size=1, overflow=0, prepare_threshold=1))
    try:
        # committed transactions, as the unit of work runs them (a transaction rolled back
        # loses them by design: it may have undone the PREPARE)
        with engine.begin() as conn:
            for _ in range(3):  # prepared on its second run
                conn.execute(text("SELECT 41 + :x AS kept_prepared"), {"x": 1}).scalar_one()
            assert prepared_here(conn, "kept_prepared") == 1
        time.sleep(0.4)  # idle past the threshold: the next checkout pings
        with engine.begin() as conn:
            assert prepared_here(conn, "kept_prepared") == 1
            assert conn.execute(text("SELECT 41 + :x AS kept_prepared"), {"x": 1}).scalar_one() == 42
    finally:
        engine.dispose()
