"""A series code whose digit a scan read as a letter ("A1 2026/0646" read "Al 2026/0646"):
repaired and joined only when another reading on the page repeats the number's digits,
and otherwise never read without doubt (issue 9)."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.code_lookalikes import code_read_as_letters
from tests.unit.test_extraction_fields import doc_from_rows

THRESHOLD = 0.9  # policy/default.yaml: invoice_number
SCAN = 0.93  # a word confidence a scan gives clean print


def number(rows: dict, confidence: float = SCAN):
    field = extract_invoice(doc_from_rows(rows, confidence=confidence), []).fields.get("invoice_number")
    return (field.value, field.confidence, field.evidence) if field else None


def test_a_code_is_read_with_its_lookalike_letters_as_digits():
    assert code_read_as_letters("Al") == "A1"
    assert code_read_as_letters("AI") == "A1"
    assert code_read_as_letters("BO") == "B0"
    assert code_read_as_letters("FAl") == "FA1"
    # no look-alike, a code already, the first letter kept, no code at all
    for text in ("FT", "A1", "B2", "lA", "Ref", "Alle", "A", "Total"):
        assert code_read_as_letters(text) is None, text


def test_a_misread_code_is_repaired_when_a_payment_reference_repeats_its_digits():
    rows = {0: "Invoice No.: Al 2026/0646", 2: "Payment reference: 120260646", 4: "Total 316.83 EUR"}
    value, conf, evidence = number(rows)
    assert value == "A1 2026/0646" and "code_repaired" in evidence
    # as sure as the same code read right in the same place
    right = number({**rows, 0: "Invoice No.: B1 2026/0646"})
    assert right[0] == "B1 2026/0646" and abs(conf - right[1]) < 0.02
    # under the label as well, as sure as the code read right there
    under = {0: "Invoice No.", 1: "Al 2026/0646", 3: "Payment reference: 120260646", 5: "Total 316.83 EUR"}
    value, conf, evidence = number(under)
    assert value == "A1 2026/0646" and "code_repaired" in evidence
    assert conf == number({**under, 1: "A1 2026/0646"})[1]


def test_without_a_witness_the_number_after_a_misread_code_is_held():
    for rows in ({0: "Invoice No.: Al 2026/0646", 4: "Total 316.83 EUR"},
                 {0: "Invoice No.", 1: "Al 2026/0646", 4: "Total 316.83 EUR"},
                 # a reference with other digits, or only the number's own, witnesses no code
                 {0: "Invoice No.: Al 2026/0646", 2: "Payment reference: 720260646", 4: "Total 316.83 EUR"},
                 {0: "Invoice No.: Al 2026/0646", 2: "Payment reference: 20260646", 4: "Total 316.83 EUR"}):
        value, conf, evidence = number(rows)
        assert value == "2026/0646" and conf <= 0.45 and "code_repaired" not in evidence, rows


def test_a_text_layer_prints_what_it_shows():
    # in a text layer "Al" is what was printed: no repair, whatever the page repeats
    value, _, evidence = number({0: "Invoice No.: Al 2026/0646", 2: "Payment reference: 120260646",
                                 4: "Total 316.83 EUR"}, confidence=1.0)
    assert value != "A1 2026/0646" and "code_repaired" not in evidence


def test_a_number_read_from_inside_a_word_after_a_lost_first_character_is_held():
    # "SI000067" read "$1000067": the "$" is dropped as a mark and the rest looks whole
    for text in ("$1000067", "SI@1000067", "&1000067"):
        value, conf, evidence = number({0: f"Document No.: {text}", 4: "Total 316.83 EUR"})
        assert value == "1000067" and conf <= 0.45 and "glued_before" in evidence, text
    # a mark of the label, quotes or a text layer's print: no doubt
    for text, confidence in (("#1000067", SCAN), ("“1000067", SCAN), ("$1000067", 1.0)):
        value, conf, evidence = number({0: f"Document No.: {text}", 4: "Total 316.83 EUR"}, confidence)
        assert value == "1000067" and "glued_before" not in evidence, text
