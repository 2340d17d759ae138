"""Faults against the production topology, judged by counting documents in and out.

Each scenario runs the fast and pipeline pools, a sweeper loop and ``invoicepipe ingest`` as
separate processes on a fresh PostgreSQL database and the test Redis, ingests a small batch
of digital invoices, injects one fault mid-batch and waits (bounded, generous) until
everything settles: every document in a settled state, none lost, none exported twice, none
left in flight. The recovery time (fault to settled) is printed, never asserted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.integration.fault_harness import (Topology, flush_redis, generate_invoices, kill_pool_parent, kill_pool_workers,
                                             restart_redis, start_postgres, stop_postgres, wait_mid_batch)
from tests.requirements import require

pytestmark = pytest.mark.integration

BATCH = 12
SETTLE_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def invoices(tmp_path_factory) -> Path:
    return generate_invoices(tmp_path_factory.mktemp("invoices"), BATCH)


@pytest.fixture
def topology(postgres_url, clean_redis, tmp_path, invoices):
    topo = Topology(postgres_url, clean_redis, tmp_path)
    topo.start(master=invoices / "master")
    topo.wait_pool_ready("fast")
    topo.wait_pool_ready("pipeline")
    yield topo
    topo.stop()


def ingest_batch(topo: Topology, invoices: Path) -> int:
    done = topo.ingest(invoices / "pdf")
    assert done.returncode == 0, done.stderr
    return len(list((invoices / "pdf").glob("*.pdf")))


def settle(topo: Topology, documents_in: int, fault_at: float, name: str):
    tally = topo.wait_settled(documents_in, SETTLE_TIMEOUT_S)
    recovery = time.monotonic() - fault_at
    print(f"\n[{name}] recovery {recovery:.1f}s: {tally.line()}")
    assert tally.lost == 0, f"{tally.lost} document(s) lost: {tally.line()}"
    assert tally.stuck == 0, f"{tally.stuck} document(s) stuck: {tally.line()}"
    assert tally.settled == documents_in, tally.line()
    assert tally.exported_twice == 0, tally.line()
    assert tally.undelivered_outbox == 0 and tally.export_files == tally.exported, tally.line()
    assert tally.exported > 0, f"nothing was exported, the export path was not exercised: {tally.line()}"
    return tally, recovery


def test_worker_child_of_the_fast_pool_killed_mid_batch(topology, invoices):
    n = ingest_batch(topology, invoices)
    wait_mid_batch(topology)
    fault_at, workers = kill_pool_workers(topology)
    assert workers
    settle(topology, n, fault_at, "fast worker child SIGKILL")
    assert topology.procs["fast"].poll() is None  # the supervisor carried on


def test_pool_parent_killed_its_children_die_and_a_restart_finishes_the_batch(topology, invoices):
    n = ingest_batch(topology, invoices)
    wait_mid_batch(topology)
    fault_at, survivors = kill_pool_parent(topology)
    assert not survivors, "the pool outlived its supervisor"
    topology.start_pool("fast")  # as an init system would
    settle(topology, n, fault_at, "fast pool parent SIGKILL")


def test_redis_restarted_mid_batch(topology, invoices, tmp_path):
    n = ingest_batch(topology, invoices)
    wait_mid_batch(topology)
    fault_at = time.monotonic()
    restart_redis(topology.env["INVOICEPIPE_REDIS_URL"], tmp_path / "redis-restarted.pid")
    settle(topology, n, fault_at, "redis restart")


def test_redis_flushall_mid_batch(topology, invoices):
    n = ingest_batch(topology, invoices)
    wait_mid_batch(topology)
    fault_at = time.monotonic()
    flush_redis(topology.env["INVOICEPIPE_REDIS_URL"])
    settle(topology, n, fault_at, "redis flushall")


def test_export_destination_down_then_back(topology, invoices):
    # As root, permissions do not stop a write: a plain file where the folder should be does.
    topology.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
    topology.outbox_dir.write_text("the share is not mounted")
    n = ingest_batch(topology, invoices)
    assert topology.wait_for(lambda t: t.by_state.get("approved", 0) >= 1, 180), "nothing reached approval"
    time.sleep(5)  # down a while longer: deliveries fail and back off
    topology.outbox_dir.unlink()
    fault_at = time.monotonic()
    tally, _ = settle(topology, n, fault_at, "export destination down, back")
    assert tally.exported == tally.by_state.get("exported", 0)


def test_postgres_stopped_for_a_minute_mid_batch(topology, invoices):
    pg_data, pg_bin = os.environ.get("INVOICEPIPE_TEST_PG_DATA"), os.environ.get("INVOICEPIPE_TEST_PG_BIN")
    require(bool(pg_data and pg_bin), "PostgreSQL data dir (INVOICEPIPE_TEST_PG_DATA, INVOICEPIPE_TEST_PG_BIN from scripts/test.sh)")
    port = topology.engine().url.port
    n = ingest_batch(topology, invoices)
    wait_mid_batch(topology)
    fault_at = time.monotonic()
    topology.engine().dispose()
    stop_postgres(pg_bin, pg_data)
    try:
        time.sleep(60)
    finally:
        start_postgres(pg_bin, pg_data, port)
    settle(topology, n, fault_at, "postgresql stopped 60 s")


def test_blob_store_full_ingest_answers_clearly_and_stores_nothing_by_halves(topology, invoices):
    import hashlib
    import subprocess

    from sqlalchemy import text

    require(os.geteuid() == 0, "root, to mount a tiny tmpfs as the blob store")
    blobs = topology.var / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    files = sorted((invoices / "pdf").glob("*.pdf"))
    room = sum(f.stat().st_size for f in files[:3]) + 4096  # a few invoices fit, the batch does not
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={room}", "tmpfs", str(blobs)], capture_output=True, text=True)
    require(mounted.returncode == 0, f"a tmpfs mount ({mounted.stderr.strip()})")
    try:
        done = topology.ingest(invoices / "pdf")
        assert done.returncode != 0
        assert "blob store" in done.stderr and "no space left" in done.stderr.lower(), done.stderr
        with topology.engine().connect() as conn:
            stored = [sha for (sha,) in conn.execute(text("SELECT sha256 FROM documents"))]
        assert 0 < len(stored) < len(files)
        for sha in stored:  # every recorded document has its whole blob
            path = blobs / sha[:2] / sha[2:4] / sha
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        assert not list(blobs.rglob(".tmp-*")), "a half-written blob was left behind"
        tally = topology.wait_settled(len(stored), SETTLE_TIMEOUT_S)
        print(f"\n[blob store full] stored {len(stored)} of {len(files)}, refused with: {done.stderr.strip().splitlines()[-1]}\n  {tally.line()}")
        assert tally.ok, tally.line()
    finally:
        topology.stop()
        subprocess.run(["umount", "-l", str(blobs)], capture_output=True)
