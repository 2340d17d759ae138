"""What outgoing deliveries cost: the webhook enqueue on every state change, and one signed POST.

1. **enqueue**: a state change (``services/transitions.move``: guarded update, audit event)
   on SQLite, with the webhook enqueue off (``tx.webhooks`` absent, as before webhooks),
   with it on and no subscriber (matched in memory against the process's copy of the
   subscribers at the version the audit append read: no statement), and with three
   subscribers that all want the change (one insert of three rows). The three variants
   alternate within each round, on fresh documents, so they see the same load. Wall time
   and the thread's CPU time per state change (the commit's disk wait is in the first only).
2. **post**: one signed delivery (``adapters/http_delivery.SignedPoster``) to a threaded
   ``http.server`` on 127.0.0.1 answering 201, with the pooled keep-alive client the
   exporter keeps vs a new client per delivery (what a per-call urllib request would do).

Figures are medians of per-operation times over ``--rounds`` rounds of ``--n`` operations.
The figures below are from before the subscriber copy (one read of the subscriber table per
state change); benchmarks/README.md has the later ones.

    .venv/bin/python benchmarks/signed_delivery.py [--rounds 5] [--n 200] [--port 18701]

Measured 2026-12-02 03:04 UTC, ``--rounds 5 --n 200 --port 18701``, load average 16.9 on
the shared 2-core machine (other engineers' suites running):

    state change on SQLite   median ms   vs enqueue off
      enqueue off              10.488    1.00x
      0 subscribers            11.368    1.08x
      3 subscribers            14.711    1.40x
    signed POST to 127.0.0.1  median ms   vs pooled
      pooled client             1.325    1.00x
      new client each         166.423   125.59x

The enqueue adds one indexed read (8 %) to a state change nobody subscribed to; a new httpx
client per delivery pays for building its TLS context every time, hence the one client kept
per process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dramatiq.brokers.stub import StubBroker  # noqa: E402

from invoicepipe.adapters.http_delivery import SignedPoster  # noqa: E402
from invoicepipe.bootstrap import bootstrap  # noqa: E402
from invoicepipe.config import Settings  # noqa: E402
from invoicepipe.domain.models import Status  # noqa: E402
from invoicepipe.services import webhooks  # noqa: E402
from invoicepipe.services.transitions import move  # noqa: E402
from tests.fakes import TextReaders  # noqa: E402


def make_app(folder: Path, subscribers: int):
    settings = Settings.from_env({}, var_dir=folder / "var", inbox_dir=folder / "inbox",
                                 database_url=f"sqlite:///{folder / 'var' / 'bench.db'}")
    app = bootstrap(settings, broker=StubBroker(), readers=TextReaders(), log_level="WARNING")
    for n in range(subscribers):
        webhooks.add_subscriber(app, f"sub{n}", f"http://127.0.0.1:9/hook{n}", ["*"], None, "bench")
    return app


def add_documents(app, tag: str, n: int) -> list:
    docs = []
    with app.uow.begin() as tx:
        for i in range(n):
            doc_id = tx.documents.add(sha256=f"{tag}{i}".encode().hex().ljust(64, "0")[:64], filename=f"{tag}{i}.pdf", channel="api",
                                      media_type="application/pdf", size_bytes=1, status=Status.RECEIVED)
            docs.append(tx.documents.get(doc_id))
    return docs


def time_moves(app, docs, enqueue: bool) -> tuple[list[float], list[float]]:
    """(wall, thread CPU) seconds per state change."""
    wall, cpu = [], []
    for doc in docs:
        started, started_cpu = time.perf_counter(), time.thread_time()
        with app.uow.begin() as tx:
            if not enqueue:
                tx.webhooks = None
            move(tx, doc, Status.QUEUED, step="triage", actor="bench", outcome="fast")
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return wall, cpu


class Answer201(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as an ERP's server would

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


def time_posts(url: str, n: int, pooled: bool) -> list[float]:
    payload = {"idempotency_key": "k", "document_id": 1, "lines": [{"description": "x" * 40}] * 5}
    poster = SignedPoster(10)
    times = []
    try:
        for i in range(n):
            if not pooled:
                poster.close()
            started = time.perf_counter()
            poster.post(url, "bench-secret-0123456789", f"k{i}", payload)
            times.append(time.perf_counter() - started)
    finally:
        poster.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds x {args.n}")
    with tempfile.TemporaryDirectory() as tmp:
        apps = {"enqueue off": (make_app(Path(tmp) / "a", 0), False), "0 subscribers": (make_app(Path(tmp) / "b", 0), True),
                "3 subscribers": (make_app(Path(tmp) / "c", 3), True)}
        medians = {name: [] for name in apps}
        cpu_medians = {name: [] for name in apps}
        for r in range(args.rounds):
            for name, (app, enqueue) in apps.items():
                docs = add_documents(app, f"r{r}", args.n)
                wall, cpu = time_moves(app, docs, enqueue)
                medians[name].append(statistics.median(wall))
                cpu_medians[name].append(statistics.median(cpu))
        base = statistics.median(medians["enqueue off"])
        cpu_base = statistics.median(cpu_medians["enqueue off"])
        print("state change on SQLite   median ms   vs enqueue off   CPU ms   vs enqueue off")
        for name, values in medians.items():
            m, c = statistics.median(values), statistics.median(cpu_medians[name])
            print(f"  {name:<22} {m * 1000:8.3f}   {m / base:5.2f}x          {c * 1000:6.3f}   {c / cpu_base:5.2f}x")
        for app, _ in apps.values():
            app.close()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Answer201)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/in"
    posts = {"pooled client": [], "new client each": []}
    for _ in range(args.rounds):
        posts["pooled client"].append(statistics.median(time_posts(url, args.n, True)))
        posts["new client each"].append(statistics.median(time_posts(url, args.n, False)))
    server.shutdown()
    base = statistics.median(posts["pooled client"])
    print("signed POST to 127.0.0.1  median ms   vs pooled")
    for name, values in posts.items():
        m = statistics.median(values)
        print(f"  {name:<22} {m * 1000:8.3f}   {m / base:5.2f}x")


if __name__ == "__main__":
    main()
