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
