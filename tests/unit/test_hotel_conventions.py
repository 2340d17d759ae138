"""Conventions the hotel region's dev layouts met (issue 9, kv-2.24), and the amount payable
after a rounding row (prompted by the hotel holdout's wrong auto-approvals, reported): a date
a narrow cell wraps over three lines, two cells' dates run together, "Document Date", a
currency code inside a sum label, a sale number shaped like a date, a total label over a
prepayment row, a tax category in its own item column, "Totale da pagare entro il", the
"del" of a wrapped "Fattura n. ... del ...", and the rounded amount payable."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import dates_in, identifier_in
from invoicepipe.domain.extraction.labels import fold_accents, labels_in_text
from tests.unit.test_extraction_fields import doc_from_rows

SCAN = 0.93


def _extract(rows: dict, confidence: float = 1.0):
    return extract_invoice(doc_from_rows(rows, confidence=confidence), [])


BOXES = {
    0: "Pennine Facilities Supplies", 1: "VAT Registration No. GB905199318",
    4: [(40, "Document Date"), (130, "Invoice No."), (220, "Your Reference"), (330, "Due Date")],
    5: [(40, "Thursday,"), (130, "PSI000592"), (220, "4500010850"), (330, "Saturday,")],
    6: [(40, "19 February"), (330, "21 March")],
    7: [(40, "2026"), (330, "2026")],
    12: [(300, "Total GBP Excl. VAT"), (450, "1,415.19")], 13: [(300, "20% VAT"), (450, "250.48")],
    14: [(300, "Total GBP Incl. VAT"), (450, "1,665.67")],
}


def test_dates_wrapped_in_narrow_cells_under_their_labels():
    ex = _extract(BOXES)
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-02-19", "2026-03-21")
    assert "stacked" in ex.fields["invoice_date"].evidence


def test_two_cells_dates_run_together_are_no_date_with_a_two_digit_year():
    assert dates_in("19 February 21 March", 0, "dmy") == []
    assert [d.value.isoformat() for d in dates_in("19 Feb 21", 0, "dmy")] == ["2021-02-19"]


def test_a_currency_code_inside_a_sum_label():
    ex = _extract(BOXES)
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1415.19", "250.48", "1665.67")
    # each read under its own label: the total is not one "Total" of two, contested
    assert ex.fields["total"].method == "label_right" and "contested" not in ex.fields["total"].evidence


def test_a_series_number_shaped_like_a_date_is_an_identifier():
    assert identifier_in("FS 282/01/2026", 0) == ("FS 282/01/2026", 0, 14)
    assert identifier_in("13/01/2026", 0) is None  # a real date stays a date


def test_a_total_over_a_prepayment_row_keeps_its_own_label():
    rows = {0: "Fournitures de l'Anjou", 2: "Facture FAC/2026/00867",
            10: [(270, "Montant HT"), (480, "1 249,70 €")], 11: [(270, "TVA 20 %"), (480, "138,58 €")],
            12: [(270, "TVA 5,5 %"), (480, "30,62 €")], 13: [(270, "Total"), (480, "1 418,90 €")],
            14: [(270, "Acompte (facture FA2661284 du 19/01/2026)"), (480, "-420,00 €")],
            15: [(270, "Montant dû"), (480, "998,90 €")]}
    ex = _extract(rows)
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1249.70", "169.20", "1418.90")


def test_a_tax_category_in_its_own_item_column_labels_no_tax():
    # two rates: the tax is the sum of the summary's rate rows, not of the items' "TVA 20 %" cells
    rows = {0: "Fournitures de l'Anjou", 2: "Facture FAC/2026/00868",
            5: [(40, "Description"), (280, "Quantité"), (380, "Prix unitaire"), (450, "Taxes"), (510, "Montant")],
            6: [(40, "[STY-1053] Stylo bille rouge"), (280, "5,00"), (390, "11,23"), (450, "TVA 20 %"), (510, "56,15 €")],
            7: [(40, "[LIV-1017] Ouvrage technique"), (280, "2,00"), (390, "15,31"), (450, "TVA 5,5 %"), (510, "30,62 €")],
            8: [(40, "[CAH-1009] Cahier A4"), (280, "1,00"), (390, "3,13"), (450, "TVA 20 %"), (510, "3,13 €")],
            10: [(270, "Montant HT"), (480, "89,90 €")], 11: [(270, "TVA 20 %"), (480, "11,86 €")],
            12: [(270, "TVA 5,5 %"), (480, "1,68 €")], 13: [(270, "Total"), (480, "103,44 €")]}
    ex = _extract(rows)
    assert (ex.value("tax"), ex.value("total")) == ("13.54", "103.44")


def test_the_italian_total_due_by_names_the_due_date():
    assert [h[0] for h in labels_in_text(fold_accents("totale da pagare entro il 04/02/2026"))] == ["due_date"]


def test_the_of_word_of_a_wrapped_number_line_names_the_date():
    rows = {0: "Energia Valtellina", 4: (40, "Fattura n. EL/2026/000797"), 5: [(40, "del 15/01/2026"), (300, "Contabilità fornitori")],
            10: [(300, "Totale bolletta"), (450, "€ 1.756,84")]}
    date = _extract(rows).fields["invoice_date"]
    assert date.value == "2026-01-15" and "beside_invoice_number" in date.evidence


ROUNDED = {0: "Metallbau Fricktal AG", 2: "Rechnung RE-2026-00528", 1: "MWST-Nr. CHE-328.609.820 MWST",
           10: [(300, "Total exkl. MWST"), (480, "1'309.78")], 11: [(300, "MWST 8.1% auf CHF 1'196.08"), (480, "96.88")],
           12: [(300, "MWST 2.6% auf CHF 113.70"), (480, "2.96")], 13: [(300, "Total inkl. MWST"), (480, "1'409.62")],
           14: [(300, "Rundung"), (480, "-0.02")], 15: [(300, "Zu bezahlen CHF"), (480, "1'409.60")]}


@pytest.mark.parametrize("payable", ["Zu bezahlen CHF", "Zu -bezahlen F CHF"])
def test_the_amount_payable_after_a_rounding_row_is_the_total(payable):
    ex = _extract({**ROUNDED, 15: [(300, payable), (480, "1'409.60")]}, confidence=SCAN)
    assert ex.value("total") == "1409.60"
    assert (ex.value("net"), ex.value("tax")) == ("1309.78", "99.84")
