"""The production topology for fault tests and benchmarks, and the count that judges it.

``Topology`` runs what production runs, each as its own process: the fast and pipeline
pools (``invoicepipe worker POOL``, supervised), a sweeper loop (``sweep`` every second,
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
from pathlib import Path
from typing import Optional

from invoicepipe.config import PROJECT_ROOT

SETTLED_STATES = {"exported", "rejected", "duplicate", "failed", "export_failed", "needs_review"}
IN_FLIGHT_STATES = {"received", "queued", "parsing", "extracted", "reconciling", "approved"}
INVOICEPIPE = [sys.executable, "-c", "import sys; from invoicepipe.cli import main; sys.exit(main())"]


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def generate_invoices(out: Path, count: int, seed: int = 20261201) -> Path:
    """``count`` digital invoices with their master data (vendors, POs, receipts) under ``out``."""
    subprocess.run([sys.executable, str(PROJECT_ROOT / "fixtures" / "generate.py"), "--out", str(out), "--count", str(count),
                    "--forms", "digital", "--seed", str(seed)], check=True, capture_output=True, cwd=PROJECT_ROOT)
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
                 sweep_every_s: float = 1.0, log_dir: Optional[Path] = None):
        self.root = Path(root)
        self.var = self.root / "var"
        self.logs = log_dir or self.root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.sweep_every_s = sweep_every_s
        self.env = {**os.environ, "INVOICEPIPE_DATABASE_URL": database_url, "INVOICEPIPE_REDIS_URL": redis_url,
                    "INVOICEPIPE_VAR_DIR": str(self.var), "INVOICEPIPE_STUCK_AFTER": str(stuck_after_s),
                    "INVOICEPIPE_LEASE_SECONDS": str(lease_s), "INVOICEPIPE_SWEEP_INTERVAL": "1",
                    "INVOICEPIPE_AUDIT_KEY": "fault-suite-audit-key-0123456789abcdef", "INVOICEPIPE_LOG_LEVEL": "WARNING",
                    "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(PROJECT_ROOT)}
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
        self.start_pool("fast")
        self.start_pool("pipeline")
        self.start_sweeper()

    def pool_processes(self, pool: str) -> tuple[int, list[int]]:
        """(the dramatiq parent, its worker processes) under the pool's supervisor."""
        parents = children_of(self.procs[pool].pid)
        if not parents:
            return 0, []
        return parents[0], children_of(parents[0])

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


def kill_pool_workers(topo: "Topology", pool: str = "fast") -> tuple[float, list[int]]:
    """SIGKILL every worker child of ``pool``; the moment of the fault and the pids killed."""
    _, workers = topo.pool_processes(pool)
    at = time.monotonic()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return at, workers


def kill_pool_parent(topo: "Topology", pool: str = "fast") -> tuple[float, list[int]]:
    """SIGKILL the pool's supervising parent, wait (bounded) for its processes to die with it,
    and return the moment of the fault and any that outlived it."""
    dramatiq_parent, workers = topo.pool_processes(pool)
    at = time.monotonic()
    os.kill(topo.procs[pool].pid, signal.SIGKILL)
    topo.procs[pool].wait(10)
    end = time.monotonic() + 30
    while time.monotonic() < end and any(alive(p) for p in [dramatiq_parent, *workers]):
        time.sleep(0.1)
    return at, [p for p in [dramatiq_parent, *workers] if alive(p)]


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
