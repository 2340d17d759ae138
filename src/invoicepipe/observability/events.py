"""Instrumentation at the point things happen. Every function here swallows its own
errors: a metric must never fail a state change, a parse or an export.

Label values are bounded: states, steps and reason codes come from the code, field names
outside ``FIELD_NAMES`` are counted as ``other``, and every label is cut to a short slug,
so no document id, file name or free text can become a label.
"""

from __future__ import annotations

import functools
import re
import resource
import time
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from ..domain.models import FIELD_NAMES
from .metrics import metrics

FAILURE_STATES = ("failed", "export_failed")
_SLUG = re.compile(r"[^a-z0-9_.]+")


def slug(value: Any, default: str = "none") -> str:
    """A bounded label value: lower-case letters, digits, ``_`` and ``.``, at most 40 characters."""
    text = _SLUG.sub("_", str(value or "").lower()).strip("_")[:40].rstrip("_")
    return text or default


def field_label(name: str) -> str:
    return name if name in FIELD_NAMES else "other"


def _quiet(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - metrics are best effort, never the pipeline's failure
            return None
    return wrapper


def capture_form(pages) -> str:
    """``ocr`` when any page was read by an OCR engine, else ``text`` (text layer or e-invoice)."""
    methods = [str(p.get("method") or "") for p in pages or ()]
    return "ocr" if any(m.startswith("ocr") for m in methods) else "text"


@_quiet
def observe_event(event: Mapping[str, Any]) -> None:
    """Count one committed audit event of a state change (``transitions.move``): the
    transition, a failure's reason, an extraction's field confidences and pages, a
    reviewer's corrections, an export's outcome."""
    m = metrics()
    step, frm, to = slug(event.get("step")), slug(event.get("from_status")), slug(event.get("to_status"))
    inputs = event.get("inputs") or {}
    m.transitions.labels(step, frm, to).inc()
    if to in FAILURE_STATES:
        reasons = event.get("reasons") or []
        code = reasons[0].get("code") if reasons and isinstance(reasons[0], Mapping) else event.get("outcome")
        m.failures.labels(step, slug(code, "unspecified")).inc()
    if step == "extracted":
        capture = capture_form(inputs.get("pages"))
        for name, field in (inputs.get("fields") or {}).items():
            confidence = field.get("confidence") if isinstance(field, Mapping) else None
            if isinstance(confidence, (int, float)):
                m.field_confidence.labels(field_label(name), capture).observe(float(confidence))
        for page in inputs.get("pages") or ():
            m.ocr_pages.labels(slug(page.get("method"), "unknown")).inc()
    elif step == "review_correct":
        for name in inputs.get("changes") or {}:
            m.corrections.labels(field_label(name)).inc()
    elif step == "export":
        m.export_attempts.labels("delivered" if to == "exported" else "refused").inc()


@_quiet
def export_retry() -> None:
    """A delivery that failed for now and will be tried again (no state change, no event)."""
    metrics().export_attempts.labels("retry").inc()


@_quiet
def webhook_delivery(outcome: str) -> None:
    """A webhook delivery try ended: delivered, retry (backing off) or dead."""
    metrics().webhook_deliveries.labels(outcome).inc()
def cost_ceiling_hit(scope: str, engine: str) -> None:
    """A parse committed that stopped at a cost ceiling (``services/costs.settle``)."""
    metrics().cost_ceiling_hits.labels(slug(scope), slug(engine)).inc()


@_quiet
def _add_ocr(engine: str, cpu_seconds: float) -> None:
    m = metrics()
    m.ocr_calls.labels(engine).inc()
    m.ocr_cpu.labels(engine).inc(max(0.0, cpu_seconds))


def _cpu_now() -> float:
    # This process's threads plus its reaped children: Tesseract runs as a child process.
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def ocr_call(engine: str) -> Iterator[None]:
    """Meter the CPU seconds of one OCR engine call (counted even when the call raises).

    Parses run one at a time in their own child process, so the process's CPU delta over
    the call is the engine's; in the multiprocess mode of a pool or of ``up`` the child
    writes its counts to the shared metrics directory."""
    start = _cpu_now()
    try:
        yield
    finally:
        _add_ocr(slug(engine), _cpu_now() - start)


@_quiet
def audit_shipping(outcome: str) -> None:
    """One destination's shipping round: ``shipped``, ``failed`` or ``refused``."""
    metrics().audit_shipping.labels(outcome).inc()


@_quiet
def audit_checkpoint(outcome: str) -> None:
    """One round of the audit checkpointer: ``sealed``, ``unchanged``, ``refused`` or ``error``."""
    m = metrics()
    m.audit_checkpoints.labels(outcome).inc()
    if outcome in ("sealed", "unchanged"):
        m.audit_chain_ok.labels("sweeper").set(1)
        m.audit_last_sealed.labels("sweeper").set(time.time())
    elif outcome == "refused":
        m.audit_chain_ok.labels("sweeper").set(0)


@_quiet
def mail_message(outcome: str) -> None:
    """One message the mailbox poller handled: ``taken``, ``rejected`` or ``again``."""
    metrics().mail_messages.labels(slug(outcome)).inc()


@_quiet
def mail_poll(ok: bool) -> None:
    """One round of the mailbox poller; a complete one also sets the last-success time."""
    m = metrics()
    m.mail_polls.labels("ok" if ok else "failed").inc()
    if ok:
        m.mail_last_success.labels("imap").set(time.time())
