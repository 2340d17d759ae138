"""A scan that loses the raised ordinal of "Facture n°" / "Fatura nº" altogether reads the
document word and a lone "n": that is the number's label with a glyph lost, not a title
(issue 9)."""
from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

SCAN = 0.93


def number(rows: dict, confidence: float = SCAN):
    field = extract_invoice(doc_from_rows(rows, confidence=confidence), []).fields.get("invoice_number")
    return (field.value, field.confidence) if field else None


def test_a_document_word_and_a_lone_n_label_the_number_under_them():
    lost = number({0: "Facture n", 1: "MGE2026-00166", 3: "Total 316.83 EUR"})
    read = number({0: "Facture n°", 1: "MGE2026-00166", 3: "Total 316.83 EUR"})
    title = number({0: "Facture", 1: "MGE2026-00166", 3: "Total 316.83 EUR"})
    assert lost[0] == read[0] == title[0] == "MGE2026-00166"
    assert title[1] < lost[1] < read[1]  # a label with a glyph lost: stronger than a title, weaker than read whole
    assert number({0: "Fatura n", 1: "FT 2026/0494", 3: "Total 316,83 EUR"})[1] > title[1]


def test_a_text_layer_a_column_apart_or_another_word_is_no_lost_ordinal():
    for rows, confidence in (({0: "Facture n", 1: "MGE2026-00166", 3: "Total 316.83 EUR"}, 1.0),
                             ({0: [(40.0, "Facture"), (200.0, "n")], 1: "MGE2026-00166", 3: "Total 316.83 EUR"}, SCAN),
                             ({0: "Facture m", 1: "MGE2026-00166", 3: "Total 316.83 EUR"}, SCAN)):
        title = number({0: "Facture", 1: "MGE2026-00166", 3: "Total 316.83 EUR"}, confidence)[1]
        assert number(rows, confidence)[1] == title, rows
