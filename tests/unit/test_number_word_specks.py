"""A bare "Numero"/"Número" labels the number after it across the specks OCR reads between."""

import pytest

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows


def _invoice(number_row: str) -> dict:
    return {0: "Utensileria Berica S.r.l.", 2: number_row, 3: "Data documento 24/02/2026", 6: "FATTURA",
            8: [(40, "PUN-1062 Punta elicoidale"), (300, "12"), (350, "11,81"), (450, "141,72")],
            10: [(300, "Totale documento"), (450, "€ 141,72")]}


@pytest.mark.parametrize("row", ["Numero 634/2026", "Numero ° 634/2026", "Numero + 634/2026", "Numero * 634/2026",
                                 "Numero ‘ 634/2026"])
def test_the_number_after_numero_and_a_speck_is_the_invoice_number(row):
    ex = extract_invoice(doc_from_rows(_invoice(row), confidence=0.9), [])
    assert ex.value("invoice_number") == "634/2026"


def test_numero_before_another_references_words_labels_nothing():
    ex = extract_invoice(doc_from_rows(_invoice("Numero cliente 17584"), confidence=0.9), [])
    assert ex.value("invoice_number") != "17584"
