"""The seller's printed name off a legal-form line: labels, titles and address parts in front
of it are not part of it, and a line holding only a legal form is no name."""

import pytest

from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.vendor_name import letterhead_name, printed_vendor_name

from .test_extraction_fields import doc_from_rows


def _name(rows: dict):
    ctx, _ = document_context(doc_from_rows(rows))
    found = printed_vendor_name(ctx)
    return found.value if found else None


@pytest.mark.parametrize("line, name", [
    ("Sold By : WS Retail Services Pvt. Ltd.,", "WS Retail Services Pvt. Ltd."),
    ("Sprzedawca: Polski Koncern Naftowy ORLEN S.A.", "Polski Koncern Naftowy ORLEN S.A."),
    ("Verkäufer: Muster Bürobedarf GmbH", "Muster Bürobedarf GmbH"),
    ("Fournisseur : Papeterie Dupont SARL", "Papeterie Dupont SARL"),
    ("Proveedor: Distribuciones Levante S.A.", "Distribuciones Levante S.A."),
    ("Auftragnehmer: Holzbau Keller GmbH", "Holzbau Keller GmbH"),  # any label ends with its colon
    ("All services are sold by Amazon Web Services, Inc.", "Amazon Web Services, Inc."),
    ("FACTUUR. Coolblue B.V.", "Coolblue B.V."),
    ("Musterweg 1 - Muster Bürobedarf GmbH", "Muster Bürobedarf GmbH"),
])
def test_the_name_starts_after_a_label_a_title_or_an_address_part(line, name):
    assert _name({0: line, 3: "Rechnungsnummer: 42"}) == name


def test_a_role_word_without_its_colon_stays_in_the_name():
    assert _name({0: "Lieferant Schmidt GmbH"}) == "Lieferant Schmidt GmbH"


def test_a_legal_form_alone_on_its_line_takes_the_name_above_it():
    assert _name({0: "Amazon Web Services", 1: "Inc.", 3: "Invoice No: 42"}) == "Amazon Web Services Inc."


def test_a_legal_form_alone_under_an_address_is_no_name():
    assert _name({0: "Musterweg 1", 1: "GmbH", 3: "Invoice No: 42"}) is None


def test_a_name_line_wins_over_an_address_line_with_a_legal_form():
    rows = {0: "Holzbau Keller GmbH", 1: "Industriestr. 5, 80333 München",
            # a footer printing the postal line and the name as one, twice
            20: "80333 München Holzbau Keller GmbH", 21: "80333 München Holzbau Keller GmbH"}
    assert _name(rows) == "Holzbau Keller GmbH"


def _letterhead(rows: dict):
    ctx, _ = document_context(doc_from_rows(rows))
    found = letterhead_name(ctx)
    return found.value if found else None


def test_without_a_legal_form_the_letterhead_line_is_the_last_guess():
    rows = {0: "Sammy Maystone", 1: "smaystone4@fake.com   INVOICE", 3: "Date: Jan 1, 2022", 5: "Bill To:", 6: "Taylor Riddel"}
    assert _letterhead(rows) == "Sammy Maystone"
    assert _letterhead({0: "Hollandse Gereedschapshandel   FACTUUR", 1: "Industrieweg 18"}) == "Hollandse Gereedschapshandel"


def test_no_letterhead_guess_under_a_buyer_label_or_a_field():
    assert _letterhead({0: "Bill To:", 1: "Taylor Riddel", 2: "Musterweg 1"}) is None
    assert _letterhead({0: "Invoice No: 42", 1: "Taylor Riddel"}) is None


def test_a_letterhead_guess_fills_the_vendor_field_at_a_low_score():
    from invoicepipe.domain.extraction import extract_invoice
    ex = extract_invoice(doc_from_rows({0: "Sammy Maystone", 2: "Invoice No: 42", 3: "Total: 12.00"}), [])
    assert ex.fields["vendor"].value == "Sammy Maystone" and ex.fields["vendor"].method == "letterhead"
    assert ex.fields["vendor"].confidence == 0.3
