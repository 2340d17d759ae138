"""Throughput: documents per minute and per day, CPU per document by stage and by process,
for the embedded default and the production topology, side by side on the same sets.

    .venv/bin/python benchmarks/throughput.py                     # 300 digital, 40 scans
    .venv/bin/python benchmarks/throughput.py --digital 120 --scans 12 --scale 1,2,4 --rounds 3
    .venv/bin/python benchmarks/throughput.py --multi-node       # two worker groups, own local folders
    .venv/bin/python benchmarks/throughput.py --skip production --set INVOICEPIPE_FAST_THREADS=3   # a setting for every process
    .venv/bin/python benchmarks/throughput.py --sets .tmp/throughput-sets   # generate the sets once, reuse them after

What runs, all as real processes started here (ports --port-base .. +9, default 18300):

- **embedded**: ``invoicepipe up`` (SQLite, in-process workers, parse children) and
  ``invoicepipe ingest FOLDER`` from a second process, as the README shows.
- **production**: a throwaway PostgreSQL and Redis, ``invoicepipe worker fast|slow|pipeline``
  (the README's layout: fast 2x1, slow 2x1, pipeline 1x4; ``--fast-layout`` for another
  fast pool) and ``invoicepipe ingest FOLDER``.
- **production_drop_folder**: the same with ``invoicepipe serve`` beside the pools (the
  README's production layout in full), the batch moved into its drop folder: no process is
  started per batch. docs/min are printed from the drop and from the first document stored
  (the watcher takes a file once it stayed unchanged a second: latency, not work).
- **scale-out**: the production topology with N processes in the fast and the pipeline pool
  (one thread a process in the fast pool, two in the pipeline pool) for every N of ``--scale``.

Each run feeds a few warm-up documents first, then reads the CPU times of every process
(``/proc``: each started process and all its descendants, reaped children included, the
PostgreSQL postmaster and its backends, redis-server), ingests the set, waits until every
document is settled (exported, in review, or terminal) and reads them again. docs/min is
measured from the start of the ingest to the last settled document.

The CPU by stage comes from a separate pass in this process (inline parse, SQLite):
every stage's service wrapped with a thread-CPU counter, a nested stage's time (the audit
append inside a step) taken out of its caller's; beside it the SQL statements per document
each stage ran (a ``before_cursor_execute`` listener, counted in the innermost stage). Bare
Tesseract per page renders each scan page as the OCR adapter does (200 dpi, grayscale) and
runs the ``tesseract`` program on it with ``OMP_THREAD_LIMIT=1``; the scan ratio is the
pipeline's CPU per scan page over it.

A machine reference is measured at the start and at the end of every run: bare PDFium
reading the text of the set's first documents, thread CPU per document. The same code's CPU
ms drift by a tenth between quiet periods on a shared machine; the figures over the
reference compare across runs, the figures alone only within one.

CPU times are read from ``/proc`` by hand (no psutil dependency for one benchmark).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
BIN = Path(sys.executable).parent / "invoicepipe"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DAY_MIN = 1440
TICK = os.sysconf("SC_CLK_TCK")
DONE_SQL = ("SELECT count(*) FROM documents WHERE status IN "
            "('exported','needs_review','rejected','duplicate','failed','export_failed')")
# Warm-up documents before the measured batch, fed at once: enough that every worker thread
# of every pool has run its steps (and started its parse child) before the first reading.
# With 4, fast-pool threads met their first document inside the measured window and the
# children's start (0.8-1.5 CPU s each) was charged to the measured documents.
WARMUP = 40
STAGE_WARMUP = 4  # the stage pass runs inline in one thread: no child or thread to warm
# The benchmark polls and reads the statement counts as its own role, whose statements
# (its BEGINs and ROLLBACKs too) are left out of the counts.
BENCH_ROLE = "throughput_bench"


# -- CPU from /proc ----------------------------------------------------------------------------

def _stat(pid: int) -> Optional[tuple[int, float]]:
    """(parent pid, CPU seconds of the process and its reaped children)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    # fields[1] = ppid; [11..14] = utime, stime, cutime, cstime (clock ticks)
    return int(fields[1]), sum(int(x) for x in fields[11:15]) / TICK


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds of ``roots`` and every live descendant (each counts its reaped children)."""
    parent_of, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                parent_of[int(entry)], cpu[int(entry)] = st
    total, wanted = 0.0, set(roots)
    for pid in cpu:
        p = pid
        while p and p not in wanted:
            p = parent_of.get(p)
        if p:
            total += cpu[pid]
    return total


def _task_sched(pid: int) -> tuple[float, float]:
    """(seconds on a core, seconds runnable but waiting for one) of every thread of ``pid``
    (``/proc/PID/task/*/schedstat``; nothing for a process gone meanwhile)."""
    on_cpu = waited = 0.0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0, 0.0
    for tid in tids:
        try:
            fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
        except OSError:
            continue
        on_cpu, waited = on_cpu + int(fields[0]) / 1e9, waited + int(fields[1]) / 1e9
    return on_cpu, waited


def tree_sched(root: int) -> dict[int, tuple[float, float]]:
    """pid -> (on a core, waiting for a core) seconds, for ``root`` and its live descendants.

    Why a core sat idle: a process that is runnable but waits for a core is held back by
    the machine's load (other work on a shared machine), one that is neither running nor
    waiting sleeps (no work for it, or it waits on another process or the GIL)."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))):
            parent_of[int(entry)] = st[0]
    out = {}
    for pid in parent_of:
        p = pid
        while p and p != root:
            p = parent_of.get(p)
        if p:
            out[pid] = _task_sched(pid)
    return out


def sched_summary(before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]], root: int,
                  wall: float) -> dict:
    """The started process and its children over ``wall`` seconds: cores each kept busy
    (on a core), and held back (runnable, waiting for a core), children summed. A child that
    started inside the window counts from zero."""
    def share(pids):
        on = sum(after[p][0] - before.get(p, (0.0, 0.0))[0] for p in pids)
        wait = sum(after[p][1] - before.get(p, (0.0, 0.0))[1] for p in pids)
        return {"busy": round(on / wall, 2), "waiting_for_a_core": round(wait / wall, 2)}
    children = [p for p in after if p != root and after[p][0] - before.get(p, (0.0, 0.0))[0] > 0.01 * wall]
    kids = share(children)
    # each child is one thread: what it was neither running nor waiting for a core, it
    # slept, waiting for work (or for an answer from the worker process)
    kids["idle"] = round(max(0.0, len(children) - kids["busy"] - kids["waiting_for_a_core"]), 2)
    return {"main": share([root] if root in after else []), "children": {**kids, "count": len(children)}}


def own_children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- sets ---------------------------------------------------------------------------------------

def generate(out: Path, digital: int, scans: int, seed: int, keep: Optional[Path] = None) -> dict[str, list[Path]]:
    """The sets under ``out``; with ``keep`` (``--sets``), generated there once and copied from
    there on later runs of the same counts and seed (generating 190 invoices takes longer
    than measuring them)."""
    sets = {}
    for form, count, s in (("digital", digital, seed), ("scan", scans, seed + 1)):
        if count <= 0:
            continue
        kept = keep / f"{form}-{count + WARMUP}-{s}" if keep else None
        if kept and (kept / "manifest.csv").exists():
            shutil.copytree(kept, out / form)
        else:
            subprocess.run([sys.executable, str(REPO / "fixtures" / "generate.py"), "--out", str(out / form), "--count",
                            str(count + WARMUP), "--forms", form, "--seed", str(s)], check=True, capture_output=True)
            if kept:
                shutil.copytree(out / form, kept)
        rows = list(csv.DictReader(open(out / form / "manifest.csv", encoding="utf-8")))
        sets[form] = [out / form / r["file"] for r in rows]
    return sets


def batch_folder(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)
    return folder


# -- servers ------------------------------------------------------------------------------------

def as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


class Servers:
    """A throwaway PostgreSQL and Redis on 127.0.0.1 for one production run."""

    def __init__(self, work: Path, pg_port: int, redis_port: int):
        self.dir, self.pg_port, self.redis_port = work / "pg", pg_port, redis_port

    def __enter__(self) -> "Servers":
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"])
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "server.log"), "-w", "start", "-o",
                     f"-p {self.pg_port} -c unix_socket_directories=\'\' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on "
                     "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top"])
        subprocess.run(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--daemonize", "yes",
                        "--save", "", "--appendonly", "no", "--pidfile", str(self.dir.parent / "redis.pid")], check=True,
                       capture_output=True)
        time.sleep(0.3)
        self.db_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.pg_port}/postgres"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        return self

    def pids(self) -> list[int]:
        pids = [int((self.dir / "postmaster.pid").read_text().split()[0])]
        # redis-server writes its pid file once it has daemonized: on a loaded machine that
        # can be later than the fixed pause after starting it
        redis_pid = self.dir.parent / "redis.pid"
        end = time.monotonic() + 10
        while not redis_pid.exists() and time.monotonic() < end:
            time.sleep(0.1)
        pids.append(int(redis_pid.read_text().strip()))
        return pids

    def __exit__(self, *exc) -> None:
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], capture_output=True)
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "-w", "stop"])


# -- one topology -------------------------------------------------------------------------------

class Run:
    """One topology: an environment, its long-running processes, and the database to watch."""

    def __init__(self, name: str, env: dict, db_url: str, server_pids: list[int]):
        self.name, self.env, self.db_url, self.server_pids = name, env, db_url, server_pids
        self.procs: dict[str, subprocess.Popen] = {}
        from sqlalchemy import create_engine

        self.engine = None
        self._create_engine = lambda: create_engine(db_url)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN), *args], env=self.env, check=True, capture_output=True, text=True)

    def start(self, label: str, *args: str, logs: Path) -> None:
        out = open(logs / f"{self.name}-{label}.log", "w")
        self.procs[label] = subprocess.Popen([str(BIN), *args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                             start_new_session=True, cwd=REPO)

    def done(self) -> int:
        from sqlalchemy import text

        if self.engine is None:
            self.engine = self._create_engine()
        try:
            with self.engine.connect() as conn:
                return conn.execute(text(DONE_SQL)).scalar_one()
        except Exception:  # noqa: BLE001 - the schema may not be there yet
            return 0

    def sql(self, statement: str) -> list:
        from sqlalchemy import text

        if self.engine is None:
            self.engine = self._create_engine()
        with self.engine.begin() as conn:
            result = conn.execute(text(statement))
            return result.all() if result.returns_rows else []

    def reset_statements(self) -> None:
        """Start PostgreSQL's statement counts afresh (pg_stat_statements; production only)."""
        if self.server_pids:
            self.sql("SELECT pg_stat_statements_reset()")

    def statements(self) -> list[tuple[str, int, float]]:
        """(statement, calls, server ms: planning and execution) since ``reset_statements``,
        most called first, the benchmark's own left out."""
        if not self.server_pids:
            return []
        rows = self.sql("SELECT query, calls, total_plan_time + total_exec_time FROM pg_stat_statements WHERE userid <> "
                        f"(SELECT oid FROM pg_roles WHERE rolname = '{BENCH_ROLE}') ORDER BY calls DESC")
        return [(q, int(c), float(ms)) for q, c, ms in rows]

    def redis_commands(self) -> dict[str, int]:
        """Redis's command counts so far (INFO commandstats; production only): messages
        sent, fetched and acknowledged, bells rung, counted where CPU time cannot tell a few
        per cent apart on a loaded machine. The benchmark's own INFO calls are left out."""
        if not self.env.get("INVOICEPIPE_REDIS_URL"):
            return {}
        out = subprocess.run(["redis-cli", "-u", self.env["INVOICEPIPE_REDIS_URL"], "info", "commandstats"],
                             capture_output=True, text=True).stdout
        counts = {}
        for line in out.splitlines():
            if line.startswith("cmdstat_"):
                name, fields = line[len("cmdstat_"):].split(":", 1)
                counts[name] = int(dict(f.split("=") for f in fields.split(","))["calls"])
        counts.pop("info", None)
        return counts

    def processes(self) -> dict[str, int]:
        """Live processes under each started process (itself and its parse children)."""
        parent_of = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (st := _stat(int(entry))):
                parent_of[int(entry)] = st[0]
        out = {}
        for label, proc in self.procs.items():
            count = 0
            for pid in parent_of:
                p = pid
                while p and p != proc.pid:
                    p = parent_of.get(p)
                count += bool(p)
            out[label] = count
        return out

    def states(self) -> dict[str, int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return dict(conn.execute(text("SELECT status, count(*) FROM documents GROUP BY status")).all())

    def wait_done(self, count: int, timeout: float) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.done() >= count:
                return time.monotonic()
            for label, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.name}: {label} exited with {proc.returncode}")
            time.sleep(0.25)
        raise RuntimeError(f"{self.name}: only {self.done()} of {count} documents settled in {timeout:.0f} s")

    def cpu(self) -> dict[str, float]:
        figures = {label: tree_cpu([p.pid]) for label, p in self.procs.items()}
        if self.server_pids:
            figures["postgresql"] = tree_cpu(self.server_pids[:1])
            figures["redis"] = tree_cpu(self.server_pids[1:])
        return figures

    def ingest(self, folder: Path) -> float:
        """The batch in ``folder`` into the pipeline; returns the CPU seconds of a process
        started for it (none with the drop folder: ``serve`` is one of ``procs``).

        Without ``serve``: ``invoicepipe ingest FOLDER`` in its own process, as an operator
        loads a batch by hand. With it: every file moved into the watched drop folder's
        ``portal`` channel, as a mail or portal connector delivers them (a rename within one
        file system: the watcher never sees a half-written file)."""
        if "serve" in self.procs:
            inbox = Path(self.env["INVOICEPIPE_INBOX"]) / "portal"
            inbox.mkdir(parents=True, exist_ok=True)
            for f in sorted(folder.iterdir()):
                os.replace(f, inbox / f.name)
            return 0.0
        before = own_children_cpu()
        self.cli("ingest", str(folder), "--channel", "portal")
        return own_children_cpu() - before

    def first_stored(self, after_id: int) -> Optional[datetime]:
        """When the first document after ``after_id`` was stored (UTC; the application
        writes ``created_at``, so this machine's clock on either database)."""
        rows = self.sql(f"SELECT min(created_at) FROM documents WHERE id > {int(after_id)}")
        value = rows[0][0] if rows else None
        if value is None:
            return None
        if isinstance(value, str):  # SQLite keeps the text
            value = datetime.fromisoformat(value)
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    def last_id(self) -> int:
        rows = self.sql("SELECT coalesce(max(id), 0) FROM documents")
        return int(rows[0][0])

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self.engine is not None:
            self.engine.dispose()


def measure(run: Run, files: list[Path], work: Path, timeout: float) -> dict:
    """Warm up, then ingest ``files`` at once and time them to settled; CPU by process."""
    base = run.done()
    run.ingest(batch_folder(files[:WARMUP], work / f"{run.name}-warm"))
    run.wait_done(base + WARMUP, timeout)
    time.sleep(1.0)  # let the last export's stragglers finish before the first reading
    processes_before = run.processes()
    run.reset_statements()
    redis_before = run.redis_commands()
    before = run.cpu()
    sched_before = {label: tree_sched(p.pid) for label, p in run.procs.items()}
    batch = batch_folder(files[WARMUP:], work / f"{run.name}-batch")
    last_before = run.last_id()
    t0 = time.monotonic()
    ingest_cpu = run.ingest(batch)
    t1 = run.wait_done(base + len(files), timeout)
    settled_at = datetime.now(timezone.utc)
    after = run.cpu()
    # the drop folder's watcher takes files once they stayed unchanged a while: latency, not work
    first = run.first_stored(last_before)
    stored_s = (settled_at - first).total_seconds() if first else 0.0
    sched = {label: sched_summary(sched_before[label], tree_sched(p.pid), p.pid, t1 - t0) for label, p in run.procs.items()}
    statements = run.statements()
    redis_after = run.redis_commands()
    redis_calls = {k: v - redis_before.get(k, 0) for k, v in redis_after.items() if v - redis_before.get(k, 0)}
    processes_after = run.processes()
    n = len(files) - WARMUP
    per_process = {k: (after[k] - before.get(k, after[k])) * 1000 / n for k in after}
    if "serve" not in run.procs:
        per_process["ingest"] = ingest_cpu * 1000 / n
    per_min = n / ((t1 - t0) / 60)
    return {"documents": n, "wall_s": round(t1 - t0, 2), "docs_per_min": round(per_min, 1),
            # from the first document of the batch stored to the last settled: without the
            # ingest command's start-up or the drop folder's wait for files to stay unchanged
            "wall_from_first_stored_s": round(stored_s, 2),
            "docs_per_min_from_first_stored": round(n / (stored_s / 60), 1) if stored_s > 0 else None,
            "docs_per_day": int(per_min * DAY_MIN), "cpu_ms_per_doc": round(sum(per_process.values()), 1),
            # cores kept busy by the run, all its processes together (2 = both cores of this machine)
            "cores_busy": round(sum(per_process.values()) * n / 1000 / (t1 - t0), 2),
            "cpu_ms_by_process": {k: round(v, 1) for k, v in per_process.items()}, "states": run.states(),
            # per started process, its main process and its children apart: cores kept busy and
            # cores wanted but not had (the machine's other load), over the batch's wall time
            "cores_by_process": sched,
            # a process started inside the window (a parse child) is warm-up charged to the batch
            "processes": {k: [processes_before.get(k, 0), v] for k, v in processes_after.items()},
            "sql_per_doc": round(sum(c for _, c, _ in statements) / n, 1) if statements else None,
            # the server's own time in the statements (planning + execution, pg_stat_statements):
            # the rest of PostgreSQL's CPU per document is round trips, parsing, commits
            "sql_server_ms_per_doc": round(sum(ms for _, _, ms in statements) / n, 2) if statements else None,
            "hot_sql": [[round(c / n, 2), " ".join(q.split())[:160], round(ms / n, 3)] for q, c, ms in statements if c >= n / 2],
            # Redis commands per document over the batch: idle polling counts too (bells, delay queues)
            "redis_per_doc": round(sum(redis_calls.values()) / n, 1) if redis_calls else None,
            "redis_by_command": {k: round(v / n, 2) for k, v in sorted(redis_calls.items(), key=lambda kv: -kv[1])}}


def base_env(work: Path, port_base: int, audit_key: str, settings: tuple[str, ...] = ()) -> dict:
    """The started processes' environment: none of ours inherited, but ``settings`` (``--set``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOICEPIPE_")}
    env.update(INVOICEPIPE_LOG_LEVEL="WARNING", INVOICEPIPE_AUDIT_KEY=audit_key, INVOICEPIPE_WEB_PORT=str(port_base + 1),
               INVOICEPIPE_SWEEP_INTERVAL="30", OMP_THREAD_LIMIT="1", PYTHONPATH=f"{REPO / 'src'}:{REPO}")
    env.update(item.split("=", 1) for item in settings)
    return env


def master_dir(sets_dir: Path) -> Path:
    """The generated master data: the digital set's, or the scan set's when there is no digital one."""
    return next(sets_dir / form / "master" for form in ("digital", "scan") if (sets_dir / form / "master").is_dir())


def load_master(run: Run, sets_dir: Path) -> None:
    for kind in ("vendors", "pos", "receipts"):
        run.cli("load", kind, str(master_dir(sets_dir) / f"{kind}.csv"))


@contextmanager
def embedded(work: Path, args, sets_dir: Path, audit_key: str):
    env = base_env(work, args.port_base, audit_key, tuple(args.set))
    env.update(INVOICEPIPE_VAR_DIR=str(work / "var"), INVOICEPIPE_INBOX=str(work / "inbox"))
    run = Run("embedded", env, f"sqlite:///{work / 'var' / 'invoicepipe.db'}", [])
    (work / "var").mkdir(parents=True)
    run.cli("db", "upgrade")
    load_master(run, sets_dir)
    run.start("up", "up", "--for-seconds", "100000", logs=work)
    try:
        yield run
    finally:
        run.stop()


@contextmanager
def production(work: Path, args, sets_dir: Path, audit_key: str, layout: dict, groups: int = 1, serve: bool = False):
    """PostgreSQL + Redis + the three pools (``layout``: pool -> (processes, threads)). With
    ``groups`` > 1, each group of pools has its own local folder (var dir), as separate nodes,
    and the document bytes live in the database blob store (``db:``, as compose runs it):
    no folder is shared. One group keeps the folder store of a single machine. With
    ``serve``, ``invoicepipe serve`` runs beside the pools (the README's production layout:
    web service, drop folder, sweeper) and the batches arrive through its drop folder."""
    with Servers(work, args.port_base + 3, args.port_base + 2) as servers:
        env = base_env(work, args.port_base, audit_key, tuple(args.set))
        env.update(INVOICEPIPE_DATABASE_URL=servers.db_url, INVOICEPIPE_REDIS_URL=servers.redis_url,
                   INVOICEPIPE_VAR_DIR=str(work / "node0"), INVOICEPIPE_INBOX=str(work / "node0" / "inbox"))
        if groups > 1:
            env["INVOICEPIPE_BLOB_URL"] = "db:"
        from sqlalchemy import create_engine

        run = Run("production", env, servers.db_url, servers.pids())
        run.cli("db", "upgrade")
        run.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        run.sql(f"CREATE ROLE {BENCH_ROLE} LOGIN SUPERUSER")
        run.engine.dispose()
        run.engine = create_engine(servers.db_url.replace("postgres@", f"{BENCH_ROLE}@"))
        load_master(run, sets_dir)
        try:
            for g in range(groups):
                genv = {**env, "INVOICEPIPE_VAR_DIR": str(work / f"node{g}")}
                for pool, (processes, threads) in layout.items():
                    out = open(work / f"production-{pool}-{g}.log", "w")
                    run.procs[f"{pool}" + (f"-{g}" if groups > 1 else "")] = subprocess.Popen(
                        [str(BIN), "worker", pool, "--processes", str(processes), "--threads", str(threads), "--metrics-port", "0"],
                        env=genv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
            if serve:
                run.start("serve", "serve", logs=work)
            yield run
        finally:
            run.stop()


# -- CPU by stage (one process) -----------------------------------------------------------------

class StageClock:
    """Thread CPU per stage, exclusive: time spent in a nested stage is not its caller's;
    and SQL statements per stage (each counted in the innermost stage running it)."""

    def __init__(self):
        self.ms: dict[str, float] = {}
        self.statements: dict[str, int] = {}
        self.stack: list[str] = []

    def count_statement(self, *_args) -> None:
        stage = self.stack[-1] if self.stack else "other"
        self.statements[stage] = self.statements.get(stage, 0) + 1

    def wrap(self, stage: str, fn):
        def timed(*a, **kw):
            start = time.thread_time()
            self.stack.append(stage)
            try:
                return fn(*a, **kw)
            finally:
                self.stack.pop()
                spent = (time.thread_time() - start) * 1000
                self.ms[stage] = self.ms.get(stage, 0.0) + spent
                if self.stack:
                    self.ms[self.stack[-1]] = self.ms.get(self.stack[-1], 0.0) - spent
        return timed


def stages(files: list[Path], work: Path, sets_dir: Path, database_url: Optional[str] = None) -> dict:
    """CPU ms per document by stage, inline, one document at a time through every step."""
    from dramatiq.brokers.stub import StubBroker
    from sqlalchemy import event

    from invoicepipe import actors
    from invoicepipe.adapters.db import audit as audit_db
    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings
    from invoicepipe.evaluation.e2e_run import StepRecorder, settle, step_handlers
    from invoicepipe.services import decide as decide_service
    from invoicepipe.services import ingest as ingest_service
    from invoicepipe.services import parse as parse_service
    from invoicepipe.services import triage as triage_service
    from invoicepipe.services.masterdata import load_master_data

    clock = StageClock()
    names = {"triage": "triage", "parse_fast": "parse", "parse_slow": "parse", "decide": "decide/reconcile", "export": "export"}
    saved_steps, saved_append = dict(actors.STEPS), audit_db.AuditRepository.append
    saved_deliver = decide_service.deliver_claimed
    saved_extract, saved_probe = parse_service._extract, triage_service.probe_document
    # the move to QUEUED of a document for the fast pool is one statement with its parse's
    # start (services/parse.queue_and_start_parse; start_parse before): counted under parse
    start_name = "queue_and_start_parse" if hasattr(triage_service, "queue_and_start_parse") else "start_parse"
    saved_start, saved_run = getattr(triage_service, start_name), triage_service.run_parse
    # One process runs every step, as `invoicepipe up` does: a decision that approves
    # delivers in the same call (actors.WITH_EXPORT); that delivery counts under export. A
    # triage that chooses the fast pool parses in the same call (actors.WITH_FAST_PARSE);
    # that parse counts under parse.
    composed = {**actors.WITH_EXPORT, **actors.WITH_FAST_PARSE}
    for step, stage in names.items():
        actors.STEPS[step] = clock.wrap(stage, composed.get(saved_steps[step], saved_steps[step]))
    setattr(triage_service, start_name, clock.wrap("parse", saved_start))
    triage_service.run_parse = clock.wrap("parse", saved_run)
    decide_service.deliver_claimed = clock.wrap("export", saved_deliver)
    # What `invoicepipe up` runs in its parse children, apart: "parse" and "triage" are then
    # what their steps cost the worker process itself (its GIL), the bookkeeping around them.
    parse_service._extract = clock.wrap("parse: read+extract", saved_extract)
    triage_service.probe_document = clock.wrap("triage: probe", saved_probe)
    audit_db.AuditRepository.append = clock.wrap("audit", saved_append)
    settings = Settings.from_env({"INVOICEPIPE_PARSE_ISOLATION": "inline"}, var_dir=work / "var", inbox_dir=work / "inbox",
                                 database_url=database_url or f"sqlite:///{work / 'stages.db'}", redis_url=None)
    app = bootstrap(settings, broker=StubBroker(), log_level="WARNING")
    event.listen(app.engine, "before_cursor_execute", clock.count_statement)
    try:
        for kind in ("vendors", "pos", "receipts"):
            load_master_data(app, kind, master_dir(sets_dir) / f"{kind}.csv", actor="system:bench")
        recorder = StepRecorder()
        app.enqueuer = recorder
        handlers = {step: (lambda i, s=step: actors.STEPS[s](app, i, "system:bench")) for step in step_handlers(app)}
        ingest = clock.wrap("ingest", ingest_service.ingest_bytes)
        for i, path in enumerate(files):
            if i == STAGE_WARMUP:
                clock.ms.clear()
                clock.statements.clear()
            ingest(app, path.read_bytes(), path.name, "portal", "system:bench")
            settle(recorder, handlers)
    finally:
        app.close()
        actors.STEPS.update(saved_steps)
        decide_service.deliver_claimed = saved_deliver
        parse_service._extract, triage_service.probe_document = saved_extract, saved_probe
        setattr(triage_service, start_name, saved_start)
        triage_service.run_parse = saved_run
        audit_db.AuditRepository.append = saved_append
    n = len(files) - STAGE_WARMUP
    return {"cpu_ms": {k: round(v / n, 1) for k, v in clock.ms.items()},
            "statements": {k: round(v / n, 1) for k, v in clock.statements.items()}}


# -- bare Tesseract -----------------------------------------------------------------------------

def bare_tesseract(files: list[Path], work: Path, dpi: int = 200) -> dict:
    """CPU seconds per page of the ``tesseract`` program alone on each rendered scan page."""
    import pypdfium2 as pdfium

    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    per_page, pages = [], 0
    for n, path in enumerate(files):
        pdf = pdfium.PdfDocument(path.read_bytes())
        for i in range(len(pdf)):
            image = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil()
            png = work / f"bare-{n}-{i}.png"
            image.save(png)
            before = own_children_cpu()
            subprocess.run(["tesseract", str(png), "stdout", "--dpi", str(dpi)], env=env, capture_output=True, check=True)
            per_page.append(own_children_cpu() - before)
            pages += 1
        pdf.close()
    return {"pages": pages, "cpu_ms_per_page": round(statistics.median(per_page) * 1000, 1)}


# -- the machine's own speed ---------------------------------------------------------------------

def machine_reference(files: list[Path], rounds: int = 5) -> float:
    """Thread CPU ms per document of bare PDFium reading ``files``' text (open, every page's
    text page and text), the median of ``rounds`` passes: the same work at the start and at
    the end of a run. On this shared machine the CPU ms of the same code drift by a tenth
    between quiet periods; the pipeline's figures over this one compare across runs."""
    import pypdfium2 as pdfium

    datas = [f.read_bytes() for f in files]
    passes = []
    for _ in range(rounds):
        started = time.thread_time()
        for data in datas:
            pdf = pdfium.PdfDocument(data)
            for page in pdf:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            pdf.close()
        passes.append((time.thread_time() - started) * 1000 / max(1, len(datas)))
    return round(statistics.median(passes), 3)


# -- the report ---------------------------------------------------------------------------------

def median_of(results: list[dict]) -> dict:
    """The round whose docs/min is the median (its other figures come with it)."""
    ordered = sorted(results, key=lambda r: r["docs_per_min"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["rounds_docs_per_min"] = [r["docs_per_min"] for r in results]
    return chosen


def topology_rounds(kind: str, work: Path, args, sets: dict, sets_dir: Path, key: str, form: str, **kw) -> dict:
    results = []
    for r in range(args.rounds):
        folder = work / f"{kind}-{form}-{r}-{'-'.join(f'{a}{b[0]}x{b[1]}' for a, b in kw.get('layout', {}).items()) or 'x'}"
        folder.mkdir(parents=True)
        ctx = embedded(folder, args, sets_dir, key) if kind == "embedded" else \
            production(folder, args, sets_dir, key, serve=kind == DROP_FOLDER, **kw)
        with ctx as run:
            results.append(measure(run, sets[form], folder, args.timeout))
        print(f"  {kind} {form} round {r + 1}: {results[-1]['docs_per_min']} docs/min, "
              f"{results[-1]['cpu_ms_per_doc']} CPU ms/doc", file=sys.stderr, flush=True)
    return median_of(results)


# The README's layout on this 2-core machine. The fast pool had 2 threads a process until
# 2026-12-06: four parse children and two workers on two cores cost 44-45 CPU ms per digital
# invoice against 40-41 with one thread a process, for the same docs/min (three alternated
# pairs, 600 invoices; ``--fast-layout 2x2`` runs the old one).
PRODUCTION_LAYOUT = {"fast": (2, 1), "slow": (2, 1), "pipeline": (1, 4)}
# The production layout fed through ``invoicepipe serve``'s drop folder instead of an
# ``invoicepipe ingest`` command per batch (whose start-up, about 0.5 CPU s, is the batch's)
DROP_FOLDER = "production_drop_folder"


def scale_layout(n: int) -> dict:
    # the fast pool as the production layout runs it, one thread a process (PRODUCTION_LAYOUT)
    return {"fast": (n, 1), "slow": (1, 1), "pipeline": (n, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--digital", type=int, default=300)
    ap.add_argument("--scans", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=1, help="rounds per topology; the median round is reported")
    ap.add_argument("--scale", default="1,2,4", help="worker processes per pool for the scale-out curve ('' for none)")
    ap.add_argument("--port-base", type=int, default=18300, help="web +1, Redis +2, PostgreSQL +3")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--skip", default="", help="comma list of parts to leave out: embedded,production,"
                    f"{DROP_FOLDER},stages,tesseract")
    ap.add_argument("--fast-layout", default="2x1", metavar="PROCESSESxTHREADS",
                    help="the fast pool of the production layout (default the README's 2x1)")
    ap.add_argument("--multi-node", action="store_true", help="also run two worker groups, each with its own local folder")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting for every started process, e.g. INVOICEPIPE_FAST_THREADS=3 (repeatable)")
    ap.add_argument("--sets", help="a folder to keep the generated sets in, and take them from on later runs")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    # SIGTERM unwinds like Ctrl-C, so every server and worker started here is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"load_average_start": [round(x, 1) for x in os.getloadavg()]}
    key = secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory(prefix="invoicepipe-throughput-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)  # PostgreSQL (its own user) keeps its data below
        sets_dir = work / "sets"
        sets = generate(sets_dir, args.digital, args.scans, args.seed, Path(args.sets) if args.sets else None)
        forms = [f for f in ("digital", "scan") if f in sets]
        reference = sets.get("digital", sets.get("scan", []))[:WARMUP]
        report["machine_reference_ms"] = [machine_reference(reference)]
        if "stages" not in skip:
            report["cpu_ms_by_stage"] = {f: stages(sets[f][WARMUP - STAGE_WARMUP: WARMUP + 40], work / f"stages-{f}", sets_dir)
                                         for f in forms}
        if "tesseract" not in skip and "scan" in sets:
            report["bare_tesseract"] = bare_tesseract(sets["scan"][WARMUP:], work)
        processes, threads = (int(x) for x in args.fast_layout.split("x"))
        layout = {**PRODUCTION_LAYOUT, "fast": (processes, threads)}
        report["fast_layout"] = args.fast_layout
        for kind in ("embedded", "production", DROP_FOLDER):
            if kind in skip:
                continue
            extra = {"layout": layout} if kind != "embedded" else {}
            report[kind] = {f: topology_rounds(kind, work, args, sets, sets_dir, key, f, **extra) for f in forms}
        if args.scale and "digital" in sets:
            report["scale_out"] = {}
            for n in (int(x) for x in args.scale.split(",")):
                report["scale_out"][n] = topology_rounds("production", work, args, sets, sets_dir, key, "digital",
                                                         layout=scale_layout(n))
        if args.multi_node and "digital" in sets:
            folder = work / "multi-node"
            folder.mkdir()
            with production(folder, args, sets_dir, key, scale_layout(1), groups=2) as run:
                try:
                    report["multi_node"] = measure(run, sets["digital"], folder, min(args.timeout, 180))
                except RuntimeError as exc:
                    # what a document handed to the other group met (e.g. a blob only on node0)
                    report["multi_node"] = {"error": str(exc), "states": run.states()}
        report["machine_reference_ms"].append(machine_reference(reference))
    report["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print_report(report)
    return 0


def print_report(report: dict) -> None:
    print(f"load average at start {report['load_average_start']}, at end {report['load_average_end']}; "
          f"production fast pool {report.get('fast_layout')} (processes x threads)")
    start_ref, end_ref = report["machine_reference_ms"]
    print(f"machine reference (bare PDFium text of the first {WARMUP} documents, thread CPU): {start_ref} ms per "
          f"document at the start, {end_ref} at the end; the figures below over it compare across runs")
    for kind in ("embedded", "production", DROP_FOLDER):
        for form, r in report.get(kind, {}).items():
            print(f"\n{kind} / {form}: {r['documents']} docs in {r['wall_s']} s: {r['docs_per_min']:,} docs/min = "
                  f"{r['docs_per_day']:,} docs/day (rounds {r['rounds_docs_per_min']}); CPU {r['cpu_ms_per_doc']} ms/doc, "
                  f"{r['cores_busy']} cores busy; states {r['states']}")
            print(f"  from the first document stored to the last settled: {r['wall_from_first_stored_s']} s, "
                  f"{r['docs_per_min_from_first_stored']} docs/min")
            print("  CPU ms per doc by process: " + ", ".join(f"{k} {v}" for k, v in r["cpu_ms_by_process"].items()))
            for label, sched in r.get("cores_by_process", {}).items():
                main, kids = sched["main"], sched["children"]
                print(f"  {label}: cores busy {main['busy']} (+{main['waiting_for_a_core']} waiting for a core), "
                      f"its {kids['count']} children {kids['busy']} (+{kids['waiting_for_a_core']} waiting, "
                      f"{kids.get('idle', '?')} idle)")
            print("  processes before -> after the batch: " + ", ".join(f"{k} {a}->{b}" for k, (a, b) in r["processes"].items()))
            if r.get("sql_per_doc") is not None:
                print(f"  PostgreSQL statements per doc: {r['sql_per_doc']} (pg_stat_statements), their planning and "
                      f"execution {r.get('sql_server_ms_per_doc')} ms per doc; most run (calls per doc, server ms per doc):")
                for calls, query, *ms in r["hot_sql"]:
                    print(f"    {calls:7.2f}  {ms[0] if ms else '':>6}  {query}")
            if r.get("redis_per_doc") is not None:
                print(f"  Redis commands per doc: {r['redis_per_doc']} (INFO commandstats): "
                      + ", ".join(f"{k} {v}" for k, v in r["redis_by_command"].items()))
    for form, by_stage in report.get("cpu_ms_by_stage", {}).items():
        cpu, statements = by_stage["cpu_ms"], by_stage["statements"]
        print(f"\nCPU ms per {form} doc by stage (one process, inline, SQLite), [SQL statements]: "
              + ", ".join(f"{k} {cpu.get(k, 0)} [{statements.get(k, 0)}]" for k in {**cpu, **statements})
              + f"; total {round(sum(cpu.values()), 1)} [{round(sum(statements.values()), 1)}]")
    bare = report.get("bare_tesseract")
    if bare:
        print(f"\nbare Tesseract: {bare['cpu_ms_per_page']} CPU ms per page (median of {bare['pages']} pages)")
        for kind in ("embedded", "production", DROP_FOLDER):
            scan = report.get(kind, {}).get("scan")
            if scan:
                # the bare figure is over the same batch's pages: CPU per doc x docs / pages
                per_page = scan["cpu_ms_per_doc"] * scan["documents"] / max(1, bare["pages"])
                print(f"  {kind}: {per_page:.0f} CPU ms per scan page, {per_page / bare['cpu_ms_per_page']:.2f}x bare Tesseract")
    if report.get("scale_out"):
        print("\nscale-out (production, N processes in the fast pool, 1 thread each, and in the pipeline pool, 2 each):")
        for n, r in report["scale_out"].items():
            print(f"  {n}: {r['docs_per_min']:,} docs/min ({r['docs_per_day']:,}/day), CPU {r['cpu_ms_per_doc']} ms/doc")
    if report.get("multi_node"):
        print(f"\nmulti-node (two worker groups, own local folders, blobs in the database): {report['multi_node']}")


if __name__ == "__main__":
    raise SystemExit(main())
