"""Invoices written as letters and other unlabelled wording: the dateline after the place is
the invoice date, a due date said in a sentence is read, an IBAN wrapped in a narrow column
or among OCR specks is read only when its check digits pass, and a label naming an order
beats the buyer's generic reference for the PO number."""
import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _letter(dateline: str, prose: str) -> dict:
    return {0: "Albiol & Ferrer Asesores", 1: "Meridian Iberia S.L.", 2: "Calle de Alcalá 120", 4: dateline,
            5: "FACTURA", 6: "Factura n.º 2026/0726", 8: prose, 10: "Total factura 1.463,62 €"}


@pytest.mark.parametrize("dateline, prose, issued, due", [
    ("Valencia, 13 de enero de 2026", "Rogamos efectúen el pago antes del 12 de febrero de 2026 a la cuenta indicada.",
     "2026-01-13", "2026-02-12"),
    ("München, 4. März 2026", "Bitte begleichen Sie den Betrag spätestens am 03.04.2026.", "2026-03-04", "2026-04-03"),
    ("London, 4 March 2026", "Payment is due by 3 April 2026 to the account below.", "2026-03-04", "2026-04-03"),
    ("Paris, le 4 mars 2026", "Merci de régler cette facture au plus tard le 3 avril 2026.", "2026-03-04", "2026-04-03"),
    ("Milano, 4 marzo 2026", "Si prega di effettuare il pagamento entro il 3 aprile 2026.", "2026-03-04", "2026-04-03"),
])
def test_the_dateline_is_the_invoice_date_and_the_sentence_names_the_due_date(dateline, prose, issued, due):
    ex = extract_invoice(doc_from_rows(_letter(dateline, prose)), [])
    assert ex.value("invoice_date") == issued
    assert ex.value("due_date") == due


def test_a_labelled_invoice_date_wins_over_a_dateline():
    rows = _letter("Valencia, 13 de enero de 2026", "Gracias.")
    rows[7] = "Fecha de factura: 14/01/2026"
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_date") == "2026-01-14"


def test_a_sum_or_a_label_before_a_comma_is_no_dateline():
    rows = {0: "Vendor Ltd", 1: "Invoice No 12", 3: "Period from, 01.03.2026", 5: "Total 10.00"}
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.dateline import dateline_candidates
    ctx, _ = document_context(doc_from_rows(rows))
    assert dateline_candidates(ctx) == []


@pytest.mark.parametrize("prose", ["Payment by bank transfer to the account below.",
                                   "Payment within 30 days by 12 March 2026 less 2% discount."])
def test_a_sentence_without_a_date_right_after_its_words_names_no_due_date(prose):
    rows = {0: "Vendor Ltd", 1: "Invoice No 12", 2: "Invoice date 01.03.2026", 4: prose, 6: "Total 10.00"}
    assert extract_invoice(doc_from_rows(rows), []).value("due_date") is None


def test_vervaldag_is_a_due_date_label():
    rows = {0: "Vendor BV", 1: "Factuurnr. 26/00751", 2: "Factuurdatum 9 januari 2026", 3: "Vervaldag 8 februari 2026",
            5: "Totaal € 143,78"}
    assert extract_invoice(doc_from_rows(rows), []).value("due_date") == "2026-02-08"


def test_the_amount_due_box_dates_its_payment_under_the_amount():
    rows = {0: "Northfield Energy", 1: "Bill number 0000000231", 2: "Bill date 15 January 2026", 4: "AMOUNT DUE",
            5: "£ 288.71", 6: "by 29 January 2026", 8: "Total charges this bill £ 288.71"}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("due_date") == "2026-01-29"
    assert ex.value("invoice_date") == "2026-01-15"


def _footer(continuation: str, confidence: float = 1.0) -> dict:
    return {0: "Brandt & Lindqvist GmbH", 1: "Rechnung Nr. BL-2026-0072", 2: "Rechnungsdatum 08.01.2026",
            4: "Gesamtbetrag 7.863,28 €", 8: [(40.0, "Mainzer Landstraße 211"), (400.0, "IBAN: DE51 2527 5627 9625")],
            9: [(40.0, "60326 Frankfurt am Main"), (400.0, continuation)]}


def test_an_iban_wrapped_in_a_narrow_column_is_joined():
    ex = extract_invoice(doc_from_rows(_footer("6489 16")), [])
    assert ex.value("iban") == "DE51252756279625648916"


def test_a_wrapped_iban_whose_joined_check_digits_fail_is_not_read():
    assert extract_invoice(doc_from_rows(_footer("6489 17")), []).value("iban") is None


def test_an_iban_among_ocr_specks_in_a_payment_sentence_is_read():
    rows = {0: "Northfield Energy", 1: "Bill number 231", 3: "Total £ 288.71",
            5: "Pay by bank transfer: Mercia Bank - IBAN: = GBO7 PNI) 6639 : 7755 8705 66- BIC: MMZHGBBXXXX. Please pay"}
    assert extract_invoice(doc_from_rows(rows, confidence=0.9), []).value("iban") == "GB07PNIJ66397755870566"
    rows[5] = rows[5].replace("8705 66", "8705 67")
    assert extract_invoice(doc_from_rows(rows, confidence=0.9), []).value("iban") is None


def _references(labels: str, values: str) -> dict:
    return {0: "Skyline Air & Sea Forwarding", 1: "Invoice No SKY0000611", 2: "Invoice Date 1 Feb 2026",
            4: [(300.0, labels)], 5: [(300.0, values)], 8: "Invoice Total GBP 3,457.63"}


def test_a_label_naming_the_order_wins_over_the_buyers_reference():
    ex = extract_invoice(doc_from_rows(_references("YOUR REF   YOUR PO", "MER-9078-26   4500010796")), [])
    assert ex.value("po_number") == "4500010796"


def test_a_buyers_reference_alone_is_a_weak_po_number():
    ex = extract_invoice(doc_from_rows(_references("YOUR REF", "MER-9078-26")), [])
    assert ex.value("po_number") == "MER-9078-26"
    assert ex.confidence("po_number") < 0.4


def test_a_place_with_particles_dates_the_letter():
    ex = extract_invoice(doc_from_rows(_letter("Santiago de Compostela, 13 de enero de 2026", "Gracias.")), [])
    assert ex.value("invoice_date") == "2026-01-13"


@pytest.mark.parametrize("label", ["Vervaldag", "Uiterste betaaldatum", "Date due", "Data płatności",
                                   "Data limite de pagamento"])
def test_further_due_date_labels(label):
    rows = {0: "Vendor", 1: "Invoice No 12", 2: "Invoice date 01.02.2026", 3: f"{label}: 19.02.2026", 5: "Total 10.00"}
    assert extract_invoice(doc_from_rows(rows), []).value("due_date") == "2026-02-19"


@pytest.mark.parametrize("text,iso", [("1. marts 2026", "2026-03-01"), ("3. Mär. 2026", "2026-03-03"),
                                      ("3 augusti 2026", "2026-08-03"), ("3. desember 2026", "2026-12-03")])
def test_scandinavian_months_and_the_german_abbreviation_of_march(text, iso):
    from invoicepipe.domain.extraction.candidates import dates_in

    assert [d.value.isoformat() for d in dates_in(text, 0, "dmy")][:1] == [iso]
