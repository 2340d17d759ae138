"""One correlation id across real Redis messages and worker threads, on PostgreSQL."""

from __future__ import annotations

import io
import json
import time

import pytest

from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import SETTLED, Status
from invoicepipe.logs import configure_logging
from invoicepipe.runtime import PoolWorkers
from invoicepipe.services.audit import trail
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.queries import show
from invoicepipe.adapters.inbox import DropFolder


def digital_invoice(path, number: str) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    for i, line in enumerate(["Acme Industrial Supplies GmbH", "VAT ID: DE123456789", f"Invoice No: {number}",
                              "Invoice date: 2026-03-14", "Subtotal: 100.00 EUR", "VAT 19%: 19.00 EUR", "Total: 119.00 EUR",
                              "IBAN: DE89 3704 0044 0532 0130 00"]):
        c.drawString(72, 800 - 16 * i, line)
    c.save()

pytestmark = pytest.mark.integration


def test_a_dropped_file_keeps_one_id_through_every_worker_and_event(postgres_url, clean_redis, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url,
                                 redis_url=clean_redis, settle_s=0.0)
    app = bootstrap(settings)
    buf = io.StringIO()
    configure_logging("INFO", stream=buf)
    folder = DropFolder(settings.inbox_dir, settings.settle_s)
    folder.ensure_layout()
    for name in ("a.pdf", "b.pdf"):
        digital_invoice(tmp_path / name, f"INV-{name[0]}")
        (tmp_path / name).rename(settings.inbox_dir / "portal" / name)
    workers = PoolWorkers(app)
    workers.start()
    try:
        end = time.monotonic() + 180
        docs = []
        while time.monotonic() < end:
            process_inbox(app, folder)
            with app.uow.begin() as tx:
                docs = tx.documents.recent(None, 10)
            if len(docs) == 2 and all(d.status in SETTLED for d in docs):
                break
            time.sleep(0.5)
    finally:
        workers.stop()
        configure_logging("INFO")
    assert len(docs) == 2 and all(d.status in SETTLED for d in docs), [(d.id, d.status) for d in docs]
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    ids = set()
    for doc in docs:
        events = trail(app, doc.id)
        cids = {e["inputs"].get("correlation_id") for e in events}
        assert cids == {doc.correlation_id} and doc.correlation_id, cids
        worker_lines = [x for x in lines if x.get("document_id") == doc.id and x.get("actor", "").startswith("worker:")]
        assert {x["event"] for x in worker_lines} >= {"triage", "parse_started", "extracted", "decide"}
        assert {x["correlation_id"] for x in worker_lines} == {doc.correlation_id}
        ids.add(doc.correlation_id)
    assert len(ids) == 2  # two drops, two stories
    assert show(app, docs[0].id)["status"] in {s.value for s in SETTLED if s is not Status.FAILED}
    assert "DE89370400440532013000" not in buf.getvalue() and "DE89 3704" not in buf.getvalue()
    app.close()
