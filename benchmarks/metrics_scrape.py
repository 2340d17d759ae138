"""Cost of one /metrics scrape as the database grows: 10,000 to 1,000,000 documents.

Fills a fresh SQLite database (or INVOICEPIPE_BENCH_DATABASE_URL, a scratch PostgreSQL
database) in bulk: a fixed working set (``--open``, default 3,000 documents in flight, in review,
waiting for export with outbox rows, failed) and a history of settled documents that grows
to each size. For each
size it renders the web service's /metrics (``MetricsEndpoint.render``: event metrics plus
the database and queue collectors) ``--scrapes`` times and prints the median, p95 and the
collector's own query time, beside a naive count of every document by state (what a
GROUP BY over the whole table costs) in the same run, with their ratio.

    .venv/bin/python benchmarks/metrics_scrape.py [--sizes 10000 100000 1000000] [--scrapes 30]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dramatiq.brokers.stub import StubBroker
from sqlalchemy import func, insert, select, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from invoicepipe.adapters.db import tables as t  # noqa: E402
from invoicepipe.bootstrap import bootstrap  # noqa: E402
from invoicepipe.config import Settings  # noqa: E402
from invoicepipe.observability.exposition import MetricsEndpoint  # noqa: E402

# History (settled documents) grows without bound; the working set is what operations keep
# in flight, in review and waiting for export: a fixed --open documents in this mix.
HISTORY = [("exported", 0.95), ("rejected", 0.03), ("duplicate", 0.02)]
OPEN = [("needs_review", 0.55), ("approved", 0.09), ("export_failed", 0.01), ("failed", 0.05), ("queued", 0.15), ("parsing", 0.05),
        ("received", 0.05), ("extracted", 0.05)]


def fill(app, start: int, stop: int, rng: random.Random, open_docs: int = 0) -> None:
    """Documents ``start``..``stop - 1``: the first ``open_docs`` in open states, the rest history."""
    now = datetime.now(timezone.utc)
    batch, outbox = [], []
    with app.engine.begin() as conn:
        for i in range(start, stop):
            mix = OPEN if i - start < open_docs else HISTORY
            status = rng.choices([s for s, _ in mix], [w for _, w in mix])[0]
            at = now - timedelta(seconds=rng.randint(0, 90 * 86400))
            batch.append(dict(id=i, sha256=f"{i:064x}", filename=f"f{i}.pdf", channel="portal", media_type="application/pdf",
                              size_bytes=1000, page_count=1, status=status, pool=rng.choice(["fast", "slow"]), attempts=1,
                              version=3, created_at=at, updated_at=at))
            if status in ("approved", "exported", "export_failed"):
                outbox.append(dict(document_id=i, idempotency_key=f"invoicepipe-{i}", payload={}, attempts=rng.randint(0, 2),
                                   next_attempt_at=at, created_at=at,
                                   delivered_at=at if status == "exported" else None))
            if len(batch) >= 20_000:
                conn.execute(insert(t.documents), batch)
                if outbox:
                    conn.execute(insert(t.outbox), outbox)
                batch, outbox = [], []
        if batch:
            conn.execute(insert(t.documents), batch)
        if outbox:
            conn.execute(insert(t.outbox), outbox)
    if app.engine.dialect.name == "postgresql":
        with app.engine.begin() as conn:
            conn.execute(text("ANALYZE documents; ANALYZE outbox"))


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def naive_counts(app) -> None:
    with app.engine.connect() as conn:
        conn.execute(select(t.documents.c.status, func.count()).group_by(t.documents.c.status)).all()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--scrapes", type=int, default=30)
    parser.add_argument("--open", type=int, default=3000, help="documents in open states (the working set), default 3000")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="invoicepipe-metrics-bench-"))
    url = os.environ.get("INVOICEPIPE_BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.db'}"
    try:
        settings = Settings.from_env({}, var_dir=work / "var", inbox_dir=work / "inbox", database_url=url)
        app = bootstrap(settings, broker=StubBroker(), readers=object())
        endpoint = MetricsEndpoint(app)
        rng = random.Random(11)
        print(f"working set {args.open} open documents (in flight, in review, waiting for export, failed); the rest history")
        print(f"database {app.engine.dialect.name}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
        print(f"{'documents':>10} {'scrape p50':>11} {'p95':>8} {'queries p50':>12} {'naive GROUP BY p50':>19} {'naive/scrape':>13}")
        filled = 1
        for size in sorted(args.sizes):
            fill(app, filled, size + 1, rng, open_docs=args.open if filled == 1 else 0)
            filled = size + 1
            endpoint.render()  # warm caches
            scrape = timed(endpoint.render, args.scrapes)
            queries = timed(lambda: list(endpoint.collectors[0].collect()), args.scrapes)
            naive = timed(lambda: naive_counts(app), max(5, args.scrapes // 3))
            p50, naive50 = statistics.median(scrape), statistics.median(naive)
            p95 = sorted(scrape)[int(0.95 * (len(scrape) - 1))]
            print(f"{size:>10,} {p50:>9.1f}ms {p95:>6.1f}ms {statistics.median(queries):>10.1f}ms {naive50:>17.1f}ms "
                  f"{naive50 / p50:>12.1f}x", flush=True)
        print(f"load average after {os.getloadavg()[0]:.2f}")
        app.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
