"""/metrics: event metrics counted where things happen, database and queue gauges read at
scrape time, bounded labels, and the multiprocess exposition of a pool."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import dramatiq
from dramatiq.brokers.stub import StubBroker
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from invoicepipe.adapters.db import tables as t
from invoicepipe.errors import TransientError
from invoicepipe.observability.dramatiq_metrics import StepMetrics
from invoicepipe.observability.events import observe_event, slug
from invoicepipe.observability.exposition import MetricsEndpoint, register_collector
from invoicepipe.runtime import checkpoint_metered
from invoicepipe.services import review
from invoicepipe.services.export import export
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.users import User
from tests.fakes import DelayedSendsKept, fake_pdf
from tests.masterdata_samples import invoice_lines
from tests.web_helpers import client_for, in_review, version_of

ANNA = User(1, "anna", "reviewer")


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(app) -> dict:
    """{(sample name, frozenset(labels)): value} from the app's /metrics."""
    response = client_for(app).get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def sample(samples: dict, name: str, **labels) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_a_processed_document_moves_the_counters_and_histograms(loaded, run_pipeline):
    triaged = value("invoicepipe_document_transitions_total", step="triage", from_state="received", to_state="queued")
    confidences = value("invoicepipe_field_confidence_ratio_count", field="total", capture="text")
    pages = value("invoicepipe_pages_read_total", method="pdf_text")
    ingest_bytes(loaded, fake_pdf(*invoice_lines()), "a.pdf", "portal", "user:test")
    run_pipeline(loaded)
    samples = scrape(loaded)
    assert sample(samples, "invoicepipe_document_transitions_total", step="triage", from_state="received",
                  to_state="queued") == triaged + 1
    assert sample(samples, "invoicepipe_field_confidence_ratio_count", field="total", capture="text") == confidences + 1
    assert sample(samples, "invoicepipe_pages_read_total", method="pdf_text") == pages + 1


def test_database_gauges_count_open_states_ages_and_the_review_sla(loaded, run_pipeline, monkeypatch):
    monkeypatch.setenv("INVOICEPIPE_REVIEW_SLA_HOURS", "1")
    doc_id = in_review(loaded, run_pipeline, po=None)
    in_review(loaded, run_pipeline, po=None, number="INV-2")
    two_hours_ago = datetime.now(timezone.utc) - timedelta(hours=2)
    with loaded.engine.begin() as conn:  # the first has waited two hours
        conn.execute(update(t.documents).where(t.documents.c.id == doc_id).values(updated_at=two_hours_ago))
    samples = scrape(loaded)
    assert sample(samples, "invoicepipe_review_backlog_documents") == 2
    assert sample(samples, "invoicepipe_documents", state="needs_review") == 2
    assert 7100 < sample(samples, "invoicepipe_review_oldest_age_seconds") < 7300
    assert sample(samples, "invoicepipe_review_over_sla_documents") == 1
    assert sample(samples, "invoicepipe_review_sla_seconds") == 3600
    assert sample(samples, "invoicepipe_database_up") == 1
    assert sample(samples, "invoicepipe_documents", state="failed") == 0
    assert sample(samples, "invoicepipe_documents_by_pool", state="queued", pool="fast") == 0


def test_a_reviewer_correction_is_counted_per_field_and_unknown_fields_are_other(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po="4500999")
    before = value("invoicepipe_review_corrections_total", field="po_number")
    review.correct(loaded, ANNA, doc_id, version_of(loaded, doc_id), {"po_number": "4500123"})
    assert value("invoicepipe_review_corrections_total", field="po_number") == before + 1
    other = value("invoicepipe_review_corrections_total", field="other")
    observe_event({"step": "review_correct", "from_status": "needs_review", "to_status": "reconciling",
                   "inputs": {"changes": {"x" * 300: {}}}})
    assert value("invoicepipe_review_corrections_total", field="other") == other + 1


def test_failures_are_counted_by_reason_code_with_bounded_labels():
    before = value("invoicepipe_document_failures_total", step="parse", reason="limit_exceeded")
    observe_event({"step": "parse", "from_status": "parsing", "to_status": "failed", "outcome": "limit_exceeded",
                   "reasons": [{"code": "limit_exceeded", "message": "has 250 pages"}]})
    assert value("invoicepipe_document_failures_total", step="parse", reason="limit_exceeded") == before + 1
    assert slug("Invoice 4711 from ACME <x@y>" * 5) == "invoice_4711_from_acme_x_y_invoice_4711"
    assert len(slug("a" * 500)) == 40 and slug(None) == "none"


def test_export_retries_and_lag_are_visible(loaded, run_pipeline):
    class Down:
        def deliver(self, key, payload):
            raise TransientError("ERP share away")

    loaded.exporter = Down()
    loaded.enqueuer = DelayedSendsKept(loaded.enqueuer)  # the retry waits for its backoff; the test does not
    retries = value("invoicepipe_export_attempts_total", outcome="retry")
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines()), "a.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    assert value("invoicepipe_export_attempts_total", outcome="retry") == retries + 1
    samples = scrape(loaded)
    assert sample(samples, "invoicepipe_export_pending_documents") == 1
    assert sample(samples, "invoicepipe_export_retrying_documents") == 1
    assert sample(samples, "invoicepipe_export_pending_max_attempts") == 1
    assert sample(samples, "invoicepipe_export_lag_seconds") >= 0
    assert export(loaded, doc["id"], "test") == "not due"  # the backoff holds; nothing counted twice
    assert value("invoicepipe_export_attempts_total", outcome="retry") == retries + 1


def test_queue_depth_and_the_oldest_waiting_message_age(app):
    now_ms = int(time.time() * 1000)
    for age_s in (120, 5):
        app.broker.enqueue(dramatiq.Message(queue_name="parse.slow", actor_name="parse_slow", args=(1,), kwargs={},
                                            options={}, message_timestamp=now_ms - age_s * 1000))
    samples = scrape(app)
    assert sample(samples, "invoicepipe_queue_messages", queue="parse.slow") == 2
    assert 119 < sample(samples, "invoicepipe_queue_oldest_message_age_seconds", queue="parse.slow") < 130
    assert sample(samples, "invoicepipe_queue_messages", queue="parse.fast") == 0
    assert sample(samples, "invoicepipe_broker_up") == 1


def test_step_latency_per_queue_and_outcome():
    broker = StubBroker()
    broker.add_middleware(StepMetrics())
    broker.emit_after("process_boot")

    @dramatiq.actor(broker=broker, queue_name="parse.fast", actor_name="metrics_probe", max_retries=0)
    def metrics_probe(fail):
        if fail:
            raise ValueError("boom")

    ok = value("invoicepipe_step_duration_seconds_count", queue="parse.fast", step="metrics_probe", outcome="ok")
    error = value("invoicepipe_step_duration_seconds_count", queue="parse.fast", step="metrics_probe", outcome="error")
    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        metrics_probe.send(False)
        metrics_probe.send(True)
        broker.join("parse.fast", fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    assert value("invoicepipe_step_duration_seconds_count", queue="parse.fast", step="metrics_probe", outcome="ok") == ok + 1
    assert value("invoicepipe_step_duration_seconds_count", queue="parse.fast", step="metrics_probe", outcome="error") == error + 1
    assert value("invoicepipe_steps_in_progress", queue="parse.fast", step="metrics_probe") == 0


def test_audit_chain_status_follows_the_checkpointer(loaded, run_pipeline):
    import pytest

    from invoicepipe.errors import AuditChainBroken

    ingest_bytes(loaded, fake_pdf(*invoice_lines()), "a.pdf", "portal", "user:test")
    checkpoint_metered(loaded)
    assert value("invoicepipe_audit_chain_ok", checker="sweeper") == 1
    refused = value("invoicepipe_audit_checkpoint_runs_total", outcome="refused")
    loaded.settings.audit_checkpoint_path.write_text("")  # the checkpoint file cut short
    with pytest.raises(AuditChainBroken):
        checkpoint_metered(loaded)
    assert value("invoicepipe_audit_chain_ok", checker="sweeper") == 0
    assert value("invoicepipe_audit_checkpoint_runs_total", outcome="refused") == refused + 1


def test_other_modules_add_collectors_to_the_scrape(app):
    from prometheus_client.core import GaugeMetricFamily

    class Drift:
        def __init__(self, app):
            self.app = app

        def collect(self):
            yield GaugeMetricFamily("invoicepipe_test_extension", "A collector another module registered.", value=7)

    register_collector(Drift)
    try:
        assert b"invoicepipe_test_extension 7.0" in MetricsEndpoint(app).render()
    finally:
        from invoicepipe.observability import exposition

        exposition._FACTORIES.remove(Drift)


def test_a_pool_directory_sums_the_counts_of_every_process(tmp_path):
    """Two processes write to one multiprocess directory; the pool's exposition adds them up."""
    code = ("from invoicepipe.observability.events import observe_event\n"
            "observe_event({'step': 'export', 'from_status': 'approved', 'to_status': 'exported'})\n")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    from invoicepipe.observability.exposition import render_multiprocess

    text = render_multiprocess(str(tmp_path)).decode()
    assert 'invoicepipe_export_attempts_total{outcome="delivered"} 2.0' in text


def test_the_machine_path_series_exist_at_zero_before_the_first_document(tmp_path):
    """rate() and increase() lose a counter's first increment when the series is born with
    it: the transitions and failures of the machine path are served at 0 from the start."""
    from invoicepipe.observability.exposition import render_multiprocess
    from invoicepipe.observability.metrics import PIPELINE_FAILURES, PIPELINE_MOVES

    code = "from invoicepipe.observability.metrics import metrics\nmetrics()\n"  # a pool's exposition process at start
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
                   check=True, timeout=120)
    served = {(s.name, frozenset(s.labels.items())): s.value
              for family in text_string_to_metric_families(render_multiprocess(str(tmp_path)).decode())
              for s in family.samples}
    for step, frm, to in PIPELINE_MOVES:
        assert served[("invoicepipe_document_transitions_total", frozenset(
            {"step": step, "from_state": frm, "to_state": to}.items()))] == 0
    for step, code_ in PIPELINE_FAILURES:
        assert served[("invoicepipe_document_failures_total", frozenset({"step": step, "reason": code_}.items()))] == 0


def test_the_listed_machine_path_is_the_one_documents_take(loaded, run_pipeline):
    """A renamed step or state would leave the zero series beside the real ones: every
    transition an invoice makes from arrival to export is one of PIPELINE_MOVES."""
    from invoicepipe.observability.metrics import PIPELINE_MOVES

    doc = ingest_bytes(loaded, fake_pdf(*invoice_lines()), "path.pdf", "portal", "user:test").documents[0]["id"]
    run_pipeline(loaded)
    with loaded.uow.begin() as tx:
        events = tx.audit.trail(doc)
    moves = {(e["step"], e["from_status"], e["to_status"]) for e in events if e["from_status"] != e["to_status"]}
    assert {("triage", "received", "queued"), ("extracted", "parsing", "extracted"), ("decide", "extracted", "approved"),
            ("export", "approved", "exported")} <= moves
    assert moves <= set(PIPELINE_MOVES), moves - set(PIPELINE_MOVES)
