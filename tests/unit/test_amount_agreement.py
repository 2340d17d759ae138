"""Amounts that add up vouch for one another's digits (``extraction/amount_agreement``):
the OCR factor of an amount in class ``two`` whose net + tax = total closes becomes the
agreement of the three readings; nothing else moves."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

ROWS = {0: "Harbour Tools Ltd", 1: "Invoice 88120", 2: "Date 02/03/2026",
        5: [(300, "Net amount"), (450, "1,132.84")],
        6: [(300, "VAT 20%"), (450, "226.57")],
        7: [(300, "Total due"), (450, "1,359.41")]}


def _amounts(rows: dict, confidence: float):
    ex = extract_invoice(doc_from_rows(rows, confidence=confidence), [])
    return {n: ex.fields[n] for n in ("net", "tax", "total") if n in ex.fields}


def test_a_closing_sum_read_with_low_word_confidence_is_lifted():
    low, clean = _amounts(ROWS, 0.6), _amounts(ROWS, 0.95)
    assert low["total"].value == "1359.41" and "agreed" in low["total"].evidence
    # three readings at 0.6 agree about as well as one clean reading
    assert low["total"].confidence >= clean["total"].confidence - 0.02
    unlifted = 0.75 + 0.25 * 0.6  # the class-two score with the OCR factor kept
    assert low["total"].confidence > unlifted


def test_a_text_layer_amount_keeps_its_score():
    fields = _amounts(ROWS, 1.0)
    assert all("agreed" not in f.evidence for f in fields.values())


def test_an_amount_whose_sum_does_not_close_is_not_lifted():
    rows = {**ROWS, 6: [(300, "VAT 20%"), (450, "226.75")]}
    fields = _amounts(rows, 0.6)
    assert all("agreed" not in f.evidence for f in fields.values())


def test_without_a_printed_tax_nothing_vouches_for_the_total():
    rows = {k: v for k, v in ROWS.items() if k != 6}
    rows[7] = [(300, "Total due"), (450, "1,132.84")]
    fields = _amounts(rows, 0.6)
    assert "agreed" not in fields["total"].evidence
