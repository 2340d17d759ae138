"""The fixture set dropped into the inbox, processed by per-pool workers on a real Redis
broker, on SQLite and on PostgreSQL, with real Tesseract: every document must end in a
visible settled state with a complete, verifiable audit trail."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.inbox import DropFolder
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import PROJECT_ROOT, Settings
from invoicepipe.domain.models import SETTLED, Status
from invoicepipe.runtime import PoolWorkers
from invoicepipe.services.audit import trail, verify
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.masterdata import load_master_data
from invoicepipe.services.queries import show, status

SAMPLE = PROJECT_ROOT / "fixtures" / "sample"
pytestmark = pytest.mark.integration


def drop_fixtures(folder: DropFolder) -> dict[str, dict]:
    """Copy the sample documents and edge cases into the inbox; returns expectations by name."""
    expected = {}
    for sub, channel in (("pdf", "portal"), ("img", "scan")):
        for f in sorted((SAMPLE / sub).glob("*")):
            shutil.copy2(f, folder.root / channel / f.name)
            expected[f.name] = {}
    cases = json.loads((SAMPLE / "inbox_cases" / "cases.json").read_text())
    for case in cases:
        src = SAMPLE / case["file"]  # paths are relative to the set
        shutil.copy2(src, folder.root / case["channel"] / src.name)
        expected[src.name] = case
    return expected


def document_ids(app) -> list[int]:
    """Every document's id: a PostgreSQL sequence leaves gaps (an ingest of bytes stored
    already draws an id its INSERT … ON CONFLICT DO NOTHING does not use)."""
    with app.uow.read() as tx:
        return list(tx.conn.execute(select(t.documents.c.id).order_by(t.documents.c.id)).scalars())


def wait_until_settled(app, folder, timeout_s=420) -> list[dict]:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        process_inbox(app, folder)
        left_in_inbox = [p for c in ("email", "portal", "scan") for p in (folder.root / c).iterdir()]
        s = status(app)
        if not left_in_inbox and s["total"] and s["in_flight"] == 0:
            return [show(app, i) for i in document_ids(app)]
        time.sleep(0.3)
    pytest.fail(f"not settled after {timeout_s}s: {status(app)}")


def assert_trail_complete(app, doc: dict) -> None:
    events = trail(app, doc["id"])
    assert events, f"document {doc['id']} has no audit events"
    assert events[0]["step"] == "received"
    current = events[0]["to_status"]
    for e in events[1:]:
        if e["from_status"] != e["to_status"]:
            assert e["from_status"] == current, f"doc {doc['id']}: {e['step']} moved from {e['from_status']}, but it was {current}"
            current = e["to_status"]
    assert current == doc["status"], f"doc {doc['id']}: trail ends in {current}, row says {doc['status']}"
    if doc["status"] in ("approved", "needs_review") and doc["extraction"]:
        steps = [e["step"] for e in events]
        assert {"triage", "extracted", "decide"} <= set(steps)
        assert all(e["actor"] for e in events)


def test_fixture_set_reaches_visible_states_with_complete_trails(database_url, clean_redis, tesseract, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url,
                                 redis_url=clean_redis, settle_s=0.2, fast_threads=2, slow_threads=2)
    app = bootstrap(settings)
    for kind in ("vendors", "pos", "receipts"):
        report = load_master_data(app, kind, SAMPLE / "master" / f"{kind}.json")
        assert report.quarantined == []
    folder = DropFolder(settings.inbox_dir, settings.settle_s)
    folder.ensure_layout()
    expected = drop_fixtures(folder)
    workers = PoolWorkers(app)
    workers.start()
    try:
        docs = wait_until_settled(app, folder)
    finally:
        workers.stop()

    for doc in docs:
        assert Status(doc["status"]) in SETTLED, doc
        if doc["status"] in ("rejected", "failed"):
            assert doc["reason"], f"{doc['filename']} is {doc['status']} without a reason"
        assert_trail_complete(app, doc)
    by_name = {a["filename"]: doc for doc in docs for a in doc["arrivals"]}
    for name, case in expected.items():
        if not case:
            continue
        if case.get("expect_same_document_as"):
            original = Path(case["expect_same_document_as"]).name
            assert by_name[name]["id"] == by_name[original]["id"], f"{name} should be a re-arrival of {original}"
            continue
        if case.get("expect_documents") is not None and case["expect_state"] not in ("rejected", "failed"):
            attachments = [d for d in docs if d["message_db_id"] and d["filename"] != name]
            assert len(attachments) >= case["expect_documents"]
            continue
        doc = by_name[name]
        if case["expect_state"] in ("rejected", "failed"):
            assert doc["status"] == case["expect_state"], f"{name}: {doc['status']} ({doc['reason']})"
            assert case["expect_reason_contains"].lower() in (doc["reason"] or "").lower()
    # Scans and images went to the slow pool and were read by OCR.
    ocr_docs = [d for d in docs if d["pool"] == "slow" and d["extraction"]]
    assert ocr_docs and all(d["extraction"]["reader"].startswith("tesseract") for d in ocr_docs)
    # Nothing was left behind: every dropped file was archived.
    assert not [p for c in ("email", "portal", "scan") for p in (folder.root / c).iterdir()]
    assert verify(app)["ok"]
    app.close()
