"""A caption wrapped in its box of a row of boxes, its lower line beside the next box's value
(``search._in_next_caption_column``): "Väljastamise" over "kuupäev", and right of "kuupäev"
the date under "Maksetähtpäev", a caption the vocabulary does not know. That date is the next
box's; the issue date is under its own caption. Taken at full confidence it paid an invoice
dated by its due date."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.search import NEXT_COLUMN_PLACEMENT
from tests.unit.test_extraction_robustness import doc


def _grid(upper: str, lower: str, due_caption: str):
    return doc([(40, 40, "Kontoritarbed Harju"),
                (40, 100, "OSTJA"), (309, 100, "Dokument nr"), (397, 100, upper), (485, 100, due_caption),
                (40, 112, "Meridian Eesti"), (309, 112, "64"), (397, 112, lower), (485, 112, "2026-03-04"),
                (397, 124, "2026-02-18"),
                (300, 300, "Kokku"), (420, 300, "440,95 EUR")], method="pdf_text")


def test_a_value_in_the_next_boxes_column_is_a_guess():
    for upper, lower in (("Väljastamise", "kuupäev"), ("Rechnungsdatum", "Invoice Date")):
        field = extract_invoice(_grid(upper, lower, "Maksetähtpäev"), []).fields["invoice_date"]
        assert field.value != "2026-03-04" or field.confidence <= NEXT_COLUMN_PLACEMENT, (upper, field)


def test_a_stack_of_pairs_keeps_its_values():
    # a place of issue and its town over the date and its value: no other caption of the row
    # has its value under it, so the date right of its label is its own
    ex = extract_invoice(doc([(40, 40, "Elektrohurt Slask"),
                              (300, 100, "Miejsce wystawienia"), (420, 100, "Katowice"),
                              (300, 112, "Data wystawienia"), (420, 112, "2026-02-04"),
                              (300, 124, "Data dostawy"), (420, 124, "2026-02-02"),
                              (300, 300, "Razem"), (420, 300, "523,17 PLN")], method="pdf_text"), [])
    assert ex.value("invoice_date") == "2026-02-04" and ex.confidence("invoice_date") > 0.8
    # a caption over the label, its value over the label's value
    ex = extract_invoice(doc([(40, 40, "Kontoritarbed Harju"),
                              (309, 100, "Arve nr"), (397, 100, "64"),
                              (309, 112, "Arve kuupäev"), (397, 112, "2026-02-18"),
                              (300, 300, "Kokku"), (420, 300, "440,95 EUR")], method="pdf_text"), [])
    assert ex.value("invoice_date") == "2026-02-18" and ex.confidence("invoice_date") > 0.8
