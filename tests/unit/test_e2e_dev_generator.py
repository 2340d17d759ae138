"""The end-to-end development set generator (fixtures/e2e_dev/generate.py): deterministic,
arithmetically consistent, and labelled the way the eval reads it.

It runs as a subprocess, as people run it, on one digital round (fast: no rasterising).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "fixtures" / "e2e_dev" / "generate.py"
CENT = Decimal("0.01")
COPY_SCENARIOS = {"copy_same_bytes", "copy_appended_bytes", "copy_resaved", "copy_stamped", "copy_renumbered",
                  "copy_ocr_confusable", "copy_same_amount_same_day", "copy_of_reviewed_invoice"}


def _generate(out: Path, *extra: str) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--rounds", "1", "--forms", "digital", "--seed", "5", *extra],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("e2e-generator")
    return _generate(base / "a"), _generate(base / "b")


def _manifest(d: Path) -> list[dict]:
    with (d / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _gt(d: Path, row: dict) -> dict:
    return json.loads((d / "gt" / f"{Path(row['file']).stem}.json").read_text(encoding="utf-8"))


def test_the_same_seed_gives_byte_identical_sets(runs):
    a, b = runs
    files = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_splits_are_different_sets(tmp_path):
    _generate(tmp_path, "--split", "dev,holdout")
    dev, holdout = _manifest(tmp_path / "dev"), _manifest(tmp_path / "holdout")
    assert [r["scenario"] for r in dev] == [r["scenario"] for r in holdout]
    assert [r["invoice_number"] for r in dev] != [r["invoice_number"] for r in holdout]


def test_every_ground_truth_adds_up(runs):
    d = runs[0]
    for row in _manifest(d):
        gt = _gt(d, row)
        for line in gt["lines"]:
            amount = (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(CENT, ROUND_HALF_UP)
            assert Decimal(line["amount"]) == amount, (row["file"], line)
        assert sum(Decimal(li["amount"]) for li in gt["lines"]) == Decimal(gt["net"]), row["file"]
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"]), row["file"]
        assert row["total"] == gt["total"] and row["invoice_number"] == gt["invoice_number"]


def test_labels_are_consistent_with_the_scenarios_and_the_master(runs):
    d = runs[0]
    rows = _manifest(d)
    pos = {p["po_number"]: p for p in json.loads((d / "master" / "pos.json").read_text())}
    seen = []
    assert {r["scenario"] for r in rows} >= COPY_SCENARIOS | {"recurring", "same_template_same_week", "credit_note_against_invoice",
                                                              "cumulative_first", "cumulative_second", "clean"}
    for row in rows:
        gt = _gt(d, row)
        assert (gt["expected_outcome"] == "approved") == (gt["expected_reasons"] == [])
        if gt["scenario"] in COPY_SCENARIOS:
            assert gt["duplicate_of"] in seen and "duplicate_suspected" in gt["expected_reasons"]
            original = _gt(d, {"file": gt["duplicate_of"]})
            assert (gt["total"], gt["invoice_date"]) == (original["total"], original["invoice_date"])
        else:
            assert gt["duplicate_of"] is None and "duplicate_suspected" not in gt["expected_reasons"]
        if gt.get("po_number") and gt["scenario"] not in ("not_received",):
            assert pos[gt["po_number"]]["vendor_id"] == gt["vendor_id"]
        seen.append(row["file"])


def test_byte_level_copies_are_what_they_claim(runs):
    d = runs[0]
    by_scenario = {}
    for row in _manifest(d):
        by_scenario.setdefault(row["scenario"], _gt(d, row))
    same, appended, resaved = (by_scenario[s] for s in ("copy_same_bytes", "copy_appended_bytes", "copy_resaved"))
    assert (d / same["file"]).read_bytes() == (d / same["duplicate_of"]).read_bytes()
    original = (d / appended["duplicate_of"]).read_bytes()
    data = (d / appended["file"]).read_bytes()
    assert data.startswith(original) and len(data) > len(original)
    assert (d / resaved["file"]).read_bytes() != (d / resaved["duplicate_of"]).read_bytes()
    confusable = by_scenario["copy_ocr_confusable"]
    assert confusable["invoice_number"] != _gt(d, {"file": confusable["duplicate_of"]})["invoice_number"]


def test_cumulative_billing_bills_more_than_received_only_together(runs):
    d = runs[0]
    rows = {r["scenario"]: _gt(d, r) for r in _manifest(d)}
    first, second = rows["cumulative_first"], rows["cumulative_second"]
    assert first["po_number"] == second["po_number"] and first["invoice_number"] != second["invoice_number"]
    assert first["total"] != second["total"]  # another amount: the second is not a copy of the first
    receipts = [r for r in json.loads((d / "master" / "receipts.json").read_text()) if r["po_number"] == first["po_number"]]
    received = sum(Decimal(line["quantity"]) for r in receipts for line in r["lines"])
    billed = [Decimal(gt["lines"][0]["quantity"]) for gt in (first, second)]
    assert billed[0] <= received and billed[1] <= received < billed[0] + billed[1]
