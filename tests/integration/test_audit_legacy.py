"""Events written before partitions existed still verify after migration 0007, on both databases.

They become the legacy partition 0, checked with the old sha256 rule; nothing is re-chained.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from invoicepipe.adapters.db.audit import AuditEvent
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.audit import GENESIS_HASH, legacy_event_hash
from invoicepipe.services.audit import checkpoint, verify

pytestmark = pytest.mark.integration

CONTENT = ("document_id", "step", "actor", "outcome", "from_status", "to_status", "reasons", "inputs", "extractor_version",
           "policy_version", "created_at")


def write_legacy_chain(url: str, n: int) -> None:
    """What the code before 0007 wrote: seq 1..n chained with sha256, and the single head row."""
    engine = create_engine(url)
    prev = GENESIS_HASH
    with engine.begin() as conn:
        for seq in range(1, n + 1):
            content = {"document_id": seq, "step": "received", "actor": "user:old", "outcome": "stored", "from_status": None,
                       "to_status": "received", "reasons": [], "inputs": {"n": seq}, "extractor_version": None, "policy_version": None,
                       "created_at": f"2026-01-01T00:00:{seq:02d}.000000+00:00"}
            digest = legacy_event_hash(seq, prev, content)
            conn.execute(text("INSERT INTO audit_events (seq, document_id, step, actor, outcome, from_status, to_status, reasons, inputs, "
                              "extractor_version, policy_version, created_at, prev_hash, hash) VALUES (:seq, :document_id, :step, :actor, "
                              ":outcome, :from_status, :to_status, '[]', :inputs, :extractor_version, :policy_version, :created_at, :prev, :hash)"),
                         {**content, "inputs": f'{{"n": {seq}}}', "seq": seq, "prev": prev, "hash": digest})
            prev = digest
        conn.execute(text("UPDATE audit_head SET seq = :n, hash = :h WHERE id = 1"), {"n": n, "h": prev})
    engine.dispose()


def test_legacy_events_verify_after_the_migration_and_new_ones_follow(database_url, tmp_path):
    upgrade(database_url, "0005")
    write_legacy_chain(database_url, 12)
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    app = bootstrap(settings)  # migrates to head
    try:
        result = verify(app)
        assert result["ok"], result["problems"]
        assert result["events"] == 12
        chains: dict = {}  # new events start new keyed chains (one writer here: mostly one partition)
        for doc in (3, 40):
            with app.uow.begin() as tx:
                row = tx.audit.append(AuditEvent(step="route", actor="worker:new", outcome="auto", document_id=doc))
            assert row["seq"] > 12 and row["chain_partition"] > 0
            chains.setdefault(row["chain_partition"], []).append(row["chain_position"])
        assert all(positions == list(range(1, len(positions) + 1)) for positions in chains.values())
        with app.uow.begin() as tx:
            trail = tx.audit.trail(3)
        assert [e["step"] for e in trail] == ["received", "route"]  # legacy first, in the order of append
        assert checkpoint(app)["written"]
        assert verify(app)["ok"]
        # the legacy rows stay protected by the old rule: an edit shows
        on_table = " ON audit_events" if app.engine.dialect.name == "postgresql" else ""
        with app.uow.begin() as tx:
            tx.conn.exec_driver_sql(f"DROP TRIGGER audit_events_no_update{on_table}")
            tx.conn.exec_driver_sql("UPDATE audit_events SET outcome = 'approved' WHERE seq = 5")
        result = verify(app)
        assert [(p["kind"], p["partition"], p["seq"]) for p in result["problems"]] == [("edited", 0, 5)]
    finally:
        app.close()
