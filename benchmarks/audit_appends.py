"""Audit appends per second on PostgreSQL with 1, 2, 4, 8 concurrent writers: one head row vs partitions.

Each writer is its own process with its own connection and appends one event per
transaction, as the pipeline does (a state change and its event commit together), for
``--seconds`` per measurement. Two designs, on the same server and the same table shape:

- **one head row** (the design before migration 0007): every append locks the single head
  row (``SELECT … FOR UPDATE``), inserts the event chained with sha256, moves the head and
  commits, so appends are serialised across all writers, commit included;
- **16 keyed partitions** (now): ``AuditRepository.append`` itself. An event locks the head
  of its document's partition (here random document ids) or, if another writer holds it,
  the next free one, and is chained there with HMAC-SHA256 under the audit key; event and
  head are written in one statement.

Without ``--database-url`` it starts a throwaway PostgreSQL (``initdb`` + ``pg_ctl`` from
/usr/lib/postgresql/*/bin, as the ``postgres`` user when run as root) on a free port and
removes it afterwards; ``--fsync on`` (default) makes commits durable as in production,
``--fsync off`` is how ``scripts/test.sh`` runs its server. Figures are medians of
``--rounds`` rounds; the designs alternate within each round, so both see the same load.

    .venv/bin/python benchmarks/audit_appends.py [--rounds 3] [--seconds 3] [--writers 1 2 4 8] [--fsync on|off]

Measured 2026-12-01 on the shared 2-core development machine (PostgreSQL 15, 3 s per
measurement; other test suites were running, load average 3.5-7, so read ratios, not
absolutes):

    fsync on, median of 5 rounds               fsync off, median of 3 rounds
    writers  one head row  16 partitions       writers  one head row  16 partitions
    1        447           365    (0.8x)       1        899           1033   (1.1x)
    2        198           453    (2.3x)       2        776           1056   (1.4x)
    4        180           510    (2.8x)       4        351            523   (1.5x)
    8        236           293    (1.2x)       8        421            693   (1.6x)

With durable commits the single head row is held through every commit's WAL flush, so one
writer appends at a time whatever their number (flat or falling); with partitions the
writers' commits overlap and appends/s rise with writers up to 4. At 8 writers (8 clients
and 8 server processes on two cores shared with other work) the machine, not the lock, is
the limit: sampled during an 8-writer run, one-head-row backends waited on a row lock in
42 % of the samples, partitioned ones never (they waited for their clients and the WAL
flush). Single rounds varied a lot (1 writer: 240-800/s for both designs, as the disk's
flush time varied); an earlier 3-round run with fsync on gave 166/196, 228/303, 232/658,
207/353. With fsync off an append is pure CPU; the partitions win at every writer count,
but two busy cores leave little room to rise.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sqlalchemy import create_engine, text  # noqa: E402

from invoicepipe.adapters.db.audit import AuditEvent  # noqa: E402
from invoicepipe.adapters.db.migrate import upgrade  # noqa: E402
from invoicepipe.adapters.db.uow import UnitOfWork  # noqa: E402
from invoicepipe.domain.audit import canonical_json, legacy_event_hash  # noqa: E402

KEY = b"benchmark-key-" + b"k" * 32
DESIGNS = ("one head row", "16 partitions")

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


def writer(url: str, design: str, start_at: float, seconds: float, seed: int, out) -> None:
    import random

    rnd = random.Random(seed)
    engine = create_engine(url, pool_size=1, max_overflow=0)
    uow = UnitOfWork(engine, KEY)
    with engine.connect():
        pass  # connected before the clock starts
    time.sleep(max(0.0, start_at - time.time()))
    end, done, i = start_at + seconds, 0, 0
    while time.time() < end:
        i += 1
        ev = event(i, rnd.randint(1, 100_000))
        if design == DESIGNS[0]:
            with engine.begin() as conn:
                old_append(conn, ev)
        else:
            with uow.begin() as tx:
                tx.audit.append(ev)
        done += 1
    engine.dispose()
    out.put(done)


def measure(url: str, design: str, writers: int, seconds: float) -> float:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0 + 0.1 * writers  # every writer connected and waiting
    procs = [ctx.Process(target=writer, args=(url, design, start_at, seconds, 1000 * writers + n, out)) for n in range(writers)]
    for p in procs:
        p.start()
    total = sum(out.get(timeout=seconds + 60) for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """initdb + pg_ctl in a temp folder; PostgreSQL refuses to run as root, so then as `postgres`."""

    def __init__(self, fsync: bool = True):
        self.fsync = fsync
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
        if not bins:
            raise SystemExit("no PostgreSQL under /usr/lib/postgresql: pass --database-url")
        self.bin = bins[-1]
        self.folder = Path(tempfile.mkdtemp(prefix="invoicepipe-bench-pg-"))
        self.data = self.folder / "pg"
        self.port = free_port()
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("INVOICEPIPE_BENCH_DATABASE_URL"),
                        help="a scratch PostgreSQL database (default: start a throwaway server)")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fsync", choices=["on", "off"], default="on",
                        help="the throwaway server's fsync: on (default, durable commits as in production) or off (as scripts/test.sh)")
    args = parser.parse_args()
    server = None if args.database_url else ThrowawayPostgres(fsync=args.fsync == "on")
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
        results: dict[tuple[str, int], list[float]] = {}
        for r in range(args.rounds):
            for n in args.writers:
                for design in DESIGNS:
                    rate = measure(url, design, n, args.seconds)
                    results.setdefault((design, n), []).append(rate)
                    print(f"round {r + 1}: {design:<14} {n} writer(s): {rate:7.0f} appends/s", flush=True)
        load = os.getloadavg()[0]
        print(f"\nmedian appends/s on PostgreSQL ({args.rounds} rounds x {args.seconds:g} s; load average {load:.1f} on {os.cpu_count()} cores)")
        print(f"{'writers':>7}  {DESIGNS[0]:>14}  {DESIGNS[1]:>14}  {'ratio':>6}")
        for n in args.writers:
            old, new = (statistics.median(results[(d, n)]) for d in DESIGNS)
            print(f"{n:>7}  {old:>14.0f}  {new:>14.0f}  {new / old:>5.1f}x")
    finally:
        if server:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
