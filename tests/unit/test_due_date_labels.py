"""Due dates: a label whose OCR box spans two rows of text still finds its value beside it;
the label words invoices print."""
import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from tests.unit.test_extraction_fields import ROW_H, doc_from_rows, row_words


def _doc(label_top: float, label_bottom: float) -> DocumentText:
    rows = {0: "Visserie Romande SA", 2: "Facture n° F-2026-0259", 3: "Date de facture: 20.01.2026",
            9: "Total à payer Fr. 5'967.00"}
    words = [w for row, text in rows.items() for w in row_words(text, row)]
    # the due-date row (row 4) and, just under it, an address row of the buyer's block
    top = 40 + 4 * ROW_H
    words.append(Word("Echéance:", Box(40, top + label_top, 85, top + label_bottom), 1, 0.92))
    words += row_words("19.02.2026", 4, x=130.0)
    words += [Word(t, Box(x, top + 8, x + 5 * len(t), top + 18), 1, 0.97) for x, t in ((340, "Rue"), (360, "du"), (375, "Rhône"))]
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


def test_a_label_box_reaching_into_the_row_below_still_reads_the_value_beside_it():
    # the blot under "Echéance:" makes its box 24 points high; its middle lies nearer the row below
    ex = extract_invoice(_doc(-2.0, 22.0), [])
    assert ex.value("due_date") == "2026-02-19"


def test_a_value_far_right_of_a_tall_label_is_another_column():
    rows = {0: "Vendor SA", 9: "Total à payer Fr. 10.00"}
    words = [w for row, text in rows.items() for w in row_words(text, row)]
    top = 40 + 4 * ROW_H
    words.append(Word("Echéance:", Box(40, top - 2, 85, top + 22), 1, 0.92))
    words += row_words("19.02.2026", 4, x=400.0)  # past the label's reach: the buyer's column
    words += [Word("Rue", Box(340, top + 8, 355, top + 18), 1, 0.97)]
    ex = extract_invoice(DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test"), [])
    assert ex.value("due_date") is None


@pytest.mark.parametrize("label", ["Payable jusqu'au", "À régler avant le", "Date limite de règlement", "Échéance",
                                   "Förfallodag", "Payment due", "Due by", "Pagabile entro", "Pagabile entro il",
                                   "Pagadero antes del", "Pagável até", "Betaalbaar vóór"])
def test_due_date_labels_in_the_words_invoices_print(label):
    ex = extract_invoice(doc_from_rows({0: "Vendor SA", 1: "Facture n° F-12", 2: f"{label} 19.02.2026", 4: "Total 10.00"}), [])
    assert ex.value("due_date") == "2026-02-19"


# -- issue 9: a due date OCR garbled ---------------------------------------------------------

def _ocr_rows(rows: dict):
    from tests.unit.test_extraction_fields import doc_from_rows
    return doc_from_rows(rows, confidence=0.9)


def test_an_ocr_due_label_one_letter_off_is_still_the_label():
    from invoicepipe.domain.extraction import extract_invoice
    rows = {0: "Facture n° F-2026-0042", 1: "Date de facture: 13/01/2026", 2: "Échiéance: 12/02/2026",
            4: "Total TTC 120,00 €"}
    assert extract_invoice(_ocr_rows(rows), []).value("due_date") == "2026-02-12"
    # in a text layer the words are as printed: no guessing there
    from tests.unit.test_extraction_fields import doc_from_rows
    assert extract_invoice(doc_from_rows(rows), []).value("due_date") is None
    # two letters off, or a word that only looks alike in length: no label
    rows[2] = "Échiéancr: 12/02/2026"
    assert extract_invoice(_ocr_rows(rows), []).value("due_date") is None


def test_a_due_date_whose_value_went_unread_comes_from_the_terms_held_for_review():
    from invoicepipe.domain.extraction import extract_invoice
    rows = {0: "Invoice No.: NHT/25-26/0339", 1: "Invoice Date: 16-Feb-2026", 2: "Due date: Oo}-Mar-202",
            6: "Payment terms: 15 days net", 8: "Total 1,180.00"}
    field = extract_invoice(_ocr_rows(rows), []).fields["due_date"]
    assert field.value == "2026-03-03" and field.method == "payment_terms" and field.confidence <= 0.5
    # a cash discount's term is no due date's term
    assert extract_invoice(_ocr_rows({**rows, 7: "2% discount within 10 days"}), []).value("due_date") == "2026-03-03"
    # counted from the month's end, two different terms, or no due-date label: nothing derived
    for change in ({6: "Payment terms: 30 days end of month"}, {7: "Payable within 30 days"},
                   {2: "Delivery: Oo}-Mar-202"}):
        assert extract_invoice(_ocr_rows({**rows, **change}), []).value("due_date") is None, change


def test_a_label_wrapped_in_its_box_reads_the_value_under_its_second_line():
    # a row of narrow boxes: "DATUM / VYSTAVENÍ", "DUZP", "DATUM / SPLATNOSTI"; the tax point's
    # value sits beside the issue date's second label line, the issue date's under it
    from invoicepipe.domain.extraction import extract_invoice
    from tests.unit.test_extraction_fields import doc_from_rows
    rows = {0: "FAKTURA",
            2: [(271, "ČÍSLO FAKTURY"), (375, "DATUM"), (454, "DUZP"), (523, "DATUM")],
            3: [(277, "B2 000632"), (361, "VYSTAVENÍ"), (416, "23. 2. 2026"), (504, "SPLATNOSTI")],
            4: [(349, "25. 2. 2026"), (497, "18. 3. 2026")],
            8: [(300, "Celkem k úhradě"), (450, "1 210,00 Kč")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_date") == "2026-02-25"  # not the tax point beside "VYSTAVENÍ"
    # the second "DATUM" box is the due date's ("DATUM SPLATNOSTI"): no invoice-date candidate
    assert ex.fields["invoice_date"].confidence < 0.99 or ex.value("invoice_date") != "2026-03-18"


def test_a_wrapped_label_with_its_value_a_space_after_the_second_line_reads_it():
    # "INVOICE" over "# invoice_number_1": the mark completes the label, the value follows it
    from invoicepipe.domain.extraction import extract_invoice
    from tests.unit.test_extraction_fields import doc_from_rows
    rows = {1: [(40, "smaystone4@fake.com"), (458, "INVOICE")], 2: [(460, "# INV-2041")],
            8: [(300, "Total"), (450, "1,210.00")]}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") == "INV-2041"


def test_an_ocr_two_word_due_label_one_letter_off_is_still_the_label():
    # a stamp over "Due Date" read it "Rue Date": not a bare "Date" naming the invoice date
    from invoicepipe.domain.extraction import extract_invoice
    rows = {0: "Invoice No. INV0000429", 1: "Invoice Date 02/03/2026", 3: "Rue Date 03/05/2026", 5: "Invoice Total $120.00"}
    ex = extract_invoice(_ocr_rows(rows), [])
    assert ex.value("due_date") == "2026-03-05" and ex.value("invoice_date") == "2026-02-03"
    german = {0: "Rechnungs-Nr. 2026000813", 1: "Rechnungsdatum 08.01.2026", 3: "Fallig an 07.02.2026", 5: "Rechnungsbetrag 120,00 €"}
    assert extract_invoice(_ocr_rows(german), []).value("due_date") == "2026-02-07"
    # two letters off, or another date's qualifier: no due-date label
    for other in ("Rue Data 03/05/2026", "Ship Date 03/05/2026"):
        assert extract_invoice(_ocr_rows({**rows, 3: other}), []).value("due_date") is None, other


def test_a_pair_one_letter_off_that_opens_a_longer_phrase_is_no_due_label():
    # "Date de prestation" (a service date) is "Date due" one letter off in its first two
    # words only: the phrase goes on in its cell, where a label is followed by its value
    from invoicepipe.domain.extraction import extract_invoice
    rows = {0: "Facture FAC/2026/00860", 1: "Date 11/01/2026", 3: "Date de prestation 03/01/2026", 5: "Total 120,00 €"}
    ex = extract_invoice(_ocr_rows(rows), [])
    assert ex.value("due_date") is None
    # the misread label itself, followed by its colon and value, still is one
    assert extract_invoice(_ocr_rows({**rows, 3: "Date de: 10/02/2026"}), []).value("due_date") == "2026-02-10"


def test_an_ocr_date_of_issue_label_one_letter_off_is_still_the_label():
    # "Data wystawienia" read "Dats wystawienia", "Rechnungsdatum" read "Rechnungsdaturn": the
    # label's date, not the first date on the page (the sale date above it)
    from invoicepipe.domain.extraction import extract_invoice
    from tests.unit.test_extraction_fields import doc_from_rows
    polish = {0: "Faktura nr FV/94/2026", 1: "Data sprzedaży 29.01.2026", 2: "Dats wystawienia 02.02.2026",
              4: "Do zapłaty 120,00 PLN"}
    ex = extract_invoice(_ocr_rows(polish), [])
    assert ex.value("invoice_date") == "2026-02-02" and ex.fields["invoice_date"].method == "label_right"
    german = {0: "Rechnung Nr. 2026-0042", 1: "Lieferdatum 29.01.2026", 2: "Rechnungsdaturn 02.02.2026",
              4: "Gesamtbetrag 120,00 EUR"}
    assert extract_invoice(_ocr_rows(german), []).value("invoice_date") == "2026-02-02"
    # on a text layer the print is what it says: no label
    assert extract_invoice(doc_from_rows(polish), []).fields["invoice_date"].method != "label_right"
