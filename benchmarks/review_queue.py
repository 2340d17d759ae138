"""Server time of the review queue page, search and the document view with N documents in review.

Fills a fresh SQLite database (or the empty PostgreSQL database given by --database-url or
INVOICEPIPE_BENCH_DATABASE_URL) with N documents in review, each with an extraction, a
routing or reconcile decision with reasons, an invoice row and a short audit trail,
written in bulk: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL, 20,000
documents per transaction (running a million files through the parsers would measure the
parsers, not the pages). The search columns and indexes are kept the way production keeps
them (the folded columns computed by ``services.parse.invoice_columns``; the trigram
indexes and SQLite's FTS5 triggers by the database), and the first queue request builds
the queue read model with the production rebuild. Then it requests the pages in-process
and reports the ``Server-Timing`` the app measured (time until the response starts:
database, rendering), the CPU time of the request and the time the client saw.

    .venv/bin/python benchmarks/review_queue.py [--documents 1000000] [--requests 200]
    .venv/bin/python benchmarks/review_queue.py --database-url postgresql+psycopg://postgres@127.0.0.1:PORT/DB ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dramatiq.brokers.stub import StubBroker
from sqlalchemy import insert, select, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from invoicepipe.adapters.db import tables as t  # noqa: E402
from invoicepipe.bootstrap import bootstrap  # noqa: E402
from invoicepipe.config import Settings  # noqa: E402
from invoicepipe.domain.invoice_numbers import normalise_invoice_number, search_key  # noqa: E402
from invoicepipe.adapters.db.review import ReviewRepository  # noqa: E402
from invoicepipe.services import review_queue as review_queue_service  # noqa: E402
from invoicepipe.services.review_queue import refresh_queue  # noqa: E402
from invoicepipe.services.users import add_user  # noqa: E402
from tests.web_helpers import PASSWORD, client_for, log_in  # noqa: E402

REASONS = [("no_po", "the invoice quotes no purchase order"), ("po_unknown", "PO 4509999 is not in the purchase-order data"),
           ("price_variance", "unit price 13.90 billed, 12.50 on PO"), ("duplicate_suspected", "looks like a duplicate of document 1"),
           ("low_confidence", "total read with confidence 0.71, below the threshold 0.95"), ("unknown_vendor", "vendor is not in the vendor master"),
           ("quantity_over_received", "qty 12 billed, 10 received"), ("bank_recently_changed", "vendor changed bank details recently")]
CHANNELS = ("email", "portal", "scan", "api")


def field(value: str, confidence: float, top: float) -> dict:
    return {"value": value, "confidence": confidence, "page": 1, "box": [300.0, top, 420.0, top + 12], "method": "label_right"}


def invoice_number(i: int) -> str:
    return f"INV-{i:06d}"


def fill(app, documents: int, seed: int = 7, chunk: int = 20_000) -> None:
    """``documents`` in review: the first ``chunk`` generated here, the rest copied from them
    (``replicate``)."""
    rnd = random.Random(seed)
    now = datetime.now(timezone.utc)
    vendors = [{"vendor_id": f"V{i:04d}", "name": f"Vendor {i} Industrial Supplies GmbH", "aliases": [], "tax_id": None,
                "bank_accounts": [], "currency": "EUR", "payment_terms_days": rnd.choice([14, 30, 45]), "active": 1, "updated_at": now}
               for i in range(200)]
    with app.uow.begin() as tx:
        tx.conn.execute(insert(t.vendors), vendors)
    write = copy_rows if app.engine.dialect.name == "postgresql" else insert_rows
    seq = 0
    seeded = min(documents, chunk)
    for first in range(1, seeded + 1, chunk):
        docs, extractions, decisions, invoices, events = [], [], [], [], []
        for i in range(first, min(documents, first + chunk - 1) + 1):
            created = now - timedelta(minutes=rnd.randint(0, 14 * 24 * 60))
            vendor = rnd.choice(vendors)
            invoice_date = (created - timedelta(days=rnd.randint(0, 20))).date()
            total = f"{rnd.uniform(20, 60000):.2f}"
            number, po = invoice_number(i), f"45{rnd.randint(0, 99999):05d}"
            fields = {"vendor": field(vendor["name"], 0.97, 40), "vendor_id": field(vendor["vendor_id"], 0.97, 40),
                      "invoice_number": field(number, rnd.uniform(0.6, 1), 60), "invoice_date": field(invoice_date.isoformat(), 0.99, 74),
                      "currency": field("EUR", 0.95, 88), "net": field(total, 0.9, 500), "total": field(total, rnd.uniform(0.5, 1), 530),
                      "po_number": field(po, 0.9, 102)}
            if rnd.random() < 0.5:
                fields["due_date"] = field((invoice_date + timedelta(days=30)).isoformat(), 0.95, 116)
            reasons = [{"code": c, "message": m, "evidence": {}} for c, m in rnd.sample(REASONS, rnd.randint(1, 3))]
            docs.append({"id": i, "sha256": f"{i:064x}", "filename": f"invoice-{i}.pdf", "channel": rnd.choice(CHANNELS), "media_type": "application/pdf",
                         "size_bytes": 40_000, "page_count": 1, "status": "needs_review", "pool": "fast", "reason": reasons[0]["message"],
                         "attempts": 1, "version": 6, "created_at": created, "updated_at": created})
            extractions.append({"document_id": i, "extractor_version": "bench", "reader": "bench", "fields": fields,
                                "lines": [{"description": f"Item {n}", "quantity": "10", "unit_price": "12.50", "amount": "125.00", "sku": None,
                                           "po_line": None, "confidence": 0.9, "page": 1, "box": [60.0, 200.0 + 14 * n, 540.0, 212.0 + 14 * n]}
                                          for n in range(3)],
                                "pages": [{"number": 1, "width": 595.0, "height": 842.0, "method": "pdf_text"}], "warnings": [],
                                "source": "machine", "created_at": created})
            decisions.append({"document_id": i, "stage": "reconcile", "outcome": "needs_review", "reasons": reasons, "policy_version": "bench",
                              "actor": "worker:bench", "created_at": created})
            # the columns services.parse.invoice_columns writes, folded by the same functions
            invoices.append({"document_id": i, "vendor_id": vendor["vendor_id"], "invoice_number": number,
                             "invoice_number_norm": normalise_invoice_number(number), "invoice_number_bare": search_key(number),
                             "invoice_date": invoice_date.isoformat(), "total": total, "currency": "EUR", "po_number": po,
                             "po_number_bare": search_key(po), "document_type": "invoice", "channel": docs[-1]["channel"], "created_at": created})
            for step, to in (("received", "received"), ("triage", "queued"), ("parse_started", "parsing"), ("extracted", "extracted"),
                             ("route", "reconciling"), ("reconcile", "needs_review")):
                seq += 1
                events.append({"seq": seq, "document_id": i, "step": step, "actor": "worker:bench", "outcome": "ok", "from_status": None,
                               "to_status": to, "reasons": [], "inputs": {}, "extractor_version": None, "policy_version": "bench",
                               "created_at": created.isoformat(), "prev_hash": "0" * 64, "hash": f"{seq:064x}"})
        # Events written in bulk land in the legacy partition (the column default) with dummy
        # hashes: this measures pages, not the chain, and never runs `audit verify`.
        with app.uow.begin() as tx:
            for table, rows in ((t.documents, docs), (t.extractions, extractions), (t.decisions, decisions), (t.invoices, invoices),
                                (t.audit_events, events)):
                write(tx.conn, table, rows)
    # The queue read model of the generated documents, built by the production rebuild; the
    # copies' rows are copied with them (what the rebuild would compute: a copy's fields are
    # its original's), and the counts recounted by the production recount.
    refresh_queue(app)
    seq = replicate(app, seeded, documents, rnd, write) or seq
    copy_queue_rows(app, seeded, documents)
    if app.engine.dialect.name == "postgresql":  # later appends draw seq after the bulk rows
        with app.uow.begin() as tx:
            tx.conn.execute(text(f"SELECT setval('{t.AUDIT_SEQ}', {seq})"))
            tx.conn.execute(text("SELECT setval(pg_get_serial_sequence('documents', 'id'), :n)"), {"n": documents})
    if app.engine.dialect.name == "postgresql":
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load, now rather than later
    else:
        with app.uow.begin() as tx:
            tx.conn.execute(text("ANALYZE"))  # `PRAGMA optimize` does the same in a long-running database


def replicate(app, seeded: int, documents: int, rnd: random.Random, write) -> int:
    """Documents ``seeded`` + 1 .. ``documents`` as copies of the first ``seeded``, shifted
    ids, with INSERT ... SELECT inside the database: generating a million extractions and six
    million audit events in Python takes hours on a loaded 2-core machine, copying them
    minutes. Each copy has its own id, hash, file name, invoice number and PO (the
    invoice rows are written from Python with the folded columns as production computes
    them); its extraction, decision and audit trail are its original's. Returns the last seq."""
    if documents <= seeded:
        return 0
    pg = app.engine.dialect.name == "postgresql"
    sha = "lpad(to_hex(id + :off), 64, '0')" if pg else "printf('%064x', id + :off)"
    shifted = {"documents": {"id": "id + :off", "sha256": sha, "filename": "'invoice-' || (id + :off) || '.pdf'"},
               "extractions": {"document_id": "document_id + :off"}, "decisions": {"document_id": "document_id + :off"},
               "audit_events": {"seq": "seq + :off * 6", "document_id": "document_id + :off"}}
    key = {"documents": "id", "extractions": "document_id", "decisions": "document_id", "audit_events": "document_id"}
    with app.uow.read() as tx:
        seeds = [dict(r._mapping) for r in tx.conn.execute(select(t.invoices).order_by(t.invoices.c.document_id))]
    for off in range(seeded, documents, seeded):
        count = min(seeded, documents - off)
        with app.uow.begin() as tx:
            for name, exprs in shifted.items():
                table = t.metadata.tables[name]
                columns = [c.name for c in table.columns if not (c.name == "id" and name in ("extractions", "decisions"))]
                picked = ", ".join(exprs.get(c, c) for c in columns)
                tx.conn.execute(text(f"INSERT INTO {name} ({', '.join(columns)}) SELECT {picked} FROM {name} WHERE {key[name]} <= :count"),
                                {"off": off, "count": count})
            invoices = []
            for seed_row in seeds[:count]:
                i = seed_row["document_id"] + off
                number, po = invoice_number(i), f"45{rnd.randint(0, 99999):05d}"
                invoices.append({**seed_row, "document_id": i, "invoice_number": number, "invoice_number_norm": normalise_invoice_number(number),
                                 "invoice_number_bare": search_key(number), "po_number": po, "po_number_bare": search_key(po)})
            write(tx.conn, t.invoices, invoices)
        print(f"  {off + count} documents", flush=True)
    return documents * 6


def copy_queue_rows(app, seeded: int, documents: int) -> None:
    """Queue read-model rows of the copies from their originals' rows (filename and id
    shifted), then the counts recounted; the first queue request's full comparison (the
    production ``refresh_queue``) then checks every row against its document's version."""
    filename = "'invoice-' || (document_id + :off) || '.pdf'"
    for off in range(seeded, documents, seeded):
        count = min(seeded, documents - off)
        with app.uow.begin() as tx:
            for table, exprs in ((t.review_queue, {"document_id": "document_id + :off", "filename": filename}),
                                 (t.review_queue_reasons, {"document_id": "document_id + :off"})):
                columns = [c.name for c in table.columns]
                tx.conn.execute(text(f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(exprs.get(c, c) for c in columns)} "
                                     f"FROM {table.name} WHERE document_id <= :count"), {"off": off, "count": count})
    with app.uow.begin() as tx:
        ReviewRepository(tx.conn).recount()
    review_queue_service._scanned_until.pop(app.engine, None)  # the first request compares everything, as a new process does


def insert_rows(conn, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), 5000):
        conn.execute(insert(table), rows[start:start + 5000])


def copy_rows(conn, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL: a bulk load an order of magnitude faster than INSERTs."""
    if not rows:
        return
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in row.values()])


def summary(label: str, samples: list[tuple[float, float, float]]) -> str:
    server, client, cpu = ([s[k] for s in samples] for k in range(3))

    def p95(values):
        return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
    return (f"{label:<30} n={len(server):<4} server p50 {statistics.median(server):6.1f} p95 {p95(server):6.1f} ms | "
            f"CPU p50 {statistics.median(cpu):6.1f} p95 {p95(cpu):6.1f} ms | client p95 {p95(client):6.1f} ms")


def timed(client, url: str) -> tuple[float, float, float]:
    """(server time, client time, CPU time of this process) of one request, in ms. The app
    runs in this process, so CPU time is the request's own work: on a shared, loaded machine
    it moves far less than the times a clock sees."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return float(response.headers["server-timing"].split("dur=")[1]), elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("INVOICEPIPE_BENCH_DATABASE_URL"),
                        help="an empty PostgreSQL database (default: a fresh SQLite file)")
    parser.add_argument("--generate", type=int, default=20_000, help="documents generated one by one; the rest are copies of them")
    parser.add_argument("--keep", action="store_true",
                        help="measure again on a database this benchmark filled before (--database-url; SQLite: sqlite:///FILE)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="invoicepipe-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    settings = Settings.from_env({}, var_dir=folder / "var", inbox_dir=folder / "inbox", database_url=url)
    broker = StubBroker()
    broker.emit_after("process_boot")
    app = bootstrap(settings, broker=broker, log_level="WARNING")
    started = time.perf_counter()
    with app.uow.read() as tx:
        filled = tx.conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
    if filled and not args.keep:
        raise SystemExit(f"the database holds {filled} documents: give an empty one, or --keep to measure it again")
    if filled:
        args.documents = filled
    else:
        fill(app, args.documents, chunk=args.generate)
    print(f"{'kept' if filled else 'filled'} {args.documents} documents in review in {time.perf_counter() - started:.1f} s ({url.split('://')[0]}); "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with app.uow.read() as tx:
        has_user = tx.conn.execute(select(t.users.c.username).where(t.users.c.username == "bench")).first() is not None
    if not has_user:
        add_user(app, "bench", "reviewer", PASSWORD, "system:bench")
    client = client_for(app)
    assert log_in(client, "bench").status_code == 303
    first, first_client, _ = timed(client, "/queue")
    print(f"{'queue, first load (indexes all)':<34} server {first:.0f} ms (client {first_client:.0f} ms): builds the queue read model once")
    rnd, vendor_rnd = random.Random(1), random.Random(2)
    filters = ["", "reason=no_po", "reason=duplicate_suspected", "vendor=Vendor%2012", "channel=email", "page=3", "held=none",
               "reason=price_variance&channel=scan", "page=20", "sort=amount", "sort=vendor", "sort=age&reason=unknown_vendor"]
    n_docs = args.documents
    searches = {  # each a function of a random document number
        "search: number fragment": lambda i: f"number={i % 1_000_000:06d}"[:-1],  # five of the six digits
        "search: number, O for 0": lambda i: "number=" + invoice_number(i).replace("0", "O"),
        "search: number, 2 chars": lambda i: f"number={i % 100}",
        "search: vendor": lambda i: f"vendor=Vendor%20{i % 200}",
        "search: vendor + amount": lambda i: f"vendor=Vendor%2012&amount_min={i % 500}&amount_max={i % 500 + 100}",
        "search: amount range": lambda i: f"amount_min={i % 50000}&amount_max={i % 50000 + 10}",
        "search: PO": lambda i: f"po=45{i % 100_000:05d}",
        "search: file name": lambda i: f"filename=invoice-{i}.pdf",
        "search: state": lambda i: "state=needs_review",
    }
    # A vendor filter under the sorts the vendor index does not give (read from the vendor's
    # ranges and sorted when it matches few rows; walking the sort's own index otherwise).
    other_sorts = ("amount", "age", "confidence")
    runs = {"queue page": [], "queue page, vendor + amount/age/confidence sort": [], "queue page, next (cursor)": [],
            "document view": [], "document view (filtered nav)": [],
            **{label: [] for label in searches}, "api queue": []}
    cursor = None
    for n in range(args.requests):
        runs["queue page"].append(timed(client, f"/queue?{filters[n % len(filters)]}"))
        runs["queue page, vendor + amount/age/confidence sort"].append(
            timed(client, f"/queue?vendor=Vendor%20{vendor_rnd.randint(0, 199)}&sort={other_sorts[n % 3]}"))
        if cursor is None:
            cursor = client.get("/api/queue?sort=age").json()["next"]
        response_ms = timed(client, f"/queue?sort=age&page=2&after={cursor}")
        runs["queue page, next (cursor)"].append(response_ms)
        cursor = client.get(f"/api/queue?sort=age&after={cursor}").json()["next"]
        runs["document view"].append(timed(client, f"/documents/{rnd.randint(1, n_docs)}"))
        runs["document view (filtered nav)"].append(timed(client, f"/documents/{rnd.randint(1, n_docs)}?reason=no_po"))
        for label, query in searches.items():
            runs[label].append(timed(client, "/search?" + query(rnd.randint(1, n_docs))))
        if n % 4 == 0:
            runs["api queue"].append(timed(client, f"/api/queue?{filters[n % len(filters)]}"))
    print(f"load average after the requests {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, samples in runs.items():
        print(summary(label, samples))
    app.close()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
