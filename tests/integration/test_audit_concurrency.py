"""Concurrent appenders on both databases: every chain stays whole, and seq follows chain order."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from invoicepipe.adapters.db.audit import AuditEvent
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.audit import checkpoint, verify

pytestmark = pytest.mark.integration


def test_concurrent_appends_keep_every_partition_chain_whole(database_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    app = bootstrap(settings)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(40):
                with app.uow.begin() as tx:
                    # two events in one transaction: the second stays in the partition the first locked
                    tx.audit.append(AuditEvent(step="route", actor=f"worker:t{n}", outcome="auto", document_id=1 + (n * 40 + i) % 7))
                    tx.audit.append(AuditEvent(step="reconcile", actor=f"worker:t{n}", outcome="approved", document_id=1 + i % 3))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        result = verify(app)
        assert result["ok"], result["problems"]
        assert result["events"] == 6 * 40 * 2
        assert checkpoint(app)["written"] and verify(app)["ok"]
        with app.engine.connect() as conn:
            rows = conn.execute(text("SELECT chain_partition, chain_position, seq FROM audit_events ORDER BY chain_partition, chain_position")).all()
        for p in {r[0] for r in rows}:
            seqs = [r[2] for r in rows if r[0] == p]
            assert seqs == sorted(seqs), f"partition {p}: seq order is not chain order"
    finally:
        app.close()


def _appended(tx, n: int, partition=None) -> dict:
    if partition is not None:
        # as after a first append in this transaction: take this head again, waiting for it
        tx.audit._partition, tx.audit.keyring = partition, tx.audit._source.current()
    return tx.audit.append(AuditEvent(step="route", actor=f"worker:t{n}", outcome="auto", document_id=n))


def _wait_until_blocked(app, waiter_done: threading.Event) -> None:
    """Return once the second appender waits for the head's lock; fail if it got through."""
    if app.engine.dialect.name != "postgresql":
        # SQLite: the waiter sits in BEGIN IMMEDIATE (busy timeout), which nothing reports
        assert not waiter_done.wait(0.5), "a second writer appended while the first held the write lock"
        return
    while not waiter_done.wait(0.05):
        with app.engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock' AND query LIKE '%audit_heads%'")).scalar_one():
                return
    raise AssertionError("a second appender took a head another transaction held")


def test_an_appender_waiting_for_a_head_draws_its_seq_only_once_it_holds_the_head(database_url, tmp_path):
    """The head's lock orders its partition: while one transaction holds a head, another
    appender to it waits, and draws its seq only once it holds the head. So when the holder
    appends again meanwhile, the waiter still comes after both in seq as in the chain (a seq
    drawn before the lock, or a head read without it, would put it between or beside them)."""
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    app = bootstrap(settings)
    waiter: dict = {}
    waiter_done = threading.Event()

    def wait_for(partition: int) -> None:
        try:
            with app.uow.begin() as tx:
                waiter["event"] = _appended(tx, 2, partition)
        except BaseException as exc:  # surfaced below
            waiter["error"] = exc
        finally:
            waiter_done.set()

    try:
        with app.uow.begin() as tx:
            first = _appended(tx, 1)
            thread = threading.Thread(target=wait_for, args=(first["chain_partition"],))
            thread.start()
            _wait_until_blocked(app, waiter_done)
            second = _appended(tx, 1)
        thread.join()
        assert "error" not in waiter, waiter.get("error")
        last = waiter["event"]
        assert last["chain_partition"] == second["chain_partition"] == first["chain_partition"]
        assert (first["chain_position"], second["chain_position"], last["chain_position"]) == (1, 2, 3)
        assert first["seq"] < second["seq"] < last["seq"]
        assert last["prev_hash"] == second["hash"]
        assert verify(app)["ok"]
    finally:
        app.close()
