"""A scan that misreads the document word of "Invoice No." ("invelce No.", "Rechmung Nr.")
still labels the number after it, weaker than read whole: the number word that follows
is what makes the pair a label (issue 9)."""
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from tests.unit.test_extraction_fields import doc_from_rows

SCAN = 0.93


def number_labels(text: str, confidence: float = SCAN) -> list[tuple[str, float]]:
    line = build_layout(doc_from_rows({0: text}, confidence=confidence)).lines[0]
    return [(line.text[h.start:h.end], h.strength) for h in find_labels(line) if h.field == "invoice_number"]


def test_a_misread_document_word_before_a_number_word_labels_the_number():
    assert number_labels("Meridian invelce No. INV0000439") == [("invelce No.", 0.8)]
    assert number_labels("Rechmung Nr. 2026-0042") == [("Rechmung Nr.", 0.8)]
    assert number_labels("Facturc # FA-2026-77") == [("Facturc #", 0.8)]
    rows = {0: "Great Lakes Industrial Supply", 1: "Meridian invelce No. INV0000439", 3: "Invoice Total $1,891.47"}
    field = extract_invoice(doc_from_rows(rows, confidence=SCAN), []).fields["invoice_number"]
    assert field.value == "INV0000439"


def test_no_number_word_after_it_a_text_layer_or_a_word_too_far_off_labels_nothing():
    assert number_labels("Meridian invelce Date 2/20/2026") == []
    assert number_labels("Meridian invelce No. INV0000439", confidence=1.0) == []
    assert number_labels("Meridian inwelcome No. INV0000439") == []
    # read whole, the label is the vocabulary's own, at its own strength
    assert number_labels("Invoice No. INV0000439")[0][1] > 0.8
