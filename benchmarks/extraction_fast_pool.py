"""The fast pool's CPU per digital invoice, the parse step as a fast worker thread runs it:
SQLite, the parse in a live child process (``ChildProcessRunner``, as in production), one
document at a time.

    .venv/bin/python benchmarks/extraction_fast_pool.py [--count 40] [--seed 7] [--rounds 3] [--json]

Per digital invoice, after 4 warm-up invoices (which also start the parse child):

- **worker**: the thread CPU of the parse step in the calling thread (its transactions,
  pickling arguments to the child and results back, waiting is not CPU);
- **child**: the parse child's CPU (``/proc/PID/stat``: the reading, extraction and content
  print, and unpickling/pickling its side of each call);
- **statements**: SQL statements the parse step ran (a ``before_cursor_execute`` listener);
- **calls**: round trips to the child.

``--in-process N`` runs only the child's side for the first N invoices, in this process
and without a database: ``parse_document`` with every message to or from the child (the
call, the question, the answer, the result) pickled and unpickled as the pipe does. It
is meant for ``valgrind --tool=callgrind``, whose instruction counts hold on a loaded
machine where CPU times do not: run it for two values of N and divide the difference by
the difference of N (the imports cancel out).

Ingest and triage run first for each document and are not counted. Each round is a fresh
database; the median round (by worker + child) is printed, with every round's totals.
The machine is shared: alternate runs of the code before and after a change and compare
medians; no assertions (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
TICK = os.sysconf("SC_CLK_TCK")
WARMUP = 4


def process_cpu_s(pid: int) -> float:
    """utime + stime of one process (not its children), from ``/proc``."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children_cpu_s(runner) -> float:
    total = 0.0
    for child in list(runner._all):  # noqa: SLF001 - a benchmark reads the runner's children
        try:
            total += process_cpu_s(child.process.pid)
        except (OSError, ValueError):
            pass
    return total


def generate(out: Path, count: int, seed: int) -> list[Path]:
    subprocess.run([sys.executable, str(REPO / "fixtures" / "generate.py"), "--out", str(out), "--count", str(count + WARMUP),
                    "--forms", "digital", "--seed", str(seed)], check=True, capture_output=True)
    rows = list(csv.DictReader(open(out / "manifest.csv", encoding="utf-8")))
    return [out / r["file"] for r in rows]


def one_round(files: list[Path], master: Path, work: Path) -> dict:
    from dramatiq.brokers.stub import StubBroker
    from sqlalchemy import event

    from invoicepipe import actors
    from invoicepipe.adapters.parse_isolation import ChildProcessRunner
    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings
    from invoicepipe.evaluation.e2e_run import StepRecorder
    from invoicepipe.services import ingest as ingest_service
    from invoicepipe.services.masterdata import load_master_data

    settings = Settings.from_env({"INVOICEPIPE_PARSE_ISOLATION": "process"}, var_dir=work / "var", inbox_dir=work / "inbox",
                                 database_url=f"sqlite:///{work / 'fast.db'}", redis_url=None)
    app = bootstrap(settings, broker=StubBroker(), log_level="WARNING")
    runner = app.parse_runner
    assert isinstance(runner, ChildProcessRunner), "the benchmark needs the child-process runner"
    counting = {"on": False, "statements": 0, "calls": 0}

    def count_statement(*_args):
        if counting["on"]:
            counting["statements"] += 1

    event.listen(app.engine, "before_cursor_execute", count_statement)
    run = runner.run

    def counted_run(*a, **kw):
        counting["calls"] += counting["on"]
        return run(*a, **kw)

    runner.run = counted_run
    worker_s = child_s = 0.0
    parsed = 0
    try:
        for kind in ("vendors", "pos", "receipts"):
            load_master_data(app, kind, master / f"{kind}.csv", actor="system:bench")
        recorder = StepRecorder()
        app.enqueuer = recorder
        for i, path in enumerate(files):
            ingest_service.ingest_bytes(app, path.read_bytes(), path.name, "portal", "system:bench")
            measured = i >= WARMUP
            # ingest sends triage, triage sends the parse; what the parse sends (decide) is left
            while recorder.pending:
                step, doc_id = recorder.pending.popleft()
                if step == "triage":
                    actors.STEPS[step](app, doc_id, "system:bench")
                elif step.startswith("parse"):
                    counting["on"] = measured
                    child_before, start = children_cpu_s(runner), time.thread_time()
                    actors.STEPS[step](app, doc_id, "system:bench")
                    if measured:
                        worker_s += time.thread_time() - start
                        child_s += children_cpu_s(runner) - child_before
                        parsed += 1
                    counting["on"] = False
    finally:
        app.close()
    n = max(1, parsed)
    return {"worker_ms": round(worker_s * 1000 / n, 1), "child_ms": round(child_s * 1000 / n, 1),
            "total_ms": round((worker_s + child_s) * 1000 / n, 1),
            "statements": round(counting["statements"] / n, 1), "calls": round(counting["calls"] / n, 2), "parsed": parsed}


def in_process(files: list[Path], master: Path) -> None:
    """The child's side of each parse, each message pickled as the pipe does (see above)."""
    import pickle

    from invoicepipe.adapters import readers
    from invoicepipe.domain.policy import ParseLimits
    from invoicepipe.evaluation.corpus import load_corpus
    from invoicepipe.services.parse_work import parse_document

    def wire(message):
        return pickle.loads(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def ask(vendor_id):
        wire(("ask", vendor_id))
        return wire(("answer", (None, [])))[1]  # no layout memory, no purchase orders

    vendors = list(load_corpus(master.parent).vendors or ())
    for path in files:
        _, fn, args = wire(("call", parse_document, (path.read_bytes(), "application/pdf", 40, ParseLimits(), vendors, None, None)))
        wire(("ok", fn(readers, *args, ask=ask)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="measured digital invoices per round")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--in-process", type=int, metavar="N", help="only the child's side of N invoices (for callgrind)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="invoicepipe-fastpool-") as tmp:
        work = Path(tmp)
        files = generate(work / "set", args.count, args.seed)
        if args.in_process is not None:
            in_process(files[WARMUP:WARMUP + args.in_process], work / "set" / "master")
            return 0
        rounds = []
        for r in range(args.rounds):
            (work / f"r{r}").mkdir()
            rounds.append(one_round(files, work / "set" / "master", work / f"r{r}"))
    chosen = sorted(rounds, key=lambda x: x["total_ms"])[len(rounds) // 2]
    out = {"invoices": args.count, "load": round(os.getloadavg()[0], 1), "median_round": chosen,
           "rounds_total_ms": [x["total_ms"] for x in rounds],
           "median_worker_ms": statistics.median(x["worker_ms"] for x in rounds),
           "median_child_ms": statistics.median(x["child_ms"] for x in rounds)}
    if args.json:
        print(json.dumps(out))
        return 0
    m = chosen
    print(f"fast pool, parse step, {args.count} digital invoices, {args.rounds} rounds, load {out['load']}")
    print(f"CPU ms per invoice (median round): worker {m['worker_ms']}  child {m['child_ms']}  total {m['total_ms']}")
    print(f"statements per invoice {m['statements']}, calls to the child {m['calls']}")
    print(f"rounds total ms: {out['rounds_total_ms']}; median worker {out['median_worker_ms']}, child {out['median_child_ms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
