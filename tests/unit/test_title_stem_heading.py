"""A caption made of the page heading's word and a number word ("Invoice #" under a large
"Invoice"), read as a label where no vocabulary names the number (``title_stem``, kv-2.53),
on an English page read with every language's labels but the English ones: it stands for a
page in a language no rule was written for."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import keep_label_languages, known_languages

from .test_extraction_fields import doc_from_rows, doc_with_tall_word


@pytest.fixture(autouse=True)
def no_english_labels():
    keep_label_languages(frozenset(known_languages() - {"en"}))
    yield
    keep_label_languages(None)


US = {
    0: [(40, "Great Lakes Industrial Supply"), (420, "INVOICE")],
    1: "2900 S. Kedzie Ave, Chicago, IL 60623",
    3: [(40, "Meridian Materials Inc."), (330, "Invoice #"), (430, "INV0000490")],
    4: [(40, "780 N Water Street"), (330, "Invoice Date"), (430, "01/10/2026")],
    5: [(40, "Milwaukee, WI 53202"), (330, "Due Date"), (430, "02/09/2026")],
    8: [(40, "Item No. Description"), (360, "Qty"), (400, "Unit Price"), (480, "Extended")],
    9: [(40, "HXB-1335 Hex bolt M12x80"), (360, "10"), (400, "49.21"), (480, "492.10")],
    11: [(330, "Merchandise Total"), (480, "$492.10")],
    12: [(330, "Sales Tax 5%"), (480, "$24.61")],
    13: [(330, "Invoice Total"), (480, "$516.71")],
}


def _heading(rows: dict, word: str = "INVOICE"):
    return doc_with_tall_word(rows, word)


def test_the_headings_word_with_a_number_word_names_the_number():
    number = extract_invoice(_heading(US), []).fields["invoice_number"]
    assert number.value == "INV0000490" and number.confidence >= 0.6
    weak = extract_invoice(doc_from_rows(US), []).fields.get("invoice_number")
    assert weak is None or weak.confidence < 0.6  # "INVOICE" at the text's size is no heading


def test_a_label_in_no_language_leaves_the_page_month_first():
    # the caption read through the heading is in no language: a US dollar page with US
    # addresses still writes its month first
    ex = extract_invoice(_heading(US), [])
    assert ex.value("invoice_date") == "2026-01-10"


def test_a_caption_wrapped_in_its_box_stays_weak():
    # "Kreditinės sąskaitos" over "faktūros Nr.": the lower line of a wrapped caption shares
    # its line with the next boxes' values, so which value is its is not read line by line
    rows = {**US, 2: [(40, "Bill to"), (330, "Original")]}
    number = extract_invoice(_heading(rows), []).fields.get("invoice_number")
    assert number is None or number.confidence < 0.6


def test_a_caption_under_a_row_of_caption_and_value_is_no_wrapped_one():
    rows = {**US, 2: [(40, "Bill to"), (330, "Order Date"), (430, "01/08/2026")]}
    number = extract_invoice(_heading(rows), []).fields["invoice_number"]
    assert number.value == "INV0000490" and number.confidence >= 0.6


def test_values_printed_over_the_caption_leave_it_to_the_value_first_readings():
    # a row of values over the row of captions ("410  09.01.2026" over "Fakturanr.  Fakturadato")
    rows = {**US, 2: [(40, "Bill to"), (330, "77041"), (400, "35000")]}
    number = extract_invoice(_heading(rows), []).fields.get("invoice_number")
    assert number is None or number.confidence < 0.6


def test_a_word_ending_in_a_letter_of_a_number_word_is_no_caption_of_the_heading():
    # "ZORBASC": the heading's word "ZORBAS" and a glued "c" (as "Wartość" under "WARTA")
    rows = {**US, 0: [(40, "Great Lakes Industrial Supply"), (420, "ZORBAS")], 3: [(330, "Zorbasc"), (430, "INV0000490")]}
    number = extract_invoice(_heading(rows, word="ZORBAS"), []).fields.get("invoice_number")
    assert number is None or number.confidence < 0.6
