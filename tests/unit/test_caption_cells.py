"""A label the vocabulary matches across two captions of a header row is no caption of the
column under it (``labels._split_at_cell_gaps``): "Fecha factura" beside "Nº cliente" over a
row of values reads as "factura Nº" to a vocabulary that knows neither language, and the
customer number under it is no invoice number. Where the last caption names the field
alone ("Tipo documento" beside "Numero"), that caption is the label."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from tests.unit.test_extraction_fields import doc_from_rows

HEADER = [(40, "CLIENTE"), (300, "Rectificativa"), (400, "Fecha factura"), (485, "Nº cliente")]
VALUES = [(40, "Meridian Iberia S.L."), (300, "A-2026/00140"), (400, "2026-01-16"), (485, "23068")]


def _hits(row):
    layout = build_layout(doc_from_rows({0: row}))
    line = layout.lines[0]
    return [(h.field, line.text[h.start:h.end], h.across) for h in find_labels(line)]


def test_a_phrase_across_two_captions_heads_no_column():
    # "invoice" ends one caption, "No." opens the next, each in a language the vocabulary
    # does not know; a number word alone labels nothing
    row = [(300, "Rectif."), (400, "Xyz"), (418, "invoice"), (485, "No."), (503, "kunde")]
    hits = [h for h in _hits(row) if h[0] == "invoice_number"]
    assert [text for _, text, _ in hits] == ["invoice No."] and all(across for _, _, across in hits)
    field = extract_invoice(doc_from_rows({0: "Tornillería Levante", 2: row, 3: [(300, "A-2026/00140"), (400, "2026-01-16"),
                                                                                (485, "23068")],
                                           5: "Total 36,02 EUR"}), []).fields.get("invoice_number")
    assert field is None or field.value != "23068" or field.confidence < 0.5


def test_the_last_caption_naming_the_field_alone_is_the_label():
    hits = _hits([(40, "Tipo"), (62, "documento"), (160, "Numero"), (220, "Data")])
    numbers = [(text, across) for field, text, across in hits if field == "invoice_number"]
    assert numbers == [("Numero", False)]
    ex = extract_invoice(doc_from_rows({0: "Ferramenta Srl", 2: [(40, "Tipo documento"), (160, "Numero"), (220, "Data")],
                                        3: [(40, "FATTURA"), (160, "158/A"), (220, "26/01/2026")], 5: "Totale 36,02 EUR"}), [])
    assert ex.value("invoice_number") == "158/A"


def test_a_title_with_its_number_further_on_the_line_is_still_read():
    ex = extract_invoice(doc_from_rows({1: "FACTURA      Serie A   Nº 2026-0412", 3: "Total 36,02 EUR"}), [])
    assert ex.value("invoice_number") == "2026-0412"
