"""Export failures end: a refusal is a visible terminal state, a hiccup is retried with
backoff through the outbox's ``next_attempt_at``, and an operator's replay reuses the row."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.exporters import FileDropExporter
from invoicepipe.cli import EXIT_NOT_OK, EXIT_OK, main
from invoicepipe.config import Settings
from invoicepipe.errors import ConfigError, DeliveryRefused, StateConflict, TransientError
from invoicepipe.services.audit import trail
from invoicepipe.services.export import BACKOFF_CAP_S, backoff_delay, export, replay_export
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from invoicepipe.services.sweeper import sweep
from tests.fakes import DelayedSendsKept, fake_pdf
from tests.masterdata_samples import invoice_lines


class ScriptedExporter:
    """Raises or delivers in the order given; counts the calls it got."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0

    def deliver(self, key, payload):
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        return f"fake://{key}"


def outbox(app, doc_id):
    with app.uow.begin() as tx:
        return tx.documents.outbox_entry(doc_id)


def approved_then(loaded, run_pipeline, exporter):
    loaded.exporter = exporter
    loaded.enqueuer = DelayedSendsKept(loaded.enqueuer)
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines()), "a.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    return doc["id"]


def test_backoff_doubles_with_jitter_and_is_capped():
    assert backoff_delay(0, jitter=lambda: 0.0) == 15 and backoff_delay(0, jitter=lambda: 1.0) == 30
    assert backoff_delay(3, jitter=lambda: 0.0) == 120 and backoff_delay(3, jitter=lambda: 1.0) == 240
    assert backoff_delay(50, jitter=lambda: 1.0) == BACKOFF_CAP_S
    assert len({backoff_delay(2) for _ in range(20)}) > 1  # real jitter spreads retries


def test_backoff_base_and_cap_are_settings():
    assert backoff_delay(0, jitter=lambda: 1.0, base_s=2, cap_s=8) == 2
    assert backoff_delay(2, jitter=lambda: 0.0, base_s=2, cap_s=8) == 4
    assert backoff_delay(9, jitter=lambda: 1.0, base_s=2, cap_s=8) == 8
    settings = Settings.from_env({"INVOICEPIPE_EXPORT_BACKOFF_BASE": "2", "INVOICEPIPE_EXPORT_BACKOFF_CAP": "8"})
    assert (settings.export_backoff_base_s, settings.export_backoff_cap_s) == (2, 8)
    assert (Settings.from_env({}).export_backoff_base_s, Settings.from_env({}).export_backoff_cap_s) == (30, 3600)
    with pytest.raises(ConfigError, match="EXPORT_BACKOFF_BASE"):
        Settings.from_env({"INVOICEPIPE_EXPORT_BACKOFF_BASE": "60", "INVOICEPIPE_EXPORT_BACKOFF_CAP": "8"})


def test_the_retry_waits_the_configured_backoff(loaded, run_pipeline):
    from dataclasses import replace

    loaded.settings = replace(loaded.settings, export_backoff_base_s=2, export_backoff_cap_s=4)
    exporter = ScriptedExporter(TransientError("ERP down"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    [(_, _, delay_ms)] = loaded.enqueuer.delayed
    assert 1_000 <= delay_ms <= 2_000 and outbox(loaded, doc_id)["attempts"] == 1


def test_transient_is_retried_after_backoff_then_a_refusal_ends_in_export_failed(loaded, run_pipeline):
    exporter = ScriptedExporter(TransientError("ERP down"), DeliveryRefused("vendor blocked in the ERP"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    entry = outbox(loaded, doc_id)
    assert show(loaded, doc_id)["status"] == "approved" and exporter.calls == 1
    assert entry["attempts"] == 1 and entry["last_error"] == "ERP down"
    retry_at = entry["next_attempt_at"].replace(tzinfo=timezone.utc)
    assert retry_at > datetime.now(timezone.utc) + timedelta(seconds=10)
    [(step, sent_id, delay_ms)] = loaded.enqueuer.delayed
    assert (step, sent_id) == ("export", doc_id) and 15_000 <= delay_ms <= 30_000

    # Not before next_attempt_at: neither the step nor the sweeper sends it again.
    assert export(loaded, doc_id, "worker:test") == "not due"
    assert sweep(loaded, stuck_after_s=0) == 0
    assert exporter.calls == 1

    outcome = export(loaded, doc_id, "worker:test", now=retry_at + timedelta(seconds=1))
    assert outcome == "refused: vendor blocked in the ERP"
    shown = show(loaded, doc_id)
    assert shown["status"] == "export_failed" and "vendor blocked in the ERP" in shown["reason"]
    entry = outbox(loaded, doc_id)
    assert entry["attempts"] == 2 and entry["last_error"] == "vendor blocked in the ERP" and entry["delivered_at"] is None
    # Terminal: no re-send, however long it waits.
    assert sweep(loaded, stuck_after_s=0) == 0 and export(loaded, doc_id, "worker:test") == "nothing to do"
    assert exporter.calls == 2
    last = trail(loaded, doc_id)[-1]
    assert last["to_status"] == "export_failed" and last["reasons"][0]["code"] == "delivery_refused"


def test_a_second_sender_arriving_during_a_delivery_does_not_try_again(loaded, run_pipeline):
    """A delayed export message and a sweeper re-send can reach two worker threads at the
    same moment (the fault suite saw it): only the one that claimed the try delivers."""
    inner = []

    class SecondSenderMidDelivery(ScriptedExporter):
        def deliver(self, key, payload):
            if not inner:
                inner.append(export(loaded, payload["document_id"], "worker:second"))
            return super().deliver(key, payload)

    exporter = SecondSenderMidDelivery(TransientError("ERP down"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    assert inner == ["not due"] and exporter.calls == 1 and outbox(loaded, doc_id)["attempts"] == 1
    retry_at = outbox(loaded, doc_id)["next_attempt_at"].replace(tzinfo=timezone.utc)
    assert retry_at > datetime.now(timezone.utc) + timedelta(seconds=10)  # the back-off, not the claim, says when
    assert export(loaded, doc_id, "worker:test", now=retry_at + timedelta(seconds=1)) == "delivered"
    assert exporter.calls == 2


def test_replay_reuses_the_outbox_row_and_is_audited_with_the_operator(loaded, run_pipeline):
    exporter = ScriptedExporter(DeliveryRefused("unknown cost centre"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    assert show(loaded, doc_id)["status"] == "export_failed"
    key = outbox(loaded, doc_id)["idempotency_key"]

    assert replay_export(loaded, doc_id, "user:ops") == f"document {doc_id}: delivered"
    assert show(loaded, doc_id)["status"] == "exported"
    entry = outbox(loaded, doc_id)
    assert entry["idempotency_key"] == key and entry["attempts"] == 1 and entry["last_error"] is None
    with loaded.uow.begin() as tx:
        assert tx.conn.execute(select(func.count()).select_from(t.outbox)).scalar() == 1
    replayed = [e for e in trail(loaded, doc_id) if e["step"] == "export_replay"]
    assert replayed[0]["actor"] == "user:ops" and replayed[0]["reasons"][0]["code"] == "export_replayed"
    with pytest.raises(StateConflict, match="only export_failed"):
        replay_export(loaded, doc_id, "user:ops")  # exported: nothing to replay


def test_replay_of_an_approved_invoice_backing_off_delivers_now(loaded, run_pipeline):
    exporter = ScriptedExporter(TransientError("share not mounted"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    assert export(loaded, doc_id, "worker:test") == "not due"
    assert replay_export(loaded, doc_id, "user:ops") == f"document {doc_id}: delivered"
    assert show(loaded, doc_id)["status"] == "exported" and exporter.calls == 2


def test_a_replay_refused_again_stays_export_failed_with_the_new_reason(loaded, run_pipeline):
    exporter = ScriptedExporter(DeliveryRefused("first"), DeliveryRefused("second"))
    doc_id = approved_then(loaded, run_pipeline, exporter)
    assert replay_export(loaded, doc_id, "user:ops") == f"document {doc_id}: refused: second"
    assert show(loaded, doc_id)["status"] == "export_failed" and outbox(loaded, doc_id)["last_error"] == "second"


def test_file_drop_refuses_an_unsafe_key_for_good_and_a_read_only_folder_for_now(tmp_path):
    with pytest.raises(DeliveryRefused, match="not a plain file name"):
        FileDropExporter(tmp_path).deliver("../../etc/passwd", {})
    with pytest.raises(DeliveryRefused, match="JSON"):
        FileDropExporter(tmp_path).deliver("k1", {"total": float("nan")})
    # Root writes through read-only modes, so the share is "unmounted" instead: a file where
    # the folder should be (ENOTDIR), which comes back once an operator remounts it.
    blocked = tmp_path / "share"
    blocked.write_text("not a folder")
    with pytest.raises(TransientError, match="unavailable"):
        FileDropExporter(blocked / "outbox").deliver("k2", {"a": 1})


def test_cli_replay_reports_what_it_did(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    assert main(["db", "upgrade"]) == EXIT_OK
    assert main(["export", "replay", "--all-failed"]) == EXIT_OK
    assert "nothing to replay" in capsys.readouterr().out
    assert main(["export", "replay", "999"]) == EXIT_NOT_OK
    assert "no document 999" in capsys.readouterr().err
