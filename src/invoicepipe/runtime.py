"""The embedded runtime: one in-process Dramatiq worker per pool, a sweeper (which also
writes audit checkpoints), the webhook dispatcher and the inbox watcher."""

from __future__ import annotations

import threading
import time
from typing import Optional

import dramatiq

from .actors import declare_actors
from .adapters.broker import POOL_QUEUES
from .adapters.checkpoint_witness import safe_label
from .errors import AuditChainBroken, InvoicepipeError
from .observability.events import audit_checkpoint, audit_shipping
from .services.audit import checkpoint, ship_checkpoints
from .services.sweeper import sweep
from .services.webhooks import deliver_due, prune_deliveries


class PoolWorkers:
    """A separate dramatiq.Worker per pool so a flood of scans never starves the fast path."""

    def __init__(self, app, pools: tuple[str, ...] = ("fast", "slow", "pipeline")):
        self.app = app
        declare_actors(app)
        threads = {"fast": app.settings.fast_threads, "slow": app.settings.slow_threads, "pipeline": app.settings.pipeline_threads}
        self.workers = {
            pool: dramatiq.Worker(app.broker, queues=POOL_QUEUES[pool], worker_threads=threads[pool], worker_timeout=200)
            for pool in pools
        }

    def start(self) -> None:
        for worker in self.workers.values():
            worker.start()

    def stop(self) -> None:
        for worker in self.workers.values():
            worker.stop(timeout=30_000)


WEBHOOK_PRUNE_EVERY_S = 3600


class Periodic(threading.Thread):
    """Run ``fn`` every ``interval`` seconds until stopped; errors are logged, not fatal."""

    def __init__(self, name: str, interval: float, fn, log):
        super().__init__(name=name, daemon=True)
        self.interval, self.fn, self.log = interval, fn, log
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.fn()
            except Exception as exc:  # keep the loop alive; the next round may succeed
                self.log.error("periodic_failed", task=self.name, error=repr(exc))
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()


class NewDocuments:
    """In embedded mode other processes (``invoicepipe ingest``) cannot reach our in-memory
    queues; they commit documents as `received`, and this sends each one's triage promptly.

    It remembers what it sent (for ``stuck_after_s``; after that the sweeper owns a document
    that never moved) instead of asking the sweeper, which leaves every document alone while
    its step's queue holds any message: with the pipeline queue never empty under load, a
    batch of 150 went in a few at a time (33 documents/min, benchmarks/throughput.py)."""

    def __init__(self, app):
        self.app = app
        self.sent: dict[int, float] = {}  # document id -> when its triage was sent

    def __call__(self) -> int:
        from datetime import datetime, timedelta, timezone

        from .domain.models import Status
        from .logs import correlation

        now = time.monotonic()
        self.sent = {i: at for i, at in self.sent.items() if now - at < self.app.settings.stuck_after_s}
        settled_before = datetime.now(timezone.utc) - timedelta(seconds=self.app.settings.settle_s)
        with self.app.uow.read() as tx:
            new = [d for d in tx.documents.stuck([Status.RECEIVED], settled_before) if d.id not in self.sent]
        for doc in new:
            with correlation(doc.correlation_id, document_id=doc.id):
                self.app.enqueuer.send("triage", doc.id)
            self.sent[doc.id] = now
        return len(new)


def pick_up_new(app) -> int:
    """One round of picking up new documents (a fresh memory; ``start_background`` keeps one)."""
    return NewDocuments(app)()


def sweep_and_checkpoint(app) -> None:
    """One round of the sweeper loop: re-send stuck documents, then seal the audit chain's
    heads in a checkpoint outside the database (a failed sweep does not skip the seal)."""
    try:
        sweep(app)
    finally:
        try:
            checkpoint_metered(app)
        finally:
            ship_metered(app)


def checkpoint_metered(app) -> dict:
    """``services.audit.checkpoint`` with its outcome counted (``invoicepipe_audit_*``)."""
    try:
        result = checkpoint(app)
    except AuditChainBroken:
        audit_checkpoint("refused")
        raise
    except Exception:
        audit_checkpoint("error")
        raise
    audit_checkpoint("sealed" if result.get("written") else "unchanged")
    return result


def ship_metered(app) -> list[dict]:
    """Ship the checkpoints each destination lacks (``INVOICEPIPE_AUDIT_SHIP_TO``), counted by
    outcome. A destination that fails does not stop the others; what it lacks stays in the
    local file and goes next round (a witness only ever receives checkpoints in order)."""
    results = []
    for destination in app.settings.audit_ship_to:
        try:
            results.append(ship_checkpoints(app, destination))
        except AuditChainBroken as exc:
            audit_shipping("refused")
            app.log.error("audit_checkpoint_shipping_refused", destination=safe_label(destination), error=str(exc))
        except (InvoicepipeError, OSError) as exc:
            audit_shipping("failed")
            app.log.error("audit_checkpoint_shipping_failed", destination=safe_label(destination), error=str(exc),
                          runbook="runbooks/audit-checkpoint-shipping.md")
        else:
            audit_shipping("shipped")
    return results


def start_background(app, pools: Optional[tuple[str, ...]] = ("fast", "slow", "pipeline")) -> list:
    """Start pool workers, the sweeper (and, embedded, the pickup loop). Returns what to stop."""
    started = []
    if pools:
        workers = PoolWorkers(app, pools)
        workers.start()
        started.append(workers)
    # On start every in-flight document is re-sent: an in-memory queue lost them on exit.
    if app.settings.embedded:
        sweep(app, stuck_after_s=0, actor="system:startup")
    sweeper = Periodic("sweeper", app.settings.sweep_interval_s, lambda: sweep_and_checkpoint(app), app.log)
    sweeper.start()
    started.append(sweeper)
    # Webhook deliveries are sent here, beside the sweeper, never by a pipeline worker: a slow
    # subscriber delays only other notifications, not documents.
    hooks = Periodic("webhooks", app.settings.webhook_poll_s, lambda: deliver_due(app), app.log)
    # Old delivery rows go hourly, beside the sweeper: retention counts in days, and the
    # query reads every delivered row, so not every sweep round.
    retention = Periodic("webhook-retention", WEBHOOK_PRUNE_EVERY_S, lambda: prune_deliveries(app), app.log)
    hooks.start()
    started.append(hooks)
    retention.start()
    started.append(retention)
    if app.settings.embedded:
        pickup = Periodic("pickup", max(1.0, app.settings.watch_interval_s), NewDocuments(app), app.log)
        pickup.start()
        started.append(pickup)
    return started


def stop_all(started: list) -> None:
    for item in reversed(started):
        item.stop()
