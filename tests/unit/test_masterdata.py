"""Master data loads: validated, idempotent, bad rows quarantined, drift reported."""

import json

import pytest
from sqlalchemy import select

from invoicepipe.adapters.db import tables as t
from invoicepipe.errors import MasterDataError
from invoicepipe.services.masterdata import load_master_data
from tests.masterdata_samples import write_master


def test_json_load_then_reload_is_an_idempotent_upsert(app, tmp_path):
    paths = write_master(tmp_path)
    first = load_master_data(app, "vendors", paths["vendors"])
    again = load_master_data(app, "vendors", paths["vendors"])
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    with app.uow.begin() as tx:
        vendor = tx.master.vendor("V100")
    assert vendor.aliases == ("Acme Industries",) and vendor.bank_accounts[0].iban == "DE89370400440532013000"


def test_bad_rows_are_quarantined_with_row_level_reasons(app, tmp_path):
    rows = [{"vendor_id": "V1", "name": "Good Co"}, {"vendor_id": "V2"}, {"vendor_id": "V3", "name": "Bad IBAN", "bank_accounts": [{"iban": "nope"}]}]
    path = tmp_path / "v.json"
    path.write_text(json.dumps(rows))
    report = load_master_data(app, "vendors", path)
    assert report.inserted == 1
    assert [q["row"] for q in report.quarantined] == [2, 3]
    assert "'name' is a required property" in report.quarantined[0]["reason"]
    assert "bank_accounts/0/iban" in report.quarantined[1]["reason"]
    with app.uow.begin() as tx:
        assert len(tx.conn.execute(select(t.quarantine)).all()) == 2


def test_csv_purchase_orders_fold_lines_and_report_unknown_columns(app, tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text("po_number,vendor_id,currency,status,kind,line_no,sku,description,quantity,unit_price,buyer\n"
                    "4500001,V1,EUR,open,goods,1,A,Bolts,100,0.10,jane\n"
                    "4500001,V1,EUR,open,goods,2,B,Nuts,100,0.05,jane\n")
    report = load_master_data(app, "pos", path)
    assert report.inserted == 1 and report.quarantined == []
    assert report.drift and "buyer" in report.drift[0]
    with app.uow.begin() as tx:
        po = tx.master.purchase_order("4500001")
    assert [line.line_no for line in po.lines] == ["1", "2"]


def test_csv_missing_required_columns_is_schema_drift_and_loads_nothing(app, tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("receipt_id,po_number,quantity\nGR1,4500001,3\n")
    with pytest.raises(MasterDataError, match="required columns missing: po_line, received_on"):
        load_master_data(app, "receipts", path)


def test_a_column_missing_from_a_later_export_keeps_the_stored_values(app, tmp_path):
    full = tmp_path / "v1.csv"
    full.write_text("vendor_id,name,iban,bank_changed_at\nV1,Good Co,DE89370400440532013000,2024-01-01\n")
    load_master_data(app, "vendors", full)
    renamed = tmp_path / "v2.csv"
    renamed.write_text("vendor_id,name,bank_iban\nV1,Good Co GmbH,DE02120300000000202051\n")
    report = load_master_data(app, "vendors", renamed)
    assert report.updated == 1 and "bank_iban" in report.drift[0]
    with app.uow.begin() as tx:
        vendor = tx.master.vendor("V1")
    assert vendor.name == "Good Co GmbH"
    assert [a.iban for a in vendor.bank_accounts] == ["DE89370400440532013000"]


def test_a_blank_cell_clears_the_value(app, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("vendor_id,name,tax_id\nV1,Good Co,DE123456789\n")
    load_master_data(app, "vendors", path)
    path.write_text("vendor_id,name,tax_id\nV1,Good Co,\n")
    load_master_data(app, "vendors", path)
    with app.uow.begin() as tx:
        assert tx.master.vendor("V1").tax_id is None


def test_a_po_file_without_a_status_column_does_not_reopen_a_closed_po(app, tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text("po_number,vendor_id,currency,status,line_no,description,quantity,unit_price\n4500009,V1,EUR,closed,1,Bolts,5,1.00\n")
    load_master_data(app, "pos", path)
    path.write_text("po_number,vendor_id,currency,line_no,description,quantity,unit_price\n4500009,V1,EUR,1,Bolts,6,1.00\n")
    load_master_data(app, "pos", path)
    with app.uow.begin() as tx:
        po = tx.master.purchase_order("4500009")
    assert po.status == "closed" and po.lines[0].quantity == 6


def test_a_vendor_s_po_numbers_are_its_purchase_orders_numbers_and_statuses(app, tmp_path):
    """What a parse asks for (``purchase_order_numbers_of``) is what the full read gives,
    less the lines."""
    path = tmp_path / "pos.csv"
    path.write_text("po_number,vendor_id,currency,status,kind,line_no,sku,description,quantity,unit_price\n"
                    "4500001,V1,EUR,open,goods,1,A,Bolts,100,0.10\n"
                    "4500002,V1,EUR,closed,goods,1,B,Nuts,100,0.05\n"
                    "4500003,V2,EUR,open,goods,1,C,Washers,10,0.01\n")
    load_master_data(app, "pos", path)
    with app.uow.read() as tx:
        full = tx.master.purchase_orders_of("V1")
        numbers = tx.master.purchase_order_numbers_of("V1")
        assert tx.master.purchase_order_numbers_of(None) == []
    assert sorted((n.po_number, n.status) for n in numbers) == sorted((p.po_number, p.status) for p in full) \
        == [("4500001", "open"), ("4500002", "closed")]
