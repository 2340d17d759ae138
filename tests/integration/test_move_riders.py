"""The rows a move writes with it: a decision (only when the document moves) and the outbox
row marked delivered (either way). In the move's own statement on PostgreSQL, as statements
of their own on SQLite; the same rows on both."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.gate import GateResult
from invoicepipe.domain.models import Reason, Status
from invoicepipe.services.audit import verify
from invoicepipe.services.transitions import move

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'riders.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=url)
    app = bootstrap(settings)
    yield app
    app.close()


def _document(app, status: Status = Status.EXTRACTED) -> int:
    with app.uow.begin() as tx:
        return tx.documents.add(sha256="ab" * 32, filename="a.pdf", channel="portal", media_type="application/pdf",
                                size_bytes=1, status=status)


def _writes(app) -> list[str]:
    """The writes SQLAlchemy sends from now on, the audit append's left out (on PostgreSQL it
    runs on the driver's cursor, on SQLite through SQLAlchemy)."""
    seen: list[str] = []

    def note(conn, cursor, sql, *rest):
        if sql.lstrip().startswith(("INSERT", "UPDATE", "WITH")) and not any(a in sql for a in ("INTO audit_events", "UPDATE audit_heads")):
            seen.append(sql)

    event.listen(app.engine, "before_cursor_execute", note)
    return seen


DECISION = {"stage": "decide", "outcome": "needs_review", "reasons": [Reason("no_po", "no PO", {"po": None})],
            "policy_version": "p1", "actor": "worker:test"}


def test_a_decision_is_written_with_the_move(app):
    doc_id = _document(app)
    writes = _writes(app)
    with app.uow.begin() as tx:
        event_row = move(tx, tx.documents.get(doc_id), Status.NEEDS_REVIEW, step="decide", actor="worker:test",
                         outcome="needs_review", decision=DECISION)
    assert event_row is not None
    # PostgreSQL: the document's update with its decision is one statement
    assert len(writes) == (1 if app.engine.dialect.name == "postgresql" else 2)
    with app.uow.read() as tx:
        decisions = tx.documents.decisions(doc_id)
        assert tx.documents.get(doc_id).status is Status.NEEDS_REVIEW
    assert [(d["stage"], d["outcome"], d["policy_version"], d["actor"]) for d in decisions] == [
        ("decide", "needs_review", "p1", "worker:test")]
    assert decisions[0]["reasons"] == [{"code": "no_po", "message": "no PO", "evidence": {"po": None}}]
    assert verify(app)["ok"]


def test_no_decision_when_another_worker_moved_the_document_first(app):
    doc_id = _document(app)
    with app.uow.begin() as tx:
        stale = tx.documents.get(doc_id)
        assert move(tx, stale, Status.NEEDS_REVIEW, step="decide", actor="worker:other", outcome="needs_review") is not None
    with app.uow.begin() as tx:
        assert move(tx, stale, Status.APPROVED, step="decide", actor="worker:test", outcome="approved", decision=DECISION) is None
    with app.uow.read() as tx:
        assert tx.documents.decisions(doc_id) == []


def test_the_outbox_row_is_marked_delivered_with_the_move(app):
    doc_id = _document(app, Status.APPROVED)
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        tx.documents.add_outbox(doc_id, "key-1", {"document_id": doc_id}, GateResult((), (), ()), claimed_until=now + timedelta(minutes=5))
    writes = _writes(app)
    with app.uow.begin() as tx:
        assert move(tx, tx.documents.get(doc_id), Status.EXPORTED, step="export", actor="worker:test", outcome="delivered",
                    outbox_delivered=True) is not None
    assert len(writes) == (1 if app.engine.dialect.name == "postgresql" else 2)
    with app.uow.read() as tx:
        entry = tx.documents.outbox_entry(doc_id)
        assert tx.documents.get(doc_id).status is Status.EXPORTED
    assert entry["delivered_at"] is not None and entry["attempts"] == 1 and entry["last_error"] is None
    assert verify(app)["ok"]


def _queued(actor: str = "worker:test") -> dict:
    return dict(to=Status.QUEUED, step="triage", actor=actor, outcome="fast", reasons=[{"code": "pool_fast", "message": "text layer",
                                                                                         "evidence": {}}],
                inputs={"page_count": 1}, policy_version="p1", pool="fast", page_count=1)


def _trail(app, doc_id) -> list[tuple]:
    with app.uow.read() as tx:
        return [(e["step"], e["from_status"], e["to_status"], e["outcome"], e["inputs"].get("attempt")) for e in tx.audit.trail(doc_id)]


def test_a_triaged_document_is_queued_and_its_parse_started_as_two_moves_did(app):
    """``queue_and_start_parse``: the move to QUEUED and the parse's start (lease, attempt,
    grant) are one UPDATE on PostgreSQL; the document's row, its two events (in order, each
    with its own seq) and the chain are what the two moves gave (the second document)."""
    from invoicepipe.services.parse import queue_and_start_parse, start_parse
    from dataclasses import replace

    together = _document(app, Status.RECEIVED)
    with app.uow.begin() as tx:
        apart = tx.documents.add(sha256="cd" * 32, filename="b.pdf", channel="portal", media_type="application/pdf",
                                 size_bytes=1, status=Status.RECEIVED)
    writes = _writes(app)
    with app.uow.begin() as tx:
        doc = tx.documents.get(together)
        queued_event, start = queue_and_start_parse(app, tx, doc, "worker:test", _queued())
    moves = [w for w in writes if "UPDATE documents" in w]
    assert len(moves) == (1 if app.engine.dialect.name == "postgresql" else 2)
    with app.uow.begin() as tx:
        doc = tx.documents.get(apart)
        apart_event = move(tx, doc, **_queued())
        apart_start = start_parse(app, tx, replace(doc, status=Status.QUEUED, pool="fast", page_count=1), "worker:test")
    assert start.leased and apart_start.leased and start.granted is not None and start.vendors == apart_start.vendors
    assert queued_event["seq"] < start.event["seq"] and apart_event["seq"] < apart_start.event["seq"]
    assert (start.doc.status, start.doc.pool, start.doc.page_count) == (apart_start.doc.status, apart_start.doc.pool, apart_start.doc.page_count)
    with app.uow.read() as tx:
        rows = [tx.documents.get(i) for i in (together, apart)]
    for field in ("status", "pool", "page_count", "attempts", "version", "reason"):
        assert getattr(rows[0], field) == getattr(rows[1], field), field
    assert rows[0].lease_owner == start.owner and rows[0].lease_expires_at is not None
    assert _trail(app, together) == _trail(app, apart) == [("triage", "received", "queued", "fast", None),
                                                          ("parse_started", "queued", "parsing", "fast", 1)]
    assert queued_event["to_status"] == apart_event["to_status"] == "queued"
    # a thread that wrote its partition's head last appends both at the seqs the update drew
    with app.uow.begin() as tx:
        third = tx.documents.add(sha256="ef" * 32, filename="c.pdf", channel="portal", media_type="application/pdf",
                                 size_bytes=1, status=Status.RECEIVED)
    with app.uow.begin() as tx:
        queued_event, start = queue_and_start_parse(app, tx, tx.documents.get(third), "worker:test", _queued())
    if app.engine.dialect.name == "postgresql":
        assert start.event["seq"] == queued_event["seq"] + 1
    assert _trail(app, third) == _trail(app, apart)
    assert verify(app)["ok"]


def test_a_document_either_move_refuses_goes_the_two_moves_way(app):
    """Triaged already: nothing moves. Held under another worker's live lease: queued, and the
    parse not started (its move refused), as the two moves did."""
    from invoicepipe.services.parse import queue_and_start_parse

    doc_id = _document(app, Status.RECEIVED)
    with app.uow.begin() as tx:
        stale = tx.documents.get(doc_id)
        assert move(tx, stale, **_queued("worker:other")) is not None
    with app.uow.begin() as tx:
        assert queue_and_start_parse(app, tx, stale, "worker:test", _queued()) == (None, None)
    with app.uow.begin() as tx:
        held = tx.documents.add(sha256="ef" * 32, filename="c.pdf", channel="portal", media_type="application/pdf",
                                size_bytes=1, status=Status.RECEIVED)
        tx.documents.touch(held, lease_owner="worker:other/1", lease_expires_at=datetime.now(timezone.utc) + timedelta(minutes=5))
    with app.uow.begin() as tx:
        before = tx.documents.get(held)
        event_row, start = queue_and_start_parse(app, tx, before, "worker:test", _queued())
    assert event_row is not None and start is not None and start.event is None and not start.leased
    with app.uow.read() as tx:
        row = tx.documents.get(held)
    assert (row.status, row.lease_owner, row.attempts, row.version) == (Status.QUEUED, "worker:other/1", 0, before.version + 1)
    assert _trail(app, held) == [("triage", "received", "queued", "fast", None)]
    assert verify(app)["ok"]
