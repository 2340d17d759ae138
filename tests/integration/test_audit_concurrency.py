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
