"""The "fresh" region (fixtures/gen/fresh*.py): HTML invoices printed by headless Chromium.

The HTML checks run without a browser; the PDF check prints two invoices with Chromium (which
CI installs for the browser tests: skipped locally without it, failing under CI=true).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from tests.requirements import require

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "fixtures" / "generate.py"
sys.path.insert(0, str(ROOT / "fixtures"))

from gen import fresh  # noqa: E402
from gen.fresh_render import chromium_path, invoice_html, money  # noqa: E402
from gen.layouts import LAYOUTS  # noqa: E402
from gen.scenarios import Planner  # noqa: E402


def _chromium() -> str | None:
    try:
        return chromium_path()
    except SystemExit:
        return None


def _plain(text: str) -> str:
    """Page text with no-break spaces as spaces: what a reader compares printed values against."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _printed_values(inv) -> list[str]:
    layout = LAYOUTS[inv.layout_name]
    values = [inv.number, inv.vendor.tax_id, money(inv.total, layout, inv.currency)]
    if inv.po_number:
        values.append(inv.po_number)
    return [_plain(v) for v in values] + [l.description for l in inv.lines]


def test_parts_split_the_layouts_and_cover_eight_languages():
    assert set(fresh.DEV).isdisjoint(fresh.HOLDOUT)
    assert len(fresh.DEV) + len(fresh.HOLDOUT) == len(fresh.LAYOUTS) >= 12
    assert len({l.language for l in fresh.LAYOUTS.values()}) >= 8
    dev = Planner(7, "fresh", "dev")
    assert {v.layout for v in dev.vendors} == set(fresh.DEV)


def test_every_layout_prints_its_ground_truth_values_in_the_html():
    planner = Planner(11, "fresh", "all")
    seen = set()
    for i in range(1, len(fresh.SCHEDULE) + 1):
        inv = planner.add(i)
        seen.add(inv.layout_name)
        text = _plain(html.unescape(re.sub(r"<[^>]+>", " ", invoice_html(inv, 11))))
        for value in _printed_values(inv):
            assert value in text, (inv.layout_name, value)
        assert inv.net + inv.tax + (inv.rounding or 0) == inv.total
    assert seen == set(fresh.LAYOUTS)


def test_missing_chromium_fails_with_a_clear_message(tmp_path):
    env = {**os.environ, "INVOICEPIPE_CHROMIUM": str(tmp_path / "no-such-browser")}
    run = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / "out"), "--region", "fresh",
                          "--count", "1"], capture_output=True, text=True, env=env)
    assert run.returncode != 0
    assert "INVOICEPIPE_CHROMIUM" in run.stderr
    assert not (tmp_path / "out").exists()


def test_chromium_prints_pdfs_whose_text_layer_matches_the_ground_truth(tmp_path):
    require(_chromium() is not None, "Chromium")
    out = tmp_path / "fresh"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--region", "fresh", "--part", "holdout",
                    "--count", "2", "--forms", "digital", "--seed", "3"], check=True, capture_output=True, text=True)
    gts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "gt").glob("*.json"))]
    assert len(gts) == 2
    planner = Planner(3, "fresh", "holdout")
    for k, gt in enumerate(gts, start=1):
        inv = planner.add(k)
        assert gt["invoice_number"] == inv.number and gt["layout"] in fresh.HOLDOUT
        with pdfplumber.open(out / gt["file"]) as pdf:
            assert len(pdf.pages) == gt["page_count"]
            text = _plain("\n".join(page.extract_text() or "" for page in pdf.pages))
        for value in _printed_values(inv):
            assert value in text, (gt["file"], value)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) + Decimal(gt.get("rounding", "0")) == Decimal(gt["total"])
