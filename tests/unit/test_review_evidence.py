"""The document page says how each value was read and what agrees with it, in words a
reviewer can check against the page; a line the table reader repaired says what the OCR
read and which check chose the figure taken instead."""

import re

from invoicepipe.services.review_evidence import field_evidence, line_evidence
from tests.web_helpers import in_review, load_master, person


def test_an_amount_names_its_method_then_its_verdict_then_each_check():
    said = field_evidence("label_right", ("arithmetic", "rate", "class:two", "repeated:2", "words:de"))
    assert said[0] == "read right of its label"
    assert said[1] == "two or more independent checks agree"  # the verdict before its parts
    assert said[2:] == ["net + tax = total", "tax = rate x net", "printed 2 more times elsewhere",
                        "agrees with the amount written in words (de)"]


def test_evidence_against_a_value_is_said_as_such():
    said = field_evidence("label_right", ("class:conflict", "suffix_of:6018.78", "ocr_low"))
    assert "something on the page disagrees with it" in said
    assert any("6018.78" in s and "lost thousands group" in s for s in said)
    assert "the OCR was unsure of its digits" in said
    assert field_evidence("label_right", ("class:alone",))[1].startswith("no independent check agrees")


def test_the_vendor_says_which_master_data_matched():
    assert field_evidence("vendor_master", ("tax_id",)) == ["matched in the vendor master by the vendor's tax id"]
    assert field_evidence("vendor_open_po", ()) == ["an open PO of this vendor found printed on the invoice"]


def test_an_unknown_method_or_tag_is_shown_not_dropped():
    assert field_evidence("some_new_method", ("new_check",)) == ["some new method", "new check"]
    assert field_evidence(None, ()) == []


def test_a_repaired_line_says_what_was_read_and_what_chose_the_figure_taken():
    said = line_evidence(("amount:letters+mark:1,2O0.O0->1200.00", "unit_price:joined:12 00->12.00",
                          "amount:product:1250.00->1200.00", "amount:computed:quantity x unit price"))
    assert said[0] == ("amount read as \u201c1,2O0.O0\u201d, taken as 1200.00 (letters read as the digits they resemble, "
                       "a misread decimal mark): quantity x unit price = amount")
    assert said[1].startswith("unit price read as \u201c12 00\u201d, taken as 12.00 (two OCR words joined)")
    assert said[2] == "amount read as 1250.00, taken as 1200.00: quantity x unit price, and the lines then add up to the net"
    assert said[3] == "amount computed as quantity x unit price"


def test_the_document_page_shows_how_each_field_was_read(app, run_pipeline, tmp_path):
    load_master(app, tmp_path)
    doc_id = in_review(app, run_pipeline, po=None)
    page = person(app, "anna").get(f"/documents/{doc_id}").text
    total = re.search(r'data-read-how="total">([^<]+)<', page)
    assert total is not None
    assert "label" in total.group(1) or "format" in total.group(1)  # how it was found is always said
    number = re.search(r'data-read-how="invoice_number">([^<]+)<', page)
    assert number is not None and number.group(1).strip()


def test_a_hold_and_a_closing_adjustment_are_said_in_words():
    said = field_evidence("label_right", ("qualified",))
    assert said[1].startswith("its label is a bare date word with a word the extractor cannot read")
    said = field_evidence("label_right", ("class:two", "arithmetic", "adjusted:+3.00"))
    assert "with the +3.00 printed between the tax and the total (a rounding, charge or discount), net + tax = total" in said
    assert field_evidence("label_below", ("bridged:+10.00",))[1] == "with the +10.00 of discount and charge rows, the line items add up to it"
