"""The "india" region (fixtures/gen/india*.py): twelve HTML layouts of locales and page
structures no older region has (a Finnish giro form, Norwegian labels under their values, a
Hungarian invoice in euros with the VAT in forints, a Romanian series and number, an
Australian consolidated docket invoice whose totals are only at the top, a Canadian landscape
print, Zoho Books GST, an Austrian Sammelrechnung with batches and no due date; held out: an
Irish COPY watermark, Belgian bilingual labels, Slovak and Croatian invoices).

The checks run without a browser: every invoice adds up (net + tax + rounding = total, the
lines make the net, a prepayment makes the amount due), the HTML is the same for the same
seed, prints its number and total in the layout's notation, the due date, IBAN, PO and VAT id
the ground truth names and the amount due where there is one, every line description, and
no due date where only the payment terms are printed; the layouts' own structures are there
(the giro form, the docket rows, batch lines, the watermark; the parts share no layout:
``test_region_parts``).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.india_docs import IndiaPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import assert_truth_printed, printed_text, region_invoices  # noqa: E402


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def _invoices(part: str = "all", count: int | None = None):
    return region_invoices("india", part, count)


def _plain(s: str) -> str:
    return s.replace("\u00a0", " ")


def test_the_same_seed_gives_the_same_pages_and_ground_truth():
    a, b = _invoices("all", 30), _invoices("all", 30)
    for x, y in zip(a, b):
        assert invoice_html(x, 11) == invoice_html(y, 11)
        assert ground_truth(x, "x.pdf", "digital", 1, None) == ground_truth(y, "x.pdf", "digital", 1, None)
    other = region_invoices("india", "all", 12, seed=12)
    assert [i.number for i in other] != [i.number for i in a[:12]] or \
        [str(i.total) for i in other] != [str(i.total) for i in a[:12]]


def test_every_invoice_adds_up_and_prints_its_number_and_total():
    layouts = set()
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) + Decimal(gt.get("rounding", "0")) == Decimal(gt["total"])
        assert sum((Decimal(l["amount"]) for l in gt["lines"]), Decimal("0.00")) == Decimal(gt["net"]), inv.layout_name
        for line in gt["lines"]:
            q, u = Decimal(line["quantity"]), Decimal(line["unit_price"])
            assert (q * u).quantize(Decimal("0.01")) == Decimal(line["amount"])
        if "tax_amount" in gt["lines"][0]:
            assert sum((Decimal(l["tax_amount"]) for l in gt["lines"]), Decimal("0.00")) == Decimal(gt["tax"])
        if "prepaid" in gt:
            assert Decimal(gt["total"]) - Decimal(gt["prepaid"]) == Decimal(gt["amount_due"]), inv.layout_name
        text, p = _text(inv), IndiaPage(inv, 11)
        assert inv.number in text, inv.layout_name
        assert _plain(p.num(inv.total)) in text or _plain(p.money(inv.total)) in text, inv.layout_name
        if "amount_due" in gt:
            assert _plain(p.money(Decimal(gt["amount_due"]))) in text, inv.layout_name
        if gt["document_type_code"] == "381":
            assert "due_date" not in gt
        layouts.add(inv.layout_name)
    assert len(layouts) == 12


def test_what_the_ground_truth_names_is_printed():
    for inv in _invoices():
        text = _text(inv)
        gt = assert_truth_printed(inv, IndiaPage(inv, 11), text, compact_ids=True)
        assert inv.vendor.printed_name in text, inv.layout_name
        for line in gt["lines"]:
            assert line["description"] in text, inv.layout_name
        if "total_in_words" in gt:
            assert gt["total_in_words"] in text


def test_terms_only_layouts_carry_no_due_date():
    seen = 0
    for inv in _invoices("dev"):
        if inv.layout_name != "india_de_at_sammel":
            continue
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert "due_date" not in gt
        if gt["document_type_code"] == "380":
            seen += 1
            assert "30 Tage netto" in _text(inv)
    assert seen


def test_the_layouts_print_their_own_structures():
    found = set()
    for inv in _invoices():
        text, name, p = _text(inv), inv.layout_name, IndiaPage(inv, 11)
        if name == "india_fi_lasku" and inv.due_date:
            assert "Saajan tilinumero" in text and "Viitenumero" in text and p.num(inv.total) in _plain(text)
            found.add(name)
        if name == "india_en_au_docket" and not p.credit:
            # the totals only in the summary at the top: the total printed before the first item
            assert text.index(p.money(inv.total)) < text.index(inv.lines[0].description)
            assert text.count(str(int(inv.delivery_note))) == 1 or "Docket No." in text
            found.add(name)
        if name == "india_de_at_sammel" and not p.credit:
            assert text.count("Charge L") == len(inv.lines) and "Lieferschein" in text
            found.add(name)
        if name == "india_ro_factura":
            series, nr = inv.number.split(" ")
            assert f"Seria {series} nr. {nr}" in text
            found.add(name)
        if name == "india_en_ie_copy":
            assert 'class="wm">COPY<' in invoice_html(inv, 11) and '" of " counter(pages)' in invoice_html(inv, 11)
            found.add(name)
        if name == "india_en_ca_hst":
            assert "letter landscape" in invoice_html(inv, 11)
            found.add(name)
    assert found == {"india_fi_lasku", "india_en_au_docket", "india_de_at_sammel", "india_ro_factura",
                     "india_en_ie_copy", "india_en_ca_hst"}


def test_credit_notes_and_several_pages_occur_in_both_parts():
    for part in ("dev", "holdout"):
        invs = _invoices(part)
        assert any(i.doc_type == "381" and i.total < 0 for i in invs), part
        assert any(i.doc_type == "381" and i.total > 0 for i in invs), part
        assert any(len(i.lines) >= 40 for i in invs), part
        assert any(i.po_number is None and i.doc_type == "380" for i in invs), part
