"""Net, tax and total read together: per-rate tax rows that add up, rounding rows, sum
labels qualified by what they include or leave out, the rate column of a tax table, cash
discount dates, credit notes naming the invoice they correct, Nordic vocabularies."""

from decimal import Decimal

import pytest

from invoicepipe.domain.arithmetic import check_arithmetic
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.parsing import parse_amount
from invoicepipe.domain.policy import Tolerances
from tests.unit.test_extraction_fields import doc_from_rows


def labels_of(text: str) -> list[tuple[str, str]]:
    line = build_layout(doc_from_rows({0: text})).lines[0]
    return [(h.field, line.text[h.start:h.end]) for h in find_labels(line)]


def test_tax_per_rate_rows_sum_to_the_tax_when_no_tax_total_is_printed():
    ex = extract_invoice(doc_from_rows({
        0: "Rechnungsnummer 471102",
        10: [(40, "Rechnungssumme Netto (excl. USt.)"), (450, "473,00")],
        11: [(40, "Steuerbasisbetrag USt. 7%"), (300, "275,00"), (450, "19,25")],
        12: [(40, "Steuerbasisbetrag USt. 19%"), (300, "198,00"), (450, "37,62")],
        13: [(40, "Rechnungssumme Brutto (inkl. USt.)"), (450, "529,87")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("473.00", "56.87", "529.87")
    assert "arithmetic" in ex.fields["tax"].evidence


def test_the_tax_total_is_found_among_many_tax_worded_rows():
    # seven lines mention VAT before the tax total: ranking alone would cut the right one off
    rows = {0: "Invoice No. 7"}
    for i in range(7):
        rows[2 + i] = [(40, f"Item {i}  7 % VAT"), (450, f"{10 + i},00")]
    rows.update({12: [(40, "Rechnungssumme ohne USt."), (450, "214,09")], 13: [(40, "Steuerbetrag"), (450, "16,39")],
                 14: [(40, "Bruttosumme"), (450, "230,48")]})
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("214.09", "16.39", "230.48")


@pytest.mark.parametrize("label, amount", [("Round Off", "-Rs. 0.36"), ("Rounding", "0.36"), ("Öresavrundning", "-0,36"),
                                           ("Zaokrouhlení", "-0,36")])
def test_a_rounding_row_closes_net_plus_tax_to_the_total(label, amount):
    ex = extract_invoice(doc_from_rows({
        0: "Invoice No.: NHT/0327",
        10: [(40, "Taxable Value"), (450, "Rs. 26,380.08")],
        11: [(40, "IGST 18%"), (450, "Rs. 3,617.03")],
        12: [(40, "IGST 12%"), (450, "Rs. 754.25")],
        13: [(40, label), (450, amount)],
        14: [(40, "Grand Total"), (450, "Rs. 30,751.00")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("26380.08", "4371.28", "30751.00")
    # the rounding travels with the total, so the arithmetic check does not call it a misread
    assert "adjusted:-0.36" in ex.fields["total"].evidence
    assert check_arithmetic(ex, Tolerances(header_total_absolute=Decimal("0.05"))).reasons == ()


def test_a_sum_qualified_as_before_tax_is_the_net():
    assert labels_of("Total hors TVA Fr. 5'519.89") == [("net", "Total hors TVA")]
    assert labels_of("Summa exkl. moms 16 617,36 kr") == [("net", "Summa exkl. moms")]
    assert labels_of("Rechnungssumme Netto (exkl. USt.) 193,83") == [("net", "Rechnungssumme Netto (exkl. USt.)")]
    assert [f for f, _ in labels_of("Rechnungssumme Brutto (inkl. USt.) 215,14")] == ["total"]
    # the tax word a sum includes is no tax label; the sum it names is the gross total
    assert [f for f, _ in labels_of("Beitrag inklusive 19 % Versicherungsteuer 220,00")] == ["total"]
    assert [f for f, _ in labels_of("inkl. 19 % MwSt 3,03")] == []


def test_column_headers_far_apart_are_not_one_label():
    assert [f for f, _ in labels_of("Total         Netto")] == ["total", "net"]
    assert [f for f, _ in labels_of("Total Netto")] == ["net"]


@pytest.mark.parametrize("text", ["BTW % Grondslag", "MwSt.-Satz", "VAT rate", "Taux TVA", "aliquota IVA"])
def test_a_tax_word_heading_the_rate_column_is_no_tax_label(text):
    assert "tax" not in [f for f, _ in labels_of(text)]


def test_the_tax_amount_is_not_read_under_the_rate_column():
    ex = extract_invoice(doc_from_rows({
        0: "Factuurnummer VF1005193039",
        5: [(40, "Artikel"), (200, "Prijs"), (300, "BTW"), (450, "Bedrag")],
        6: [(40, "E103184 Onderhoudsset"), (200, "49,99"), (300, "21 %"), (450, "49,99")],
        9: [(100, "BTW %"), (200, "Grondslag"), (300, "BTW bedrag"), (450, "Totaal")],
        10: [(100, "21 %"), (200, "41,31"), (300, "8,68"), (450, "49,99")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("41.31", "8.68", "49.99")


def test_swedish_totals():
    ex = extract_invoice(doc_from_rows({
        0: "FAKTURA",
        2: [(40, "Fakturanummer"), (160, "Fakturadatum"), (280, "Förfallodatum"), (400, "Er beställning")],
        3: [(40, "000571"), (160, "2026-01-18"), (280, "2026-02-17"), (400, "4500010643")],
        10: [(300, "Summa exkl. moms"), (450, "16 617,36 kr")],
        11: [(300, "Moms 25 %"), (450, "4 154,34 kr")],
        12: [(300, "Öresavrundning"), (450, "0,30 kr")],
        13: [(300, "Att betala"), (450, "20 772,00 kr")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("16617.36", "4154.34", "20772.00")
    assert (ex.value("invoice_number"), ex.value("due_date"), ex.value("po_number")) == ("000571", "2026-02-17", "4500010643")


def test_danish_totals():
    ex = extract_invoice(doc_from_rows({
        0: "Fakturanr. 2026-118",
        10: [(300, "Subtotal"), (450, "1.000,00")],
        11: [(300, "Moms 25%"), (450, "250,00")],
        12: [(300, "I alt"), (450, "1.250,00")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1000.00", "250.00", "1250.00")


@pytest.mark.parametrize("terms, due", [
    ("Zahlbar innerhalb 30 Tagen netto bis 04.04.2013, 3% Skonto innerhalb 10 Tagen bis 15.03.2013", "2013-04-04"),
    ("Zahlbar innerhalb 30Tagen nettobis04.04.2020,3% Skontoinnerhalb 10Tagen bis15.03.2020.", "2020-04-04"),
])
def test_a_cash_discount_deadline_is_not_the_due_date(terms, due):
    ex = extract_invoice(doc_from_rows({0: "Rechnungsnummer 4711", 5: terms}), [])
    assert ex.value("due_date") == due


def test_a_credit_note_does_not_take_the_number_of_the_invoice_it_corrects():
    ex = extract_invoice(doc_from_rows({
        0: "GUTSCHRIFT",
        2: "Datum 17.01.2026",
        10: [(40, "Rechnungsbetrag"), (450, "EUR 63,40")],
        11: "Gutschrift zu Rechnung NL2026000877",
        12: "Gutschrift Nr. NL2026000882",
    }), [])
    assert ex.value("document_type") == "credit_note"
    assert ex.value("invoice_number") == "NL2026000882"


@pytest.mark.parametrize("title", ["Kreditnota", "Kreditfaktura", "Creditfactuur", "Stornorechnung"])
def test_credit_note_titles(title):
    ex = extract_invoice(doc_from_rows({0: title, 1: "Nr. 12", 3: "Total 50,00"}), [])
    assert ex.value("document_type") == "credit_note"


@pytest.mark.parametrize("reference", ["Kredit av faktura 000568", "Kreditering af faktura nr. 000568",
                                       "Creditering van factuur 000568", "Storno zur Rechnung 000568",
                                       "Storno della fattura 000568"])
def test_a_line_crediting_an_invoice_makes_a_credit_note_whose_title_went_unread(reference):
    # a photo lost the heading: the positive total says nothing, the reference in the body does
    ex = extract_invoice(doc_from_rows({0: "Fakturanummer 000573", 3: "Att betala 240,00", 5: reference}), [])
    assert ex.value("document_type") == "credit_note"
    assert ex.value("invoice_number") == "000573"


def test_the_payment_of_an_invoice_in_spanish_is_no_credit():
    # "abono" is also a payment: ordinary Spanish invoices print how they are to be paid
    ex = extract_invoice(doc_from_rows({0: "Factura 000573", 3: "Total 240,00",
                                        5: "El abono de la factura se realizará por transferencia"}), [])
    assert ex.value("document_type") == "invoice"


def test_an_invoice_naming_no_credited_invoice_stays_an_invoice():
    ex = extract_invoice(doc_from_rows({0: "Fakturanummer 000573", 3: "Att betala 240,00", 5: "Avser faktura 000568"}), [])
    assert ex.value("document_type") == "invoice"


def test_a_full_stop_after_the_cents_ends_the_sentence():
    assert parse_amount("2.304,25.") == Decimal("2304.25")
    ex = extract_invoice(doc_from_rows({
        0: "Fattura N. 00177/2026",
        10: [(300, "Imponibile"), (450, "EUR 1.888,73")],
        11: [(300, "IVA 22%"), (450, "EUR 415,52")],
        12: [(300, "Totale documento"), (450, "EUR 2.304,25.")],
    }), [])
    assert ex.value("total") == "2304.25"


def test_an_unlabelled_net_is_the_printed_remainder_of_total_and_tax():
    ex = extract_invoice(doc_from_rows({
        0: "Beitragsrechnung",
        10: [(40, "Gesamtbeitrag"), (450, "50,00 €")],
        11: [(40, "Versicherungsteuer 19 %"), (450, "9,50 €")],
        12: [(40, "Rechnungsbeitrag"), (450, "59,50 €")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("50.00", "9.50", "59.50")
    assert ex.fields["net"].method == "printed_remainder"


def test_a_cash_discount_is_neither_tax_nor_total():
    ex = extract_invoice(doc_from_rows({
        0: "Rechnungsnummer 4711",
        10: [(300, "Nettobetrag"), (450, "700,00")],
        11: [(300, "MwSt. 19 %"), (450, "133,00")],
        12: [(300, "Rechnungsbetrag"), (450, "833,00")],
        13: [(300, "abzgl. 2 % Skonto"), (450, "16,66")],
        14: [(300, "Zahlbetrag bei Skontoabzug"), (450, "816,34")],
    }), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("700.00", "133.00", "833.00")
    assert [f for f, _ in labels_of("Zahlbetrag bei 2 % Skonto 816,34")] == ["other_amount"]


def test_the_french_verb_avoir_is_no_credit_note():
    rows = {0: "FACTURE N° F-12", 1: "Merci de nous avoir fait confiance", 3: "Total TTC 50,00"}
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "invoice"
    rows[0] = "AVOIR N° A-12"
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "credit_note"
