"""Client CPU of the repository calls every document runs, on SQLite: the read of a step's
document, a guarded state change, an audit append, the webhook subscribers a state change
wakes, a parse's cost ledger (the day's slots, open, close) and its content print.

    .venv/bin/python benchmarks/hot_statements.py [--rounds 7]

Each figure is the median over ``--rounds`` rounds of thread CPU per call (``time.thread_time``,
so other load on the machine inflates it less than wall time), in microseconds. In the embedded
``up`` process this is Python holding the one GIL all the steps share; run it at two commits
to compare (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def _app(tmp: Path):
    os.environ.setdefault("INVOICEPIPE_LOG_LEVEL", "WARNING")  # the ingest's log lines are not the figures
    from dramatiq.brokers.stub import StubBroker

    from invoicepipe.adapters.broker import DeferredEnqueuer
    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings

    settings = Settings.from_env({}, var_dir=tmp / "var", inbox_dir=tmp / "inbox", database_url=f"sqlite:///{tmp / 'var' / 'b.db'}",
                                 redis_url=None, audit_key="k" * 48)
    app = bootstrap(settings, broker=StubBroker(), readers=object())
    app.enqueuer = DeferredEnqueuer()
    return app


def _median_us(rounds: int, calls: int, one_round) -> float:
    return round(statistics.median(one_round(calls) / calls * 1e6 for _ in range(rounds)), 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    from invoicepipe.adapters.db.audit import AuditEvent
    from invoicepipe.domain.costs import Spend
    from invoicepipe.domain.models import Status
    from invoicepipe.services.ingest import ingest_bytes

    with tempfile.TemporaryDirectory(prefix="invoicepipe-statements-") as tmp:
        app = _app(Path(tmp))
        doc = ingest_bytes(app, b"%PDF-1.4 benchmark", "b.pdf", "portal", "benchmark").documents[0]["id"]

        def get(n: int) -> float:
            with app.uow.read() as tx:
                started = time.thread_time()
                for _ in range(n):
                    tx.documents.get(doc)
                return time.thread_time() - started

        def transition(n: int) -> float:
            with app.uow.begin() as tx:
                started = time.thread_time()
                for i in range(n):
                    tx.documents.transition(doc, [Status.RECEIVED], Status.RECEIVED, holder="w1", attempts=i, lease_owner="w1",
                                            lease_expires_at=datetime.now(timezone.utc) + timedelta(seconds=60))
                return time.thread_time() - started

        event = AuditEvent(step="extracted", actor="worker:benchmark", outcome="12 fields", from_status="parsing",
                           to_status="extracted", inputs={"reader": "pdf", "fields": {"total": {"value": "12.00", "confidence": 0.9}}})

        def append(n: int) -> float:
            spent = 0.0
            for _ in range(n):
                with app.uow.begin() as tx:
                    started = time.thread_time()
                    tx.audit.append(event)
                    spent += time.thread_time() - started
            return spent

        def webhooks(n: int) -> float:
            with app.uow.begin() as tx:
                started = time.thread_time()
                for i in range(n):
                    tx.webhooks.enqueue({"document_id": doc, "to_status": "needs_review", "seq": i}, {}, "key", "document.needs_review")
                return time.thread_time() - started

        def ledger(n: int) -> float:
            spent, day, allowance = 0.0, "2026-12-02", Spend(2.0, 1, 0.01)
            for _ in range(n):
                with app.uow.begin() as tx:
                    started = time.thread_time()
                    now = datetime.now(timezone.utc)
                    if not tx.costs.day_slots(day):  # the read of the day's slots a SQLite grant makes
                        tx.costs.lock_day_slots(day, doc)
                    entry = tx.costs.open_entry(doc, day, now, allowance, "benchmark")
                    tx.costs.close(entry, day, allowance, now, Spend(0.05, 1, 0.0), {"pdf_text": {"cpu_seconds": 0.05, "calls": 1, "cost": 0.0}},
                                   slot=tx.costs.slot(doc))
                    spent += time.thread_time() - started
            return spent

        from invoicepipe.domain.fingerprints import content_print
        from invoicepipe.domain.models import Box, Word

        words = [Word(f"w{i % 97}", Box(0.1, 0.1, 0.2, 0.2), 1) for i in range(300)] + \
            [Word(f"{1000 + 37 * i}.{i:02d}", Box(0.1, 0.1, 0.2, 0.2), 1) for i in range(20)]
        fingerprint = content_print(words, [])

        def save_print(n: int) -> float:
            spent = 0.0
            for _ in range(n):
                with app.uow.begin() as tx:
                    started = time.thread_time()
                    tx.content_prints.save_content_print(doc, fingerprint)
                    spent += time.thread_time() - started
            return spent

        figures = {"documents.get": _median_us(args.rounds, 1000, get),
                   "documents.transition (guarded, leased)": _median_us(args.rounds, 500, transition),
                   "audit.append (own transaction)": _median_us(args.rounds, 300, append),
                   "webhooks.enqueue (no subscriber)": _median_us(args.rounds, 2000, webhooks),
                   "cost ledger per parse (day's slots, open, close)": _median_us(args.rounds, 200, ledger),
                   "content_prints.save_content_print (a print replaced)": _median_us(args.rounds, 200, save_print)}
        app.close()
    print(f"load average {[round(x, 1) for x in os.getloadavg()]}; thread CPU per call, median of {args.rounds} rounds, SQLite:")
    for name, us in figures.items():
        print(f"  {name}: {us} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
