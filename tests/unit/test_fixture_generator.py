"""The invoice fixture generator (fixtures/generate.py) is deterministic and self-consistent.

The generator runs as a subprocess, exactly as people run it, on a tiny set: three
invoices in digital and image form.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "fixtures" / "generate.py"
TWO_PLACES = re.compile(r"^-?\d+\.\d{2}$")


def _generate(out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--count", "3", "--seed", "11", "--forms", "digital,image"],
        check=True, capture_output=True, text=True,
    )
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fixture-generator")
    return _generate(base / "a"), _generate(base / "b")


def _files(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())


def _gts(d: Path, with_inbox: bool = True) -> list[dict]:
    """Ground truth of the documents, plus that of the e-mail attachments in inbox_cases."""
    paths = sorted((d / "gt").glob("*.json"))
    if with_inbox:
        paths += sorted((d / "inbox_cases" / "gt").glob("*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def _iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s)) and int(digits) % 97 == 1


def test_same_seed_gives_same_files_and_ground_truth(runs):
    a, b = runs
    assert _files(a) == _files(b)
    for rel in _files(a):
        if rel.startswith(("gt/", "master/", "inbox_cases/gt/")) or rel.endswith((".csv", "cases.json")):
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert _gts(a) == _gts(b)


def test_every_document_has_ground_truth_and_a_manifest_row(runs):
    d = runs[0]
    gts = _gts(d, with_inbox=False)
    assert len(gts) == 6  # 3 invoices x (digital, image)
    assert {g["form"] for g in gts} == {"digital", "image"}
    for g in gts:
        assert (d / g["file"]).is_file(), g["file"]
    with open(d / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["file"] for r in rows) == sorted(g["file"] for g in gts)
    assert list(rows[0]) == ["file", "form", "layout", "language", "vendor", "invoice_number", "total", "currency"]


def test_amounts_add_up(runs):
    for g in _gts(runs[0]):
        for key in ("net", "tax", "total"):
            assert TWO_PLACES.match(g[key]), (g["file"], key, g[key])
        assert Decimal(g["net"]) + Decimal(g["tax"]) == Decimal(g["total"]), g["file"]
        assert g["line_item_count"] == len(g["lines"]) > 0
        assert sum(Decimal(l["amount"]) for l in g["lines"]) == Decimal(g["net"]), g["file"]
        for line in g["lines"]:
            assert TWO_PLACES.match(line["amount"]) and TWO_PLACES.match(line["unit_price"])
            expected = (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01"))
            assert abs(expected - Decimal(line["amount"])) <= Decimal("0.01"), line


@pytest.mark.parametrize("schema, data", [
    ("vendor.schema.json", "vendors.json"),
    ("purchase_order.schema.json", "pos.json"),
    ("goods_receipt.schema.json", "receipts.json"),
])
def test_master_data_validates_against_schemas(runs, schema, data):
    validator = Draft202012Validator(json.loads((ROOT / "schemas" / schema).read_text(encoding="utf-8")),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    records = json.loads((runs[0] / "master" / data).read_text(encoding="utf-8"))
    assert isinstance(records, list) and records
    errors = [f"{i}: {e.message}" for i, r in enumerate(records) for e in validator.iter_errors(r)]
    assert errors == []


def test_ground_truth_refers_to_master_data(runs):
    master = runs[0] / "master"
    vendors = {v["vendor_id"] for v in json.loads((master / "vendors.json").read_text(encoding="utf-8"))}
    pos = {p["po_number"] for p in json.loads((master / "pos.json").read_text(encoding="utf-8"))}
    for g in _gts(runs[0]):
        assert g.get("vendor_id") is None or g["vendor_id"] in vendors
        assert "po_number" not in g or g["po_number"] in pos
        assert g["expected_outcome"] in ("approved", "needs_review")
        assert (g["expected_outcome"] == "approved") == (g["expected_reasons"] == [])


def test_every_iban_passes_mod97(runs):
    assert _iban_ok("DE89 3704 0044 0532 0130 00") and not _iban_ok("DE88 3704 0044 0532 0130 00")
    ibans = [g["iban"] for g in _gts(runs[0]) if "iban" in g]
    vendors = json.loads((runs[0] / "master" / "vendors.json").read_text(encoding="utf-8"))
    ibans += [a["iban"] for v in vendors for a in v.get("bank_accounts", [])]
    with open(runs[0] / "master" / "vendors.csv", newline="", encoding="utf-8") as f:
        ibans += [i for row in csv.DictReader(f) for i in row["iban"].split("|") if i]
    assert ibans
    bad = [i for i in ibans if not _iban_ok(i)]
    assert bad == []


def test_inbox_cases_exist_and_name_known_states(runs):
    d = runs[0]
    cases = json.loads((d / "inbox_cases" / "cases.json").read_text(encoding="utf-8"))
    states = {"received", "queued", "parsing", "extracted", "reconciling", "needs_review", "approved",
              "exported", "rejected", "duplicate", "failed"}
    assert len(cases) >= 7
    for case in cases:
        assert (d / case["file"]).is_file(), case["file"]
        assert case["channel"] in ("email", "portal", "scan")
        assert case["expect_state"] in states
    empty = [c for c in cases if c["expect_reason_contains"] == "empty"]
    assert empty and (d / empty[0]["file"]).stat().st_size == 0
    resent = [c for c in cases if "expect_same_document_as" in c]
    assert resent and (d / resent[0]["file"]).read_bytes() == (d / resent[0]["expect_same_document_as"]).read_bytes()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fixture-generator-world")
    out = []
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(base / name), "--count", "12", "--seed", "11",
                        "--forms", "digital", "--region", "world"], check=True, capture_output=True, text=True)
        out.append(base / name)
    return out[0], out[1]


def test_world_region_is_deterministic_consistent_and_covers_its_layouts(world):
    a, b = world
    assert _files(a) == _files(b) and _gts(a, False) == _gts(b, False)
    gts = _gts(a, with_inbox=False)
    assert {g["language"] for g in gts} == {"es", "it", "pt", "pl", "de", "en"}
    assert {g["currency"] for g in gts} == {"EUR", "PLN", "CHF", "INR"}
    for g in gts:
        assert Decimal(g["net"]) + Decimal(g["tax"]) == Decimal(g["total"]), g["file"]
        assert sum(Decimal(l["amount"]) for l in g["lines"]) == Decimal(g["net"]), g["file"]
        assert "iban" not in g or _iban_ok(g["iban"]), g["iban"]
    validator = Draft202012Validator(json.loads((ROOT / "schemas" / "vendor.schema.json").read_text(encoding="utf-8")))
    vendors = json.loads((a / "master" / "vendors.json").read_text(encoding="utf-8"))
    assert [e.message for v in vendors for e in validator.iter_errors(v)] == []


# -- the "more" region: new layouts, the dev / holdout split, the phone-photo form ------------

MORE_LAYOUTS = {"nl_factuur_grid", "de_courier_legacy", "en_my_noline", "fr_report_words", "es_iva_table",
                "sv_faktura", "ch_fr_facture", "en_in_retail", "nl_courier_transport", "pl_faktura_zl",
                "es_courier_suma", "de_at_rechnung", "en_gb_parens", "da_faktura"}


def _run(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--seed", "11", *args],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def more(tmp_path_factory) -> tuple[Path, Path]:
    """The first 36 invoices: the whole schedule, so every layout and case appears."""
    base = tmp_path_factory.mktemp("fixture-generator-more")
    return tuple(_run(base / n, "--count", "36", "--forms", "digital", "--region", "more") for n in ("a", "b"))


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, list[dict]]:
    base = tmp_path_factory.mktemp("fixture-generator-parts")
    return {p: _gts(_run(base / p, "--count", "30", "--forms", "digital", "--region", "more", "--part", p), False)
            for p in ("dev", "holdout")}


def test_more_region_is_byte_deterministic_and_produces_every_new_layout(more):
    a, b = more
    assert _files(a) == _files(b)
    for rel in _files(a):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    gts = _gts(a, with_inbox=False)
    assert {g["layout"] for g in gts} == MORE_LAYOUTS
    assert {g["language"] for g in gts} == {"nl", "de", "en", "fr", "es", "sv", "pl", "da"}
    assert {g["currency"] for g in gts} == {"EUR", "MYR", "SEK", "CHF", "INR", "PLN", "GBP", "DKK"}
    assert sum(g["page_count"] > 1 for g in gts) >= 6
    credit = [g for g in gts if g["document_type_code"] == "381"]
    assert {g["layout"] for g in credit if Decimal(g["total"]) < 0} >= {"de_courier_legacy", "ch_fr_facture",
                                                                       "nl_courier_transport", "en_gb_parens"}
    assert any(Decimal(g["total"]) > 0 for g in credit)


def test_more_region_ground_truth_adds_up_with_rounding_and_per_line_tax(more):
    gts = _gts(more[0], with_inbox=False)
    for g in gts:
        rounding = Decimal(g.get("rounding", "0"))
        assert Decimal(g["net"]) + Decimal(g["tax"]) + rounding == Decimal(g["total"]), g["file"]
        assert sum(Decimal(l["amount"]) for l in g["lines"]) == Decimal(g["net"]), g["file"]
        for line in g["lines"]:
            expected = (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01"))
            assert abs(expected - Decimal(line["amount"])) <= Decimal("0.01"), line
        if any("tax_amount" in l for l in g["lines"]):  # per-line tax columns: the invoice tax is their sum
            assert sum(Decimal(l["tax_amount"]) for l in g["lines"]) == Decimal(g["tax"]), g["file"]
        assert "iban" not in g or _iban_ok(g["iban"]), g["iban"]
    from stdnum import iban  # national check digits too (the Spanish CCC), as the extractor checks them

    assert all(iban.is_valid(g["iban"]) for g in gts if "iban" in g)
    rounded = {g["layout"]: Decimal(g["rounding"]) for g in gts if "rounding" in g}
    assert set(rounded) == {"sv_faktura", "ch_fr_facture", "en_in_retail"}
    assert all(abs(r) < 1 for r in rounded.values()) and any(r != 0 for r in rounded.values())
    assert any("tax_rate" in l and "tax_amount" in l for g in gts for l in g["lines"])
    words = {g["layout"]: g["total_in_words"] for g in gts if "total_in_words" in g}
    assert words["en_in_retail"].startswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) and "Lakh" in "".join(words.values())


def test_more_region_master_data_validates_and_refers_back(more):
    master = more[0] / "master"
    for schema, data in (("vendor.schema.json", "vendors.json"), ("purchase_order.schema.json", "pos.json"),
                         ("goods_receipt.schema.json", "receipts.json")):
        validator = Draft202012Validator(json.loads((ROOT / "schemas" / schema).read_text(encoding="utf-8")),
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        records = json.loads((master / data).read_text(encoding="utf-8"))
        assert records and [e.message for r in records for e in validator.iter_errors(r)] == []
    vendors = {v["vendor_id"]: v for v in json.loads((master / "vendors.json").read_text(encoding="utf-8"))}
    pos = {p["po_number"] for p in json.loads((master / "pos.json").read_text(encoding="utf-8"))}
    for g in _gts(more[0], with_inbox=False):
        assert g["vendor_id"] in vendors and g["vendor_vat_id"] == vendors[g["vendor_id"]]["tax_id"]
        assert "po_number" not in g or g["po_number"] in pos
    from stdnum.eu import vat  # the new countries' VAT ids carry real check digits

    new = [v["tax_id"] for v in vendors.values() if v["tax_id"][:2] in ("SE", "DK", "AT", "NL")]
    assert len(new) == 5 and all(vat.is_valid(t) for t in new), new


def test_dev_and_holdout_parts_are_disjoint_by_layout_and_vendor(parts):
    dev, hold = ({g["layout"] for g in parts[p]} for p in ("dev", "holdout"))
    assert not dev & hold and dev | hold == MORE_LAYOUTS
    assert len(hold) >= 6 and len({g["language"] for g in parts["holdout"]}) >= 4
    assert not {g["vendor_id"] for g in parts["dev"]} & {g["vendor_id"] for g in parts["holdout"]}
    for p in parts.values():  # each part has credit notes, multi-page invoices and reconcile cases
        assert any(g["document_type_code"] == "381" for g in p) and any(g["page_count"] > 1 for g in p)
        assert {g["expected_outcome"] for g in p} == {"approved", "needs_review"}


def test_part_is_refused_outside_the_more_region(tmp_path):
    done = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / "x"), "--part", "dev"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "--part" in done.stderr


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fixture-generator-photo")
    return tuple(_run(base / n, "--split", "0,0,0,1", "--region", "more") for n in ("a", "b"))


def _quad_area(pts) -> float:
    return abs(sum(pts[i][0] * pts[i - 3][1] - pts[i - 3][0] * pts[i][1] for i in range(4))) / 2


def test_photo_form_is_deterministic_with_page_corners_inside_the_frame(photos):
    from PIL import Image

    a, b = photos
    assert _files(a) == _files(b)
    for rel in _files(a):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    (g,) = _gts(a, with_inbox=False)
    assert g["form"] == "photo" and g["file"].endswith(".jpg") and len(g["page_corners"]) == 1
    with Image.open(a / g["file"]) as img:
        w, h = img.size
        assert img.mode == "RGB"
    (tl, tr, br, bl), = g["page_corners"]
    for x, y in (tl, tr, br, bl):
        assert 0 <= x <= w and 0 <= y <= h
    # a perspective quadrilateral (opposite sides differ) that does not fill the frame
    assert 0.3 < _quad_area([tl, tr, br, bl]) / (w * h) < 0.85
    assert abs((tr[0] - tl[0]) - (br[0] - bl[0])) > 1 or abs((bl[1] - tl[1]) - (br[1] - tr[1])) > 1


def test_multi_page_photos_go_into_a_pdf_of_one_photo_per_page():
    import random

    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    sys.path.insert(0, str(ROOT / "fixtures"))
    from gen.photo import photo_document

    buf = __import__("io").BytesIO()
    c = canvas.Canvas(buf, pagesize=A6, invariant=1)
    for n in (1, 2):
        c.drawString(40, 300, f"Page {n}: 1.234,56 EUR")
        c.showPage()
    c.save()
    first = photo_document(buf.getvalue(), random.Random("s"))
    data, kind, corners = first
    assert kind == "pdf" and data.startswith(b"%PDF") and len(corners) == 2
    assert photo_document(buf.getvalue(), random.Random("s")) == first
    assert photo_document(buf.getvalue(), random.Random("t"))[2] != corners


def test_cases_and_vendor_make_a_set_of_one_kind(tmp_path):
    # a set of credit notes from one vendor, as a measurement of one document kind needs
    run = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / "c"), "--count", "2", "--seed", "11",
                          "--forms", "digital", "--cases", "credit_negative,credit_positive", "--vendor", "V002"],
                         check=True, capture_output=True, text=True)
    assert "wrote" in run.stdout
    gts = _gts(tmp_path / "c", with_inbox=False)
    assert [g["document_type_code"] for g in gts] == ["381", "381"]
    assert {g["vendor"] for g in gts} == {gts[0]["vendor"]}


@pytest.mark.parametrize("args, message", [
    (["--cases", "no_such_case"], "not among"),
    (["--cases", "credit_negative", "--vendor", "V999"], "not a vendor"),
    (["--vendor", "V002"], "goes with --cases"),
])
def test_unknown_cases_or_vendors_are_refused(tmp_path, args, message):
    run = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / "x"), "--count", "1", "--forms", "digital",
                          *args], capture_output=True, text=True)
    assert run.returncode != 0 and message in run.stderr
