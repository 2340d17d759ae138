"""The "hotel" region (fixtures/gen/hotel*.py): twelve HTML layouts in the manner of ERP
systems and billing programs (SAP, Business Central, Odoo, a Spanish professional's hours
with IRPF, an Italian electricity bill, an Exact-style subscription, Comarch Optima, an Irish
reverse-charge print; held out: Abacus, Primavera, WinBooks, NetSuite).

The checks run without a browser: every invoice adds up (net + tax = total, the lines make
the net, withholding and prepayments make the amount due), the HTML prints its number and
total in the layout's notation, the due date, IBAN, PO and VAT id the ground truth names and
the amount due where there is one, the SAP print closes every cut page but the last with its
page sum and repeats its box header on each, and the electricity bill's meter shows the kWh
billed for energy (the parts share no layout: ``test_region_parts``).
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.hotel_docs import HotelPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import assert_truth_printed, printed_text, region_invoices  # noqa: E402


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("hotel", part, count)


def _plain(s: str) -> str:
    return s.replace("\u00a0", " ")


def test_every_invoice_adds_up_and_prints_its_number_and_total():
    layouts = set()
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) + Decimal(gt.get("rounding", "0")) == Decimal(gt["total"])
        assert sum((Decimal(l["amount"]) for l in gt["lines"]), Decimal("0.00")) == Decimal(gt["net"]), inv.layout_name
        if "prepaid" in gt:
            assert Decimal(gt["total"]) - Decimal(gt["prepaid"]) == Decimal(gt["amount_due"]), inv.layout_name
        if "withholding" in gt:
            assert Decimal(gt["total"]) - Decimal(gt["withholding"]) == Decimal(gt["amount_due"]), inv.layout_name
        text, p = _text(inv), HotelPage(inv, 11)
        assert inv.number in text, inv.layout_name
        assert _plain(p.num(inv.total)) in text or _plain(p.money(inv.total)) in text, inv.layout_name
        if "amount_due" in gt:
            assert _plain(p.money(Decimal(gt["amount_due"]))) in text, inv.layout_name
        layouts.add(inv.layout_name)
    assert len(layouts) == 12


def test_what_the_ground_truth_names_is_printed():
    for inv in _invoices():
        text = _text(inv)
        gt = assert_truth_printed(inv, HotelPage(inv, 11), text)
        assert inv.vendor.printed_name in text, inv.layout_name
        for line in gt["lines"]:
            assert line["description"] in text or inv.layout_name in ("hotel_fr_odoo", "hotel_es_horas"), inv.layout_name


def test_sap_pages_repeat_their_header_and_close_with_a_page_sum():
    cut = 0
    for inv in _invoices():
        p = HotelPage(inv, 11)
        if inv.layout_name != "hotel_de_sap" or len(p.chunks()) < 2:
            continue
        cut += 1
        text, n = _text(inv), len(p.chunks())
        assert text.count("Summe Seite") == n - 1
        assert text.count(f"Rechnungsnummer {inv.number}") == n
        for k, chunk in enumerate(p.chunks()[:-1]):
            assert f"Summe Seite {k + 1} EUR {p.num(sum((l.amount for l in chunk), Decimal('0.00')))}" in text
        positions = re.findall(r'<tr><td class="n">(\d+)</td><td class="sku">', invoice_html(inv, 11))
        assert positions == [str(10 * k) for k in range(1, len(inv.lines) + 1)]  # 10, 20, 30 ... across pages
    assert cut


def test_the_meter_shows_the_energy_billed():
    seen = 0
    for inv in _invoices("dev"):
        if inv.layout_name != "hotel_it_bolletta":
            continue
        used = sum((abs(l.quantity) for l in inv.lines if l.sku.startswith("ENE")), Decimal(0))
        if used:
            seen += 1
            assert f"{int(used)} kWh" in _text(inv)
    assert seen


def test_credit_notes_and_several_pages_occur_in_both_parts():
    for part in ("dev", "holdout"):
        invs = _invoices(part)
        assert any(i.doc_type == "381" for i in invs), part
        assert any(len(i.lines) >= 40 for i in invs), part
