"""The event metrics, defined once per process on first use.

prometheus_client picks its value storage (in memory, or files under
``PROMETHEUS_MULTIPROC_DIR`` shared by a pool's processes) when it is first imported, so
nothing here imports it at module import time: a worker pool's command sets the directory
first (``observability.multiprocess``), then the first metric use imports the client.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Optional

_LOCK = threading.Lock()
_METRICS: Optional[SimpleNamespace] = None

# Seconds: a cheap triage or decide step takes milliseconds, an OCR'd scan minutes.
STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0)

# The machine path's transitions (step, from, to) and failures (step, reason code), created
# at 0 with the metrics. Prometheus' rate() and increase() need a sample *before* an
# increment: a series born at its first increment loses it, so a process's first batch of
# documents (all processed between two scrapes) showed a transition rate of 0 and the first
# failure of each kind never reached the failure alert. A person's moves are not listed:
# they come one at a time and their series settle after the first.
PIPELINE_MOVES = (
    ("triage", "received", "queued"), ("triage", "received", "failed"),
    ("parse_started", "queued", "parsing"), ("extracted", "parsing", "extracted"),
    ("parse", "parsing", "failed"), ("parse", "queued", "failed"),
    ("decide", "extracted", "approved"), ("decide", "extracted", "needs_review"),
    ("export", "approved", "exported"), ("export", "approved", "export_failed"),
)
PIPELINE_FAILURES = tuple(
    [(step, code) for step in ("triage", "parse") for code in ("limit_exceeded", "reader_crashed", "unreadable")]
    + [("parse", "retry_budget_exhausted"), ("export", "delivery_refused")])

# What the mailbox poller did with a message: taken (attachments stored), rejected (moved to
# the rejected folder with a reason), again (a message it had taken already, moved on).
MAIL_OUTCOMES = ("taken", "rejected", "again")


def metrics() -> SimpleNamespace:
    """The process's event metrics (created on first call, thread-safe)."""
    global _METRICS
    if _METRICS is None:
        with _LOCK:
            if _METRICS is None:
                built = _build()
                for labels in PIPELINE_MOVES:
                    built.transitions.labels(*labels)
                for labels in PIPELINE_FAILURES:
                    built.failures.labels(*labels)
                for outcome in MAIL_OUTCOMES:
                    built.mail_messages.labels(outcome)
                for outcome in ("ok", "failed"):
                    built.mail_polls.labels(outcome)
                for outcome in ("delivered", "retry", "dead"):
                    built.webhook_deliveries.labels(outcome)
                for scope in ("document", "day"):
                    for engine in ("tesseract", "rapidocr"):
                        built.cost_ceiling_hits.labels(scope, engine)
                _METRICS = built
    return _METRICS


def _build() -> SimpleNamespace:
    from prometheus_client import Counter, Gauge, Histogram

    return SimpleNamespace(
        step_duration=Histogram(
            "invoicepipe_step_duration_seconds", "Time a pipeline step (Dramatiq message) took, by queue (pool), step and outcome.",
            ["queue", "step", "outcome"], buckets=STEP_BUCKETS),
        steps_in_progress=Gauge(
            "invoicepipe_steps_in_progress", "Pipeline steps running now, by queue and step.", ["queue", "step"],
            multiprocess_mode="livesum"),
        transitions=Counter(
            "invoicepipe_document_transitions_total", "Committed document state changes, by step, from and to state.",
            ["step", "from_state", "to_state"]),
        failures=Counter(
            "invoicepipe_document_failures_total", "Documents that ended in failed or export_failed, by step and reason code.",
            ["step", "reason"]),
        field_confidence=Histogram(
            "invoicepipe_field_confidence_ratio", "Confidence of each extracted field (0..1), by field and capture form.",
            ["field", "capture"], buckets=CONFIDENCE_BUCKETS),
        ocr_pages=Counter(
            "invoicepipe_pages_read_total", "Pages read by the parse step, by the method that read them.", ["method"]),
        corrections=Counter(
            "invoicepipe_review_corrections_total", "Field values a reviewer changed, by field.", ["field"]),
        ocr_cpu=Counter(
            "invoicepipe_ocr_cpu_seconds_total", "CPU seconds spent in OCR engines (Tesseract, the RapidOCR fallback).",
            ["engine"]),
        ocr_calls=Counter(
            "invoicepipe_ocr_calls_total", "OCR engine calls (one per page and engine), by engine.", ["engine"]),
        cost_ceiling_hits=Counter(
            "invoicepipe_cost_ceiling_hits_total",
            "Parses that stopped at a cost ceiling (the expensive call not made, the document sent to review), "
            "by the ceiling's scope (document, day) and the engine refused.", ["scope", "engine"]),
        export_attempts=Counter(
            "invoicepipe_export_attempts_total", "Deliveries to the payable destination, by outcome (delivered, retry, refused).",
            ["outcome"]),
        webhook_deliveries=Counter(
            "invoicepipe_webhook_deliveries_total", "Webhook delivery tries, by outcome (delivered, retry, dead).", ["outcome"]),
        audit_checkpoints=Counter(
            "invoicepipe_audit_checkpoint_runs_total",
            "Audit checkpoint rounds, by outcome (sealed, unchanged, refused: the chain does not match what was sealed, error).",
            ["outcome"]),
        audit_chain_ok=Gauge(
            "invoicepipe_audit_chain_ok",
            "1 when the last checkpoint round found the audit chain consistent, 0 when it refused (by the process kind "
            "that checks: the sweeper of serve / up; absent in processes that never check).",
            ["checker"], multiprocess_mode="mostrecent"),
        audit_shipping=Counter(
            "invoicepipe_audit_checkpoint_shipping_total",
            "Rounds shipping audit checkpoints to a destination off the host (INVOICEPIPE_AUDIT_SHIP_TO), by outcome "
            "(shipped, failed: unreachable or refused by it, the checkpoints stay local and go next round; refused: the "
            "copy there differs from the local file).",
            ["outcome"]),
        audit_last_sealed=Gauge(
            "invoicepipe_audit_checkpoint_last_success_timestamp_seconds",
            "When a checkpoint round last found the chain consistent (Unix time).", ["checker"], multiprocess_mode="mostrecent"),
        mail_messages=Counter(
            "invoicepipe_mail_messages_total", "Messages the mailbox poller handled, by outcome (taken, rejected, again).",
            ["outcome"]),
        mail_polls=Counter(
            "invoicepipe_mail_polls_total", "Rounds of the mailbox poller, by outcome (ok; failed: the mailbox could not be read).",
            ["outcome"]),
        # Labelled so that it exists only where a poller runs: an unlabelled gauge would be 0
        # (the epoch, "never") in every process, and the alert on its age would fire there.
        mail_last_success=Gauge(
            "invoicepipe_mail_last_success_timestamp_seconds",
            "When the mailbox poller last read the mailbox completely (Unix time), by poller (imap).",
            ["poller"], multiprocess_mode="mostrecent"),
    )
