"""The "novel" region (fixtures/gen/novel*.py): ten HTML layouts written as unseen ones.

The ground-truth checks run without a browser: every layout's invoice adds up (net + tax +
rounding = total, line amounts = quantity x price and sum to the net, per-line tax sums to the
tax where the layout prints it), and the HTML prints the values the ground truth states in the
layout's own notation. The PDF check prints two invoices with Chromium (skipped without it).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pdfplumber
import pytest

from tests.requirements import require

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "fixtures" / "generate.py"
sys.path.insert(0, str(ROOT / "fixtures"))

from gen import novel  # noqa: E402
from gen.fresh_render import chromium_path  # noqa: E402
from gen.layouts import LAYOUTS  # noqa: E402
from gen.novel_render import Page, date_text, invoice_html, number  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from gen.scenarios import Planner  # noqa: E402

CENT = Decimal("0.01")


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _invoices(seed: int = 11, part: str = "all"):
    planner = Planner(seed, "novel", part)
    return [planner.add(i) for i in range(1, len(planner.schedule) + 1)]


def test_parts_split_ten_layouts_in_eight_languages():
    assert set(novel.DEV).isdisjoint(novel.HOLDOUT)
    assert len(novel.DEV) + len(novel.HOLDOUT) == len(novel.LAYOUTS) >= 8
    assert len({l.language for l in novel.LAYOUTS.values()}) >= 6
    assert {v.layout for v in Planner(7, "novel", "dev").vendors} == set(novel.DEV)
    assert {v.layout for v in Planner(7, "novel", "holdout").vendors} == set(novel.HOLDOUT)


@pytest.mark.parametrize("layout", list(novel.LAYOUTS))
def test_ground_truth_of_each_layout_round_trips(layout):
    invoices = [inv for inv in _invoices() if inv.layout_name == layout]
    assert invoices, layout
    for inv in invoices:
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        lines = gt["lines"]
        assert gt["line_item_count"] == len(lines) == len(inv.lines)
        for rec in lines:
            q, p, a = Decimal(rec["quantity"]), Decimal(rec["unit_price"]), Decimal(rec["amount"])
            assert (q * p).quantize(CENT, ROUND_HALF_UP) == a
            if "tax_amount" in rec:
                assert (a * Decimal(rec["tax_rate"]) / 100).quantize(CENT, ROUND_HALF_UP) == Decimal(rec["tax_amount"])
        net, tax, total = Decimal(gt["net"]), Decimal(gt["tax"]), Decimal(gt["total"])
        assert sum(Decimal(r["amount"]) for r in lines) == net
        if "tax_amount" in lines[0]:
            assert sum(Decimal(r["tax_amount"]) for r in lines) == tax
        assert net + tax + Decimal(gt.get("rounding", "0")) == total
        assert (total < 0) == (inv.case == "credit_negative")
        assert gt["document_type_code"] == ("381" if inv.case.startswith("credit") else "380")
        assert ("po_number" in gt) == (inv.case not in ("no_po",) and not inv.case.startswith("credit"))


def test_each_layout_prints_its_ground_truth_values_in_its_own_notation():
    seen = set()
    for inv in _invoices():
        seen.add(inv.layout_name)
        layout = LAYOUTS[inv.layout_name]
        text = _plain(html.unescape(re.sub(r"<[^>]+>", " ", invoice_html(inv, 11))))
        page = Page(inv, 11)
        values = [inv.number, inv.vendor.tax_id, date_text(inv.issue_date, layout), _plain(page.money(inv.total)),
                  _plain(page.num(inv.net))]
        if inv.po_number:
            values.append(inv.po_number)
        if inv.printed_iban:
            values.append(" ".join(inv.printed_iban[i:i + 4] for i in range(0, len(inv.printed_iban), 4)))
        for value in values:
            assert value in text, (inv.layout_name, value)
        for line in inv.lines:
            assert _plain(page.num(line.amount)) in text, (inv.layout_name, line.amount)
    assert seen == set(novel.LAYOUTS)


def test_notations():
    v = Decimal("123456.5")
    assert number(v, "ch") == "123'456.50"
    assert number(v, "in") == "1,23,456.50"
    assert number(v, "fr") == "123\u202f456,50"
    assert number(-v, "de", "trailing") == "123.456,50-"
    assert number(-v, "en", "parens") == "(123,456.50)"


def test_multi_page_tables_carry_their_running_total_forward():
    inv = next(i for i in _invoices() if i.layout_name == "novel_de_sidebar" and len(i.lines) > 30)
    text = _plain(html.unescape(re.sub(r"<[^>]+>", " ", invoice_html(inv, 11))))
    first = sum((l.amount for l in inv.lines[:16]), Decimal("0.00"))
    assert re.search(r"Übertrag\s+" + re.escape(number(first, "de")), text)
    assert "Übertrag von Seite 1" in text


def test_chromium_prints_pdfs_whose_text_layer_matches_the_ground_truth(tmp_path):
    try:
        chromium_path()
    except SystemExit:
        chromium = False
    else:
        chromium = True
    require(chromium, "Chromium")
    out = tmp_path / "novel"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--region", "novel", "--part", "holdout",
                    "--count", "2", "--forms", "digital", "--seed", "3"], check=True, capture_output=True, text=True)
    gts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "gt").glob("*.json"))]
    assert len(gts) == 2
    for gt in gts:
        assert gt["layout"] in novel.HOLDOUT
        with pdfplumber.open(out / gt["file"]) as pdf:
            assert len(pdf.pages) == gt["page_count"]
            text = _plain("\n".join(page.extract_text() or "" for page in pdf.pages))
        assert gt["invoice_number"] in text and gt["vendor_vat_id"] in text
