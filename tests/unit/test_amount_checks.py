"""Cross-checks of amounts: the amount in words, a lost thousands group, a subtotal taken
for the total on a receipt, and the evidence class the calibration is fitted per."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_words import WrittenAmounts
from invoicepipe.domain.models import DocumentText, Page

from .test_extraction_fields import doc_from_rows, row_words


@pytest.mark.parametrize("text, amount, lang", [
    ("Amount chargeable (in words): Rupees Six Lakh Twelve Thousand Only", "612000.00", "en_IN"),
    ("In Worten: sechstausendachtzehn Euro 78 Cent", "6018.78", "de"),
    ("Arrêté la présente facture à la somme de six mille dix-huit euros", "6018.00", "fr"),
    ("Son: tres mil trescientos doce euros", "3312.00", "es"),
    ("Importo in lettere: seimiladiciotto euro", "6018.00", "it"),
    ("Bedrag: zesduizend achttien euro", "6018.00", "nl"),
    ("Valor: seis mil e dezoito euros", "6018.00", "pt"),
    ("Słownie: trzy tysiące trzysta dwanaście złotych", "3312.00", "pl"),
    ("Six Thousand Eighteen Dollars and 78/100", "6018.78", "en"),
])
def test_amount_in_words_confirms_the_integer_part(text, amount, lang):
    assert WrittenAmounts([text]).confirms(Decimal(amount)) is not None


@pytest.mark.parametrize("text, amount", [
    ("Six Thousand and Eighteen dollars", "8.78"),     # "eight" inside "eighteen"
    ("Six Thousand and Eighteen dollars", "18.00"),    # a tail of a longer written number
    ("Six Thousand and Eighteen dollars", "6000.00"),  # a head of it
    ("Rupees Six Lakh Twelve Thousand Only", "12000.00"),
    ("twelve months warranty", "12.00"),               # small numbers are not amounts in words
])
def test_a_part_of_a_written_number_confirms_nothing(text, amount):
    assert WrittenAmounts([text]).confirms(Decimal(amount)) is None


def _scan(rows: dict, confidence: float = 0.9) -> DocumentText:
    words = []
    for row, spec in rows.items():
        for x, text in spec if isinstance(spec, list) else [(40.0, spec)]:
            words.extend(row_words(text, row, x, confidence=confidence))
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


LOST_GROUP = {
    0: "Acme Tools Ltd",
    2: "Invoice No: INV-7781",
    3: "Invoice Date: 04/03/2026",
    6: [(40, "1 Drill press"), (300, "1"), (450, "6,018.78")],
    10: [(300, "Total"), (450, "8.78")],  # "6,0" lost on the scan
}


def test_a_total_whose_digits_end_a_longer_printed_amount_is_a_conflict():
    ex = extract_invoice(_scan(LOST_GROUP), [])
    total = ex.fields["total"]
    assert total.value == "8.78"
    assert "class:conflict" in total.evidence and "suffix_of:6018.78" in total.evidence


def test_the_same_rows_in_a_text_layer_are_no_conflict():
    # a text layer prints what the issuer's system wrote: no digit is lost there
    ex = extract_invoice(doc_from_rows(LOST_GROUP), [])
    assert "class:conflict" not in ex.fields["total"].evidence


AGREEING = {
    0: "Acme Tools Ltd",
    2: "Invoice No: INV-7781",
    3: "Invoice Date: 04/03/2026",
    6: [(40, "1 Drill press"), (300, "1"), (450, "5,057.80")],
    8: [(300, "Subtotal"), (450, "5,057.80")],
    9: [(300, "VAT 19%"), (450, "960.98")],
    10: [(300, "Total"), (450, "6,018.78")],
    12: "Amount in words: Six Thousand Eighteen Euros and 78 Cents",
    13: [(300, "Amount due"), (450, "6,018.78")],
}


def test_a_total_confirmed_by_arithmetic_words_and_a_second_printing():
    total = extract_invoice(_scan(AGREEING), []).fields["total"]
    assert total.value == "6018.78"
    assert {"class:two", "arithmetic", "words:en"} <= set(total.evidence)
    assert any(t.startswith("repeated:") for t in total.evidence)


RECEIPT = {
    0: "KEDAI RUNCIT MAJU SDN BHD",
    2: "Receipt No: 88123",
    3: "Date: 04/03/2026",
    5: [(40, "Milo 1kg"), (450, "RM 20.00")],
    6: [(40, "Sugar"), (450, "RM 10.00")],
    8: [(300, "Total"), (450, "30.00")],
    9: [(300, "SST 6%"), (450, "1.80")],
    10: [(300, "Jumlah"), (450, "31.80")],
}


def test_a_receipt_total_is_the_amount_after_the_tax_line():
    ex = extract_invoice(doc_from_rows(RECEIPT), [])
    assert ex.value("total") == "31.80"
    assert ex.value("tax") == "1.80"


def test_a_subtotal_labelled_total_above_the_tax_line_is_the_net():
    rows = {**RECEIPT, 10: [(450, "RM 31.80")]}  # the total after tax printed without a label
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("30.00", "1.80", "31.80")
    assert ex.fields["total"].method == "after_tax"


def test_the_evidence_is_stored_with_the_extraction():
    from invoicepipe.adapters.db.documents import extraction_from_json, extraction_to_json
    ex = extract_invoice(_scan(AGREEING), [])
    fields, lines = extraction_to_json(ex)
    back = extraction_from_json({"fields": fields, "lines": lines, "extractor_version": ex.extractor_version, "warnings": []})
    assert back.fields["total"].evidence == ex.fields["total"].evidence and "class:two" in back.fields["total"].evidence


def test_a_huge_misread_number_is_not_spelled_and_does_not_crash():
    """A photo can read a row of digits as one amount of hundreds of billions; num2words
    spells no number that large in some languages, so it is simply not confirmed."""
    assert WrittenAmounts(["Total due eight hundred"]).confirms(Decimal("856643744139.00")) is None


def _regrouped_scan(total: str, book: str = "1.000,00") -> dict:
    # a comma-decimal page whose net OCR read with a comma for the thousands dot
    return {
        0: "Technische Groothandel B.V.",
        2: "Factuurnummer F2026-00257",
        3: "Factuurdatum 17-01-2026",
        6: [(40, "Steeksleutel 10 mm"), (300, "2"), (380, "3.107,64"), (450, "6.215,28")],
        7: [(40, "Vakboek"), (300, "1"), (380, book), (450, book)],
        10: [(300, "Totaal excl. btw"), (450, "7,502,93")],
        11: [(300, "Btw 21 %"), (450, "1.575,62")],
        12: [(300, "Totaal incl. btw"), (450, total)],
    }


def test_an_amount_with_the_decimal_comma_also_grouping_is_read_by_the_pages_convention():
    ex = extract_invoice(_scan(_regrouped_scan("9.078,55")), [])
    net = ex.fields["net"]
    assert net.value == "7502.93"
    # net + tax = total confirms the guess of which comma is the decimal mark
    assert {"regrouped", "arithmetic", "class:one"} <= set(net.evidence)


def test_a_regrouped_amount_nothing_confirms_stays_alone():
    # the total does not close the triple: the regrouped net has only the page's word for it
    net = extract_invoice(_scan(_regrouped_scan("9.999,99")), []).fields["net"]
    assert net.value == "7502.93"
    # a fitting rate is no confirmation here: it is as true of 7.50293 as of 7502.93
    assert {"regrouped", "rate", "class:alone"} <= set(net.evidence)


def test_line_items_adding_up_to_a_regrouped_amount_confirm_it():
    net = extract_invoice(_scan(_regrouped_scan("9.999,99", book="1.287,65")), []).fields["net"]
    assert {"regrouped", "lines", "class:one"} <= set(net.evidence)


@pytest.mark.parametrize("text, sep, value", [
    ("7,502,93", ",", "7502.93"), ("€ 1,234,567,89", ",", "1234567.89"),
    ("2.690.27", ".", None),                             # a dot page's is read again (amount_reread)
    ("7,502,93", ".", None), ("7,502,93", None, None),   # no page convention, or the other one
    ("75,02,93", ",", None), ("01.02.26", ".", None),     # not whole thousands groups (a date)
])
def test_the_regrouped_form_is_parsed_only_under_the_pages_decimal_mark(text, sep, value):
    from invoicepipe.domain.extraction.parsing import parse_amount
    got = parse_amount(text, sep)
    assert (None if got is None else str(got)) == value


def test_a_net_read_again_as_the_total_is_no_sum_that_closes():
    # the tax row's words are no label the vocabulary knows, and "Total" sits on the net: "net =
    # total" with no tax read is one amount read twice, so the arithmetic does not vouch for it
    rows = {0: "Kontoritarbed Harju", 2: [(300, "Invoice no: 301")], 3: [(300, "Date: 25.01.2026")],
            5: [(40, "Widget"), (450, "100.00")], 8: [(300, "Subtotal"), (450, "100.00")],
            9: [(300, "Qqqq 20%"), (450, "20.00")], 10: [(300, "Total"), (450, "100.00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("tax") is None
    assert "arithmetic" not in ex.fields["total"].evidence and "class:two" not in ex.fields["total"].evidence
    # a tax read, if only as zero, makes it a sum again
    rows[9] = [(300, "VAT 0%"), (450, "0.00")]
    assert "arithmetic" in extract_invoice(doc_from_rows(rows), []).fields["total"].evidence
