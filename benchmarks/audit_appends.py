"""Audit appends per second on PostgreSQL with 1, 2, 4, 8 concurrent writers, and what each append costs in CPU.

Each writer is its own process (no shared GIL) with its own connection and appends one event
per transaction, as the pipeline does (a state change and its event commit together), for
``--seconds`` per measurement. Three designs, on the same server and the same table shape:

- **one head row** (the design before migration 0007): every append locks the single head
  row (``SELECT … FOR UPDATE``), inserts the event chained with sha256, moves the head and
  commits, so appends are serialised across all writers, commit included;
- **16 p., by document**: ``AuditRepository.append`` (16 keyed partitions, event and head
  written in one statement) with each event first trying its document's partition (random
  document ids here), else the next free one (``SKIP LOCKED``), as before writer affinity;
- **16 partitions**: the append as the application runs it: each writer thread keeps to the
  partition it got last, so writers settle on partitions of their own;
- **16 p. + state change**: the same append made by ``services/transitions.move`` in the
  transaction that also changes a document's state (read it, guarded update, webhook
  deliveries), one document move per transaction, as the pipeline's steps commit.

Per measurement it prints appends/s, the CPU per append of the writer processes
(``time.process_time``) and of their PostgreSQL backends (``/proc/PID/stat`` of
``pg_backend_pid()``, so only for a local server), the ceiling those allow (cores / CPU per
append), the whole machine's busy share (``/proc/stat``), and how often an append found its
preferred head taken by another writer (the collision rate) and the load average. It samples
``pg_stat_activity`` every 20 ms (``--no-waits``: not) and prints what the writers' backends
waited on, with the share of row/transaction lock waits.

Without ``--database-url`` it starts a throwaway PostgreSQL (``initdb`` + ``pg_ctl`` from
/usr/lib/postgresql/*/bin, as the ``postgres`` user when run as root) on ``--pg-port`` (a
free one by default) and removes it afterwards; ``--fsync on`` (default) makes commits
durable as in production, ``--fsync off`` is how ``scripts/test.sh`` runs its server.
Figures are medians of ``--rounds`` rounds; the designs alternate within each round, so all
see the same load.

    .venv/bin/python benchmarks/audit_appends.py [--rounds 5] [--seconds 3] [--writers 1 2 4 8] [--fsync on|off]
        [--designs DESIGN ...] [--no-waits] [--pg-port PORT]

Figures and what they show: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import uuid
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sqlalchemy import create_engine, text  # noqa: E402

from invoicepipe.adapters.db import audit as audit_module  # noqa: E402
from invoicepipe.adapters.db.audit import AuditEvent  # noqa: E402
from invoicepipe.adapters.db.engine import make_engine  # noqa: E402
from invoicepipe.adapters.db.migrate import upgrade  # noqa: E402
from invoicepipe.adapters.db.uow import UnitOfWork  # noqa: E402
from invoicepipe.domain.audit import canonical_json, legacy_event_hash  # noqa: E402
from invoicepipe.domain.models import Status  # noqa: E402
from invoicepipe.services.transitions import move  # noqa: E402

KEY = b"benchmark-key-" + b"k" * 32
# "16 partitions" is AuditRepository.append as the application runs it (each writer thread
# keeps to the partition it got last); "16 p., by document" is the same append with each event
# first trying its document's partition, as before writer affinity.
# "16 p. + state change" is the append as production makes it: inside ``transitions.move``,
# in the transaction that also moves the document (read, guarded update, webhook fan-out).
DESIGNS = ("one head row", "16 p., by document", "16 partitions", "16 p. + state change")

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS old_audit_events (LIKE audit_events INCLUDING ALL);
CREATE TABLE IF NOT EXISTS old_audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL);
INSERT INTO old_audit_head VALUES (1, 0, repeat('0', 64)) ON CONFLICT DO NOTHING
"""


def event(i: int, document_id: int) -> AuditEvent:
    return AuditEvent(step="route", actor=f"worker:bench:{os.getpid()}", outcome="auto", document_id=document_id,
                      from_status="extracted", to_status="reconciling", reasons=[{"code": "ok", "message": "all fields confident"}],
                      inputs={"i": i, "fields": 12}, extractor_version="kv-2.0", policy_version="bench")


def old_append(conn, ev: AuditEvent) -> None:
    """The append before partitions: lock the one head row, chain with sha256, move the head."""
    from datetime import datetime, timezone

    seq, prev = conn.execute(text("SELECT seq, hash FROM old_audit_head WHERE id = 1 FOR UPDATE")).one()
    seq += 1
    content = {"document_id": ev.document_id, "step": ev.step, "actor": ev.actor, "outcome": ev.outcome, "from_status": ev.from_status,
               "to_status": ev.to_status, "reasons": list(ev.reasons), "inputs": dict(ev.inputs), "extractor_version": ev.extractor_version,
               "policy_version": ev.policy_version, "created_at": datetime.now(timezone.utc).isoformat(timespec="microseconds")}
    digest = legacy_event_hash(seq, prev, content)
    conn.execute(text("INSERT INTO old_audit_events (seq, document_id, step, actor, outcome, from_status, to_status, reasons, inputs, "
                      "extractor_version, policy_version, created_at, prev_hash, hash) VALUES (:seq, :document_id, :step, :actor, :outcome, "
                      ":from_status, :to_status, :reasons, :inputs, :extractor_version, :policy_version, :created_at, :prev, :hash)"),
                 {**content, "reasons": canonical_json(content["reasons"]), "inputs": canonical_json(content["inputs"]), "seq": seq,
                  "prev": prev, "hash": digest})
    conn.execute(text("UPDATE old_audit_head SET seq = :seq, hash = :hash WHERE id = 1"), {"seq": seq, "hash": digest})


def proc_cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU of a local process (a PostgreSQL backend), or None when it is not local."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Appends each writer makes before the clock starts.
WARM_UP = 20


def own_documents(uow: UnitOfWork, seed: int, count: int = 50) -> list[int]:
    """Documents only this writer moves (two writers moving one document would measure their
    guarded updates colliding, not the audit append)."""
    with uow.begin() as tx:
        return [tx.documents.add(sha256=uuid.uuid4().hex * 2, filename=f"bench-{seed}-{i}.pdf", channel="bench", media_type="application/pdf",
                                 size_bytes=1, status=Status.EXTRACTED) for i in range(count)]


def move_once(uow: UnitOfWork, document_id: int, i: int) -> dict:
    """One pipeline step: read the document, move it on (alternating between two states) with its audit event."""
    with uow.begin() as tx:
        doc = tx.documents.require(document_id)
        to = Status.RECONCILING if doc.status == Status.EXTRACTED else Status.EXTRACTED
        return move(tx, doc, to, step="route", actor=f"worker:bench:{os.getpid()}", outcome="auto",
                    reasons=[{"code": "ok", "message": "all fields confident"}], inputs={"i": i, "fields": 12},
                    extractor_version="kv-2.0", policy_version="bench")


def writer(url: str, design: str, start, seconds: float, seed: int, out) -> None:
    import random

    rnd = random.Random(seed)
    if design == DESIGNS[0]:
        engine = create_engine(url, pool_size=1, max_overflow=0)
    else:
        engine = make_engine(url)
    uow = UnitOfWork(engine, KEY)
    documents = own_documents(uow, seed) if design == DESIGNS[3] else []

    def one(i: int) -> bool:
        """One append (one transaction); True when another writer held the preferred head."""
        document_id = rnd.randint(1, 100_000)
        ev = event(i, document_id)
        if design == DESIGNS[0]:
            with engine.begin() as conn:
                old_append(conn, ev)
            return False
        if design == DESIGNS[1]:
            # As before writer affinity: each append first tries its document's partition.
            audit_module._settle_on(1 + document_id % audit_module.PARTITIONS)
        preferred = audit_module.preferred_partition()
        if design == DESIGNS[3]:
            row = move_once(uow, documents[i % len(documents)], i)
        else:
            with uow.begin() as tx:
                row = tx.audit.append(ev)
        # Another writer held the preferred head: this append went to the next free one.
        return row["chain_partition"] != preferred

    with engine.connect() as conn:  # connected before the clock starts; the pool reuses it
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    for i in range(WARM_UP):  # compiled statements cached, prepared statements made, as in a running worker
        one(-1 - i)
    # Every writer connected and warmed up before any starts: on a loaded machine a fixed
    # head start was not always enough, and a late writer measured an empty window.
    start.wait()
    end, done, i, moved = time.time() + seconds, 0, 0, 0
    client0, server0 = time.process_time(), proc_cpu_seconds(backend)
    while time.time() < end:
        i += 1
        moved += one(i)
        done += 1
    client, server1 = time.process_time() - client0, proc_cpu_seconds(backend)
    engine.dispose()
    out.put((done, client, None if server0 is None or server1 is None else server1 - server0, moved))


WAIT_SAMPLE = text("SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') FROM pg_stat_activity "
                   "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'")


class WaitSampler:
    """What the writers' server processes are doing, sampled every 20 ms from pg_stat_activity
    (one short transaction per sample: the view is a per-transaction snapshot)."""

    def __init__(self, url: str):
        self.counts: "collections.Counter[str]" = collections.Counter()
        self.engine = create_engine(url, pool_size=1, max_overflow=0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            with self.engine.connect() as conn:
                self.counts.update(row[0] for row in conn.execute(WAIT_SAMPLE))

    def __enter__(self) -> "WaitSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()


@dataclass
class Measurement:
    rate: float  # appends/s, all writers together
    client_ms: float  # CPU per append in the writer processes
    server_ms: Optional[float]  # CPU per append in their PostgreSQL backends (None: server not local)
    busy: float  # share of the machine's CPU time busy during the run (every process, not only ours)
    moved: float  # share of appends that found their preferred head taken by another writer
    load: float  # the 1-minute load average at the end of the measurement


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def measure(url: str, design: str, writers: int, seconds: float) -> Measurement:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = ctx.Barrier(writers + 1)
    procs = [ctx.Process(target=writer, args=(url, design, start, seconds, 1000 * writers + n, out)) for n in range(writers)]
    for p in procs:
        p.start()
    start.wait()
    busy0, total0 = machine_busy()
    results = [out.get(timeout=seconds + 60) for _ in procs]
    busy1, total1 = machine_busy()
    for p in procs:
        p.join()
    done = sum(r[0] for r in results) or 1
    server = None if any(r[2] is None for r in results) else 1000 * sum(r[2] for r in results) / done
    return Measurement(sum(r[0] for r in results) / seconds, 1000 * sum(r[1] for r in results) / done, server,
                       (busy1 - busy0) / max(1, total1 - total0), sum(r[3] for r in results) / done, os.getloadavg()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """initdb + pg_ctl in a temp folder; PostgreSQL refuses to run as root, so then as `postgres`."""

    def __init__(self, fsync: bool = True, port: int = 0):
        self.fsync = fsync
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
        if not bins:
            raise SystemExit("no PostgreSQL under /usr/lib/postgresql: pass --database-url")
        self.bin = bins[-1]
        self.folder = Path(tempfile.mkdtemp(prefix="invoicepipe-bench-pg-"))
        self.data = self.folder / "pg"
        self.port = port or free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def start(self) -> str:
        self.data.mkdir()
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.data, "postgres")
        subprocess.run([*self.as_postgres, str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-o",
                        f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync={'on' if self.fsync else 'off'}", "-w", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.folder, ignore_errors=True)


def _ms(value: Optional[float], unit: bool = True) -> str:
    return "n/a" if value is None else f"{value:.2f}" + (" ms" if unit else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("INVOICEPIPE_BENCH_DATABASE_URL"),
                        help="a scratch PostgreSQL database (default: start a throwaway server)")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pg-port", type=int, default=0, help="the throwaway server's port (default: a free one)")
    parser.add_argument("--designs", nargs="+", choices=DESIGNS, default=list(DESIGNS), metavar="DESIGN",
                        help=f"any of {', '.join(repr(d) for d in DESIGNS)} (default: all)")
    parser.add_argument("--no-waits", dest="waits", action="store_false",
                        help="do not sample what the writers' server processes wait on (pg_stat_activity)")
    parser.add_argument("--fsync", choices=["on", "off"], default="on",
                        help="the throwaway server's fsync: on (default, durable commits as in production) or off (as scripts/test.sh)")
    args = parser.parse_args()
    server = None if args.database_url else ThrowawayPostgres(fsync=args.fsync == "on", port=args.pg_port)
    url = args.database_url or server.start()
    try:
        if not url.startswith("postgresql"):
            raise SystemExit("this benchmark measures PostgreSQL: --database-url postgresql+psycopg://…")
        upgrade(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            for statement in OLD_SCHEMA.split(";"):
                conn.execute(text(statement))
        engine.dispose()
        results: dict[tuple[str, int], list[Measurement]] = {}
        waits: dict[tuple[str, int], "collections.Counter"] = {}
        loads = []
        for r in range(args.rounds):
            for n in args.writers:
                for design in args.designs:
                    if args.waits:
                        with WaitSampler(url) as sampler:
                            m = measure(url, design, n, args.seconds)
                        waits.setdefault((design, n), collections.Counter()).update(sampler.counts)
                    else:
                        m = measure(url, design, n, args.seconds)
                    loads.append(m.load)
                    results.setdefault((design, n), []).append(m)
                    print(f"round {r + 1}: {design:<22} {n:>2} writer(s): {m.rate:7.0f} appends/s, CPU/append client {m.client_ms:.2f} ms "
                          f"server {_ms(m.server_ms)}, preferred head taken {m.moved:.0%} (machine busy {m.busy:.0%}, load {loads[-1]:.1f})",
                          flush=True)
        print(f"\nmedians on PostgreSQL ({args.rounds} rounds x {args.seconds:g} s; load average during the runs "
              f"{min(loads):.1f}-{max(loads):.1f}, median {statistics.median(loads):.1f}, on {os.cpu_count()} cores)")
        print("CPU/append: writer process + its PostgreSQL backend; ceiling: cores / CPU per append, the rate if the writers had "
              "every core; busy: the whole machine's busy share; taken: appends whose preferred head another writer held "
              "(the collision rate); lock waits: share of the backends' samples waiting on a row or transaction lock")
        for d in args.designs:
            print(f"\n{d}")
            print(f"{'writers':>7} {'appends/s':>9} {'x 1 writer':>10} {'CPU/append ms':>14} {'ceiling':>7} {'busy':>5} {'taken':>5} "
                  f"{'lock waits':>10} {'load':>5}")
            base = None
            for n in args.writers:
                ms = results[(d, n)]
                rate, client = statistics.median(m.rate for m in ms), statistics.median(m.client_ms for m in ms)
                server_ms = None if any(m.server_ms is None for m in ms) else statistics.median(m.server_ms for m in ms)
                base = base or rate
                # What the cores could do if they ran nothing else: cores / CPU per append.
                ceiling = "n/a" if server_ms is None else f"{1000 * os.cpu_count() / (client + server_ms):.0f}"
                counts = waits.get((d, n))
                lock = "n/a" if counts is None else f"{sum(v for k, v in counts.items() if k.startswith('Lock:')) / (sum(counts.values()) or 1):.0%}"
                print(f"{n:>7} {rate:>9.0f} {rate / base:>9.2f}x {client:>6.2f} + {_ms(server_ms, unit=False):<5} {ceiling:>7} "
                      f"{statistics.median(m.busy for m in ms):>5.0%} {statistics.median(m.moved for m in ms):>5.0%} {lock:>10} "
                      f"{statistics.median(m.load for m in ms):>5.1f}")
        if args.waits:
            print("\nwhat the writers' server processes were doing (share of samples; ClientRead = waiting for its client)")
            for (design, n), counts in sorted(waits.items()):
                total = sum(counts.values()) or 1
                top = ", ".join(f"{k} {v / total:.0%}" for k, v in counts.most_common(5))
                print(f"  {design:<22} {n:>2} writer(s): {top}")
    finally:
        if server:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
