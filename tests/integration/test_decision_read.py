"""``DocumentRepository.for_decision``: the document and what deciding it reads first, in one
statement, the same as the reads it replaces, on both databases."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.engine import make_engine
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.adapters.db.uow import UnitOfWork
from invoicepipe.domain.fingerprints import ContentPrint, content_print
from invoicepipe.domain.models import Box, ExtractedField, Extraction, Status, Word

pytestmark = pytest.mark.integration


def _reading(number: str) -> Extraction:
    return Extraction(fields={"invoice_number": ExtractedField("invoice_number", number, 0.9, "label")},
                      extractor_version="test")


def _add(tx, name: str) -> int:
    return tx.documents.add(sha256=name * 64, filename=f"{name}.pdf", channel="portal", media_type="application/pdf",
                            size_bytes=1, status=Status.EXTRACTED)


def test_the_decision_read_is_the_reads_it_replaces(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    uow = UnitOfWork(engine, b"k" * 32)
    try:
        with uow.begin() as tx:
            bare, full, other = _add(tx, "a"), _add(tx, "b"), _add(tx, "c")
            # full: two readings (a person's correction the newest), a print and an override
            tx.documents.save_extraction(full, _reading("INV-1"), "pdf_text", [])
            tx.documents.save_extraction(other, _reading("OTHER"), "pdf_text", [])  # newer id, another document
            tx.documents.save_extraction(full, _reading("INV-1b"), "pdf_text", [], source="person")
            tx.content_prints.save_content_print(full, content_print([Word("Invoice", Box(0, 0, 10, 10), 1), Word("4711", Box(20, 0, 30, 10), 1)]))
            tx.documents.add_override(full, "duplicate_suspected", "d" * 16, "approver", "user:a", "checked")
            # the newest metered parse's ceiling: full's older parse met one, its newest none;
            # other's only parse met one (a running row after it does not count)
            hit = {"hits": [{"scope": "document", "engine": "tesseract"}], "policy_version": "p1"}
            for doc_id, outcome, ceiling in ((full, "metered", hit), (full, "metered", None), (other, "metered", hit),
                                             (other, "running", None)):
                tx.conn.execute(insert(t.cost_ledger).values(
                    document_id=doc_id, day="2026-12-03", started_at=datetime.now(timezone.utc), outcome=outcome,
                    policy_version="p1", allowance={}, cpu_seconds=0.5, calls=1, cost=0.0, engines={}, ceiling=ceiling))
        with uow.begin() as tx:
            assert tx.documents.for_decision(999_999) is None
            read = tx.documents.for_decision(bare)
            assert read.document == tx.documents.get(bare)
            assert (read.extraction, read.content_print, read.has_overrides, read.metered_ceiling) == (None, None, False, None)
            read = tx.documents.for_decision(full)
            assert read.document == tx.documents.get(full)
            assert read.extraction == tx.documents.latest_extraction(full)
            assert read.extraction["source"] == "person" and read.extraction["fields"]["invoice_number"]["value"] == "INV-1b"
            assert read.content_print is not None
            assert ContentPrint.from_json(read.content_print) == tx.content_prints.content_print(full)
            assert read.has_overrides and tx.documents.overrides(full)
            assert not read.metered_ceiling and tx.costs.latest_metered(full)["ceiling"] is None
            assert tx.documents.for_decision(other).metered_ceiling == hit == tx.costs.latest_metered(other)["ceiling"]
    finally:
        engine.dispose()
