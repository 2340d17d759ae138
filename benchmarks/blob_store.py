"""Blob store put/get: the local folder vs. the shared database store, 100 KB and 5 MB.

What it shows: what moving the blobs into PostgreSQL (``INVOICEPIPE_BLOB_URL=db:``) costs
per upload and per read, and what the local cache buys back for the reads after the first.

How it measures, side by side in one run: for each size, ``--n`` fresh random blobs per
round (fresh, so every put really writes); in each round the stores alternate: the folder
store (``FolderBlobStore``, fsync per blob as in production), the database store
(``DatabaseBlobStore``: 1 MiB pieces, one transaction per blob) with a cold read (no cache:
every piece from the server) and a warm read through ``CachedBlobStore`` (the local copy,
verified). Medians over every operation of ``--rounds`` rounds, in ms, and the ratio
database/folder. Without ``--database-url`` it starts a throwaway PostgreSQL (fsync on, as
in production) on ``--pg-port``.

    .venv/bin/python benchmarks/blob_store.py [--rounds 3] [--n 20] [--pg-port 18101]

Figures: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_appends import ThrowawayPostgres  # noqa: E402

from invoicepipe.adapters.blob_cache import CachedBlobStore  # noqa: E402
from invoicepipe.adapters.blobs import FolderBlobStore  # noqa: E402
from invoicepipe.adapters.blobs_db import DatabaseBlobStore  # noqa: E402
from invoicepipe.adapters.db.engine import make_engine  # noqa: E402
from invoicepipe.adapters.db.migrate import upgrade  # noqa: E402

SIZES = {"100 KB": 100 * 1024, "5 MB": 5 * 1024 * 1024}


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return (time.perf_counter() - began) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("INVOICEPIPE_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=20, help="blobs per size, store and round")
    parser.add_argument("--pg-port", type=int, default=0)
    args = parser.parse_args()
    server = None
    url = args.database_url
    if not url:
        server = ThrowawayPostgres(fsync=True, port=args.pg_port)
        url = server.start()
    try:
        upgrade(url)
        engine = make_engine(url)
        work = Path(tempfile.mkdtemp(prefix="invoicepipe-bench-blobs-"))
        folder = FolderBlobStore(work / "blobs")
        database = DatabaseBlobStore(engine, "bench")
        times: dict = {}

        def add(key, ms):
            times.setdefault(key, []).append(ms)

        for _ in range(args.rounds):
            for label, size in SIZES.items():
                for _ in range(args.n):
                    cache = CachedBlobStore(database, work / "cache", 1 << 40)
                    for name in ("folder", "database"):
                        data = os.urandom(size)
                        sha = hashlib.sha256(data).hexdigest()
                        if name == "folder":
                            add((label, "folder", "put"), timed(lambda: folder.put(data)))
                            add((label, "folder", "get"), timed(lambda: folder.get(sha)))
                        else:
                            add((label, "database", "put"), timed(lambda: database.put(data)))
                            add((label, "database", "get cold"), timed(lambda: database.get(sha)))
                            cache.get(sha)  # fetched once into the local cache
                            add((label, "database", "get cached"), timed(lambda: cache.get(sha)))
        load = os.getloadavg()[0]
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load:.1f}, "
              f"{args.rounds} rounds x {args.n} blobs per size; medians in ms")
        print(f"{'size':<8}{'folder put':>12}{'db put':>10}{'ratio':>7}{'folder get':>12}{'db get cold':>13}{'ratio':>7}"
              f"{'db get cached':>15}{'ratio':>7}")
        for label in SIZES:
            m = {k[1:]: statistics.median(v) for k, v in times.items() if k[0] == label}
            fp, dp = m[("folder", "put")], m[("database", "put")]
            fg, dc, dw = m[("folder", "get")], m[("database", "get cold")], m[("database", "get cached")]
            print(f"{label:<8}{fp:>12.2f}{dp:>10.2f}{dp / fp:>6.1f}x{fg:>12.2f}{dc:>13.2f}{dc / fg:>6.1f}x{dw:>15.2f}{dw / fg:>6.1f}x")
        engine.dispose()
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
