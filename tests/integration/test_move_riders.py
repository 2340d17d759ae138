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
