"""A correcting document prints the number of the invoice it corrects, often as plainly as its
own ("Korekta do faktury nr FV/00733/2026" inline, its own number under a title above): the
corrected invoice's number must never be read as the document's own."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _correction(reference_line: str) -> dict:
    return {
        0: "Elektrohurt Pomorze Sp. z o.o.   Faktura korygująca nr",
        1: [(300, "FV/00738/2026")],
        2: [(300, "Data wystawienia 2026-01-07")],
        4: "NIP: PL7018664155",
        6: [(40, "Lp. Nazwa"), (300, "Ilość"), (360, "Cena netto"), (450, "Wartość netto")],
        7: [(40, "1 Panel LED"), (300, "-3"), (360, "147,49"), (450, "-442,47")],
        9: [(300, "Razem netto"), (450, "-442,47")],
        10: [(300, "VAT 23 %"), (450, "-101,77")],
        11: [(300, "Do zwrotu"), (450, "-544,24 PLN")],
        13: reference_line,
    }


@pytest.mark.parametrize("reference", [
    "Korekta do faktury nr FV/00733/2026",
    "Dotyczy faktury nr FV/00733/2026",
])
def test_the_corrected_invoice_number_is_not_the_documents_own(reference):
    ex = extract_invoice(doc_from_rows(_correction(reference)), [])
    assert ex.value("invoice_number") == "FV/00738/2026"
    assert ex.value("document_type") == "credit_note"


def test_without_the_reference_vocabulary_the_inline_number_would_win():
    # the same page with a neutral word for the reference: the inline pair is taken, which is
    # what the vocabulary above prevents (this guards the test's own premise)
    ex = extract_invoice(doc_from_rows(_correction("Numer faktury FV/00733/2026")), [])
    assert ex.value("invoice_number") == "FV/00733/2026"
