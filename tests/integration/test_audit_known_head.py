"""PostgreSQL: a state change's audit append in one statement at the head its thread wrote
last, with its seq drawn by the document's guarded update; and the two-statement path
whenever that head has moved on (another appender, a rollback), the chain whole either way."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from invoicepipe.adapters.db import audit as audit_db
from invoicepipe.adapters.db.audit import AuditEvent
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import Status
from invoicepipe.services.audit import verify
from invoicepipe.services.transitions import move

pytestmark = pytest.mark.integration


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    app = bootstrap(settings)
    yield app
    app.close()


@pytest.fixture
def statements(monkeypatch):
    """The hot-path statements appends ran on the driver's cursor, by name."""
    names = {audit_db._PG_APPEND_AT_KNOWN_HEAD: "one", audit_db._PG_LOCK_HEAD_IF_FREE: "lock",
             audit_db._PG_LOCK_ANY_FREE_HEAD: "lock", audit_db._PG_LOCK_HEAD: "lock", audit_db._PG_INSERT_WITH_HEAD_MOVE: "insert"}
    seen: list[str] = []
    run = audit_db.AuditRepository._run
    # The head a thread wrote last is kept per thread, and pytest runs every test in one
    # thread: an earlier test's head (in a database since reset) must not count as known.
    monkeypatch.setattr(audit_db._affinity, "head", None)

    def counted(self, sql, params):
        seen.append(names.get(sql, "other"))
        return run(self, sql, params)

    monkeypatch.setattr(audit_db.AuditRepository, "_run", counted)
    return seen


def _documents(app, n: int) -> list[int]:
    with app.uow.begin() as tx:
        return [tx.documents.add(sha256=f"{i:064x}", filename=f"{i}.pdf", channel="portal", media_type="application/pdf",
                                 size_bytes=1, status=Status.RECEIVED) for i in range(n)]


def _move(app, doc_id: int, to: Status = Status.QUEUED):
    with app.uow.begin() as tx:
        doc = tx.documents.get(doc_id)
        return move(tx, doc, to, step="triaged", actor="worker:test", outcome="digital")


def _seq_follows_chain(app) -> None:
    with app.engine.connect() as conn:
        rows = conn.execute(text("SELECT chain_partition, seq FROM audit_events ORDER BY chain_partition, chain_position")).all()
    for p in {r[0] for r in rows}:
        seqs = [r[1] for r in rows if r[0] == p]
        assert seqs == sorted(seqs), f"partition {p}: seq order is not chain order"


def test_a_threads_next_move_appends_in_one_statement(app, statements):
    docs = _documents(app, 4)
    statements.clear()
    first = _move(app, docs[0])
    assert statements == ["lock", "insert"]  # no head known to this thread yet
    statements.clear()
    events = [_move(app, d) for d in docs[1:]]
    assert statements == ["one"] * 3
    assert [e["chain_partition"] for e in events] == [first["chain_partition"]] * 3
    assert [e["chain_position"] for e in events] == [first["chain_position"] + i for i in (1, 2, 3)]
    assert [e["seq"] for e in [first, *events]] == sorted(e["seq"] for e in [first, *events])
    result = verify(app)
    assert result["ok"], result["problems"]


def test_two_moves_in_one_transaction_chain_in_one_statement_each(app, statements):
    docs = _documents(app, 3)
    _move(app, docs[0])
    statements.clear()
    with app.uow.begin() as tx:
        a = move(tx, tx.documents.get(docs[1]), Status.QUEUED, step="triaged", actor="worker:test", outcome="digital")
        b = move(tx, tx.documents.get(docs[2]), Status.QUEUED, step="triaged", actor="worker:test", outcome="digital")
    assert statements == ["one", "one"]
    assert (b["chain_partition"], b["chain_position"], b["prev_hash"]) == (a["chain_partition"], a["chain_position"] + 1, a["hash"])
    assert verify(app)["ok"]


def test_a_head_another_appender_moved_is_locked_again(app, statements):
    docs = _documents(app, 3)
    first = _move(app, docs[0])
    # another thread appends to the same partition: this thread's head is stale now
    other = threading.Thread(target=lambda: audit_db._settle_on(first["chain_partition"]) or _move(app, docs[1]))
    other.start()
    other.join()
    statements.clear()
    event = _move(app, docs[2])
    assert statements == ["one", "lock", "insert"]  # the one statement wrote nothing, then as usual
    assert event["chain_position"] == first["chain_position"] + 2
    assert verify(app)["ok"]
    _seq_follows_chain(app)


def test_a_head_locked_by_another_transaction_is_not_waited_for(app, statements):
    docs = _documents(app, 3)
    first = _move(app, docs[0])
    holder = app.engine.connect()
    try:
        holder.begin()
        holder.execute(text("SELECT 1 FROM audit_heads WHERE chain_partition = :p FOR UPDATE"), {"p": first["chain_partition"]})
        statements.clear()
        event = _move(app, docs[1])  # would hang here if the one statement waited for the lock
        assert statements[0] == "one" and "insert" in statements
        assert event["chain_partition"] != first["chain_partition"]
    finally:
        holder.rollback()
        holder.close()
    assert verify(app)["ok"]


def test_after_a_rollback_the_head_is_read_again(app, statements):
    docs = _documents(app, 3)
    _move(app, docs[0])
    with pytest.raises(RuntimeError):
        with app.uow.begin() as tx:
            move(tx, tx.documents.get(docs[1]), Status.QUEUED, step="triaged", actor="worker:test", outcome="digital")
            raise RuntimeError("the step failed after its move")
    statements.clear()
    event = _move(app, docs[2])
    assert statements == ["one", "lock", "insert"]
    assert event["to_status"] == "queued"
    assert verify(app)["ok"]
    _seq_follows_chain(app)


def test_a_document_trail_stays_in_seq_order_across_threads(app):
    """Each move's seq is drawn once its document's row is locked, so one document moved by
    several threads one after another has its events in seq order as they happened."""
    (doc_id,) = _documents(app, 1)
    steps = [Status.QUEUED, Status.PARSING, Status.EXTRACTED, Status.RECONCILING]
    for to in steps:
        # a new thread each time: each has a head of its own to chain to after its first append
        th = threading.Thread(target=lambda to=to: _move(app, doc_id, to))
        th.start()
        th.join()
    with app.uow.read() as tx:
        trail = tx.audit.trail(doc_id)
    assert [e["to_status"] for e in trail] == [s.value for s in steps]


def test_the_vendor_version_read_with_the_head_spares_its_own_read(app):
    docs = _documents(app, 2)
    _move(app, docs[0])
    with app.uow.begin() as tx:
        move(tx, tx.documents.get(docs[1]), Status.QUEUED, step="triaged", actor="worker:test", outcome="digital")
        stored = tx.conn.execute(text("SELECT version FROM data_versions WHERE name = 'vendors'")).scalar_one()
        assert tx.audit.vendors_version == stored
        tx.conn.execute(text("INSERT INTO vendors (vendor_id, name, aliases, bank_accounts, active, updated_at) "
                             "VALUES ('V-NEW', 'New Vendor GmbH', '[]', '[]', 1, now())"))
    with app.uow.begin() as tx:
        # a write since bumps the version; the append of a later move reads the new one
        event = move(tx, tx.documents.get(docs[1]), Status.PARSING, step="parse_started", actor="worker:test", outcome="fast")
        assert event is not None and tx.audit.vendors_version == stored + 1
        assert "V-NEW" in [v.vendor_id for v in tx.master.vendors(tx.audit.vendors_version)]


def test_an_ingests_received_event_appends_in_one_statement(app, statements):
    from invoicepipe.adapters.broker import DeferredEnqueuer
    from invoicepipe.services.ingest import ingest_bytes

    app.enqueuer = DeferredEnqueuer()  # no workers here: the committed rows are what is checked
    pdf = b"%PDF-1.4\n%" + b"x" * 64 + b"\n%%EOF\n"
    ingest_bytes(app, pdf + b"1", "a.pdf", "portal", "system:test")
    statements.clear()
    second = ingest_bytes(app, pdf + b"2", "b.pdf", "portal", "system:test")
    again = ingest_bytes(app, pdf + b"2", "b-again.pdf", "portal", "system:test")  # a re-arrival: no new row, no seq drawn
    assert statements == ["one", "lock", "insert"]
    assert [d["new"] for d in second.documents + again.documents] == [True, False]
    with app.uow.read() as tx:
        trail = tx.audit.trail(second.documents[0]["id"])
    assert [e["step"] for e in trail] == ["received", "re_arrival"]
    assert verify(app)["ok"]
    _seq_follows_chain(app)
