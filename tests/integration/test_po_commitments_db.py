"""The other invoices billing a PO, each with its newest extraction, in one statement however
many there are (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event

from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import ExtractedField, Extraction, Status

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'po.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    app = bootstrap(Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=url))
    yield app
    app.close()


def _invoice(tx, n: int, status: Status, totals: list[str]) -> int:
    """A document on PO-1 in ``status`` with one extraction per total (the last is the newest)."""
    doc_id = tx.documents.add(sha256=f"{n:064x}", filename=f"{n}.pdf", channel="portal", media_type="application/pdf",
                              size_bytes=1, status=status)
    tx.documents.upsert_invoice(doc_id, po_number="PO-1", total=Decimal(totals[-1]) if totals else None)
    for total in totals:
        field = ExtractedField(name="total", value=total, confidence=0.9, method="test")
        tx.documents.save_extraction(doc_id, Extraction(fields={"total": field}, lines=(), extractor_version="t"), "test", [])
    return doc_id


def test_every_other_invoice_with_its_newest_extraction_in_one_statement(app):
    with app.uow.begin() as tx:
        earlier = _invoice(tx, 1, Status.NEEDS_REVIEW, ["10.00", "12.00"])  # read twice: the newest counts
        _invoice(tx, 2, Status.REJECTED, ["99.00"])  # sent back: bills nothing
        _invoice(tx, 3, Status.EXTRACTED, [])  # nothing extracted yet: bills nothing
        this = _invoice(tx, 4, Status.EXTRACTED, ["5.00"])
        later_paid = _invoice(tx, 5, Status.APPROVED, ["7.00"])
        _invoice(tx, 6, Status.EXTRACTED, ["8.00"])  # later and not approved: not a commitment yet
    seen: list[str] = []
    with app.uow.read() as tx:
        event.listen(app.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: seen.append(sql))
        rows = tx.documents.po_commitments("PO-1", this)
        assert len(seen) == 1
        assert [(r["document_id"], r["status"], r["extraction"]["fields"]["total"]["value"]) for r in rows] == [
            (earlier, "needs_review", "12.00"), (later_paid, "approved", "7.00")]
        assert rows[0]["extraction"] == tx.documents.latest_extraction(earlier)
