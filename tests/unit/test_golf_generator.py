"""The "golf" region (fixtures/gen/golf*.py): twelve HTML layouts in the manner of billing
programs (A3/Holded, Lexware, EBP, an Italian gestionale, Moneybird, Fakturownia, Xero,
FreshBooks; held out: an Austrian boxed print, a Belgian TVAC invoice, a Portuguese one with
line discounts, Sage 50).

The checks run without a browser: every invoice adds up (net + tax = total, the lines and
the document-level discount and carriage make the net), the HTML prints its number and total
in the layout's notation, a per-line discount turns the printed list price into the line's
amount exactly, the amount due follows a prepayment, and cut pages end with the layout's
"continued" words (the parts share no layout: ``test_region_parts``).
"""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.golf_docs import GolfPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import assert_truth_printed, printed_text, region_invoices  # noqa: E402

CENT = Decimal("0.01")


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("golf", part, count)


def test_every_invoice_adds_up_and_prints_its_number_and_total():
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"]), inv.layout_name
        lines = sum((Decimal(l["amount"]) for l in gt["lines"]), Decimal("0.00"))
        net = lines - Decimal(gt.get("allowance_total", "0")) + Decimal(gt.get("charge_total", "0"))
        assert net == Decimal(gt["net"]), inv.layout_name
        if "prepaid" in gt:
            assert Decimal(gt["total"]) - Decimal(gt["prepaid"]) == Decimal(gt["amount_due"]), inv.layout_name
        text, p = _text(inv), GolfPage(inv, 11)
        assert inv.number in text, inv.layout_name
        printed = {p.num(inv.total).replace("\u00a0", " "), p.money(inv.total).replace("\u00a0", " ")}
        assert any(x in text for x in printed), inv.layout_name


def test_a_line_discount_turns_the_list_price_into_the_amount():
    seen = 0
    for inv in _invoices():
        p = GolfPage(inv, 11)
        for line in inv.lines:
            d, listed = p.discount(line)
            assert listed == listed.quantize(CENT)
            net = (line.quantity * listed * (100 - d) / 100).quantize(CENT, ROUND_HALF_UP)
            assert net == line.amount, (inv.layout_name, line.sku)
            seen += bool(d)
    assert seen  # some lines carry a discount


def test_cut_pages_end_with_the_continued_words():
    cut = 0
    for inv in _invoices():
        p = GolfPage(inv, 11)
        if len(p.chunks()) < 2:
            continue
        cut += 1
        words = p.L.get("carry_out") or p.L["continued"]
        assert _text(inv).count(words) == len(p.chunks()) - 1, inv.layout_name
    assert cut


def test_what_the_ground_truth_names_is_printed():
    for inv in _invoices():
        assert_truth_printed(inv, GolfPage(inv, 11), _text(inv))
