"""What a decision pays for the other invoices on its PO: ``evidence.commitments`` (the
other invoices billing the PO, each with its newest extraction, and the open holds of the
pending ones), with 1 and with N other invoices on one PO.

Every decision on a PO reads every other invoice on it (``DocumentRepository.po_commitments``,
one statement), so its cost grows with the PO's invoices. This prints CPU ms (median of the
probes) and statements per call for each count, and their ratio: whether a maintained per-PO
aggregate would pay. SQLite by default; ``--database-url`` for PostgreSQL (an empty database).

    .venv/bin/python benchmarks/po_commitments.py --others 1,1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from invoicepipe.bootstrap import bootstrap  # noqa: E402
from invoicepipe.config import Settings  # noqa: E402
from invoicepipe.domain.models import ExtractedField, Extraction, LineItem, POLine, PurchaseOrder, Status  # noqa: E402
from invoicepipe.services.evidence import commitments  # noqa: E402

PO = PurchaseOrder("PO-BENCH", "V-1", "EUR", tuple(POLine(str(n), f"Item {n}", Decimal(10_000), Decimal("2.50"), f"SKU-{n}")
                                                  for n in range(1, 6)))


def _invoice(n: int) -> Extraction:
    lines = tuple(LineItem(f"Item {k}", Decimal(2), Decimal("2.50"), Decimal("5.00"), f"SKU-{k}") for k in range(1, 4))
    fields = {name: ExtractedField(name=name, value=value, confidence=0.95, method="bench") for name, value in
              (("vendor_id", "V-1"), ("po_number", PO.po_number), ("invoice_number", f"INV-{n}"), ("net", "15.00"),
               ("total", "17.85"), ("currency", "EUR"))}
    return Extraction(fields=fields, lines=lines, extractor_version="bench")


def _load(app, others: int) -> int:
    """``others`` invoices on the PO (most exported, some pending), then the one decided."""
    with app.uow.begin() as tx:
        for n in range(others + 1):
            status = Status.EXTRACTED if n == others else (Status.NEEDS_REVIEW if n % 10 == 0 else Status.EXPORTED)
            doc_id = tx.documents.add(sha256=f"{n:064x}", filename=f"{n}.pdf", channel="portal", media_type="application/pdf",
                                      size_bytes=1, status=status)
            tx.documents.save_reading(doc_id, _invoice(n), "bench", [],
                                      {"vendor_id": "V-1", "po_number": PO.po_number, "invoice_number": f"INV-{n}",
                                       "total": Decimal("17.85")})
    return doc_id


def measure(database_url: str, others: int, probes: int) -> dict:
    settings = Settings.from_env({}, var_dir=Path(tempfile.mkdtemp(prefix="po-bench-")), inbox_dir=Path(tempfile.mkdtemp()),
                                 database_url=database_url)
    app = bootstrap(settings, log_level="WARNING")
    try:
        doc_id = _load(app, others)
        statements: list[str] = []
        event.listen(app.engine, "before_cursor_execute",
                     lambda conn, cursor, sql, *rest: None if sql.startswith(("BEGIN", "PRAGMA")) else statements.append(sql))
        cpu = []
        for _ in range(probes):
            statements.clear()
            with app.uow.read() as tx:
                start = time.thread_time()
                found = commitments(tx, PO, doc_id)
                cpu.append((time.thread_time() - start) * 1000)
        assert len(found) == others
        return {"others": others, "cpu_ms": round(statistics.median(cpu), 2), "statements": len(statements)}
    finally:
        app.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--others", default="1,1000", help="comma list: other invoices on the PO")
    ap.add_argument("--probes", type=int, default=30)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file per count")
    args = ap.parse_args()
    rows = []
    for others in (int(x) for x in args.others.split(",")):
        url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='po-bench-')) / 'po.db'}"
        rows.append(measure(url, others, args.probes))
        print(f"{others:>6} other invoices on the PO: commitments {rows[-1]['cpu_ms']} CPU ms, {rows[-1]['statements']} statement(s)")
    if len(rows) > 1 and rows[0]["cpu_ms"]:
        print(f"ratio {rows[-1]['others']} / {rows[0]['others']}: {rows[-1]['cpu_ms'] / rows[0]['cpu_ms']:.1f}x CPU")


if __name__ == "__main__":
    main()
