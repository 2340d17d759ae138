"""The parse's bookkeeping, statement by statement, on both databases: what the folded reads
and writes store and return is what the separate statements did; PostgreSQL runs the
folded writes as one statement each (data-modifying CTEs), SQLite as before."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import event, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.layout_memory import LayoutMemoryRepository
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.fingerprints import ContentPrint, band_keys
from invoicepipe.domain.layout_memory import FieldSpot, VendorLayout
from invoicepipe.domain.models import ExtractedField, Extraction, Status
from invoicepipe.services import costs

pytestmark = pytest.mark.integration


@pytest.fixture
def app(database_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    application = bootstrap(settings, broker=StubBroker(), log_level="WARNING")
    yield application
    application.close()


def _statements(app) -> list[str]:
    """The SQL that SQLAlchemy sends from now on, but SQLite's BEGIN and PRAGMA (PostgreSQL's
    BEGIN and COMMIT are not sent as statements)."""
    seen: list[str] = []

    def sent(conn, cursor, sql, *rest):
        if not sql.startswith(("BEGIN", "PRAGMA")):
            seen.append(" ".join(sql.split()))

    event.listen(app.engine, "before_cursor_execute", sent)
    return seen


def _document(tx, n: int, status: Status = Status.PARSING) -> int:
    return tx.documents.add(sha256=f"{n:064x}", filename=f"{n}.pdf", channel="portal", media_type="application/pdf",
                            size_bytes=1, status=status)


def _extraction(total: str, vendor: str = "V-1") -> Extraction:
    fields = {"total": ExtractedField(name="total", value=total, confidence=0.9, method="test"),
              "vendor_id": ExtractedField(name="vendor_id", value=vendor, confidence=0.9, method="test")}
    return Extraction(fields=fields, lines=(), extractor_version="t")


def _postgres(app) -> bool:
    return app.engine.dialect.name == "postgresql"


def test_a_reading_and_its_invoice_columns_are_stored_as_the_two_statements_stored_them(app):
    with app.uow.begin() as tx:
        folded, apart = _document(tx, 1), _document(tx, 2)
    seen = _statements(app)
    with app.uow.begin() as tx:
        tx.documents.save_reading(folded, _extraction("12.00"), "reader", [{"number": 1}],
                                  {"vendor_id": "V-1", "total": Decimal("12.00"), "po_number": "PO-1"})
    assert len(seen) == (1 if _postgres(app) else 2)
    with app.uow.begin() as tx:
        tx.documents.save_extraction(apart, _extraction("12.00"), "reader", [{"number": 1}])
        tx.documents.upsert_invoice(apart, vendor_id="V-1", total=Decimal("12.00"), po_number="PO-1")
        # a second reading (a review's correction) updates the invoice row and adds an extraction
        tx.documents.save_reading(folded, _extraction("13.00"), "review:x", [], {"vendor_id": "V-1", "total": Decimal("13.00")},
                                  source="review")
        tx.documents.save_extraction(apart, _extraction("13.00"), "review:x", [], source="review")
        tx.documents.upsert_invoice(apart, vendor_id="V-1", total=Decimal("13.00"))

    def stored(tx, doc_id):
        invoice = tx.documents.invoice(doc_id)
        extractions = tx.conn.execute(select(t.extractions).where(t.extractions.c.document_id == doc_id)
                                      .order_by(t.extractions.c.id)).mappings().all()
        return ({k: v for k, v in invoice.items() if k not in ("document_id", "created_at")},
                [{k: v for k, v in x.items() if k not in ("id", "document_id", "created_at")} for x in extractions])

    with app.uow.read() as tx:
        assert stored(tx, folded) == stored(tx, apart)
        invoice, extractions = stored(tx, folded)
        assert invoice["total"] == Decimal("13.00") and invoice["po_number"] == "PO-1"
        assert [x["source"] for x in extractions] == ["machine", "review"]
        assert tx.documents.latest_extraction(folded)["fields"]["total"]["value"] == "13.00"


def test_a_first_print_goes_with_its_band_keys_and_a_second_replaces_both(app):
    first = ContentPrint(tuple(range(64)), frozenset(), frozenset(), (0x0123456789ABCDEF,), 100)
    second = ContentPrint(tuple(range(1000, 1064)), frozenset(), frozenset(), (), 100)
    bands = select(t.content_print_bands.c.band, t.content_print_bands.c.band_key)
    with app.uow.begin() as tx:
        doc_id = _document(tx, 1)
    seen = _statements(app)
    with app.uow.begin() as tx:
        tx.content_prints.save_content_print(doc_id, first)
    assert len(seen) == (1 if _postgres(app) else 2)
    with app.uow.begin() as tx:
        assert set(tx.conn.execute(bands.where(t.content_print_bands.c.document_id == doc_id)).all()) == set(band_keys(first))
        assert tx.content_prints.content_print(doc_id) == first
        tx.content_prints.save_content_print(doc_id, second)
        assert set(tx.conn.execute(bands.where(t.content_print_bands.c.document_id == doc_id)).all()) == set(band_keys(second))
        assert tx.content_prints.content_print(doc_id) == second


def test_the_vendor_s_pending_corrections_and_layout_are_read_as_the_two_reads_read_them(app):
    layout = VendorLayout("V-1", (FieldSpot("total", -1, (0.7, 0.8, 0.9, 0.82), "total"),), 3)
    with app.uow.begin() as tx:
        repo = LayoutMemoryRepository(tx.conn)
        assert repo.pending_and_layout("V-1") == (False, None)
        repo.save(layout)
        doc_id = _document(tx, 1, Status.NEEDS_REVIEW)
        tx.documents.save_reading(doc_id, _extraction("12.00"), "review:x", [], {"vendor_id": "V-1"}, source="review")
    with app.uow.begin() as tx:
        repo = LayoutMemoryRepository(tx.conn)
        assert repo.pending_and_layout("V-1") == (True, layout) == (bool(repo.unlearned_reviews(["V-1"])), repo.get("V-1"))
        assert repo.pending_and_layout("V-2") == (False, None)
        [correction] = repo.unlearned_reviews(["V-1"])
        repo.mark_learned(correction["id"], "V-1")
        assert repo.pending_and_layout("V-1") == (False, layout)


def test_a_parse_s_vendor_context_is_read_in_one_statement_as_the_two_reads_read_it(app):
    # what the parse child asks about its resolved vendor: corrections waiting, the layout
    # memory, the numbers and statuses of the vendor's purchase orders, and the numbers of
    # its latest approved or exported invoices (newest first; held, rejected or another
    # vendor's are not its numbering's)
    from invoicepipe.services.learning import stored_context

    layout = VendorLayout("V-1", (FieldSpot("total", -1, (0.7, 0.8, 0.9, 0.82), "total"),), 3)
    with app.uow.begin() as tx:
        for number, vendor, status in (("PO-1", "V-1", "open"), ("PO-2", "V-1", "closed"), ("PO-3", "V-2", "open")):
            tx.conn.execute(t.purchase_orders.insert().values(po_number=number, vendor_id=vendor, currency="EUR", status=status,
                                                              kind="goods", lines=[], updated_at=datetime.now(timezone.utc)))
        LayoutMemoryRepository(tx.conn).save(layout)
        for n, (number, vendor, status) in enumerate((("RE-11", "V-1", Status.APPROVED), ("RE-12", "V-1", Status.EXPORTED),
                                                      ("RE-13", "V-1", Status.NEEDS_REVIEW), ("RE-14", "V-1", Status.REJECTED),
                                                      ("X-9", "V-2", Status.APPROVED), ("RE-15", "V-1", Status.EXPORTED)), 40):
            tx.documents.upsert_invoice(_document(tx, n, status), vendor_id=vendor, invoice_number=number)
    seen = _statements(app)
    with app.uow.look() as tx:
        pending, memory, orders, numbers = stored_context(tx, "V-1", "V-1")
    assert len(seen) == 1
    assert numbers == ["RE-15", "RE-12", "RE-11"]
    with app.uow.look() as tx:
        assert LayoutMemoryRepository(tx.conn).vendor_context("V-1", "V-1", history=2)[3] == ["RE-15", "RE-12"]
    with app.uow.read() as tx:
        repo = LayoutMemoryRepository(tx.conn)
        assert (pending, memory) == (False, {"V-1": layout}) and repo.pending_and_layout("V-1") == (False, layout)
        assert sorted(orders, key=lambda o: o.po_number) == sorted(tx.master.purchase_order_numbers_of("V-1"),
                                                                     key=lambda o: o.po_number)
        assert [(o.po_number, o.status) for o in sorted(orders, key=lambda o: o.po_number)] == [("PO-1", "open"), ("PO-2", "closed")]
        assert stored_context(tx, "V-3", "V-3") == (False, None, [], [])  # no memory, no purchase orders, no invoices


def test_a_document_s_first_grant_reads_no_ledger_rows_and_a_retry_counts_the_dead_attempt(app):
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        opener, doc_id = _document(tx, 1), _document(tx, 2)
    with app.uow.begin() as tx:
        costs.grant(app, tx, opener, now)  # the day's first grant creates the day's row
    seen = _statements(app)
    with app.uow.begin() as tx:
        first = costs.grant(app, tx, doc_id, now)
    assert not any(s.startswith("SELECT cost_ledger.id") for s in seen)
    # PostgreSQL: a savepoint and the row opened from its slot's share of the day, in one
    # guarded statement; SQLite: the day's slots with the flag, the row opened, the slot's
    # reservation
    assert len(seen) == (2 if _postgres(app) else 3), seen
    with app.uow.begin() as tx:  # the first attempt died unsettled: the retry counts it at its allowance
        retry = costs.grant(app, tx, doc_id, now)
    report = costs.document_report(app, doc_id)
    assert [p["outcome"] for p in report["parses"]] == ["lost", "running"]
    assert retry.budget.allowance.cpu_seconds <= app.policy.costs.document.cpu_seconds - first.budget.allowance.cpu_seconds


def test_a_parse_s_outcome_is_stored_as_its_three_writes_stored_it(app):
    """``save_parse_outcome``: the ledger's close, the reading and the print, one statement on
    PostgreSQL; what it stores (ledger row, the day's totals, reading, invoice row, print and
    band keys) is what the three writes store; a re-parse's print replaces the first."""
    from invoicepipe.adapters.db.parse_outcome import save_parse_outcome
    from invoicepipe.domain.costs import Spend

    first = ContentPrint(tuple(range(64)), frozenset({"4711"}), frozenset({"12.00"}), (0x0123456789ABCDEF,), 100)
    second = ContentPrint(tuple(range(1000, 1064)), frozenset(), frozenset(), (), 100)
    engines = {"tesseract": {"cpu_seconds": 0.25, "calls": 2, "cost": 0.0}}
    ceiling = {"hits": [{"scope": "document", "engine": "rapidocr"}], "policy_version": "p1"}
    invoice = {"vendor_id": "V-1", "total": Decimal("12.00"), "po_number": "PO-1"}
    with app.uow.begin() as tx:
        folded, apart = _document(tx, 1), _document(tx, 2)

    def grant(doc_id):
        with app.uow.begin() as tx:
            return costs.grant(app, tx, doc_id)

    def close_of(granted, spent, with_engines):
        return {"entry_id": granted.entry_id, "day": granted.day, "allowance": granted.allowance,
                "now": datetime.now(timezone.utc), "spent": spent, "engines": engines if with_engines else None,
                "ceiling": ceiling if with_engines else None, "slot": granted.slot}

    def day(tx, granted):  # the granted document's slot of the day: where its close counts
        [row] = [r for r in tx.costs.day_slots(granted.day) if r["slot"] == granted.slot]
        return {k: v for k, v in row.items() if k not in ("day", "slot") and not k.startswith("share")}

    def delta(before, after):
        out = {k: v - before[k] for k, v in after.items() if k != "engines"}
        known = before["engines"] or {}
        out["engines"] = {name: {m: round(x - (known.get(name) or {}).get(m, 0), 6) for m, x in spend.items()}
                          for name, spend in (after["engines"] or {}).items()}
        return out

    for n, (spent, with_engines, content) in enumerate(((Spend(0.5, 2, 0.01), True, first), (None, False, second),
                                                         (Spend(0.1, 0, 0.0), False, None))):
        changes = []
        for doc_id, together in ((folded, True), (apart, False)):
            granted = grant(doc_id)
            close = close_of(granted, spent, with_engines)
            with app.uow.read() as tx:
                before = day(tx, granted)
            seen = _statements(app)
            with app.uow.begin() as tx:
                if together:
                    save_parse_outcome(tx, doc_id, _extraction(f"1{n}.00"), "reader", [{"number": 1}], invoice, content, close)
                else:
                    tx.costs.close(**close)
                    tx.documents.save_reading(doc_id, _extraction(f"1{n}.00"), "reader", [{"number": 1}], invoice)
                    if content is not None:
                        tx.content_prints.save_content_print(doc_id, content)
            if together and _postgres(app):
                # one statement; a re-parse's print (the second round) then replaces the first as before
                assert len(seen) == (1 if n != 1 else 1 + 3), seen
            with app.uow.read() as tx:
                changes.append(delta(before, day(tx, granted)))
        assert changes[0] == changes[1]

    def stored(tx, doc_id):
        ledger = [{k: v for k, v in e.items() if k not in ("id", "document_id", "started_at", "settled_at")}
                  for e in tx.costs.entries(doc_id)]
        extractions = tx.conn.execute(select(t.extractions).where(t.extractions.c.document_id == doc_id)
                                      .order_by(t.extractions.c.id)).mappings().all()
        bands = set(tx.conn.execute(select(t.content_print_bands.c.band, t.content_print_bands.c.band_key)
                                    .where(t.content_print_bands.c.document_id == doc_id)).all())
        invoice_row = {k: v for k, v in tx.documents.invoice(doc_id).items() if k not in ("document_id", "created_at")}
        return (ledger, invoice_row, [{k: v for k, v in x.items() if k not in ("id", "document_id", "created_at")} for x in extractions],
                tx.content_prints.content_print(doc_id), bands)

    with app.uow.read() as tx:
        assert stored(tx, folded) == stored(tx, apart)
        ledger, _, extractions, content, bands = stored(tx, folded)
        assert [e["outcome"] for e in ledger] == ["metered", "lost", "metered"] and ledger[0]["ceiling"] == ceiling
        assert len(extractions) == 3 and content == second and bands == set(band_keys(second))
