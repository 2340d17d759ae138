"""The "echo" region (fixtures/gen/echo*.py): twelve HTML layouts of printing habits the
other regions lack (legacy monospaced prints cut into pages by hand, KSeF, MyInvois and
FatturaPA prints, a Tally GST grid, lines grouped by delivery note, totals strips, per-line
tax codes and columns, a fatura-recibo).

The checks run without a browser: every invoice adds up, the HTML prints every value the
ground truth states in the layout's notation, carried-forward sums are those of the lines
above them (the parts share no layout: ``test_region_parts``).
"""

from __future__ import annotations

import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.echo_docs import EchoPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import printed_text, region_invoices  # noqa: E402


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("echo", part, count)


def _flat(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " "))


def test_every_invoice_adds_up_and_prints_its_ground_truth():
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        rounding = Decimal(gt.get("rounding", "0"))
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) + rounding == Decimal(gt["total"])
        for line in gt["lines"]:
            assert (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01"), ROUND_HALF_UP) == \
                Decimal(line["amount"])
        text, p = _text(inv), EchoPage(inv, 11)
        name = inv.layout_name
        assert inv.number in text, name
        assert _flat(p.num(inv.total)) in text, name
        assert _flat(p.num(inv.net)) in text, name
        assert _flat(p.date(inv.issue_date)) in text, name
        assert inv.vendor.tax_id[2:] in text, name  # KSeF prints the NIP without its country prefix
        if inv.due_date:
            assert _flat(p.date(inv.due_date)) in text, name
        if inv.po_number:
            assert inv.po_number in text, name
        if inv.printed_iban:
            assert inv.printed_iban in text.replace(" ", ""), name
        if "total_in_words" in gt:
            assert gt["total_in_words"] in text, name


def test_a_receipt_invoice_has_no_due_date_and_gst_is_split_within_a_state():
    invs = _invoices()
    fr = [i for i in invs if i.layout_name == "echo_pt_fatrec" and i.doc_type == "380"]
    assert fr and all(i.due_date is None for i in fr)
    assert all("due_date" not in ground_truth(i, "x.pdf", "digital", 1, None) for i in fr)
    tally = next(i for i in invs if i.layout_name == "echo_in_tally" and i.po_number)
    text = _text(tally)
    assert "Output CGST @ 6%" in text and "Output SGST @ 6%" in text
    p = EchoPage(tally, 11)
    assert p.date(tally.issue_date) == f"{tally.issue_date.day}-{tally.issue_date:%b}-{tally.issue_date:%y}"


def test_legacy_prints_carry_the_running_sum_and_print_credits_with_a_trailing_minus():
    invs = _invoices()
    for layout, out_word, in_word in (("echo_it_tabulato", "A RIPORTARE", "RIPORTO"),
                                      ("echo_pl_mono", "Do przeniesienia:", "Z przeniesienia:")):
        long = next(i for i in invs if i.layout_name == layout and len(i.lines) > 30)
        p = EchoPage(long, 11)
        chunks = p.chunks()
        assert len(chunks) >= 2
        first = sum((l.amount for l in chunks[0]), Decimal("0.00"))
        text = _text(long)
        assert f"{out_word} {p.num(first)}".replace("\u00a0", " ") in text
        assert f"{in_word} {p.num(first)}".replace("\u00a0", " ") in text
    credit = next(i for i in invs if i.layout_name == "echo_it_tabulato" and i.case == "credit_negative")
    p = EchoPage(credit, 11)
    assert p.num(credit.total).endswith("-") and p.num(credit.total) in _text(credit)


def test_the_po_stands_beside_a_delivery_note_or_an_order_confirmation():
    invs = _invoices()
    es = next(i for i in invs if i.layout_name == "echo_es_albaranes" and i.po_number and len(i.lines) >= 4)
    text = _text(es)
    assert f"Su pedido nº {es.po_number}" in text and text.count(f"Albarán nº ") == 2
    nl = next(i for i in invs if i.layout_name == "echo_nl_groothandel" and i.po_number)
    assert f"Uw referentie {nl.po_number}" in _text(nl) and f"Onze referentie VO{nl.order_conf}" in _text(nl)
