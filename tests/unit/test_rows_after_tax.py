"""Rows printed between the tax and the total (``extraction/rows_after_tax``): a deposit, a
stamp duty, freight without tax, a discount on the gross amount. They close net + tax =
total when their signed sum fills the gap exactly; otherwise nothing is claimed."""

from decimal import Decimal

from invoicepipe.domain.arithmetic import check_arithmetic
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.rows_after_tax import closed_by_rows_after_tax
from invoicepipe.domain.extraction.search import label_candidates, make_context, parse_amount_value
from invoicepipe.domain.policy import Tolerances
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {0: "Muster Bürobedarf GmbH", 1: "Musterweg 1, 80333 München", 3: "Rechnungsnummer: RE-2026-0042",
        4: "Rechnungsdatum: 14.03.2026",
        8: [(40, "Pos Beschreibung"), (300, "Menge"), (360, "Einzelpreis"), (450, "Betrag")],
        9: [(40, "1 Papier A4"), (300, "10"), (360, "4,50"), (450, "45,00 €")],
        10: [(40, "2 Toner"), (300, "2"), (360, "1.000,00"), (450, "2.000,00 €")],
        12: [(300, "Summe netto"), (450, "2.045,00 €")],
        13: [(300, "MwSt. 19 %"), (450, "388,55 €")]}


def _amounts(rows: dict):
    ex = extract_invoice(doc_from_rows({**HEAD, **rows}), [])
    return ex, {n: ex.fields[n] for n in ("net", "tax", "total") if n in ex.fields}


def test_a_deposit_between_tax_and_total_closes_the_sum():
    ex, got = _amounts({14: [(300, "Pfand"), (450, "3,00 €")], 15: [(300, "Gesamtbetrag"), (450, "2.436,55 €")]})
    assert got["total"].value == "2436.55"
    assert "class:two" in got["total"].evidence and "adjusted:+3.00" in got["total"].evidence
    assert "arithmetic" in got["tax"].evidence and "arithmetic" in got["net"].evidence
    # the router's arithmetic reads the rows' sum back: the amounts are consistent
    findings = check_arithmetic(ex, Tolerances())
    assert not findings.reasons and findings.header_closes


def test_a_discount_word_takes_off_whatever_sign_it_prints_with():
    _, got = _amounts({14: [(300, "Rabatt 2 %"), (450, "48,67 €")], 15: [(300, "Gesamtbetrag"), (450, "2.384,88 €")]})
    assert got["total"].value == "2384.88" and "adjusted:-48.67" in got["total"].evidence


def test_a_running_subtotal_among_the_rows_is_passed_over():
    _, got = _amounts({14: [(300, "Zwischensumme"), (450, "2.433,55 €")], 15: [(300, "Ökoabgabe"), (450, "1,20 €")],
                       16: [(300, "Stempelgebühr"), (450, "2,00 €")], 17: [(300, "Gesamtbetrag"), (450, "2.436,75 €")]})
    assert got["total"].value == "2436.75" and "adjusted:+3.20" in got["total"].evidence


def test_rows_that_do_not_fill_the_gap_claim_nothing():
    _, got = _amounts({14: [(300, "Pfand"), (450, "4,00 €")], 15: [(300, "Gesamtbetrag"), (450, "2.436,55 €")]})
    assert "class:alone" in got["total"].evidence
    assert not any(t.startswith("adjusted:") for t in got["total"].evidence)


def test_a_prepayment_between_is_what_is_due_not_what_the_invoice_totals():
    # net + tax - 500 = the amount left to pay; the invoice's total is not that
    _, got = _amounts({14: [(300, "Anzahlung"), (450, "-500,00 €")], 15: [(300, "Gesamtbetrag"), (450, "1.933,55 €")]})
    assert not any(t.startswith("adjusted:") for t in got["total"].evidence)
    assert "class:two" not in got["total"].evidence


def test_a_row_of_another_amount_field_between_claims_nothing():
    # the second rate's tax is a tax row of its own, not a charge on top of the total: with
    # it among the rows, no sum of the rows is claimed
    rows = {**HEAD, 13: [(300, "MwSt. 19 % auf 2.000,00"), (450, "380,00 €")], 14: [(300, "MwSt. 7 % auf 45,00"), (450, "3,15 €")],
            15: [(300, "Gesamtbetrag"), (450, "2.428,15 €")]}
    ctx = make_context(build_layout(doc_from_rows(rows)))
    found = {n: label_candidates(ctx, n, parse_amount_value) for n in ("net", "tax", "total")}
    first_rate = [c for c in found["tax"] if c.raw == Decimal("380.00")]
    assert first_rate and any(c.raw == Decimal("3.15") for c in found["tax"])
    assert closed_by_rows_after_tax(ctx, found["net"], first_rate + found["tax"], found["total"]) is None
    # the same page with the second rate's row read as no field's: it would close
    others = [c for c in found["tax"] if c.raw != Decimal("3.15")]
    assert closed_by_rows_after_tax(ctx, found["net"], others, found["total"]) is not None


def test_a_stamp_duty_on_an_exempt_invoice_is_no_tax():
    # Italian VAT-exempt invoice: no tax, a 2 EUR stamp duty added after it. The duty was read
    # as the tax (the remainder total - net printed on the page) and called sure
    rows = {0: "Studio Rossi", 1: "Via Roma 1, 00100 Roma", 3: "Fattura n. 12/2026", 4: "Data fattura: 14/03/2026",
            8: [(40, "Descrizione"), (300, "Quantità"), (360, "Prezzo"), (450, "Importo")],
            9: [(40, "Consulenza"), (300, "1"), (360, "500,00"), (450, "500,00")],
            12: [(300, "Imponibile"), (450, "500,00")], 13: [(300, "IVA esente art. 10"), (450, "0,00")],
            14: [(300, "Marca da bollo"), (450, "2,00")], 15: [(300, "Totale documento"), (450, "502,00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("500.00", "0.00", "502.00")
    assert "adjusted:+2.00" in ex.fields["total"].evidence
