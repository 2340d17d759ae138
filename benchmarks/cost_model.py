"""The cost model: CPU and money per invoice by capture form, and invoices per core per day.

Generated invoices of each form (digital PDFs, scans, phone photos of the digital ones) go
through the whole pipeline in this process, one at a time, interleaved form by form so a
busy machine weighs on every form alike: ingest, triage, parse (inline: the parse child's
CPU would otherwise be hidden in another process), decide, export. For each invoice it
records the process's CPU (plus any reaped child's, a ``tesseract`` program) and what the
cost ledger metered for its engine calls; it prints medians per form.

    .venv/bin/python benchmarks/cost_model.py --count 8
    .venv/bin/python benchmarks/cost_model.py --count 8 --core-hour-price 0.04 --json

Invoices per core per day = 86,400 s / the median CPU seconds of one invoice. Cost per
invoice = that CPU in core-hours x ``--core-hour-price`` (what a core-hour costs you; the
default is an assumption to replace) + the engines' money per call from the policy.
The first invoice of each form warms the process up (model loads, imports) and is left out.
``--no-edge`` photographs the pages close up on a white table (``photo_set.py --no-edge``):
no page outline is found, so the photo figure is that of the text-only straightening.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
FORMS = ("digital", "scan", "photo")
DAY_S = 86_400


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _generate(out: Path, count: int, seed: int, no_edge: bool = False) -> dict[str, list[Path]]:
    py = sys.executable
    subprocess.run([py, str(REPO / "fixtures" / "generate.py"), "--out", str(out / "digital"), "--count", str(count + 1),
                    "--forms", "digital", "--seed", str(seed)], check=True, capture_output=True)
    subprocess.run([py, str(REPO / "fixtures" / "generate.py"), "--out", str(out / "scan"), "--count", str(count + 1),
                    "--forms", "scan", "--seed", str(seed + 1)], check=True, capture_output=True)
    subprocess.run([py, str(REPO / "benchmarks" / "photo_set.py"), str(out / "digital"), str(out / "photo")]
                   + (["--no-edge"] if no_edge else []), check=True, capture_output=True)
    files = {}
    for form in FORMS:
        rows = list(csv.DictReader(open(out / form / "manifest.csv", encoding="utf-8")))
        files[form] = [out / form / r["file"] for r in rows][: count + 1]
    return files


def _app(work: Path):
    from dramatiq.brokers.stub import StubBroker

    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings

    settings = Settings.from_env({"INVOICEPIPE_PARSE_ISOLATION": "inline"}, var_dir=work / "var", inbox_dir=work / "inbox",
                                 database_url=f"sqlite:///{work / 'cost.db'}", redis_url=None)
    return bootstrap(settings, broker=StubBroker(), log_level="WARNING")


def run(count: int, seed: int, price: float, no_edge: bool = False) -> dict:
    from invoicepipe.evaluation.e2e_run import StepRecorder, settle, step_handlers
    from invoicepipe.services.ingest import ingest_bytes
    from invoicepipe.services.masterdata import load_master_data

    with tempfile.TemporaryDirectory(prefix="invoicepipe-cost-") as tmp:
        work = Path(tmp)
        files = _generate(work / "sets", count, seed, no_edge)
        app = _app(work)
        try:
            for kind in ("vendors", "pos", "receipts"):
                load_master_data(app, kind, work / "sets" / "digital" / "master" / f"{kind}.csv", actor="system:bench")
            recorder = StepRecorder()
            app.enqueuer = recorder
            handlers = step_handlers(app)
            samples: dict[str, list[dict]] = {f: [] for f in FORMS}
            for i in range(count + 1):
                for form in FORMS:  # interleaved: the machine's load falls on every form alike
                    if i >= len(files[form]):
                        continue
                    path = files[form][i]
                    cpu0, wall0 = _cpu(), time.perf_counter()
                    doc = ingest_bytes(app, path.read_bytes(), path.name, "scan" if form != "digital" else "portal",
                                       "system:bench").documents[0]
                    errors = settle(recorder, handlers)
                    cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
                    with app.uow.begin() as tx:
                        spent = tx.costs.document_spent(doc["id"])
                        entries = tx.costs.entries(doc["id"])
                        status = tx.documents.get(doc["id"]).status.value
                    if i == 0:
                        continue  # warm-up
                    engines: dict[str, float] = {}
                    for e in entries:
                        for name, s in (e["engines"] or {}).items():
                            engines[name] = engines.get(name, 0.0) + s["cpu_seconds"]
                    samples[form].append({"file": path.name, "cpu_s": cpu, "wall_s": wall, "engine_cpu_s": spent.cpu_seconds,
                                          "engine_calls": spent.calls, "money": spent.cost, "engines": engines,
                                          "status": status, "errors": errors})
        finally:
            app.close()
    forms = {}
    for form, rows in samples.items():
        if not rows:
            continue
        cpu = statistics.median(r["cpu_s"] for r in rows)
        money = statistics.median(r["money"] for r in rows)
        forms[form] = {
            "invoices": len(rows), "median_cpu_s": round(cpu, 3), "median_wall_s": round(statistics.median(r["wall_s"] for r in rows), 3),
            "median_engine_cpu_s": round(statistics.median(r["engine_cpu_s"] for r in rows), 3),
            "median_engine_calls": statistics.median(r["engine_calls"] for r in rows),
            "invoices_per_core_day": int(DAY_S / cpu) if cpu else None,
            "cost_per_invoice": round(cpu / 3600 * price + money, 6),
            "statuses": sorted({r["status"] for r in rows}), "step_errors": sum(1 for r in rows if r["errors"]),
        }
    base = forms.get("digital", {}).get("median_cpu_s")
    for form, f in forms.items():
        f["cpu_ratio_to_digital"] = round(f["median_cpu_s"] / base, 1) if base else None
    load = os.getloadavg()[0]
    return {"core_hour_price": price, "load_average_1m": round(load, 1), "forms": forms,
            "samples": {f: rows for f, rows in samples.items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=8, help="invoices per form (one more is generated for warm-up)")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--core-hour-price", type=float, default=0.04, help="what one core-hour costs (default 0.04, an assumption)")
    ap.add_argument("--no-edge", action="store_true", help="photos without a visible page edge (photo_set.py --no-edge)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    report = run(args.count, args.seed, args.core_hour_price, args.no_edge)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    print(f"load average {report['load_average_1m']}; a core-hour at {args.core_hour_price}")
    print(f"{'form':<8} {'n':>3} {'CPU s/inv':>10} {'engines s':>10} {'calls':>6} {'wall s':>8} {'inv/core/day':>13} "
          f"{'cost/inv':>10} {'x digital':>9}")
    for form, f in report["forms"].items():
        print(f"{form:<8} {f['invoices']:>3} {f['median_cpu_s']:>10.3f} {f['median_engine_cpu_s']:>10.3f} {f['median_engine_calls']:>6} "
              f"{f['median_wall_s']:>8.2f} {f['invoices_per_core_day'] or 0:>13,} {f['cost_per_invoice']:>10.6f} "
              f"{f['cpu_ratio_to_digital'] or 0:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
