"""A tax word inside an item's description ("Praktijkgids BTW 2026") is no tax label."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.item_row_labels import labelled_inside_item
from invoicepipe.domain.extraction.search import label_candidates, parse_amount_value

from .test_extraction_fields import doc_from_rows

BOOK_ROW = [(40, "BOE-1003 Vakboek: Praktijkgids BTW 2026"), (300, "3"), (350, "42,50"), (400, "9%"), (450, "127,50")]
INVOICE = {
    0: "Technische Groothandel B.V.",
    2: "Factuurnummer F2026-00257",
    3: "Factuurdatum 17-01-2026",
    5: [(40, "Omschrijving"), (300, "Aantal"), (350, "Prijs"), (400, "Btw"), (450, "Bedrag")],
    6: [(40, "STS-1015 Steeksleutel 10 mm"), (300, "5"), (350, "8,32"), (400, "21%"), (450, "41,60")],
    7: BOOK_ROW,
    9: [(300, "Totaal incl. btw"), (450, "€ 1.234,56")],   # the tax rows lost (a torn scan)
}


def test_an_items_tax_word_labels_no_tax():
    ex = extract_invoice(doc_from_rows(INVOICE), [])
    assert ex.value("tax") != "127.50"


def test_a_tax_row_with_rate_base_and_tax_stays_a_tax_label():
    rows = {**INVOICE, 8: [(40, "Btw 21 % over"), (350, "€ 41,60"), (450, "€ 8,74")]}
    ctx, _ = document_context(doc_from_rows(rows))
    found = label_candidates(ctx, "tax", parse_amount_value)
    labelled = {c.value: labelled_inside_item(ctx, c) for c in found}
    assert labelled.get("8.74") is False
    assert all(not inside for value, inside in labelled.items() if value != "127.50")
    assert labelled.get("127.50", True) is True
