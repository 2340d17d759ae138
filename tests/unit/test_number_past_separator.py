"""A number broken in two words after one of its separators ("FV/00747/ 2026", a space OCR
or a text layer's gap put after the slash) is read whole; one whose word ends with a
separator and nothing continues it is held, never read short at full confidence (issue 9)."""
from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

THRESHOLD = 0.9  # policy/default.yaml: invoice_number


def number(rows: dict, confidence: float = 0.93):
    field = extract_invoice(doc_from_rows(rows, confidence=confidence), []).fields.get("invoice_number")
    return (field.value, field.confidence, field.evidence) if field else None


def test_a_number_broken_after_a_separator_is_joined():
    for printed, whole in (("FV/00747/ 2026", "FV/00747/2026"), ("2026/ 0772", "2026/0772"), ("RE-2026- 0042", "RE-2026-0042"),
                            ("00747 /2026", "00747/2026")):
        for confidence in (0.93, 1.0):
            value, conf, evidence = number({0: f"Invoice No.: {printed}", 3: "Total 316.83 EUR"}, confidence)
            assert value == whole and "number_past_separator" in evidence, (printed, confidence)
            plain = number({0: f"Invoice No.: {whole}", 3: "Total 316.83 EUR"}, confidence)
            assert conf == plain[1], printed  # as sure as the number printed in one word


def test_a_separator_ending_the_number_with_no_rest_after_it_holds_it():
    for rows in ({0: "Invoice No.: FV/00747/", 3: "Total 316.83 EUR"},
                 {0: "Invoice No.: RE-2026- 15.01.2026", 3: "Total 316.83 EUR"},  # a date is no rest of it
                 {0: "Invoice No.: 12345/ Order", 3: "Total 316.83 EUR"},
                 {0: [(40.0, "Invoice No.: 2026/"), (250.0, "0772")], 3: "Total 316.83 EUR"}):  # a column apart
        value, conf, evidence = number(rows)
        assert "/" not in value[-1:] and conf <= 0.45 and "separator_end" in evidence, rows


def test_a_date_made_by_the_join_is_no_number():
    value, conf, evidence = number({0: "Invoice No.: 2026- 01-15", 3: "Total 316.83 EUR"})
    assert "number_past_separator" not in evidence and conf < THRESHOLD
