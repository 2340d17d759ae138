"""``MasterDataRepository.for_decision``: the vendor, the PO (both locked) and the PO's goods
receipts a decision reads, in one statement on PostgreSQL, the same as the three reads it
replaces, on both databases."""

from __future__ import annotations

import threading

import pytest

from invoicepipe.adapters.db.engine import make_engine
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.adapters.db.uow import UnitOfWork

pytestmark = pytest.mark.integration


def _load(tx) -> None:
    tx.master.upsert_vendor({"vendor_id": "V1", "name": "Acme GmbH", "aliases": ["Acme", "ACME Ümlaut"], "tax_id": "DE123",
                             "bank_accounts": [{"iban": "DE89370400440532013000", "changed_at": "2026-11-30"},
                                               {"iban": "DE02120300000000202051"}],
                             "currency": "EUR", "payment_terms_days": 30, "active": 1})
    tx.master.upsert_vendor({"vendor_id": "V2", "name": "Quiet Ltd", "aliases": [], "tax_id": None, "bank_accounts": [],
                             "currency": None, "payment_terms_days": None, "active": 0})
    tx.master.upsert_po({"po_number": "4500001", "vendor_id": "V1", "currency": "EUR", "status": "open", "kind": "goods",
                         "lines": [{"line_no": "10", "description": "Bolts", "quantity": "100", "unit_price": "0.25", "sku": "B-1"},
                                   {"line_no": 20, "quantity": 2.5, "unit_price": "19.999"}]})
    tx.master.upsert_po({"po_number": "4500002", "vendor_id": "V1", "currency": "EUR", "status": "closed", "kind": "service",
                         "lines": [{"line_no": "1", "description": "Hours", "quantity": "8", "unit_price": "95"}]})
    for rid, day, qty in (("GR-2", "2026-11-20", "40"), ("GR-1", "2026-11-02", "60"), ("GR-3", "2026-12-01", "1.5")):
        tx.master.upsert_receipt({"receipt_id": rid, "po_number": "4500001", "received_on": day,
                                  "lines": [{"po_line": "10", "quantity": qty, "sku": "B-1"}]})


def _apart(tx, vendor_id, po_number):
    vendor = tx.master.vendor(vendor_id, lock=True)
    po = tx.master.purchase_order(po_number, lock=True)
    return vendor, po, tx.master.receipts_for(po.po_number) if po else []


@pytest.mark.parametrize("vendor_id,po_number", [("V1", "4500001"), ("V1", "4500002"), ("V2", None), (None, "4500001"),
                                                 ("V9", "4500009"), ("", ""), (None, None), ("V1", "4500009")])
def test_the_decision_masters_are_the_reads_they_replace(database_url, vendor_id, po_number):
    upgrade(database_url)
    uow = UnitOfWork(make_engine(database_url), b"k" * 32)
    try:
        with uow.begin() as tx:
            _load(tx)
        with uow.begin() as tx:
            together = tx.master.for_decision(vendor_id, po_number)
            assert together == _apart(tx, vendor_id, po_number)
        if vendor_id == "V1" and po_number == "4500001":
            vendor, po, receipts = together
            assert vendor.bank_accounts[0].changed_at is not None and po.lines[1].quantity == po.lines[1].quantity.__class__("2.5")
            assert [r.receipt_id for r in receipts] == ["GR-1", "GR-2", "GR-3"]  # received_on order
    finally:
        uow.engine.dispose()


def test_the_decision_masters_hold_both_locks_until_commit(postgres_url):
    """A second decision on the same vendor (or PO) waits for the first one's commit."""
    upgrade(postgres_url)
    uow = UnitOfWork(make_engine(postgres_url), b"k" * 32)
    try:
        with uow.begin() as tx:
            _load(tx)
        for second in (("V1", None), (None, "4500001")):
            entered, done = threading.Event(), threading.Event()

            def other(args=second):
                entered.set()
                with uow.begin() as tx2:
                    tx2.master.for_decision(*args)
                done.set()

            with uow.begin() as tx:
                tx.master.for_decision("V1", "4500001")
                worker = threading.Thread(target=other)
                worker.start()
                entered.wait(5)
                assert not done.wait(0.5), f"{second} read past the lock"
            worker.join(5)
            assert done.is_set()
    finally:
        uow.engine.dispose()
