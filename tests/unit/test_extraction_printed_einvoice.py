"""The printed text of e-invoice renderings: order references and the standard's totals wording."""

import pytest

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows


def test_order_references_in_running_text_and_as_the_buyers_reference():
    ex = extract_invoice(doc_from_rows({0: "Rechnung Nr. 471102 vom 05.03.2018",
                                        2: "Rechnung gemäß Bestellung Nr. 2018-471331 vom 01.03.2018."}), [])
    assert ex.value("po_number") == "2018-471331"
    assert ex.value("invoice_number") == "471102"
    ex = extract_invoice(doc_from_rows({0: "INVOICE No. F20220029", 1: "Your Reference COMPRA0832"}), [])
    assert ex.value("po_number") == "COMPRA0832"


# the EN 16931 totals block as renderers print it: line sum, allowances, charges, net, tax,
# gross, paid and due; the triple is (net, tax, gross), never the line sum or the amount due
TOTALS_WORDING = {
    "en": ("Invoice No. 4711 Date 2018-03-05", ["Sum of Invoice line net amount", "Sum of allowances on document level",
           "Sum of charges on document level", "Invoice total amount without VAT", "Invoice total VAT amount",
           "Invoice total amount with VAT", "Paid amount", "Amount due for payment"]),
    "de": ("Rechnung Nr. 4711 vom 05.03.2018", ["Summe der Nettobeträge aller Rechnungspositionen", "Summe der Abschläge",
           "Summe der Zuschläge", "Gesamtbetrag der Rechnung ohne Umsatzsteuer", "Gesamtbetrag der Umsatzsteuer",
           "Gesamtbetrag der Rechnung einschließlich Umsatzsteuer", "Vorauszahlungsbetrag", "Fälliger Zahlungsbetrag"]),
    "de-short": ("Rechnung Nr. 4711 vom 05.03.2018", ["Summe Positionen netto", "Nachlässe", "Zuschläge", "Gesamtbetrag netto",
                 "Umsatzsteuerbetrag", "Gesamtbetrag brutto", "Anzahlung", "Zu zahlender Betrag"]),
    "fr": ("Facture N° 4711 du 05/03/2018", ["Somme des montants nets des lignes", "Montant total des remises",
           "Montant total des frais", "Montant total hors TVA", "Montant total de la TVA", "Montant total TVA comprise",
           "Montant payé", "Montant à payer"]),
}


@pytest.mark.parametrize("lang", sorted(TOTALS_WORDING))
def test_the_standards_totals_wording_reads_net_tax_and_gross(lang):
    head, labels = TOTALS_WORDING[lang]
    amounts = ["1000.00", "100.00", "50.00", "950.00", "180.50", "1130.50", "130.50", "1000.00"]
    if lang != "en":
        amounts = [a.replace(".", ",") for a in amounts]
    rows = {0: head, **{5 + i: [(40, label), (380, amount)] for i, (label, amount) in enumerate(zip(labels, amounts))}}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("950.00", "180.50", "1130.50")
    assert ex.fields["total"].method == "label_right"


