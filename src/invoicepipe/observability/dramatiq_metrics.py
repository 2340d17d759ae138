"""Dramatiq middleware: time every step per pool, and serve a pool's metrics.

``StepMetrics`` runs in every Dramatiq worker (the production pools and the embedded
in-process workers): a histogram of step durations by queue, step and outcome, and a
gauge of steps in progress. A production pool (``invoicepipe worker POOL``) also gets
``PoolPrometheus``: Dramatiq's own Prometheus middleware (``dramatiq_*`` message counters),
with its exposition server replaced by ``serve_pool_metrics``, which survives a busy port
instead of taking the pool down with it.
"""

from __future__ import annotations

import logging
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from dramatiq.middleware import Middleware

from .multiprocess import METRICS_DIR_ENV, METRICS_HOST_ENV, METRICS_PORT_ENV, mark_dead

LOG = logging.getLogger(__name__)


class StepMetrics(Middleware):
    """Step latency per pool: ``invoicepipe_step_duration_seconds{queue, step, outcome}``."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}

    def before_process_message(self, broker, message):
        self._started[message.message_id] = time.monotonic()
        _safe(lambda m: m.steps_in_progress.labels(message.queue_name, message.actor_name).inc())

    def after_process_message(self, broker, message, *, result=None, exception=None):
        started = self._started.pop(message.message_id, None)
        if started is None:  # skipped by a middleware before ours (age limit): never counted in
            return
        outcome = "ok" if exception is None else "error"  # Dramatiq's own counters tell retries apart

        def observe(m):
            m.steps_in_progress.labels(message.queue_name, message.actor_name).dec()
            m.step_duration.labels(message.queue_name, message.actor_name, outcome).observe(time.monotonic() - started)
        _safe(observe)

    def after_skip_message(self, broker, message):
        if self._started.pop(message.message_id, None) is not None:
            _safe(lambda m: m.steps_in_progress.labels(message.queue_name, message.actor_name).dec())

    def after_worker_shutdown(self, broker, worker):
        mark_dead(os.getpid())


def _safe(fn) -> None:
    from .metrics import metrics

    try:
        fn(metrics())
    except Exception:  # noqa: BLE001 - a metric never fails a step
        LOG.debug("step metric failed", exc_info=True)


def pool_prometheus():
    """Dramatiq's Prometheus middleware, exposing through ``serve_pool_metrics``.

    Imported late: its module reads ``dramatiq_prom_db`` when imported, which the worker
    command points at the pool's metrics directory."""
    from dramatiq.middleware.prometheus import Prometheus

    class PoolPrometheus(Prometheus):
        @property
        def forks(self):
            return [serve_pool_metrics]

    return PoolPrometheus()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        from .exposition import CONTENT_TYPE, render_multiprocess

        if self.path.split("?")[0] not in ("/metrics", "/"):
            self.send_error(404)
            return
        body = render_multiprocess(os.environ[METRICS_DIR_ENV])
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        LOG.debug(fmt, *args)


def serve_pool_metrics() -> int:
    """A Dramatiq fork process: serve the pool's metrics directory on ``INVOICEPIPE_METRICS_HOST:PORT``.

    A port in use is retried every 10 s rather than ending the process: Dramatiq stops the
    whole pool when a fork exits, and a pool without metrics still does its work."""
    from ..supervisor import die_with_parent

    # A fork of the Dramatiq master does not inherit its parent-death signal: without its
    # own, it outlives a killed pool, keeps the port and the restarted pool cannot serve.
    die_with_parent()
    from .metrics import metrics

    metrics()  # the pool's machine-path series exist at 0 from the start (see metrics.PIPELINE_MOVES)
    address = (os.environ.get(METRICS_HOST_ENV, "127.0.0.1"), int(os.environ[METRICS_PORT_ENV]))
    while True:
        try:
            server = ThreadingHTTPServer(address, _Handler)
            break
        except OSError as exc:
            LOG.error("pool metrics cannot listen on %s:%s (%s); trying again in 10 s", *address, exc)
            time.sleep(10)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
    return 0
