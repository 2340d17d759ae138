"""Run one function over many inputs on a bounded pool of threads (a large ingest batch).

Threads, not processes: what an ingest spends is mostly waiting (the blob's fsync, the
database round trips and commit) and hashing, which releases the GIL, so a few threads
overlap it without the start-up and memory of extra processes. Each input is handled on
its own (its own transaction), so a crash mid-batch loses nothing that was committed and
the rest is taken again on the next run: the same bytes again are one document.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_bounded(fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """``[fn(x) for x in items]`` on at most ``workers`` threads, results in input order.

    Every item is attempted even when one raises; the first error is raised afterwards."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="ingest") as pool:
        futures = [pool.submit(fn, x) for x in items]
    return [f.result() for f in futures]
