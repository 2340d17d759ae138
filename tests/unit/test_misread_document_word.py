"""A scan that misreads the document word of "Invoice No." ("invelce No.", "Rechmung Nr.")
still labels the number after it, weaker than read whole: the number word that follows
is what makes the pair a label; and a document word OCR cut into letter-spaced pieces ("Fa ktu
ra") is read whole (issue 9)."""
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


def pieces_line(pieces: list[str], rest: str, gap: float = 2.0):
    """An OCR'd line: the letter-spaced pieces a narrow ``gap`` apart, then ``rest``."""
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    words, x = [], 40.0
    for p in pieces:
        words.append(Word(p, Box(x, 100, x + 7 * len(p), 112), 1, 0.9))
        x += 7 * len(p) + gap
    x += 8
    for t in rest.split():
        words.append(Word(t, Box(x, 100, x + 6 * len(t), 110), 1, 0.9))
        x += 6 * len(t) + 5
    return build_layout(DocumentText((Page(1, 595, 842, tuple(words), "ocr"),), None, "test")).lines[0]


def test_a_letter_spaced_document_word_ocr_cut_in_pieces_labels_the_number():
    line = pieces_line(["Fa", "ktu", "ra"], "VAT nr FV/86/2026")
    hits = [h for h in find_labels(line) if h.field == "invoice_number"]
    assert [line.text[h.start:h.end] for h in hits] == ["Fa ktu ra VAT nr"] and hits[0].strength == 1.0
    # a word space apart, the pieces are words of their own
    apart = pieces_line(["Fa", "ktu", "ra"], "VAT nr FV/86/2026", gap=12.0)
    assert not [h for h in find_labels(apart) if h.field == "invoice_number" and h.strength == 1.0]
