"""Values printed over a row of captions, an item table that prints each line's tax and gross
above a tax breakdown, and the Australian adjustment note."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import CREDITS_INVOICE, fold_accents
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from tests.unit.test_extraction_fields import doc_from_rows

D = Decimal


def _norwegian(values_row: int = 6) -> dict:
    rows = {
        0: "Trøndelag Kontorservice", 1: "Org.nr. 921 504 470 MVA", 3: "Meridian Norge AS", 4: "0154 Oslo",
        values_row: [(40, "44"), (100, "09.01.2026"), (170, "23.01.2026"), (240, "376840000446"), (330, "37684"),
                     (400, "4500010133")],
        values_row + 1: [(40, "Fakturanr."), (100, "Fakturadato"), (170, "Forfallsdato"), (240, "KID"), (330, "Kundenr."),
                         (400, "Deres ordrenr.")],
        values_row + 3: [(40, "Varenr. Beskrivelse"), (300, "Antall"), (360, "Pris"), (450, "Beløp")],
        values_row + 4: [(40, "PEN-1009 Kulepenn blå"), (300, "2,00"), (360, "67,63"), (450, "135,26")],
        values_row + 6: [(300, "Sum eks. mva"), (450, "135,26")], values_row + 7: [(300, "Mva 25 %"), (450, "33,82")],
        values_row + 8: [(300, "Å betale kr"), (450, "169,08")],
    }
    return rows


def test_values_over_a_row_of_captions_are_theirs():
    ex = extract_invoice(doc_from_rows(_norwegian()), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == ("44", "2026-01-09", "2026-01-23")
    # the payment id (KID) under its caption is no number of the invoice's
    assert ex.value("invoice_number") != "376840000446"


def test_a_caption_takes_the_value_over_it_before_an_article_code_two_lines_down():
    ex = extract_invoice(doc_from_rows(_norwegian()), [])
    assert ex.value("invoice_number") != "PEN-1009"


def test_a_label_with_its_value_under_it_is_no_caption():
    # a stack of label/value pairs: the value under each label, the previous pair's value over it
    rows = {0: "Muster GmbH", 2: "Rechnungsnummer", 3: "RE-2026-0042", 4: "Rechnungsdatum", 5: "14.03.2026",
            6: "Fällig am", 7: "13.04.2026", 9: [(300, "Gesamtbetrag"), (450, "100,00 €")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == ("RE-2026-0042", "2026-03-14", "2026-04-13")


def test_an_item_row_with_its_own_tax_and_gross_is_no_breakdown_row():
    rows = {
        0: "Duna Irodatechnika Kft.", 1: "Számla sorszáma: DIT-2026-00566", 2: "Számla kelte: 2026.01.11.",
        4: [(40, "Megnevezés"), (200, "Menny."), (250, "Egységár"), (320, "Nettó ár"), (380, "ÁFA %"), (420, "ÁFA érték"), (480, "Bruttó ár")],
        5: [(40, "Golyóstoll kék, 10 db/doboz"), (200, "25"), (250, "4,80"), (320, "120,00"), (380, "27%"), (420, "32,40"), (480, "152,40")],
        7: [(40, "ÁFA-kulcs"), (200, "Nettó ár"), (300, "ÁFA"), (400, "Bruttó ár")],
        8: [(40, "27%"), (200, "120,00"), (300, "32,40"), (400, "152,40")],
        9: [(40, "Összesen"), (200, "120,00"), (300, "32,40"), (400, "152,40 EUR")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("120.00", "32.40", "152.40")


def test_an_adjustment_note_names_the_invoice_it_adjusts():
    assert CREDITS_INVOICE.search(fold_accents("Adjustment to invoice HV000625"))
    assert CREDITS_INVOICE.search(fold_accents("Stornare factura seria SBX nr. 0728"))
    assert CREDITS_INVOICE.search(fold_accents("A helyesbített számla sorszáma: DIT-2026-00566"))
    rows = {0: "Hunter Valley Supplies", 1: "ABN 80 370 597 637", 2: "ADJUSTMENT NOTE", 3: "Adjustment Note No. HV000630",
            4: "Adjustment to invoice HV000625", 5: "Date 12 March 2026",
            7: [(300, "Subtotal"), (450, "-100.00")], 8: [(300, "GST"), (450, "-10.00")], 9: [(300, "Total"), (450, "-110.00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("document_type") == "credit_note"
    assert ex.value("invoice_number") != "HV000625"


def test_a_number_set_right_under_a_right_aligned_title():
    # a billing program's head: the title set large at the right, "# INV-000068" under it
    # ending where the title ends, the seller's address at the left
    def word(text, x0, top, x1, height=9.0):
        return Word(text, Box(x0, top, x1, top + height), 1, 1.0)

    page = (word("Kaveri", 40, 40, 75), word("Packaging", 79, 40, 130), word("CREDIT", 407, 40, 489, 18.0),
            word("NOTE", 495, 40, 556, 18.0), word("Plot", 40, 64, 60), word("No.", 63, 64, 78), word("T-42", 81, 64, 104),
            word("GSTIN", 40, 78, 70), word("27SVEMK8564K1ZO", 73, 78, 150), word("#", 506, 78, 512),
            word("INV-000068", 514, 78, 556))
    ex = extract_invoice(DocumentText((Page(1, 595, 842, page, "pdf_text"),), None, "test"), [])
    assert ex.value("invoice_number") == "INV-000068"
    assert ex.fields["invoice_number"].confidence >= 0.9


def test_two_dates_under_the_same_bare_date_word_are_for_a_person():
    # "Datum 13.01.2026" by the number and "Datum 10.01.2026" by the delivery signature: the
    # calibration would call either sure; which is the issue date, a person says
    rows = {0: "Nordstahl GmbH", 1: "Rechnung Nr. R-2026-0042", 2: "Datum 13.01.2026",
            4: [(300, "Gesamtbetrag"), (450, "125,00 EUR")], 6: "Ware erhalten", 7: "Datum 10.01.2026"}
    ex = extract_invoice(doc_from_rows(rows, confidence=0.95), [])
    assert ex.fields["invoice_date"].confidence < 0.85
    assert "contested" in ex.fields["invoice_date"].evidence


def test_values_over_two_rows_of_captions_keep_the_value_under_a_label_from_auto_approval():
    # "RE-2026-0042  K-77" over "Invoice No.  Account No.", then "C-10442  X-1" over "Customer
    # No.  Ref.": the value under "Invoice No." is the customer number; which row a caption
    # belongs to, the geometry of one pair does not say, and no date says it either
    rows = {0: "Acme Supplies Ltd", 5: [(40, "RE-2026-0042"), (160, "K-7701")], 6: [(40, "Invoice No."), (160, "Account No.")],
            7: [(40, "C-10442"), (160, "X-1")], 8: [(40, "Customer No."), (160, "Ref.")],
            12: [(300, "Total"), (450, "54.00 EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    field = ex.fields["invoice_number"]
    # the column says it: a value, its caption, a value, its caption, nothing under the last
    # (``extraction.caption_column``): the number is the value over "Invoice No."
    assert field.value == "RE-2026-0042" and "captions_under_values" in field.evidence, field
    # a value under the last caption too: the column says nothing, the pair is held
    rows[9] = [(40, "D-20817"), (160, "X-2")]
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert "value_over_label" in field.evidence and field.confidence <= 0.4, field
    del rows[9]
    # with dates: "14.03.2026" over "Invoice Date" over "13.04.2026" says neither, but "Due date"
    # has its date over it and none under: the values stand over their captions
    # (``extraction.value_first``), and each caption takes the value over it
    rows = {0: "Acme Supplies Ltd", 5: [(40, "RE-2026-0042"), (160, "14.03.2026")], 6: [(40, "Invoice No."), (160, "Invoice Date")],
            7: [(40, "C-10442"), (160, "13.04.2026")], 8: [(40, "Customer No."), (160, "Due date")],
            12: [(300, "Total"), (450, "54.00 EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == ("RE-2026-0042", "2026-03-14", "2026-04-13")
    # captions over their values, one row: nothing over the captions, the values under them stand
    rows = {0: "Acme Supplies Ltd", 5: [(40, "Invoice No."), (160, "Invoice Date")], 6: [(40, "RE-2026-0042"), (160, "14.03.2026")],
            12: [(300, "Total"), (450, "54.00 EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "RE-2026-0042" and "value_over_label" not in ex.fields["invoice_number"].evidence


def test_values_before_their_captions_keep_the_value_right_of_a_label_from_auto_approval():
    # "INV-2026-0042  Invoice No.      C-10442  Customer No.": each value printed before its
    # caption; right of "Invoice No." stands the customer number, closer to its own caption
    # than to "Invoice No." (``search.value_left_of_label``)
    rows = {0: "Supplier Ltd", 2: [(40, "INV-2026-0042"), (110, "Invoice No."), (230, "C-10442"), (270, "Customer No.")],
            4: "Total 36.02 EUR"}
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert "value_left_of_label" in field.evidence and field.confidence < 0.5
    # labels followed by their values, the next label a cell gap on: nothing doubted
    normal = {0: "Supplier Ltd", 2: [(40, "Invoice No.: INV-2026-0042"), (230, "Customer No.: C-10442")],
              4: "Total 36.02 EUR"}
    field = extract_invoice(doc_from_rows(normal), []).fields["invoice_number"]
    assert field.value == "INV-2026-0042" and "value_left_of_label" not in field.evidence and field.confidence > 0.9
    # a value right of its label with a name before it (no value of its kind): nothing doubted
    named = {0: "Supplier Ltd", 2: [(40, "Meridian UK Ltd"), (130, "Invoice No."), (190, "INV-2026-0042"), (270, "Date")],
             3: [(270, "14.03.2026")], 5: "Total 36.02 EUR"}
    field = extract_invoice(doc_from_rows(named), []).fields["invoice_number"]
    assert field.value == "INV-2026-0042" and "value_left_of_label" not in field.evidence


@pytest.mark.parametrize("first, second, caption, number", [
    # the number wrapped after its hyphen: "RE2026-" over "00852"
    ("RE2026-", "00852", "Rechnung Nr.", "RE2026-00852"),
    # the opening alone on the cell's first line, no figure in it: no caption
    ("A-", "2026/00666", "Nº factura", "A-2026/00666"),
])
def test_a_value_wrapped_in_its_cell_over_its_caption_counts_once(first, second, caption, number):
    # a value over two lines over its caption over the next value ("65746") over its caption:
    # the wrapped value is one cell, so the column still takes turns, value and caption, and the
    # number is the one over its caption, read whole
    rows = {0: [(40, "Hanse Bürobedarf"), (300, "RECHNUNG")], 5: [(300, first)], 6: [(300, second)],
            7: [(300, caption)], 8: [(300, "65746")], 9: [(300, "Kundennummer")],
            14: [(300, "Gesamtbetrag"), (450, "54,00 EUR")]}
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert field.value == number and "captions_under_values" in field.evidence, field
