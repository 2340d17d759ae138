"""The "atlas" region (fixtures/gen/atlas*.py): ten HTML layouts with withholding, prepayments,
discounts, statements and annexes.

The ground-truth checks run without a browser: every invoice adds up under the region's
conventions (lines sum to the items, items - discount + shipping = net, net + tax = total,
the amount due is the total less withholding or prepayment, or the statement's balance plus
the total), and the HTML prints every value the ground truth states, in the layout's own
notation. The PDF check prints two invoices with Chromium (skipped without it).
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

from gen import atlas  # noqa: E402
from gen.atlas_render import Page, invoice_html, number, ogm  # noqa: E402
from gen.fresh_render import chromium_path  # noqa: E402
from gen.ids import group4  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from gen.scenarios import Planner  # noqa: E402

CENT = Decimal("0.01")
D = Decimal


def _text(inv, seed: int = 11) -> str:
    raw = html.unescape(re.sub(r"<[^>]+>", " ", invoice_html(inv, seed)))
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " ").replace("\u202f", " "))


def _invoices(seed: int = 11, part: str = "all", count: int | None = None):
    planner = Planner(seed, "atlas", part)
    return [planner.add(i) for i in range(1, (count or len(planner.schedule)) + 1)]


def test_parts_split_ten_layouts_in_eight_languages():
    assert set(atlas.DEV).isdisjoint(atlas.HOLDOUT)
    assert len(atlas.DEV) == len(atlas.HOLDOUT) == 5
    assert len({l.language for l in atlas.LAYOUTS.values()}) == 8
    for part, layouts in (("dev", atlas.DEV), ("holdout", atlas.HOLDOUT)):
        planner = Planner(7, "atlas", part)
        assert {v.layout for v in planner.vendors} == set(layouts)
        # past the schedule the planner draws vendors itself: they must stay in the part
        assert {inv.layout_name for inv in _invoices(7, part, 45)} <= set(layouts)


@pytest.mark.parametrize("layout", list(atlas.LAYOUTS))
def test_ground_truth_of_each_layout_adds_up(layout):
    invoices = [inv for inv in _invoices(11, "all", 66) if inv.layout_name == layout]
    assert invoices, layout
    for inv in invoices:
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        lines = gt["lines"]
        assert gt["line_item_count"] == len(lines) == len(inv.lines)
        for rec in lines:
            assert (D(rec["quantity"]) * D(rec["unit_price"])).quantize(CENT, ROUND_HALF_UP) == D(rec["amount"])
        net, tax, total = D(gt["net"]), D(gt["tax"]), D(gt["total"])
        items = sum(D(r["amount"]) for r in lines)
        assert items - D(gt.get("allowance_total", "0")) + D(gt.get("charge_total", "0")) == net
        assert net + tax == total  # total stays the gross total whatever is deducted from it
        terms = atlas.TERMS.get(layout, {})
        if "withholding" in terms:
            assert D(gt["withholding"]) == (net * terms["withholding"]).quantize(CENT, ROUND_HALF_UP)
            assert D(gt["amount_due"]) == total - D(gt["withholding"])
        elif "prepaid" in gt:
            assert 0 < D(gt["prepaid"]) < total and D(gt["amount_due"]) == total - D(gt["prepaid"])
        elif "previous_balance" in gt:
            assert D(gt["amount_due"]) == D(gt["previous_balance"]) - D(gt["payments_received"]) + total
        else:
            assert "amount_due" not in gt
        if "allowance_total" in gt:
            assert D(gt["allowance_total"]) == (items * terms["discount"]).quantize(CENT, ROUND_HALF_UP)
        assert (total < 0) == (inv.case == "credit_negative")
        assert gt["document_type_code"] == ("381" if inv.case.startswith("credit") else "380")
        assert ("po_number" in gt) == (inv.case not in ("no_po",) and not inv.case.startswith("credit"))


def test_each_layout_prints_its_ground_truth_values_in_its_own_notation():
    seen = set()
    for inv in _invoices(11, "all", 66):
        seen.add(inv.layout_name)
        page = Page(inv, 11)
        text = _text(inv)
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        values = [gt["invoice_number"], gt["vendor_vat_id"], page.date(inv.issue_date), gt["vendor"]]
        values += [gt[k] for k in ("po_number",) if k in gt]
        if inv.due_date:
            values.append(page.date(inv.due_date))
        if "iban" in gt:
            values.append(group4(gt["iban"]))
        amounts = ["total", "net", "tax", "amount_due", "withholding", "prepaid", "previous_balance",
                   "payments_received", "allowance_total", "charge_total"]
        values += [number(abs(D(gt[k])), page.layout.number_fmt) for k in amounts if k in gt]
        values += [number(abs(D(rec["amount"])), page.layout.number_fmt) for rec in gt["lines"]]
        values += [page.qty(abs(D(rec["quantity"]))) for rec in gt["lines"]]
        if "total_in_words" in gt:
            values.append(gt["total_in_words"])
        for value in values:
            assert value.replace("\u00a0", " ") in text, (inv.layout_name, inv.index, value)
    assert seen == set(atlas.LAYOUTS)


def test_notations_and_payment_reference():
    v = D("123456.5")
    assert number(v, "pl") == "123 456,50"
    assert number(v, "fr") == "123\u00a0456,50"
    assert number(-v, "en", "parens") == "(123,456.50)"
    digits = ogm("26/00751").strip("+").replace("/", "")
    assert len(digits) == 12 and (int(digits[:10]) % 97 or 97) == int(digits[10:])


def test_the_timesheet_annex_adds_up_to_the_hours_billed():
    for inv in _invoices(11, "dev", 40):
        if inv.layout_name != "atlas_de_stunden" or inv.doc_type == "381":
            continue
        hours = sum((l.quantity for l in inv.lines if l.unit in atlas.HOURLY), D(0))
        text = _text(inv)
        if hours:
            page = Page(inv, 11)
            assert re.search(r"Summe Stunden " + re.escape(page.qty(hours)) + r"\b", text), inv.number
        else:
            assert "Stundennachweis" not in text


def test_chromium_prints_pdfs_whose_text_layer_matches_the_ground_truth(tmp_path):
    try:
        chromium_path()
    except SystemExit:
        chromium = False
    else:
        chromium = True
    require(chromium, "Chromium")
    out = tmp_path / "atlas"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--region", "atlas", "--part", "holdout",
                    "--count", "2", "--forms", "digital", "--seed", "3"], check=True, capture_output=True, text=True)
    gts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "gt").glob("*.json"))]
    assert len(gts) == 2
    for gt in gts:
        assert gt["layout"] in atlas.HOLDOUT
        with pdfplumber.open(out / gt["file"]) as pdf:
            assert len(pdf.pages) == gt["page_count"]
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert gt["invoice_number"] in text and gt["vendor_vat_id"] in text
