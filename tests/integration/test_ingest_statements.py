"""PostgreSQL: a new document, its arrival and its seq in one statement; a re-arrival
still records its own arrival; the rows are what two statements wrote before."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.audit import verify
from invoicepipe.services.ingest import ingest_bytes

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n%" + b"x" * 64 + b"\n%%EOF\n"


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    app = bootstrap(settings)
    app.enqueuer = DeferredEnqueuer()  # no workers here: the committed rows are what is checked
    yield app
    app.close()


def _statements(app) -> list[str]:
    """The SQL that SQLAlchemy sends from now on (BEGIN and COMMIT are not statements here)."""
    seen: list[str] = []
    event.listen(app.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: seen.append(" ".join(sql.split())))
    return seen


def test_a_new_document_and_its_arrival_are_one_statement(app):
    seen = _statements(app)
    result = ingest_bytes(app, PDF + b"1", "a.pdf", "portal", "system:test")
    doc_id = result.documents[0]["id"]
    writes = [s for s in seen if s.startswith(("INSERT", "WITH", "UPDATE"))]
    assert len(writes) == 1 and "INSERT INTO arrivals" in writes[0] and "INSERT INTO documents" in writes[0]
    with app.uow.read() as tx:
        arrivals = tx.documents.arrivals(doc_id)
        doc = tx.documents.get(doc_id)
        trail = tx.audit.trail(doc_id)
    assert [(a["channel"], a["filename"], a["message_db_id"]) for a in arrivals] == [("portal", "a.pdf", None)]
    assert arrivals[0]["arrived_at"] == doc.created_at
    assert [e["step"] for e in trail] == ["received"]


def test_the_same_bytes_again_record_an_arrival_and_no_document(app):
    first = ingest_bytes(app, PDF + b"2", "b.pdf", "portal", "system:test")
    again = ingest_bytes(app, PDF + b"2", "b-again.pdf", "email", "system:test")
    doc_id = first.documents[0]["id"]
    assert again.documents[0]["id"] == doc_id and again.documents[0]["new"] is False
    with app.uow.read() as tx:
        arrivals = tx.documents.arrivals(doc_id)
        trail = tx.audit.trail(doc_id)
    assert [(a["channel"], a["filename"]) for a in arrivals] == [("portal", "b.pdf"), ("email", "b-again.pdf")]
    assert [e["step"] for e in trail] == ["received", "re_arrival"]
    assert verify(app)["ok"]
