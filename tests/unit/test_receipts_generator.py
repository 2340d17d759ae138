"""The receipts region of the fixture generator: deterministic, and every ground truth is
the till's own arithmetic (net + tax + tip + rounding = total, tendered - change = total)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.receipts import DEV, HOLDOUT, LAYOUTS, LOCALES  # noqa: E402


def _generate(out: Path, part: str, count: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "fixtures" / "generate.py"), "--out", str(out), "--region", "receipts",
                    "--part", part, "--count", str(count), "--forms", "digital"], check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    base = tmp_path_factory.mktemp("receipts")
    return _generate(base / "a", "dev", len(DEV)), _generate(base / "b", "dev", len(DEV)), \
        _generate(base / "h", "holdout", len(HOLDOUT))


def _gts(d: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((d / "gt").glob("*.json"))]


def test_same_seed_same_bytes(sets):
    a, b, _ = sets
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files and all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_dev_and_holdout_share_no_layout_and_cover_the_locales(sets):
    a, _, h = sets
    dev, held = {g["layout"] for g in _gts(a)}, {g["layout"] for g in _gts(h)}
    assert dev == set(DEV) and held == set(HOLDOUT) and not dev & held
    assert len({LAYOUTS[n].locale for n in DEV}) >= 8
    assert {LAYOUTS[n].width_mm for n in DEV} == {58, 80}


def test_every_ground_truth_adds_up(sets):
    for d in sets[0], sets[2]:
        for g in _gts(d):
            total = Decimal(g["total"])
            if "net" in g:
                parts = Decimal(g["net"]) + Decimal(g["tax"]) + Decimal(g.get("tip", "0")) + Decimal(g.get("rounding", "0"))
                assert parts == total, g["file"]
            if g["payment"] == "cash":
                assert Decimal(g["tendered"]) - Decimal(g["change"]) == total and Decimal(g["change"]) >= 0
            assert sum(Decimal(line["amount"]) for line in g["lines"]) > 0
            assert g["currency"] == LOCALES[g["country"]].currency


def test_the_printed_receipt_shows_the_total_and_a_currency_mark(sets):
    a, _, _ = sets
    for g in _gts(a):
        doc = pdfium.PdfDocument(a / g["file"])
        try:
            text = doc[0].get_textpage().get_text_range()
        finally:
            doc.close()
        lay = LAYOUTS[g["layout"]]
        digits = g["total"].replace(".", "")
        assert digits in text.replace(".", "").replace(",", "").replace("'", ""), g["file"]
        assert (lay.symbol and lay.symbol in text) or g["currency"] in text, g["file"]
