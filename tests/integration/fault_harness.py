"""The production topology for fault tests and benchmarks, and the count that judges it.

``Topology`` runs what production runs, each as its own process: the fast, slow and
pipeline pools (``invoicepipe worker POOL``, supervised), a sweeper loop (``sweep`` every second,
as ``serve`` does) and ``invoicepipe ingest``, against a real PostgreSQL database and Redis.
A fault is injected from outside (signals, ``redis-cli``, ``pg_ctl``, the export folder),
then ``wait_settled`` counts documents in and out: every ingested document must reach a
settled state (``needs_review`` or terminal, ``approved`` still waiting for its export does
not count), none may be lost, none exported twice (delivery events and export files per
document), none left in flight.

``python -m tests.integration.fault_harness sweep-loop SECONDS`` is the sweeper process:
it keeps sweeping through broker and database outages, as a supervised service would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from invoicepipe.config import PROJECT_ROOT

SETTLED_STATES = {"exported", "rejected", "duplicate", "failed", "export_failed", "needs_review"}
IN_FLIGHT_STATES = {"received", "queued", "parsing", "extracted", "reconciling", "approved"}
INVOICEPIPE = [sys.executable, "-c", "import sys; from invoicepipe.cli import main; sys.exit(main())"]


POOLS = ("fast", "slow", "pipeline")


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def descendants_of(pid: int) -> list[int]:
    """Every process below ``pid`` (a worker's parse children and their Tesseract included)."""
    found, todo = [], children_of(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children_of(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def generate_invoices(out: Path, count: int, seed: int = 20261201, scans: int = 0) -> Path:
    """``count`` invoices with their master data (vendors, POs, receipts) under ``out``: all
    digital, or ``scans`` of them scanned (the slow pool's OCR work)."""
    shape = ["--split", f"{count - scans},{scans},0"] if scans else ["--count", str(count), "--forms", "digital"]
    subprocess.run([sys.executable, str(PROJECT_ROOT / "fixtures" / "generate.py"), "--out", str(out), *shape,
                    "--seed", str(seed)], check=True, capture_output=True, cwd=PROJECT_ROOT)
    return out


@dataclass
class Tally:
    """Documents in and out, after (or while waiting for) settling."""

    documents_in: int
    rows: int = 0
    by_state: dict = field(default_factory=dict)
    settled: int = 0
    stuck: int = 0
    exported: int = 0
    exported_twice: int = 0
    export_files: int = 0
    undelivered_outbox: int = 0

    @property
    def lost(self) -> int:
        return self.documents_in - self.rows

    @property
    def ok(self) -> bool:
        return (self.rows == self.documents_in and self.settled == self.documents_in and self.stuck == 0
                and self.exported_twice == 0 and self.undelivered_outbox == 0 and self.export_files == self.exported)

    def line(self) -> str:
        return (f"in={self.documents_in} settled={self.settled} lost={self.lost} stuck={self.stuck} "
                f"exported={self.exported} files={self.export_files} exported_twice={self.exported_twice} "
                f"undelivered={self.undelivered_outbox} states={dict(sorted(self.by_state.items()))}")


class Topology:
    """Pools, sweeper and CLI as separate processes against one database and one Redis."""

    def __init__(self, database_url: str, redis_url: str, root: Path, *, stuck_after_s: int = 4, lease_s: int = 6,
                 sweep_every_s: float = 1.0, log_dir: Optional[Path] = None, env: Optional[dict] = None):
        self.root = Path(root)
        self.var = self.root / "var"
        self.logs = log_dir or self.root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.sweep_every_s = sweep_every_s
        self.env = {**os.environ, "INVOICEPIPE_DATABASE_URL": database_url, "INVOICEPIPE_REDIS_URL": redis_url,
                    "INVOICEPIPE_VAR_DIR": str(self.var), "INVOICEPIPE_STUCK_AFTER": str(stuck_after_s),
                    "INVOICEPIPE_LEASE_SECONDS": str(lease_s), "INVOICEPIPE_SWEEP_INTERVAL": "1",
                    "INVOICEPIPE_AUDIT_KEY": "fault-suite-audit-key-0123456789abcdef", "INVOICEPIPE_LOG_LEVEL": "WARNING",
                    "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
        self.database_url = database_url
        self.procs: dict[str, subprocess.Popen] = {}
        self._engine = None

    # -- processes ---------------------------------------------------------------------
    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*INVOICEPIPE, *args], cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise RuntimeError(f"invoicepipe {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
        return done

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        out = (self.logs / f"{name}.log").open("a")
        proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_pool(self, pool: str, processes: int = 1, threads: int = 2) -> subprocess.Popen:
        return self._spawn(pool, [*INVOICEPIPE, "worker", pool, "--processes", str(processes), "--threads", str(threads)])

    def start_sweeper(self) -> subprocess.Popen:
        return self._spawn("sweeper", [sys.executable, "-m", "tests.integration.fault_harness", "sweep-loop", str(self.sweep_every_s)])

    def start(self, master: Optional[Path] = None) -> None:
        self.cli("db", "upgrade")
        if master is not None:
            for kind, name in (("vendors", "vendors.csv"), ("pos", "pos.csv"), ("receipts", "receipts.csv")):
                if (master / name).exists():
                    self.cli("load", kind, str(master / name))
        for pool in POOLS:
            self.start_pool(pool)
        self.start_sweeper()

    def pool_processes(self, pool: str) -> tuple[int, list[int]]:
        """(the dramatiq parent, its worker processes) under the pool's supervisor."""
        parents = children_of(self.procs[pool].pid)
        if not parents:
            return 0, []
        return parents[0], children_of(parents[0])

    def wait_ready(self, timeout_s: float = 60) -> None:
        for pool in POOLS:
            self.wait_pool_ready(pool, timeout_s)

    def wait_pool_ready(self, pool: str, timeout_s: float = 60) -> list[int]:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            _, workers = self.pool_processes(pool)
            if workers:
                return workers
            time.sleep(0.2)
        raise TimeoutError(f"pool {pool} has no worker process after {timeout_s}s")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        if self._engine is not None:
            self._engine.dispose()

    # -- the batch and the count -----------------------------------------------------------
    def ingest(self, folder: Path) -> subprocess.CompletedProcess:
        return self.cli("ingest", str(folder), "--channel", "portal", check=False)

    @property
    def outbox_dir(self) -> Path:
        return self.var / "outbox"

    def engine(self):
        if self._engine is None:
            from sqlalchemy import create_engine

            self._engine = create_engine(self.database_url, pool_pre_ping=True)
        return self._engine

    def tally(self, documents_in: int) -> Tally:
        from sqlalchemy import text

        with self.engine().connect() as conn:
            states = Counter({s: n for s, n in conn.execute(text("SELECT status, count(*) FROM documents GROUP BY status"))})
            delivered = Counter({d: n for d, n in conn.execute(text(
                "SELECT document_id, count(*) FROM audit_events WHERE step = 'export' AND outcome = 'delivered' GROUP BY document_id"))})
            undelivered = conn.execute(text("SELECT count(*) FROM outbox o JOIN documents d ON d.id = o.document_id "
                                             "WHERE o.delivered_at IS NULL AND d.status <> 'export_failed'")).scalar()
        files = Counter()
        if self.outbox_dir.is_dir():
            for f in self.outbox_dir.glob("*.json"):
                files[json.loads(f.read_text())["document_id"]] += 1
        twice = {d for d, n in delivered.items() if n > 1} | {d for d, n in files.items() if n > 1}
        return Tally(documents_in=documents_in, rows=sum(states.values()), by_state=dict(states),
                     settled=sum(n for s, n in states.items() if s in SETTLED_STATES),
                     stuck=sum(n for s, n in states.items() if s in IN_FLIGHT_STATES),
                     exported=states.get("exported", 0), exported_twice=len(twice),
                     export_files=sum(files.values()), undelivered_outbox=undelivered)

    def wait_settled(self, documents_in: int, timeout_s: float = 300, quiet_s: float = 0.0) -> Tally:
        """Poll until every document is settled (or ``timeout_s`` passes); returns the last count."""
        end = time.monotonic() + timeout_s
        last = None
        while time.monotonic() < end:
            try:
                last = self.tally(documents_in)
                if last.rows == documents_in and last.stuck == 0 and last.settled == documents_in:
                    return last
            except Exception:  # the database may be down in the middle of a fault
                pass
            time.sleep(0.5)
        return last or Tally(documents_in=documents_in)

    def parsing_in(self, pool: str) -> int:
        from sqlalchemy import text

        with self.engine().connect() as conn:
            return conn.execute(text("SELECT count(*) FROM documents WHERE status = 'parsing' AND pool = :p"), {"p": pool}).scalar()

    def wait_for(self, predicate, timeout_s: float = 120) -> bool:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            try:
                if predicate(self.tally(0)):
                    return True
            except Exception:
                pass
            time.sleep(0.2)
        return False


# -- faults inside the topology -----------------------------------------------------------------
def wait_mid_batch(topo: "Topology", at_least: int = 2) -> None:
    """Until a parse is running or a few documents are past it: the fault lands mid-batch."""
    topo.wait_for(lambda t: t.by_state.get("parsing", 0) >= 1
                  or sum(n for s, n in t.by_state.items() if s not in ("received", "queued")) >= at_least, 120)


def wait_pool_busy(topo: "Topology", pool: str, timeout_s: float = 180) -> bool:
    """Until ``pool`` is in the middle of its work: a parse pool holds a document in
    ``parsing``; the pipeline pool (decide, export) has done some and has more to do."""
    if pool == "pipeline":
        return topo.wait_for(lambda t: sum(n for s, n in t.by_state.items() if s not in ("received", "queued")) >= 2
                             and sum(n for s, n in t.by_state.items() if s in IN_FLIGHT_STATES) >= 2, timeout_s)
    return topo.wait_for(lambda t: topo.parsing_in(pool) >= 1, timeout_s)


@dataclass
class Kill:
    """A kill inside a pool: when, which processes got the signal, and which of those and
    of their descendants (parse children, Tesseract) were still alive after ``grace_s``."""

    at: float
    killed: list
    survivors: list


def _outliving(pids: list[int], grace_s: float) -> list[str]:
    """The processes of ``pids`` still alive after ``grace_s``, each as "pid command"."""
    end = time.monotonic() + grace_s
    while time.monotonic() < end and any(alive(p) for p in pids):
        time.sleep(0.1)
    left = [str(p) for p in pids if alive(p)]
    if not left:
        return []
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-p", ",".join(left)], capture_output=True, text=True).stdout
    return [line.strip()[:200] for line in out.splitlines()] or left


def kill_pool_workers(topo: "Topology", pool: str = "fast", grace_s: float = 20) -> Kill:
    """SIGKILL every worker child of ``pool``; everything below them must die with them.

    A parse child notices within half a second once it runs; one still starting (a spawned
    interpreter importing, seconds on a busy machine) notices when its start-up is done."""
    _, workers = topo.pool_processes(pool)
    below = [d for w in workers for d in descendants_of(w)]
    at = time.monotonic()
    killed = []
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue  # gone between the listing and the signal (a short-lived child of the parent)
        killed.append(pid)
    return Kill(at, killed, _outliving([*workers, *below], grace_s))


def kill_pool_parent(topo: "Topology", pool: str = "fast", grace_s: float = 30) -> Kill:
    """SIGKILL the pool's supervising parent; its whole tree must die with it (bounded wait)."""
    tree = descendants_of(topo.procs[pool].pid)
    at = time.monotonic()
    os.kill(topo.procs[pool].pid, signal.SIGKILL)
    topo.procs[pool].wait(10)
    return Kill(at, [topo.procs[pool].pid], _outliving(tree, grace_s))


# -- the export destination down ---------------------------------------------------------------
class ExportOutage:
    """The file-drop destination unavailable: a plain file where its folder should be (as
    root, permissions would not stop a write). ``begin`` and ``end`` mark the outage."""

    def __init__(self, topo: "Topology"):
        self.topo = topo
        self.began = self.ended = None  # wall-clock datetimes, comparable with the logs

    def begin(self) -> None:
        self.topo.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
        self.topo.outbox_dir.write_text("the share is not mounted")
        self.began = datetime.now(timezone.utc)

    def end(self) -> float:
        """Bring the destination back; returns the monotonic moment (recovery counts from it)."""
        self.topo.outbox_dir.unlink()
        self.ended = datetime.now(timezone.utc)
        return time.monotonic()


@dataclass
class ExportAttempts:
    """Failed deliveries (``export_retry`` log lines of every process) and final deliveries
    (audit events), per document, judged against the back-off each failure announced."""

    failed: dict  # document id -> [(when it failed, next_attempt_at it announced)] in time order
    delivered: dict  # document id -> when it was delivered

    @property
    def failures(self) -> int:
        return sum(len(v) for v in self.failed.values())

    def span(self) -> tuple:
        moments = [at for v in self.failed.values() for at, _ in v]
        return (min(moments), max(moments)) if moments else (None, None)

    def early(self) -> list[str]:
        """Every try made before the next-attempt time the failure before it announced."""
        found = []
        for doc, fails in self.failed.items():
            tries = [at for at, _ in fails[1:]] + ([self.delivered[doc]] if doc in self.delivered else [])
            for (failed_at, next_at), tried_at in zip(fails, tries):
                if tried_at < next_at:
                    found.append(f"document {doc}: tried at {tried_at:%H:%M:%S.%f}, before its next attempt "
                                 f"{next_at:%H:%M:%S.%f} (failed at {failed_at:%H:%M:%S.%f})")
        return found


def wait_export_failing(topo: "Topology", timeout_s: float = 240) -> bool:
    """Until a delivery has failed (an outbox row counts a failed attempt)."""
    from sqlalchemy import text

    def failing(_):
        with topo.engine().connect() as conn:
            return conn.execute(text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND attempts > 0")).scalar() > 0

    return topo.wait_for(failing, timeout_s)


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def export_attempts(topo: "Topology") -> ExportAttempts:
    from sqlalchemy import text

    failed: dict = {}
    for log in sorted(topo.logs.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if '"export_retry"' not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("event") == "export_retry":
                failed.setdefault(int(record["document_id"]), []).append((_when(record["timestamp"]), _when(record["next_attempt_at"])))
    with topo.engine().connect() as conn:
        delivered = {int(d): _when(at) for d, at in conn.execute(text(
            "SELECT document_id, min(created_at) FROM audit_events WHERE step = 'export' AND outcome = 'delivered' GROUP BY document_id"))}
    return ExportAttempts({d: sorted(v) for d, v in failed.items()}, delivered)


# -- servers, from outside ---------------------------------------------------------------------
def redis_port(redis_url: str) -> int:
    from urllib.parse import urlparse

    return urlparse(redis_url).port or 6379


def restart_redis(redis_url: str, pidfile: Path, down_s: float = 2.0) -> None:
    """``shutdown nosave`` then start it again on the same port, as scripts/test.sh does."""
    port = redis_port(redis_url)
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
    time.sleep(down_s)
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "",
                    "--appendonly", "no", "--pidfile", str(pidfile), "--logfile", str(pidfile.with_suffix(".log"))], check=True)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    raise RuntimeError(f"redis on port {port} did not come back")


def flush_redis(redis_url: str) -> None:
    subprocess.run(["redis-cli", "-p", str(redis_port(redis_url)), "flushall"], check=True, capture_output=True)


def _as_postgres(*argv: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


def stop_postgres(pg_bin: str, pg_data: str) -> None:
    subprocess.run(_as_postgres(f"{pg_bin}/pg_ctl", "-D", pg_data, "-m", "fast", "-w", "stop"), check=True, capture_output=True)


def start_postgres(pg_bin: str, pg_data: str, port: int) -> None:
    subprocess.run(_as_postgres(f"{pg_bin}/pg_ctl", "-D", pg_data, "-l", f"{pg_data}/server.log", "-o",
                                f"-p {port} -k {pg_data} -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "start"),
                   check=True, capture_output=True)


def sweep_loop(every_s: float) -> None:
    """The sweeper service: sweep, sleep, again; an outage is logged and waited out."""
    from invoicepipe.cli_common import make_app
    from invoicepipe.services.sweeper import sweep

    app = None
    while True:
        try:
            if app is None:
                app = make_app(migrate=False)
            sweep(app)
        except Exception as exc:  # database or broker down: try again next round
            print(f"sweep failed: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
        time.sleep(every_s)


if __name__ == "__main__":
    if sys.argv[1:2] == ["sweep-loop"]:
        sweep_loop(float(sys.argv[2]))
