"""Scrape-time values that live in the database and the broker.

Every query is bounded by work in progress, never by history: it reads only the
documents in an open state (through ``ix_documents_status_updated``) and the outbox rows
of documents waiting for export (by their unique ``document_id``), so a scrape costs the
same with a thousand or a million exported invoices. Terminal states (exported, rejected,
duplicate) are not counted here; their rates come from
``invoicepipe_document_transitions_total``.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import and_, func, select

from ..adapters.db import tables as t
from ..domain.models import Status

OPEN_STATES = (Status.RECEIVED, Status.QUEUED, Status.PARSING, Status.EXTRACTED, Status.RECONCILING,
               Status.NEEDS_REVIEW, Status.APPROVED, Status.FAILED, Status.EXPORT_FAILED)
POOL_STATES = (Status.QUEUED, Status.PARSING)
QUEUES = ("parse.fast", "parse.slow", "pipeline")
DEFAULT_REVIEW_SLA_HOURS = 48.0


def review_sla_seconds(env=None) -> float:
    """The review SLA the queue page shows (``INVOICEPIPE_REVIEW_SLA_HOURS``, web/config.py),
    in seconds: one setting for the page and the backlog alert."""
    raw = (env if env is not None else os.environ).get("INVOICEPIPE_REVIEW_SLA_HOURS") or ""
    try:
        return float(raw) * 3600 if raw.strip() else DEFAULT_REVIEW_SLA_HOURS * 3600
    except ValueError:  # the web config refuses it at start; the scrape keeps the default
        return DEFAULT_REVIEW_SLA_HOURS * 3600


def _age(now: datetime, then: Optional[datetime]) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite hands back naive UTC
        then = then.replace(tzinfo=timezone.utc)
    return max(0.0, (now - then).total_seconds())


class PipelineCollector:
    """A prometheus_client collector over the App's database and broker."""

    def __init__(self, app):
        self.app = app
        self.sla_s = review_sla_seconds()

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        started = time.perf_counter()
        now = datetime.now(timezone.utc)
        db_up = GaugeMetricFamily("invoicepipe_database_up", "1 when the metrics scrape could read the database.")
        try:
            families = list(self._database(now))
            db_up.add_metric([], 1)
        except Exception:  # noqa: BLE001 - a scrape must answer; the gauge says the database did not
            families = []
            db_up.add_metric([], 0)
        yield db_up
        yield from families
        yield from self._queues(now)
        cost = GaugeMetricFamily("invoicepipe_metrics_collect_seconds", "Time the last scrape spent in database and broker queries.")
        cost.add_metric([], time.perf_counter() - started)
        yield cost

    def _database(self, now: datetime):
        from prometheus_client.core import GaugeMetricFamily

        d, o = t.documents, t.outbox
        open_values = [s.value for s in OPEN_STATES]
        with self.app.uow.read() as tx:  # no write lock on SQLite: a scrape never waits for a worker
            conn = tx.conn
            # covered by ix_documents_status_updated: no table row is read
            by_state = conn.execute(
                select(d.c.status, func.count(), func.min(d.c.updated_at))
                .where(d.c.status.in_(open_values)).group_by(d.c.status)).all()
            by_pool = conn.execute(
                select(d.c.status, d.c.pool, func.count())
                .where(d.c.status.in_([s.value for s in POOL_STATES])).group_by(d.c.status, d.c.pool)).all()
            cut = now.timestamp() - self.sla_s
            over_sla = conn.execute(select(func.count()).where(
                and_(d.c.status == Status.NEEDS_REVIEW.value,
                     d.c.updated_at < datetime.fromtimestamp(cut, timezone.utc)))).scalar_one()
            export = conn.execute(
                select(func.count(), func.min(o.c.created_at), func.max(o.c.attempts),
                       func.count().filter(o.c.attempts > 0))
                .select_from(d.join(o, o.c.document_id == d.c.id))
                .where(and_(d.c.status == Status.APPROVED.value, o.c.delivered_at.is_(None)))).one()
            w = t.webhook_deliveries.c  # pending and dead only (ix_webhook_deliveries_state_next); delivered rows are history
            hooks = dict((state, (n, first)) for state, n, first in conn.execute(
                select(w.state, func.count(), func.min(w.created_at)).where(w.state.in_(("pending", "dead"))).group_by(w.state)))
        docs = GaugeMetricFamily("invoicepipe_documents", "Documents in each open state (terminal states: see the transitions counter).",
                                 labels=["state"])
        pools = GaugeMetricFamily("invoicepipe_documents_by_pool", "Documents queued for or being parsed by each parse pool.",
                                  labels=["state", "pool"])
        oldest = GaugeMetricFamily("invoicepipe_documents_oldest_age_seconds",
                                   "Age of the least recently changed document in each open state.", labels=["state"])
        counts = {s: 0 for s in open_values}
        first: dict[str, Optional[datetime]] = {s: None for s in open_values}
        for status, n, earliest in by_state:
            counts[status] = int(n)
            first[status] = earliest
        for status in open_values:
            docs.add_metric([status], counts[status])
            oldest.add_metric([status], _age(now, first[status]))
        per_pool = {(s.value, p): 0 for s in POOL_STATES for p in ("fast", "slow")}
        for status, pool, n in by_pool:
            per_pool[(status, pool or "none")] = int(n)
        for (status, pool), n in sorted(per_pool.items()):
            pools.add_metric([status, pool], n)
        yield docs
        yield pools
        yield oldest
        review_n = counts[Status.NEEDS_REVIEW.value]
        yield _gauge("invoicepipe_review_backlog_documents", "Documents waiting for a reviewer (needs_review).", review_n)
        yield _gauge("invoicepipe_review_oldest_age_seconds", "How long the oldest document has waited for a reviewer.",
                     _age(now, first[Status.NEEDS_REVIEW.value]))
        yield _gauge("invoicepipe_review_over_sla_documents", "Documents waiting for a reviewer longer than the review SLA.", over_sla)
        yield _gauge("invoicepipe_review_sla_seconds", "The review SLA (INVOICEPIPE_REVIEW_SLA_HOURS, in seconds).", self.sla_s)
        pending, earliest, max_attempts, retrying = export
        yield _gauge("invoicepipe_export_pending_documents", "Approved invoices not yet delivered to the payable destination.", pending)
        yield _gauge("invoicepipe_export_lag_seconds", "Age of the oldest approved invoice not yet delivered (since its outbox row).",
                     _age(now, earliest))
        yield _gauge("invoicepipe_export_pending_max_attempts", "Most delivery attempts among the invoices waiting for export.",
                     max_attempts or 0)
        yield _gauge("invoicepipe_export_retrying_documents", "Invoices waiting for export after at least one failed delivery.",
                     retrying or 0)
        yield _gauge("invoicepipe_webhook_pending_deliveries", "Webhook deliveries not yet made (new or backing off).",
                     hooks.get("pending", (0, None))[0])
        yield _gauge("invoicepipe_webhook_oldest_pending_age_seconds", "Age of the oldest webhook delivery not yet made.",
                     _age(now, hooks.get("pending", (0, None))[1]))
        yield _gauge("invoicepipe_webhook_dead_deliveries", "Webhook deliveries given up (retry budget spent or refused), until replayed.",
                     hooks.get("dead", (0, None))[0])

    def _queues(self, now: datetime):
        from prometheus_client.core import GaugeMetricFamily

        from .queues import oldest_message, queue_depth

        depth = GaugeMetricFamily("invoicepipe_queue_messages", "Messages waiting in each queue (not yet taken by a worker).", labels=["queue"])
        age = GaugeMetricFamily("invoicepipe_queue_oldest_message_age_seconds",
                                "Age of the oldest waiting message in each queue (since it was due).", labels=["queue"])
        broker_up = GaugeMetricFamily("invoicepipe_broker_up", "1 when the metrics scrape could read the broker's queues.")
        ok = 1
        for queue in QUEUES:
            try:
                n = queue_depth(self.app.broker, queue)
                due_ms = oldest_message(self.app.broker, queue) if n else None
            except Exception:  # noqa: BLE001 - broker away: say so, keep the scrape
                ok = 0
                continue
            depth.add_metric([queue], n)
            age.add_metric([queue], max(0.0, now.timestamp() - due_ms / 1000) if due_ms else 0.0)
        broker_up.add_metric([], ok)
        yield broker_up
        yield depth
        yield age


def _gauge(name: str, documentation: str, value) -> "GaugeMetricFamily":  # noqa: F821
    from prometheus_client.core import GaugeMetricFamily

    return GaugeMetricFamily(name, documentation, value=float(value or 0))
