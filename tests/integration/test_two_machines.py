"""More than one machine: worker groups with separate local folders share only PostgreSQL
and Redis (``INVOICEPIPE_BLOB_URL=db:``) and settle every document.

The production topology split over three "machines", each its own processes and its own
``INVOICEPIPE_VAR_DIR``: an ingest node (``invoicepipe ingest`` and the sweeper), and nodes
A and B, each running the fast, slow and pipeline pools. A mix of digital and scanned PDFs,
UBL and CII XML e-invoices and a duplicate is ingested before any worker starts; then the
ingest node's folder is deleted, so every blob a worker reads can only come from the
database. Every document must settle: none lost, none stuck, none exported twice (the
export destination is one folder, as an ERP's import share would be).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.einvoice_samples import cii, ubl
from tests.integration.fault_harness import POOLS, Topology, generate_invoices

pytestmark = pytest.mark.integration

SETTLE_TIMEOUT_S = 480


class Node(Topology):
    """One machine of the topology; the export destination is shared (the ERP's share)."""

    def __init__(self, *args, outbox: Path, **kw):
        super().__init__(*args, **kw)
        self.shared_outbox = outbox

    @property
    def outbox_dir(self) -> Path:
        return self.shared_outbox


def feed(tmp_path: Path) -> tuple[Path, Path]:
    invoices = generate_invoices(tmp_path / "invoices", 5, scans=2)
    batch = tmp_path / "batch"
    shutil.copytree(invoices / "pdf", batch)
    (batch / "ubl-invoice.xml").write_bytes(ubl(number="XR-7001"))
    (batch / "cii-invoice.xml").write_bytes(cii(number="XR-7002"))
    first = sorted(batch.glob("*.pdf"))[0]
    (batch / f"again-{first.name}").write_bytes(first.read_bytes())  # the same bytes under another name
    return batch, invoices / "master"


def test_two_worker_groups_with_their_own_folders_settle_every_document(postgres_url, clean_redis, tmp_path):
    batch, master = feed(tmp_path)
    outbox = tmp_path / "erp-share"
    env = {"INVOICEPIPE_BLOB_URL": "db:", "INVOICEPIPE_EXPORT_URL": str(outbox)}
    ingest, node_a, node_b = (Node(postgres_url, clean_redis, tmp_path / name, env=env, outbox=outbox)
                              for name in ("ingest-node", "node-a", "node-b"))
    nodes = (ingest, node_a, node_b)
    try:
        ingest.cli("db", "upgrade")
        for kind, name in (("vendors", "vendors.csv"), ("pos", "pos.csv"), ("receipts", "receipts.csv")):
            if (master / name).exists():
                ingest.cli("load", kind, str(master / name))
        done = ingest.cli("ingest", str(batch), "--channel", "portal", check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        files = len(list(batch.iterdir()))
        assert not (ingest.var / "blobs").exists(), "the ingest node wrote blobs to its own folder"
        shutil.rmtree(ingest.var, ignore_errors=True)  # whatever a worker reads now can only come from the database

        ingest.start_sweeper()
        for node in (node_a, node_b):
            for pool in POOLS:
                node.start_pool(pool)
        for node in (node_a, node_b):
            node.wait_ready()

        # The duplicate (same bytes) is one document with a second arrival, not a second row.
        documents = files - 1
        tally = node_a.wait_settled(documents, SETTLE_TIMEOUT_S)
        print(f"\n[two machines] {tally.line()}")
        assert tally.lost == 0 and tally.stuck == 0 and tally.settled == documents, tally.line()
        assert tally.exported_twice == 0 and tally.export_files == tally.exported and tally.undelivered_outbox == 0, tally.line()
        assert tally.exported > 0, f"nothing was exported: {tally.line()}"

        import hashlib

        for node in (node_a, node_b):
            assert not (node.var / "blobs").exists(), f"{node.root.name} wrote a blob folder"
            for copy in (node.var / "blob-cache").glob("*/*"):  # the local cache holds verified copies only
                if not copy.name.startswith(".tmp-"):
                    assert hashlib.sha256(copy.read_bytes()).hexdigest() == copy.name
        cached = {n.root.name: len(list((n.var / "blob-cache").glob("*/*"))) for n in (node_a, node_b)}
        print(f"[two machines] blobs cached per node: {cached}")
    finally:
        for node in nodes:
            node.stop()
