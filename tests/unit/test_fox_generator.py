"""The "fox" region (fixtures/gen/fox*.py): twelve HTML layouts of conventions the other
regions meet least (Spanish cuota with "Suma y sigue", German "Übertrag" and Skonto, French
HT/TTC with space groups, boxed GST with per-line CGST/SGST, Swedish Öresavrundning, Swiss
QR-bills, Dutch excl./incl. BTW columns, QuickBooks tax rows in the table, Czech, Danish and
an English monospaced print).

The checks run without a browser: every invoice adds up, the HTML prints its number and
total in the layout's notation, carried-forward sums are those of the lines above them, the
QR-bill repeats the total with space groups (the parts share no layout: ``test_region_parts``).
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.fox_docs import FoxPage, _qr_amount, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import printed_text, region_invoices  # noqa: E402


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("fox", part, count)


def test_every_invoice_adds_up_and_prints_its_number_and_total():
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        rounding = Decimal(gt.get("rounding", "0"))
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) + rounding == Decimal(gt["total"]), inv.layout_name
        text, p = _text(inv), FoxPage(inv, 11)
        assert inv.number in text, inv.layout_name
        assert p.num(inv.total).replace("\u00a0", " ") in text, inv.layout_name


def test_carried_sums_are_those_of_the_lines_above():
    for inv in _invoices():
        p = FoxPage(inv, 11)
        chunks = p.chunks()
        if len(chunks) < 2:
            continue
        text = _text(inv)
        running = Decimal("0.00")
        for chunk in chunks[:-1]:
            running += sum((l.amount for l in chunk), Decimal("0.00"))
            assert f"{p.L['carry_out']} {p.num(running)}".replace("\u00a0", " ") in text or \
                re.search(re.escape(p.L["carry_out"]) + r"\s+" + re.escape(p.num(running).replace("\u00a0", " ")), text), \
                inv.layout_name


def test_the_qr_bill_repeats_the_total_in_space_groups():
    assert _qr_amount(Decimal("1234.55")) == "1 234.55"
    bills = [inv for inv in _invoices() if inv.layout_name in ("fox_ch_qr", "fox_fr_chqr") and inv.doc_type == "380"]
    assert bills
    for inv in bills:
        assert _qr_amount(inv.total) in _text(inv)
