"""The "delta" region (fixtures/gen/delta*.py): twelve HTML layouts of conventions the other
regions lack (the number only in the title, boxed references, month abbreviations, seller and
buyer blocks with both tax ids, cover letters, prepayments deducted, a second currency,
QR-bill, remittance stub and giro slips).

The checks run without a browser: every invoice adds up, the HTML prints every value the
ground truth states in the layout's notation, slips repeat the amount to pay (the parts share no layout:
``test_region_parts``).
"""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.delta_docs import DeltaPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import printed_text, region_invoices  # noqa: E402


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("delta", part, count)


def test_every_invoice_adds_up_and_prints_its_ground_truth():
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"])
        for line in gt["lines"]:
            assert (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01"), ROUND_HALF_UP) == \
                Decimal(line["amount"])
        if "amount_due" in gt:  # a prepayment deducted: what is left to pay
            assert Decimal(gt["total"]) - Decimal(gt["prepaid"]) == Decimal(gt["amount_due"])
        text = _text(inv)
        p = DeltaPage(inv, 11)
        assert inv.number in text
        assert p.money(inv.total).replace("\u00a0", " ") in text, inv.layout_name
        assert p.date(inv.issue_date) in text
        if inv.due_date:
            assert p.date(inv.due_date) in text
        if inv.po_number:
            assert inv.po_number in text
        if inv.printed_iban:
            assert " ".join(inv.printed_iban[i:i + 4] for i in range(0, len(inv.printed_iban), 4)) in text


def test_measured_quantities_have_decimals_and_prepayments_are_deducted():
    invs = _invoices()
    assert any(line.quantity != line.quantity.to_integral_value() for inv in invs for line in inv.lines)
    paid = [inv for inv in invs if getattr(inv, "prepaid_share", 0)]
    assert {inv.layout_name for inv in paid} >= {"delta_fr_prelev", "delta_en_us_stub"}
    for inv in paid:
        assert DeltaPage(inv, 11).money(inv.amount_due).replace("\u00a0", " ") in _text(inv)


def test_the_number_only_in_the_title_and_the_slips_repeat_the_amount():
    de = next(i for i in _invoices() if i.layout_name == "delta_de_kopf")
    assert f"RECHNUNG {de.number}" in _text(de) and "Rechnungsnummer" not in _text(de)
    ch = next(i for i in _invoices() if i.layout_name == "delta_ch_qr")
    amount = f"{ch.total:,.2f}".replace(",", " ")  # the QR-bill's notation: a space between thousands
    assert _text(ch).count(f"Betrag {amount}") == 2  # receipt and payment part
    us = next(i for i in _invoices() if i.layout_name == "delta_en_us_stub" and i.prepaid_share)
    assert _text(us).count(DeltaPage(us, 11).money(us.amount_due)) == 2  # totals and the stub


def test_cover_letter_comes_first_and_names_the_invoice():
    es = next(i for i in _invoices() if i.layout_name == "delta_es_portada" and i.due_date)
    text = _text(es)
    assert text.index("Asunto") < text.index("Fecha factura")
    assert f"factura n.º {es.number}" in text
