"""Pool isolation: does a flood of scanned documents hold up born-digital invoices?

Runs two worker topologies side by side against its own redis-server (free 127.0.0.1 port)
and a fresh SQLite database per topology in a temp folder (or ``--database-url``, a scratch
PostgreSQL database): "two pools" (production: separate fast, slow and pipeline process
groups) and "one shared pool" (one process group on all three queues, same number of worker
slots). For each it feeds digital invoices one at a time and times ingest -> settled, first
on idle workers, then right after a flood of image-only scans (OCR, slow pool), and prints
p50/p95 and the flood/idle ratios. Run from the project root:
``.venv/bin/python benchmarks/pool_isolation.py [--digital 15 --scans 40 --repeat 1
--slow-nice 0 --json]``. Figures are wall-clock on a shared machine: read the load average
printed with them. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
import redis
from PIL import Image, ImageChops, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import create_engine, text

from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import SETTLED
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.masterdata import load_master_data

ROOT = Path(__file__).resolve().parents[1]
SETTLED_VALUES = sorted(s.value for s in SETTLED)
POLL_S = 0.01
VENDORS = ["Northwind Office Supplies GmbH", "Acme Industrial Parts Ltd", "Bluebird Logistics BV", "Contoso Facility Services"]


def invoice_pdf(number: str, rng: random.Random) -> bytes:
    """A one-page born-digital invoice; number and amounts vary so every file's bytes differ."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    _, h = A4
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, h - 60, rng.choice(VENDORS))
    c.setFont("Helvetica", 10)
    head = [f"Invoice Number: {number}", f"Invoice Date: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"PO Number: PO-{rng.randint(10000, 99999)}", "Currency: EUR"]
    for i, line in enumerate(head):
        c.drawString(50, h - 110 - 15 * i, line)
    y, net = h - 200, 0
    for x, label in ((50, "Description"), (330, "Qty"), (390, "Unit price"), (480, "Amount")):
        c.drawString(x, y, label)
    for i in range(rng.randint(2, 6)):
        qty, cents = rng.randint(1, 20), rng.randint(100, 20000)  # integer cents: totals add up exactly
        net += qty * cents
        y -= 16
        c.drawString(50, y, f"Item {rng.randint(100, 999)} service pack {i + 1}")
        for x, value in ((350, str(qty)), (440, f"{cents / 100:.2f}"), (530, f"{qty * cents / 100:.2f}")):
            c.drawRightString(x, y, value)
    tax = round(net * 0.19)
    for label, value in (("Subtotal", net), ("VAT", tax), ("Invoice Total", net + tax)):
        y -= 18
        c.drawString(390, y, label)
        c.drawRightString(530, y, f"{value / 100:.2f}")
    c.drawString(50, y - 40, f"IBAN: DE{rng.randint(10, 99)} 3704 0044 0532 0130 00")
    c.save()
    return buf.getvalue()


def scan_pdf(number: str, rng: random.Random) -> bytes:
    """An image-only PDF: the invoice rendered at 200 dpi, skewed, noisy, as a JPEG page."""
    doc = pdfium.PdfDocument(invoice_pdf(number, rng))
    img = doc[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    img = img.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BICUBIC, fillcolor=250)
    noise = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1])).point(lambda v: v // 12)
    img = ImageChops.subtract(img, noise).filter(ImageFilter.GaussianBlur(0.6))
    jpeg = io.BytesIO()
    img.save(jpeg, "JPEG", quality=80)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, *A4)  # no text layer: triage sends it slow
    c.save()
    return buf.getvalue()


def documents(tag: str, seed: int, digital: int, scans: int) -> dict[str, list[tuple[str, bytes]]]:
    """Warm-up, idle, flood-time digital invoices and the scans, as (filename, bytes)."""
    def make(kind, phase, n):  # seeded by round and phase: same pages whatever the tag
        rng = random.Random(f"{seed}:{phase}")
        return [(f"{tag}{phase}-{i:03d}.pdf", kind(f"INV-{tag}{phase}-{i:03d}", rng)) for i in range(n)]
    return {"warm": make(invoice_pdf, "W", 1) + make(scan_pdf, "X", 1), "idle": make(invoice_pdf, "I", digital),
            "flood": make(invoice_pdf, "F", digital), "scans": make(scan_pdf, "S", scans)}


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:  # a free port; the tiny race with other programs is acceptable here
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.02)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def topologies(slow_nice: int) -> dict[str, list[dict]]:
    """Worker process groups per topology: both have 4 worker slots (threads) in total."""
    nice = ["nice", "-n", str(slow_nice)] if slow_nice else []
    return {
        "two pools": [dict(name="fast", module="workers.fast", processes=1, threads=1),
                      dict(name="slow", module="workers.slow", processes=1, threads=1, prefix=nice),
                      dict(name="pipeline", module="workers.pipeline", processes=1, threads=2)],
        "one shared pool": [dict(name="shared", module="shared_pool_worker", processes=1, threads=4)],
    }


def describe(groups: list[dict]) -> str:
    return ", ".join(f"{g['name']} {g['processes']}x{g['threads']}" + (f" ({' '.join(g['prefix'])})" if g.get("prefix") else "")
                     for g in groups)


def start_workers(groups: list[dict], env: dict, logs: Path) -> list[subprocess.Popen]:
    procs = []
    for g in groups:
        cmd = [*g.get("prefix", []), sys.executable, "-m", "dramatiq", g["module"], "--processes", str(g["processes"]),
               "--threads", str(g["threads"]), "--path", str(ROOT), str(ROOT / "benchmarks")]
        with open(logs / f"{g['name']}.log", "ab") as log:
            # Own session so the whole group (dramatiq parent, its children, tesseract) can be stopped.
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log))
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)  # Dramatiq finishes the running task, requeues prefetched ones
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


class Poller:
    """Reads document states on its own plain engine: the app's SQLite engine begins every
    transaction IMMEDIATE (a write lock), which polling must not take from the workers."""

    def __init__(self, url: str, procs: list[subprocess.Popen]):
        self.engine, self.procs = create_engine(url), procs

    def unsettled(self, ids: list[int]) -> int:
        with self.engine.connect() as conn:
            q = text("SELECT count(*) FROM documents WHERE id IN (%s) AND status NOT IN (%s)"
                     % (",".join(map(str, ids)), ",".join(f"'{v}'" for v in SETTLED_VALUES)))
            return conn.execute(q).scalar_one()

    def wait(self, ids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.unsettled(ids):
            exited = [f"{p.args[p.args.index('dramatiq') + 1]} exited with {p.returncode}" for p in self.procs if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                raise RuntimeError(f"documents {ids} not settled: {'; '.join(exited) or f'timeout after {timeout:.0f} s'}")
            time.sleep(POLL_S)

    def statuses(self, ids: list[int]) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT status, pool, count(*) FROM documents WHERE id IN (%s) GROUP BY status, pool"
                                     % ",".join(map(str, ids))))
            return {f"{s}/{p}": n for s, p, n in rows}


def ingest(app, docs) -> list[int]:
    return [ingest_bytes(app, data, name, "portal", "bench").documents[0]["id"] for name, data in docs]


def feed(app, poller: Poller, docs, timeout: float, flood: list[int] = ()) -> tuple[list[float], list[int], int]:
    """One document at a time, ingest -> settled: the latency an uploader sees. Also counts
    the documents that settled while some of ``flood`` was still unsettled."""
    latencies, ids, during = [], [], 0
    for name, data in docs:
        t0 = time.perf_counter()
        ids += ingest(app, [(name, data)])
        poller.wait(ids[-1:], timeout)
        latencies.append(time.perf_counter() - t0)
        during += bool(flood) and poller.unsettled(flood) > 0
    return latencies, ids, during


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def run_topology(label, groups, base: Path, redis_url: str, database_url, docs: dict, args) -> dict:
    var = base / label.replace(" ", "-")
    var.mkdir(parents=True)
    url = database_url or f"sqlite:///{var / 'invoicepipe.db'}"
    env = {**os.environ, "INVOICEPIPE_VAR_DIR": str(var), "INVOICEPIPE_DATABASE_URL": url, "INVOICEPIPE_REDIS_URL": redis_url,
           "INVOICEPIPE_INBOX": str(var / "inbox"), "OMP_THREAD_LIMIT": "1", "INVOICEPIPE_LOG_LEVEL": "INFO"}
    redis.Redis.from_url(redis_url).flushall()
    app = bootstrap(Settings.from_env(env), migrate=True, log_level="WARNING")  # the schema first, then the workers
    # Known vendors: the invoices then route to auto and take the whole path, reconcile included.
    (var / "vendors.json").write_text(json.dumps([{"vendor_id": f"V{i + 1:03d}", "name": n, "currency": "EUR"}
                                                  for i, n in enumerate(VENDORS)]))
    load_master_data(app, "vendors", var / "vendors.json")
    procs = start_workers(groups, env, var)
    try:
        poller = Poller(url, procs)
        poller.wait(ingest(app, docs["warm"]), 180)  # ready: imports done, first OCR run paid
        idle, _, _ = feed(app, poller, docs["idle"], 120)
        t0 = time.perf_counter()
        scan_ids = ingest(app, docs["scans"])
        flood, flood_ids, during = feed(app, poller, docs["flood"], 600, scan_ids)
        feed_s = time.perf_counter() - t0
        left = poller.unsettled(scan_ids)
        poller.wait(scan_ids, args.drain_timeout)
        drain_s = time.perf_counter() - t0
        outcome = {"digital": poller.statuses(flood_ids), "scans": poller.statuses(scan_ids)}
    except Exception:
        for log in sorted(var.glob("*.log")):  # the temp folder is removed at exit: show why a worker stopped
            print(f"--- {log}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-12:]), file=sys.stderr)
        raise
    finally:
        stop_workers(procs)
        app.close()
    r = {"slots": describe(groups), "idle_p50": statistics.median(idle), "idle_p95": p95(idle),
         "flood_p50": statistics.median(flood), "flood_p95": p95(flood), "feed_s": feed_s, "scans_left": left, "during_flood": during,
         "drain_s": drain_s, "outcome": outcome}
    r["ratio_p50"], r["ratio_p95"] = r["flood_p50"] / r["idle_p50"], r["flood_p95"] / r["idle_p95"]
    return r


def median_of(rounds: list[dict]) -> dict:
    """Per figure, the median over rounds (the last round's descriptive fields are kept)."""
    out = dict(rounds[-1])
    for k, v in out.items():
        if isinstance(v, (int, float)):
            out[k] = statistics.median(r[k] for r in rounds)
    out["scans_left_min"] = min(r["scans_left"] for r in rounds)
    out["during_flood_min"] = min(r["during_flood"] for r in rounds)
    return out


def print_table(res: dict, meta: dict) -> None:
    print(f"\npool isolation: {meta['digital']} digital invoices idle, then {meta['digital']} more right after "
          f"{meta['scans']} scans; median of {meta['repeat']} round(s); latency = ingest -> settled, seconds")
    print(f"machine: {os.cpu_count()} cores; load average before {meta['load_before']:.2f}, after {meta['load_after']:.2f} "
          f"(other work on the machine inflates every figure); database {meta['database']}")
    print(f"settings: slow-pool niceness {meta['slow_nice']}; dramatiq_worker_timeout {meta['dramatiq_worker_timeout']} ms "
          "(longest sleep of an idle queue consumer); OMP_THREAD_LIMIT=1")
    cols = ("idle p50", "idle p95", "flood p50", "flood p95", "p50 x", "p95 x", "feed s", "in flood", "scans left", "drain s")
    print(f"\n{'topology':<16} " + " ".join(f"{c:>10}" for c in cols))
    for label, r in res.items():
        vals = (r["idle_p50"], r["idle_p95"], r["flood_p50"], r["flood_p95"], r["ratio_p50"], r["ratio_p95"], r["feed_s"])
        print(f"{label:<16} " + " ".join(f"{v:>10.2f}" for v in vals)
              + f" {r['during_flood']:>7.0f}/{meta['digital']:<2} {r['scans_left']:>10.0f} {r['drain_s']:>10.1f}")
    print("(p50 x, p95 x: under flood / idle; in flood: digital invoices that settled while scans were pending; "
          "scans left: when the last one settled; drain s: flood start -> every scan settled)\n")
    for label, r in res.items():
        print(f"{label}: slots {r['slots']}; digital {r['outcome']['digital']}; scans {r['outcome']['scans']}")
        if r["during_flood_min"] == 0:
            print(f"WARNING: {label}: the flood was over before the first digital invoice settled: the under-flood "
                  "figures are void (raise --scans)")
        elif r["scans_left_min"] == 0:
            print(f"note: {label}: the flood drained before the last digital invoice settled; only the first "
                  f"{r['during_flood']:.0f} waited in it, the rest met an idle pool, so read p95, not p50")
    print(f"\ntwo pools: p95 under flood / idle = {res['two pools']['ratio_p95']:.2f} (goal ≤ 1.5)")
    print(f"one shared pool: p95 under flood / idle = {res['one shared pool']['ratio_p95']:.2f} (goal ≥ 5)")


def _interrupted(*_):
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C: workers and redis-server stopped


def main() -> int:
    # The same idle-poll interval `invoicepipe worker` gives production workers.
    os.environ.setdefault("dramatiq_worker_timeout", "100")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--digital", type=int, default=15, help="digital invoices fed idle, and again under flood")
    ap.add_argument("--scans", type=int, default=40, help="image-only scans in the flood")
    ap.add_argument("--repeat", type=int, default=1, help="rounds; figures are the median over rounds")
    ap.add_argument("--slow-nice", type=int, default=0, help="run the slow pool under `nice -n N` (two pools only)")
    ap.add_argument("--database-url", help="a scratch PostgreSQL database instead of SQLite in the temp folder")
    ap.add_argument("--drain-timeout", type=float, default=600, help="seconds to wait for the flood to finish")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object instead of the table")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (worker logs, databases)")
    args = ap.parse_args()
    os.environ["INVOICEPIPE_LOG_LEVEL"] = "WARNING"  # this process's own step logs would bury the table
    signal.signal(signal.SIGTERM, _interrupted)
    base = Path(tempfile.mkdtemp(prefix="pool-isolation-"))
    # Each SQLite topology gets a fresh database, so both can be fed the very same files. A
    # shared PostgreSQL database keeps earlier documents (same bytes = a re-arrival, same
    # number = a duplicate): there a run nonce and the topology go into the invoice numbers.
    nonce = secrets.token_hex(3) if args.database_url else "B"
    redis_proc, redis_url = start_redis(base)
    load_before, rounds = os.getloadavg()[0], {}
    try:
        for rnd in range(args.repeat):
            docs = {}
            for label, groups in topologies(args.slow_nice).items():
                tag = f"{nonce}{rnd}{label[:3] if args.database_url else ''}"
                docs = docs if docs.get("tag") == tag else {"tag": tag, **documents(tag, rnd, args.digital, args.scans)}
                print(f"round {rnd + 1}/{args.repeat}: {label} ({describe(groups)})", file=sys.stderr, flush=True)
                rounds.setdefault(label, []).append(run_topology(label, groups, base / f"r{rnd}", redis_url, args.database_url, docs, args))
        res = {label: median_of(rs) for label, rs in rounds.items()}
        meta = {"digital": args.digital, "scans": args.scans, "repeat": args.repeat, "slow_nice": args.slow_nice,
                "load_before": load_before, "load_after": os.getloadavg()[0],
                "database": "postgresql" if args.database_url else "sqlite", "temp": str(base),
                "dramatiq_worker_timeout": os.environ["dramatiq_worker_timeout"]}
        if args.json:
            print(json.dumps({"meta": meta, "topologies": res, "rounds": rounds}, indent=2, default=str))
        else:
            print_table(res, meta)
    finally:
        redis_proc.terminate()
        redis_proc.wait()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
