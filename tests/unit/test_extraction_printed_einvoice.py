"""The printed text of e-invoice renderings: seller party blocks, order references, a gross
premium with the tax it contains, and the net the arithmetic settles when none is printed."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_derivation import derive_missing
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.search import Candidate
from invoicepipe.domain.extraction.seller_block import seller_block_name
from invoicepipe.domain.extraction.vat_rates import rates_of

from .test_extraction_fields import doc_from_rows

# the XRechnung visualisation: party blocks of labelled rows under a role heading
PARTY_BLOCKS = {
    0: "Mietrechnung Nr. 9314110911/00/M/00/N vom 01.10.2018",
    1: "Bestellung: B123456789",
    3: "Verkäufer",
    4: "Nummer: 549910",
    5: "Globale Nummer: 4333741000005 (GLN)",
    6: "Name: MUSTER-Autovermietung",
    7: "Anschrift: Musterstr. 99",
    8: [(240, "DE 99199 MUSTERHAUSEN")],
    9: "USt.-Id.-Nr.: DE136695976",
    10: "Käufer/Leistungsempfänger",
    11: "Name: MUSTER-KUNDE GMBH",
    13: [(300, "Summe Nettobeträge"), (450, "100,00")],
    14: [(300, "Umsatzsteuer 19 %"), (450, "19,00")],
    15: [(300, "Gesamtbetrag"), (450, "119,00")],
}


def test_seller_name_is_the_name_row_of_the_seller_block_not_the_buyers():
    ex = extract_invoice(doc_from_rows(PARTY_BLOCKS), [])
    assert ex.value("vendor") == "MUSTER-Autovermietung"
    assert ex.fields["vendor"].method == "seller_block"
    assert ex.value("po_number") == "B123456789"


def test_a_long_name_wrapped_and_centred_on_its_label_is_joined():
    rows = {
        0: "Verkäufer",
        1: "Nummer: 549910",
        2: [(240, "MVM Musterhafter")],
        3: [(40, "Name:"), (240, "Versicherungsverein Musterstadt a.G.")],
        4: [(40, "Anschrift:"), (240, "Musterstr. 12")],
    }
    ctx, _ = document_context(doc_from_rows(rows))
    assert seller_block_name(ctx).value == "MVM Musterhafter Versicherungsverein Musterstadt a.G."


def test_an_unlabelled_name_under_the_block_number_rows_is_read_with_its_second_line():
    rows = {
        0: "Verkäufer:",
        1: "Nummer : 549910",
        2: "Globale Nummer: 1234567890128 (GTIN)",
        3: "MVM Musterhafter",
        4: "Versicherungsverein Musterstadt a.G.",
        5: "Musterstr. 12",
        6: "DE 12345 Musterstadt",
        7: "Käufer:",
        8: "Herrn Max Mustermann",
    }
    ctx, _ = document_context(doc_from_rows(rows))
    assert seller_block_name(ctx).value == "MVM Musterhafter Versicherungsverein Musterstadt a.G."


def test_a_name_containing_a_role_word_is_no_heading_and_a_buyer_block_no_seller():
    ctx, _ = document_context(doc_from_rows({0: "Lieferant GmbH", 1: "Lieferantenstraße 20", 3: "Käufer", 4: "Name: Kunde AG"}))
    assert seller_block_name(ctx) is None
    ctx, _ = document_context(doc_from_rows({0: "Seller:", 1: "Bill to:", 2: "Name: Buyer Ltd"}))
    assert seller_block_name(ctx) is None


def test_order_references_in_running_text_and_as_the_buyers_reference():
    ex = extract_invoice(doc_from_rows({0: "Rechnung Nr. 471102 vom 05.03.2018",
                                        2: "Rechnung gemäß Bestellung Nr. 2018-471331 vom 01.03.2018."}), [])
    assert ex.value("po_number") == "2018-471331"
    assert ex.value("invoice_number") == "471102"
    ex = extract_invoice(doc_from_rows({0: "INVOICE No. F20220029", 1: "Your Reference COMPRA0832"}), [])
    assert ex.value("po_number") == "COMPRA0832"


# an insurer's premium, printed gross with the insurance tax it contains, plus an arrear
PREMIUM = {
    0: "Beitragsrechnung zur Kraftfahrtversicherung Nr. 00.123.456.7 11. März 2014",
    2: "Kfz-Haftpflicht SF25 (30 %) Typkl. 18 Regio R9 80,00 €",
    3: "Vollkasko SF25 (30 %) Typkl. 21 Regio R4 140,00 €",
    4: "vierteljährlicher Beitrag inklusive 19 % Versicherungsteuer 220,00 €",
    5: "in diesem Beitrag enthaltene Versicherungsteuer (35,13 €)",
    6: "Ausstehende Forderung am Ausstellungstag (Stand 04.03.2014) 220,00 €",
    7: "zu zahlender Beitrag 440,00 €",
}


def test_gross_premium_its_bracketed_included_tax_and_the_derived_net():
    ex = extract_invoice(doc_from_rows(PREMIUM), [])
    assert ex.value("total") == "220.00"
    assert ex.value("tax") == "35.13"
    assert ex.value("net") == "184.87"
    net = ex.fields["net"]
    assert net.method == "derived_remainder" and net.box is None
    assert net.confidence <= 0.3 and "class:alone" in net.evidence


def _gross_only(identity: str) -> dict:
    """A gross invoice: the tax it contains, no net and no rate printed."""
    return {0: "Rechnung Nr. 4711 vom 05.03.2026", 2: identity,
            10: [(300, "Rechnungsbetrag"), (450, "1.190,00 €")],
            11: [(300, "darin enthaltene MwSt."), (450, "190,00 €")]}


def test_total_and_tax_agree_through_the_rate_of_the_country_on_the_page():
    # a German VAT id: 190,00 is 19 % (Germany's rate) of 1.190,00 less 190,00
    ex = extract_invoice(doc_from_rows(_gross_only("USt-IdNr. DE136695976")), [])
    assert ex.fields["net"].method == "derived_remainder"
    assert "rate" in ex.fields["total"].evidence and "class:one" in ex.fields["total"].evidence
    # no country and no rate on the page: one of the thirty rates in use somewhere is no witness
    ex = extract_invoice(doc_from_rows(_gross_only("Tel. 089 1234567")), [])
    assert ex.fields["net"].method == "derived_remainder"
    assert ex.fields["total"].evidence == ("class:alone",)
    # a rate printed on the page is one
    rows = _gross_only("Tel. 089 1234567")
    rows[11] = [(300, "darin enthaltene MwSt. 19 %"), (450, "190,00 €")]
    assert "rate" in extract_invoice(doc_from_rows(rows), []).fields["total"].evidence


def test_the_rates_of_a_country_are_its_own():
    assert Decimal("19") in rates_of({"DE"}) and Decimal("20") not in rates_of({"DE"})
    assert Decimal("24") in rates_of({"EL"})  # Greece's VAT prefix
    assert rates_of({"US", "XX"}) == frozenset()


def test_bracketed_amounts_of_a_credit_note_keep_their_sign():
    rows = {0: "Gutschrift Nr. G-17 vom 05.03.2018",
            2: [(300, "Summe netto"), (450, "(100,00 €)")],
            3: [(300, "MwSt. 19 %"), (450, "(19,00 €)")],
            4: [(300, "Gesamtbetrag"), (450, "(119,00 €)")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("-100.00", "-19.00", "-119.00")


def _cand(field: str, value: str, method: str = "label_right") -> Candidate:
    return Candidate(field, value, 0.9, method, (), Decimal(value))


def test_a_remainder_is_derived_only_from_a_read_total_within_it_and_at_a_tax_rate():
    ctx, _ = document_context(doc_from_rows({0: "Rechnung 471102"}))

    def derived(known: Candidate, total: Candidate) -> dict:
        out = {"total": (total, 0.9), known.field: (known, 0.9)}
        derive_missing(ctx, out)
        return {k: c.value for k, (c, _) in out.items()}

    assert derived(_cand("tax", "19.00"), _cand("total", "119.00"))["net"] == "100.00"
    assert derived(_cand("net", "100.00"), _cand("total", "119.00"))["tax"] == "19.00"
    # larger than the total, of the other sign, at no tax rate (a line amount under "MwSt."), from a guessed total
    assert "net" not in derived(_cand("tax", "150.00"), _cand("total", "119.00"))
    assert "net" not in derived(_cand("tax", "-19.00"), _cand("total", "119.00"))
    assert "net" not in derived(_cand("tax", "3.89"), _cand("total", "34.73"))
    assert "net" not in derived(_cand("tax", "19.00"), _cand("total", "119.00", "largest_amount"))


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


def test_a_line_sum_before_a_document_allowance_gives_way_to_total_minus_tax():
    rows = {0: "Rechnung Nr. 4711 vom 05.03.2018",
            5: [(300, "Summe Positionen"), (450, "1.000,00")],
            6: [(300, "Rabatt 10 %"), (450, "-100,00")],
            7: [(300, "MwSt 19 %"), (450, "171,00")],
            8: [(300, "Gesamtbetrag"), (450, "1.071,00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("900.00", "171.00", "1071.00")
    # the subtotal with the allowance row under it applied (kv-2.23; the total less the tax before)
    assert ex.fields["net"].method == "net_after_adjustments"
    assert "bridged:-100.00" in ex.fields["net"].evidence


def test_values_under_a_row_of_headers_each_with_its_currency_sign():
    # the "€" after 1.000,00 is that amount's, so 190,00 € still lies in the tax header's column
    rows = {0: "Rechnung Nr. 4711 vom 05.03.2018",
            5: [(40, "Nettobetrag"), (200, "Umsatzsteuer"), (360, "Bruttobetrag")],
            6: [(40, "1.000,00 €"), (200, "190,00 €"), (360, "1.190,00 €")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1000.00", "190.00", "1190.00")


def test_a_breakdown_by_rate_is_summed_per_column():
    rows = {0: "Rechnung Nr. 4711 vom 05.03.2018",
            5: [(40, "Steuersatz"), (150, "Nettobetrag"), (250, "Steuerbetrag"), (350, "Bruttobetrag")],
            6: [(40, "19,00 %"), (150, "200,00"), (250, "38,00"), (350, "238,00")],
            7: [(40, "7,00 %"), (150, "100,00"), (250, "7,00"), (350, "107,00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("300.00", "45.00", "345.00")
    assert ex.fields["tax"].method == "column_sum"
    # a printed sum row ends the rows it sums; a labelled grand total is the total
    rows[8] = [(150, "300,00"), (250, "45,00"), (350, "345,00")]
    rows[10] = [(250, "Gesamtbetrag"), (350, "345,00 EUR")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("300.00", "45.00", "345.00")


def test_a_credit_notes_gross_under_its_own_name():
    rows = {0: "Gutschrift Nr. G-17 vom 05.03.2018",
            2: [(300, "Summe netto"), (450, "100,00")],
            3: [(300, "MwSt 19 %"), (450, "19,00")],
            4: [(300, "Gutschriftsbetrag"), (450, "119,00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "119.00" and ex.fields["total"].method == "label_right"


def test_a_value_wrapped_from_running_text_but_not_from_another_block():
    # running text wraps its label's value to the next line, flush left
    rows = {0: "Wir berechnen Ihnen hiermit mit Rechnung Nr.", 1: "2026-0815 die folgenden Leistungen",
            3: [(300, "Gesamtbetrag"), (450, "119,00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "2026-0815" and ex.fields["invoice_number"].method == "label_wrapped"
    # a letterhead and a title a cell apart on one line: the title heads its own block, and
    # the street number starting the letterhead's next line is no value of it
    rows = {0: [(40, "KEYSTONE FASTENER CORP."), (320, "CREDIT NOTE")], 1: "1800 Industrial Blvd",
            2: "Houston, TX 77020", 4: [(300, "Please Pay"), (450, "-111.05")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") != "1800"


def test_no_value_under_a_label_is_read_past_the_items_column_names():
    # a title over the item table: the first row's article code is the table's, not the title's
    rows = {0: "IJSSELMOND TECHNIEK", 3: "Credit Note",
            4: [(40, "Item"), (120, "Description"), (300, "Qty"), (360, "Price"), (450, "Amount")],
            5: [(40, "BOR-1006"), (120, "Drill set"), (300, "1"), (360, "6.30"), (450, "6.30")],
            7: [(300, "Total"), (450, "6.30")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") != "BOR-1006"
    assert [str(li.amount) for li in ex.lines] == ["6.30"]
