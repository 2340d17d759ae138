"""On PostgreSQL, the day's cost ceiling holds when parses are granted at the same moment.

Each grant locks the day's row, so concurrent parses (threads here, worker processes in
production: each with its own connection) see each other's reservations and the day's
remainder is never handed out twice. A real OCR parse is metered into the ledger.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.costs import Spend
from invoicepipe.domain.models import Status
from invoicepipe.services import costs

pytestmark = pytest.mark.integration


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    application = bootstrap(settings, log_level="WARNING")
    application.enqueuer = DeferredEnqueuer()
    yield application
    application.close()


def _documents(app, n: int) -> list[int]:
    ids = []
    with app.uow.begin() as tx:
        for i in range(n):
            ids.append(tx.documents.add(sha256=f"{i:064x}", filename=f"{i}.pdf", channel="scan", media_type="application/pdf",
                                        size_bytes=1, status=Status.QUEUED))
    return ids


def test_concurrent_grants_never_share_the_day_s_remainder(app):
    app.policy = replace(app.policy, costs=replace(app.policy.costs, document=Spend(100.0, 2, 1.0), day=Spend(1000.0, 7, 10.0)))
    ids = _documents(app, 8)
    granted, start = {}, threading.Barrier(len(ids))

    def parse_starts(doc_id):
        start.wait()
        with app.uow.begin() as tx:
            granted[doc_id] = costs.grant(app, tx, doc_id).budget.allowance.calls

    threads = [threading.Thread(target=parse_starts, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(granted) == len(ids)
    assert sum(granted.values()) == 7  # 2 + 2 + 2 + 1 and then nothing: never more than the day allows
    assert sorted(granted.values()) == [0, 0, 0, 0, 1, 2, 2, 2]
    day = costs.day_report(app)["days"][-1]
    assert day["reserved"]["calls"] == 7 and day["parses"] == 8


def test_a_real_scan_is_metered_per_engine(app, tesseract, tmp_path):
    from reportlab.pdfgen import canvas

    from invoicepipe.services.ingest import ingest_bytes
    from invoicepipe.services.parse import parse
    from invoicepipe.services.triage import triage

    path = tmp_path / "scan.png"
    pdf = tmp_path / "a.pdf"
    c = canvas.Canvas(str(pdf), invariant=1)
    c.setFont("Helvetica", 14)
    c.drawString(72, 760, "INVOICE  No: INV-4711   Date: 2026-11-30   Total: 119.00 EUR")
    c.save()
    import pypdfium2

    pypdfium2.PdfDocument(pdf.read_bytes())[0].render(scale=200 / 72, grayscale=True).to_pil().save(path)
    [doc] = ingest_bytes(app, path.read_bytes(), "scan.png", "scan", "user:test").documents
    triage(app, doc["id"], "worker:test")
    parse(app, doc["id"], "worker:test")
    report = costs.document_report(app, doc["id"])
    [entry] = report["parses"]
    # two Tesseract calls, both metered: the page, then the region of its amounts again,
    # because the total stands alone (no net, tax or lines agree with it), which is when the
    # OCR reader takes a second look at the amounts (adapters/ocr_amounts.py)
    assert entry["outcome"] == "metered" and entry["engines"]["tesseract"]["calls"] == 2
    assert entry["engines"]["tesseract"]["cpu_seconds"] > 0 and entry["ceiling"] is None


def test_a_parse_s_row_is_opened_reserved_closed_and_counted_once(app):
    """PostgreSQL opens a row with its reservation and closes it with the day's count in one
    statement each: the day's figures are those of the two statements they replace."""
    from datetime import datetime, timezone

    from invoicepipe.adapters.cost_meter import ParseCost

    [doc_id] = _documents(app, 1)
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        first = costs.grant(app, tx, doc_id, now)
    day = costs.day_report(app)["days"][-1]
    assert day["parses"] == 1 and day["reserved"] == first.budget.allowance.floored().as_dict()
    with app.uow.begin() as tx:
        assert costs.settle(tx, first, ParseCost({"tesseract": Spend(1.5, 1, 0.0), "pdfium": Spend(0.25, 0, 0.0)}), now) is not None
    with app.uow.begin() as tx:  # settled once: a second settle counts nothing
        assert costs.settle(tx, first, ParseCost({"tesseract": Spend(9.0, 9, 0.0)}), now) is None
    with app.uow.begin() as tx:
        second = costs.grant(app, tx, doc_id, now)
        costs.settle(tx, second, ParseCost({"tesseract": Spend(0.5, 1, 0.0)}), now)
    day = costs.day_report(app)["days"][-1]
    assert day["parses"] == 2 and day["reserved"] == Spend().as_dict()
    assert day["spent"]["calls"] == 2 and abs(day["spent"]["cpu_seconds"] - 2.25) < 1e-9
    assert day["engines"]["tesseract"]["calls"] == 2 and abs(day["engines"]["tesseract"]["cpu_seconds"] - 2.0) < 1e-9
    report = costs.document_report(app, doc_id)
    assert [p["outcome"] for p in report["parses"]] == ["metered", "metered"] and report["spent"]["calls"] == 2


def test_closing_merges_the_engines_into_the_day_as_python_does_and_loses_none_at_once(app):
    """PostgreSQL merges a parse's engines into the day's in the closing statement (no locked
    read of the day first): the same figures as ``_merge_engines``, and parses closed at the
    same moment from their own connections all counted."""
    from datetime import datetime, timezone

    from invoicepipe.adapters.cost_meter import ParseCost
    from invoicepipe.adapters.db.costs import _merge_engines

    docs = _documents(app, 12)
    now = datetime.now(timezone.utc)
    spends = [{"tesseract": Spend(0.1 * (i + 1) + 0.0007, 1, 0.000123 * i), **({"rapidocr": Spend(0.2, 2, 1e-6)} if i % 3 else {}),
               "pdf_text": Spend(0.0104 * i, 1, 0.0)} for i in range(len(docs))]
    grants = []
    for doc_id in docs:
        with app.uow.begin() as tx:
            grants.append(costs.grant(app, tx, doc_id, now))
    start = threading.Barrier(len(docs))

    def close(granted, spent):
        start.wait(10)
        with app.uow.begin() as tx:
            costs.settle(tx, granted, ParseCost(spent), now)

    threads = [threading.Thread(target=close, args=pair) for pair in zip(grants, spends)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    expected = {}
    for spent in spends:
        expected = _merge_engines(expected, ParseCost(spent).engines_json())
    day = costs.day_report(app)["days"][-1]
    assert day["engines"] == expected
    assert day["reserved"] == Spend().as_dict() and day["parses"] == len(docs)
