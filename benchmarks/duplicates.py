"""Duplicate candidate lookup against a million prior invoices: p50 / p95 per lookup.

    .venv/bin/python benchmarks/duplicates.py                                  # SQLite file under var/bench/
    .venv/bin/python benchmarks/duplicates.py --database-url postgresql+psycopg://postgres@127.0.0.1:5439/bench

The schema comes from the app's own migrations (so the indexes are the app's:
``ix_invoices_vendor_number`` and ``ix_invoices_vendor_total_date``). Prior invoices are
bulk inserted with Core in one transaction: vendors follow a Zipf-like distribution (a few
vendors send most invoices), a tenth of them also bill a recurring monthly amount. Probes are
built like new arrivals: half are copies of stored invoices (the number OCR-garbled or
reformatted, the amount the same), half are unseen invoices. Each probe is timed around
``DocumentRepository.duplicate_candidates`` exactly as the reconcile step calls it. A
loaded database is reused on the next run when it holds the requested number of rows.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from invoicepipe.adapters.db import tables as t  # noqa: E402
from invoicepipe.adapters.db.documents import DocumentRepository  # noqa: E402
from invoicepipe.adapters.db.duplicate_queries import candidate_query  # noqa: E402
from prior_rows import loaded_database, lookup_options  # noqa: E402
from invoicepipe.domain.duplicates import normalise_invoice_number  # noqa: E402

START = date(2023, 1, 1)
WINDOW = timedelta(days=45)
BATCH = 20_000


def vendor_weights(vendors: int) -> list[float]:
    return [1.0 / (rank ** 1.05) for rank in range(1, vendors + 1)]


def prior_rows(rows: int, vendors: int, seed: int):
    """(document row, invoice row) pairs, deterministic for a seed."""
    rng = random.Random(seed)
    weights = vendor_weights(vendors)
    picks = rng.choices(range(vendors), weights=weights, k=rows)
    counters = [rng.randrange(1000, 90000) for _ in range(vendors)]
    # Every tenth vendor also bills a monthly contract: about 36 invoices of one amount over the three years.
    recurring = {v: Decimal(rng.randrange(20000, 900000)) / 100 for v in range(0, vendors, 10)}
    share = {v: min(0.5, 36 / (rows * weights[v] / sum(weights))) for v in recurring}
    now = datetime.now(timezone.utc)
    for i, v in enumerate(picks, start=1):
        counters[v] += rng.randrange(1, 4)
        number = f"INV-{counters[v]:07d}" if v % 3 else f"{2023 + i % 3}/{counters[v]:06d}"
        day = START + timedelta(days=rng.randrange(3 * 365))
        if v in recurring and rng.random() < share[v]:
            total, day = recurring[v], day.replace(day=1)
        else:
            total = Decimal(int(rng.lognormvariate(10.5, 1.3))) / 100
        yield ({"id": i, "sha256": f"{i:064x}", "filename": f"prior-{i}.pdf", "channel": "email", "media_type": "application/pdf",
                "size_bytes": 50_000, "status": "exported", "attempts": 1, "version": 1, "created_at": now, "updated_at": now},
               {"document_id": i, "vendor_id": f"V{v:05d}", "invoice_number": number, "invoice_number_norm": normalise_invoice_number(number),
                "invoice_date": day.isoformat(), "total": total, "currency": "EUR", "po_number": f"45{rng.randrange(10**8):08d}",
                "document_type": "invoice", "channel": "email", "created_at": now})


def load(engine, rows: int, vendors: int, seed: int) -> float:
    started = time.perf_counter()
    docs, invoices = [], []
    with engine.begin() as conn:
        for doc, inv in prior_rows(rows, vendors, seed):
            docs.append(doc)
            invoices.append(inv)
            if len(docs) == BATCH:
                conn.execute(insert(t.documents), docs)
                conn.execute(insert(t.invoices), invoices)
                docs, invoices = [], []
                print(f"\r  loaded {doc['id']:,} rows", end="", flush=True)
        if docs:
            conn.execute(insert(t.documents), docs)
            conn.execute(insert(t.invoices), invoices)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE documents"))
            conn.execute(text("ANALYZE invoices"))
    print()
    return time.perf_counter() - started


def garble(number: str, rng: random.Random) -> str:
    """The number as a re-scan or a re-keying shows it: O for 0, l for 1, other separators."""
    return rng.choice([number.replace("0", "O", 1), number.replace("1", "l", 1), number.lower().replace("-", " "), number.replace("/", "-")])


def probes(engine, count: int, vendors: int, seed: int) -> list[tuple]:
    rng = random.Random(seed + 1)
    with engine.connect() as conn:
        top = conn.execute(select(func.max(t.invoices.c.document_id))).scalar_one()
        ids = [rng.randrange(1, top + 1) for _ in range(count // 2)]
        stored = conn.execute(select(t.invoices).where(t.invoices.c.document_id.in_(ids))).all()
    out = []
    for r in stored:
        m = r._mapping
        out.append((m["vendor_id"], garble(m["invoice_number"], rng), Decimal(m["total"]).quantize(Decimal("0.01")), date.fromisoformat(m["invoice_date"])))
    weights = vendor_weights(vendors)
    while len(out) < count:
        v = rng.choices(range(vendors), weights=weights)[0]
        out.append((f"V{v:05d}", f"NEW-{rng.randrange(10**6):06d}", Decimal(rng.randrange(100, 10**6)) / 100, START + timedelta(days=rng.randrange(1100))))
    rng.shuffle(out)
    return out


def lookup(repo: DocumentRepository, probe: tuple) -> list[dict]:
    vendor_id, number, total, day = probe
    return repo.duplicate_candidates(10**12, vendor_id, normalise_invoice_number(number), total,
                                     ((day - WINDOW).isoformat(), (day + WINDOW).isoformat()))


def explain(engine, probe: tuple) -> list[str]:
    """The plans of the number and the amount lookups, to show which indexes the database uses."""
    vendor_id, number, total, day = probe
    params = {"doc_id": 10**12, "limit": 50, "vendor_id": vendor_id, "number_norm": normalise_invoice_number(number), "total": total,
              "date_from": (day - WINDOW).isoformat(), "date_to": (day + WINDOW).isoformat()}
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    lines = []
    with engine.connect() as conn:
        for block in ("number", "amount"):
            compiled = candidate_query(block, True, block == "amount").params(**params).compile(engine, compile_kwargs={"literal_binds": True})
            lines += [f"{block}:"] + [" | ".join(str(c) for c in row) for row in conn.exec_driver_sql(prefix + str(compiled)).all()]
    return lines


def main(argv=None) -> int:
    args = lookup_options("time duplicate candidate lookups against prior invoices", "duplicates.db").parse_args(argv)
    engine = loaded_database(args, t.invoices, "invoices", load)
    if engine is None:
        return 2
    work = probes(engine, args.probes, args.vendors, args.seed)
    print("query plans:\n  " + "\n  ".join(explain(engine, work[0])))
    timings, cpu, hits = [], [], 0
    with engine.begin() as conn:
        repo = DocumentRepository(conn)
        for probe in work[:200]:  # warm the cache as a running service would be
            lookup(repo, probe)
        for probe in work:
            started, started_cpu = time.perf_counter(), time.thread_time()
            found = lookup(repo, probe)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            hits += bool(found)
    q, c = statistics.quantiles(timings, n=100), statistics.quantiles(cpu, n=100)
    print(f"{engine.dialect.name}: {len(timings)} lookups over {args.rows:,} invoices, {hits} found candidates "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  wall  p50 {q[49]:.3f} ms   p95 {q[94]:.3f} ms   p99 {q[98]:.3f} ms   max {max(timings):.3f} ms")
    # This process's CPU per lookup: what the lookup costs when the machine is not shared
    # (on PostgreSQL the server's share is only in the wall time).
    print(f"  cpu   p50 {c[49]:.3f} ms   p95 {c[94]:.3f} ms")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
