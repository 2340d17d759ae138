"""An OCR'd "Nº de factura" whose ordinal sign was misread ("N?", "N2de", "N?2") still names
the invoice number: its value under it keeps the characters left of the word "factura"."""
import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import make_line
from invoicepipe.domain.models import Box, Word
from tests.unit.test_extraction_fields import doc_from_rows


def _header(label: str, confidence: float):
    rows = {0: "Suministros del Ebro S.L.",
            3: [(300.0, label + " de factura"), (420.0, "Fecha de emisión")],
            4: [(300.0, "A 2026/0772"), (420.0, "15/01/2026")],
            12: "TOTAL FACTURA 3.511,37 €"}
    return doc_from_rows(rows, confidence=confidence)


@pytest.mark.parametrize("label", ["N?", "N2", "Ne", "N?2", "Nº"])
def test_a_misread_ordinal_sign_on_ocr_still_names_the_number_column(label):
    ex = extract_invoice(_header(label, 0.9), [])
    assert ex.value("invoice_number") == "A 2026/0772"


def test_glued_to_the_next_word():
    words = [Word(t, Box(40 + 40 * i, 0, 75 + 40 * i, 10), 1, 0.8) for i, t in enumerate(["N2de", "factura"])]
    hits = find_labels(make_line(1, words, 0))
    assert [(h.field, h.strength) for h in hits] == [("invoice_number", 1.0)]


def test_a_text_layer_says_what_was_printed():
    # "N2" in a text layer is what the PDF holds, no misread: only the weak "factura" label
    words = [Word(t, Box(40 + 40 * i, 0, 75 + 40 * i, 10), 1, 1.0) for i, t in enumerate(["N2", "de", "factura"])]
    assert [(h.field, h.strength) for h in find_labels(make_line(1, words, 0))] == [("invoice_number", 0.35)]


@pytest.mark.parametrize("text", ["nee", "Nee", "ne2"])
def test_words_that_only_look_like_it_stay_words(text):
    words = [Word(t, Box(40 + 40 * i, 0, 75 + 40 * i, 10), 1, 0.9) for i, t in enumerate([text, "de", "factura"])]
    assert [(h.field, h.strength) for h in find_labels(make_line(1, words, 0))] == [("invoice_number", 0.35)]


def test_a_postcode_stays_a_postcode():
    words = [Word(t, Box(40 + 40 * i, 0, 75 + 40 * i, 10), 1, 0.9) for i, t in enumerate(["London", "N2", "9AB"])]
    assert find_labels(make_line(1, words, 0)) == []


def _label_right(label: str, confidence: float):
    rows = {0: "Albiol & Ferrer Asesores",
            3: [(40.0, "Factura"), (80.0, label), (110.0, "2026/0726")],
            12: "TOTAL FACTURA 3.511,37 €"}
    return doc_from_rows(rows, confidence=confidence)


@pytest.mark.parametrize("label", ["n.º", "n.2", "n.o", "N.9"])
def test_the_ordinal_after_a_period_read_as_a_digit_is_still_the_label(label):
    # "Factura n.º 2026/0726" scanned: the º read "2" is the label's, not a word before the value
    ex = extract_invoice(_label_right(label, 0.9), [])
    assert ex.value("invoice_number") == "2026/0726"
    assert ex.fields["invoice_number"].confidence >= 0.9


def test_a_text_layers_n_2_is_what_was_printed():
    ex = extract_invoice(_label_right("n.2", 1.0), [])
    assert ex.fields["invoice_number"].confidence < 0.9
