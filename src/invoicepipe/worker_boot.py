"""Bootstrap for a production worker process of one pool."""

from __future__ import annotations

import os

from .actors import declare_actors
from .adapters.broker import POOL_QUEUES
from .bootstrap import bootstrap
from .observability.dramatiq_metrics import pool_prometheus
from .observability.multiprocess import METRICS_PORT_ENV
from .supervisor import die_with_parent


def boot_pool(pool: str):
    """Build the App and declare the pool's actors; returns (app, broker) for Dramatiq's CLI."""
    # Tesseract's OpenMP threads fight over 2 cores; parallelism comes from processes.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # A Dramatiq worker process must not outlive its pool's parent (the supervisor then
    # starts a fresh group; a stray survivor would consume beside it).
    die_with_parent()
    # The pool's connections are told apart in pg_stat_activity (unless the operator names them).
    os.environ.setdefault("INVOICEPIPE_DB_APPLICATION_NAME", f"invoicepipe-{pool}")
    app = bootstrap(migrate=False)
    if os.environ.get(METRICS_PORT_ENV):
        # set by `invoicepipe worker`: Dramatiq's message counters and the pool's /metrics
        # (its exposition process reads every worker process's files)
        app.broker.add_middleware(pool_prometheus())
    declare_actors(app, POOL_QUEUES[pool])
    return app, app.broker
