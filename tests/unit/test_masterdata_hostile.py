"""Master data from hostile or careless exports: encodings, duplicate ids, formula cells."""

import csv
import io

import pytest

from invoicepipe.domain.csv_cells import csv_cell, neutralise_formula
from invoicepipe.errors import MasterDataError
from invoicepipe.services.audit_search import AuditFilters, export_csv
from invoicepipe.services.masterdata import load_master_data

HEADER = "vendor_id,name,currency\n"
ROWS = "V1,Müller Bürobedarf GmbH,EUR\nV2,Société Générale Fournitures,EUR\nV3,Œuvre & Co – €-Handel,EUR\n"


def vendor(app, vendor_id):
    with app.uow.begin() as tx:
        return tx.master.vendor(vendor_id)


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1252", "cp1252"),
])
def test_csv_in_every_common_encoding_loads_the_same_names(app, tmp_path, encoding, expected):
    path = tmp_path / f"vendors-{encoding}.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    report = load_master_data(app, "vendors", path)
    assert report.inserted == 3 and report.quarantined == [] and report.encoding == expected
    assert vendor(app, "V1").name == "Müller Bürobedarf GmbH"
    assert vendor(app, "V3").name == "Œuvre & Co – €-Handel"


def test_latin1_without_the_euro_sign_is_detected(app, tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_bytes((HEADER + "V1,Müller Bürobedarf GmbH,EUR\nV2,Société Générale Fournitures,EUR\n").encode("latin-1"))
    report = load_master_data(app, "vendors", path)
    assert report.inserted == 2 and vendor(app, "V2").name == "Société Générale Fournitures"


def test_a_binary_file_is_refused_naming_the_file_and_what_was_tried(app, tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(MasterDataError) as err:
        load_master_data(app, "vendors", path)
    message = str(err.value)
    assert str(path) in message and "UTF-8" in message and "UTF-16" in message and "Windows-1252" in message


def test_duplicate_vendor_ids_quarantine_every_duplicate_row(app, tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_text(HEADER + "V1,First Name,EUR\nV2,Other,EUR\nV1,Second Name,EUR\n", encoding="utf-8")
    report = load_master_data(app, "vendors", path)
    assert report.inserted == 1 and vendor(app, "V1") is None and vendor(app, "V2").name == "Other"
    assert [(q["row"], q["id"]) for q in report.quarantined] == [(2, "V1"), (4, "V1")]
    assert all("duplicate vendor_id V1 in this file (rows 2, 4)" in q["reason"] for q in report.quarantined)


def test_duplicate_po_line_quarantines_the_whole_po(app, tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text("po_number,vendor_id,currency,line_no,quantity,unit_price\n"
                    "P1,V1,EUR,1,10,1.00\nP1,V1,EUR,2,5,2.00\nP1,V1,EUR,1,99,1.00\nP2,V1,EUR,1,1,1.00\n", encoding="utf-8")
    report = load_master_data(app, "pos", path)
    assert report.inserted == 1 and [q["row"] for q in report.quarantined] == [2, 3, 4]
    assert "duplicate po_number P1 line 1 in this file (rows 2, 4)" in report.quarantined[0]["reason"]
    with app.uow.begin() as tx:
        assert tx.master.purchase_order("P1") is None and tx.master.purchase_order("P2") is not None


def test_duplicate_ids_in_a_json_file_are_quarantined_too(app, tmp_path):
    path = tmp_path / "vendors.json"
    path.write_text('[{"vendor_id": "V1", "name": "A"}, {"vendor_id": "V1", "name": "B"}]', encoding="utf-8")
    report = load_master_data(app, "vendors", path)
    assert report.inserted == 0 and [q["row"] for q in report.quarantined] == [1, 2]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_stored_as_text_and_neutralised_on_export(app, tmp_path, cell):
    path = tmp_path / "vendors.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["vendor_id", "name"], ["V1", cell]])
    assert load_master_data(app, "vendors", path).inserted == 1
    assert vendor(app, "V1").name == cell.strip()  # kept as the text it is (the loader trims whitespace)
    assert neutralise_formula(cell) == "'" + cell and csv_cell(cell) == "'" + cell


def test_the_audit_export_uses_the_shared_neutraliser(app, tmp_path):
    from invoicepipe.services.transitions import record

    with app.uow.begin() as tx:
        record(tx, None, step="note", actor="=cmd|' /C calc'!A0", outcome="@SUM(1)")
    text = "".join(export_csv(app, AuditFilters()))
    row = list(csv.DictReader(io.StringIO(text)))[-1]
    assert row["actor"] == "'=cmd|' /C calc'!A0" and row["outcome"] == "'@SUM(1)"
    assert csv_cell(None) == "" and csv_cell(["-x"]) == '["-x"]' and csv_cell(-5) == "'-5"
