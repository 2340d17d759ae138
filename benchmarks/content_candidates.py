#!/usr/bin/env python3
"""Time ``content_candidates`` over a million prior content prints.

    .venv/bin/python benchmarks/content_candidates.py [--database-url URL] [--rows 1000000]

Figures (1,000,000 prints, 5,000 vendors, 2,000 lookups, 2 cores shared with other work,
load average 4-6; CPU is this process's, the database server's share only in wall time):

    SQLite 3      wall p50 6.9 ms, p95 15.9 ms, p99 51 ms; CPU p50 4.6 ms, p95 6.6 ms; load 1,367 s
    PostgreSQL 15 wall p50 9.6 ms, p95 17.4 ms, p99 27 ms; CPU p50 3.5 ms, p95 4.3 ms; load 1,242 s
                  (after VACUUM ANALYZE; before it, without a visibility map, the index-only
                  scans fetched heap pages: p50 21 ms, p95 95 ms)
    both: 50 candidates per lookup (the limit), the original of all 1,000 copy probes among them

Before shared keys were weighed by rarity (plain count of shared keys) 14 of 1,000
originals were missed: big vendors' newest invoices, sharing many template keys, crowded
out an older original that shares fewer but rarer keys.

How the lookup is indexed: every print has 20 rows in ``content_print_bands`` (16 MinHash
bands of its wording, 4 16-bit chunks of its first page's hash), each a signed 64-bit key
that already names its band. ``ix_content_print_bands_key (band_key, document_id)`` answers,
for each of the probe's 20 keys, "the newest PER_KEY documents holding this key" as one
backwards range scan of the index (no table row is read); the union is counted per
document, the 50 sharing most keys are kept, and one primary-key lookup each fetches their
print, status and invoice row. A key shared by tens of thousands of documents (a big
vendor's letterhead, its page layout) therefore costs at most PER_KEY index entries.

The prior prints are synthetic but shaped like the measured ones (benchmarks/content_prints.py):
vendors drawn Zipf-like (the biggest has several percent of all documents); each text band
of a document repeats its vendor's template band with probability 0.3 (two invoices of one
vendor then agree on about 9 % of bands, as measured wording similarity 0.4-0.6 gives);
each 16-bit chunk of the page hash is the vendor layout's chunk with probability 0.8 (the
measured same-layout image similarity is 0.9-1.0). Prints are stored at their real size.
Probes: half are copies of stored documents (four text bands and one image chunk changed,
as OCR and a stamp change them), half new invoices of a vendor drawn the same way.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from invoicepipe.adapters.db import tables as t  # noqa: E402
from invoicepipe.adapters.db.content_prints import PER_KEY, ContentPrintRepository, _sharing_query  # noqa: E402
from prior_rows import loaded_database, lookup_options  # noqa: E402
from invoicepipe.domain.fingerprints import PERMUTATIONS, TEXT_BAND_ROWS, ContentPrint, band_keys  # noqa: E402

BATCH = 5_000
BANDS = PERMUTATIONS // TEXT_BAND_ROWS
SLOT = (1 << 61) - 1


def vendor_weights(vendors: int) -> list[float]:
    return [1.0 / (rank ** 1.05) for rank in range(1, vendors + 1)]


@lru_cache(maxsize=200_000)
def _template(vendor: int, band: int) -> tuple[int, ...]:
    rng = random.Random(vendor * 1000 + band)
    return tuple(rng.randrange(SLOT) for _ in range(TEXT_BAND_ROWS))


@lru_cache(maxsize=50_000)
def _layout_chunk(vendor: int, chunk: int) -> int:
    return random.Random(f"layout:{vendor}:{chunk}").randrange(1 << 16)


def synthetic_print(vendor: int, rng: random.Random) -> ContentPrint:
    slots: list[int] = []
    for band in range(BANDS):
        slots += _template(vendor, band) if rng.random() < 0.3 else [rng.getrandbits(60) for _ in range(TEXT_BAND_ROWS)]
    page = 0
    for chunk in range(4):
        page = (page << 16) | (_layout_chunk(vendor, chunk) if rng.random() < 0.8 else rng.randrange(1 << 16))
    numbers = frozenset(str(rng.getrandbits(20)) for _ in range(30))
    return ContentPrint(tuple(slots), numbers, frozenset({"2026-01-08", "2026-02-07"}), (page,), 120)


def copy_of(p: ContentPrint, rng: random.Random) -> ContentPrint:
    """The print of a copy: a few text bands and one page chunk differ, as after OCR and a stamp."""
    slots = list(p.minhash)
    for band in rng.sample(range(BANDS), 4):
        slots[band * TEXT_BAND_ROWS] = rng.randrange(SLOT)
    page = p.page_hashes[0] ^ (1 << rng.randrange(64))
    return ContentPrint(tuple(slots), p.numbers, p.dates, (page,), p.tokens)


def load(engine, rows: int, vendors: int, seed: int) -> float:
    started = time.perf_counter()
    rng = random.Random(seed)
    picks = rng.choices(range(vendors), weights=vendor_weights(vendors), k=rows)
    now = datetime.now(timezone.utc)
    docs, prints, bands = [], [], []
    with engine.begin() as conn:
        for i, vendor in enumerate(picks, start=1):
            p = synthetic_print(vendor, rng)
            docs.append({"id": i, "sha256": f"{i:064x}", "filename": f"prior-{i}.pdf", "channel": "email", "media_type": "application/pdf",
                         "size_bytes": 50_000, "status": "exported", "attempts": 1, "version": 1, "created_at": now, "updated_at": now})
            prints.append({"document_id": i, "version": p.version, "print": p.to_json(), "created_at": now})
            bands += [{"document_id": i, "band": band, "band_key": key} for band, key in band_keys(p)]
            if len(docs) == BATCH:
                conn.execute(insert(t.documents), docs)
                conn.execute(insert(t.content_prints), prints)
                conn.execute(insert(t.content_print_bands), bands)
                docs, prints, bands = [], [], []
                print(f"\r  loaded {i:,} prints", end="", flush=True)
        if docs:
            conn.execute(insert(t.documents), docs)
            conn.execute(insert(t.content_prints), prints)
            conn.execute(insert(t.content_print_bands), bands)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("documents", "content_prints", "content_print_bands"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))  # index-only scans need the visibility map
    print()
    return time.perf_counter() - started


def probes(engine, count: int, vendors: int, seed: int) -> list[tuple[ContentPrint, int | None]]:
    """(print, the stored document it copies or None)."""
    rng = random.Random(seed + 1)
    with engine.connect() as conn:
        top = conn.execute(select(func.max(t.content_prints.c.document_id))).scalar_one()
        ids = [rng.randrange(1, top + 1) for _ in range(count // 2)]
        stored = conn.execute(select(t.content_prints.c.document_id, t.content_prints.c.print)
                              .where(t.content_prints.c.document_id.in_(ids))).all()
    out = [(copy_of(ContentPrint.from_json(raw), rng), doc_id) for doc_id, raw in stored]
    weights = vendor_weights(vendors)
    while len(out) < count:
        out.append((synthetic_print(rng.choices(range(vendors), weights=weights)[0], rng), None))
    rng.shuffle(out)
    return out


def explain(engine, probe: ContentPrint) -> list[str]:
    keys = [key for _, key in band_keys(probe)]
    params = {**{f"k{i}": key for i, key in enumerate(keys)}, "doc_id": 10 ** 12, "per_key": PER_KEY, "limit": 50}
    compiled = _sharing_query(len(keys)).params(**params).compile(engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + str(compiled)).all()
    lines = [" | ".join(str(c) for c in row) for row in rows]
    return sorted(set(lines), key=lines.index)[:8]


def main(argv=None) -> int:
    args = lookup_options("time content_candidates lookups against prior content prints", "content_candidates.db").parse_args(argv)
    engine = loaded_database(args, t.content_prints, "prints", load)
    if engine is None:
        return 2
    work = probes(engine, args.probes, args.vendors, args.seed)
    print("query plan (per-key part):\n  " + "\n  ".join(explain(engine, work[0][0])))
    timings, cpu, found_counts, copies, recalled = [], [], [], 0, 0
    with engine.begin() as conn:
        repo = ContentPrintRepository(conn)
        for probe, _ in work[:200]:  # warm the cache as a running service would be
            repo.content_candidates(10 ** 12, probe)
        for probe, original in work:
            started, started_cpu = time.perf_counter(), time.thread_time()
            found = repo.content_candidates(10 ** 12, probe)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            found_counts.append(len(found))
            if original is not None:
                copies += 1
                recalled += any(c["document_id"] == original for c in found)
    q, c = statistics.quantiles(timings, n=100), statistics.quantiles(cpu, n=100)
    print(f"{engine.dialect.name}: {len(timings)} lookups over {args.rows:,} prints, candidates per lookup "
          f"p50 {statistics.median(found_counts):.0f} max {max(found_counts)} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  wall  p50 {q[49]:.3f} ms   p95 {q[94]:.3f} ms   p99 {q[98]:.3f} ms   max {max(timings):.3f} ms")
    print(f"  cpu   p50 {c[49]:.3f} ms   p95 {c[94]:.3f} ms")
    print(f"  copies of a stored print whose original was among the candidates: {recalled} of {copies}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
