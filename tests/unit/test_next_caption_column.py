"""A caption wrapped in its box of a row of boxes, its lower line beside the next box's value
(``search._in_next_caption_column``): "Väljastamise" over "kuupäev", and right of "kuupäev"
the date under "Maksetähtpäev", a caption the vocabulary does not know. That date is the next
box's; the issue date is under its own caption. Taken at full confidence it paid an invoice
dated by its due date."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.search import NEXT_COLUMN_PLACEMENT
from tests.unit.test_extraction_robustness import doc


def _grid(upper: str, lower: str, due_caption: str, number_caption: str = "Dokument nr", number: str = "64"):
    return doc([(40, 40, "Kontoritarbed Harju"),
                (40, 100, "OSTJA"), (309, 100, number_caption), (397, 100, upper), (485, 100, due_caption),
                (40, 112, "Meridian Eesti"), (309, 112, number), (397, 112, lower), (485, 112, "2026-03-04"),
                (397, 124, "2026-02-18"),
                (300, 300, "Kokku"), (420, 300, "440,95 EUR")], method="pdf_text")


def test_a_value_in_the_next_boxes_column_is_a_guess():
    for upper, lower in (("Väljastamise", "kuupäev"), ("Rechnungsdatum", "Invoice Date")):
        field = extract_invoice(_grid(upper, lower, "Maksetähtpäev"), []).fields["invoice_date"]
        assert field.value != "2026-03-04" or field.confidence <= NEXT_COLUMN_PLACEMENT, (upper, field)


def test_a_row_of_boxes_whose_captions_no_list_holds_is_one_too():
    # "Rech.-Nr." over "RE2026-00857" left of the wrapped caption, both words no list holds:
    # a caption over a value makes the row one of boxes all the same
    field = extract_invoice(_grid("Rechnungsdatum", "Invoice Date", "Maksetähtpäev", "Xyzabc", "RE2026-00857"),
                            []).fields["invoice_date"]
    assert field.value != "2026-03-04" or field.confidence <= NEXT_COLUMN_PLACEMENT, field


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


def test_the_labels_own_value_under_it_when_the_next_boxes_stands_beside():
    # "Numero fattura /" over "Invoice No." beside "24 aprile 2026", the date under "Data
    # emissione": the day of the date was taken as the number at full confidence
    ex = extract_invoice(doc([(40, 40, "Utensileria Lombarda"),
                              (36, 172, "Numero fattura /"), (140, 172, "Data emissione fattura"), (300, 172, "Cliente n°"),
                              (36, 181, "Invoice No."), (140, 181, "24 aprile 2026"), (300, 181, "93962"),
                              (36, 190, "581/2026"),
                              (300, 300, "Totale"), (420, 300, "1.234,56 EUR")], method="pdf_text", height=8), [])
    assert ex.value("invoice_number") == "581/2026"
    assert ex.value("invoice_date") == "2026-04-24"


def test_an_opening_alone_over_the_number_in_its_cell_is_its_first_part():
    # "A-" over "2026/00144": the number wrapped in its narrow cell at its dash, the row of
    # other values between; the rest alone was taken at full confidence
    ex = extract_invoice(doc([(40, 40, "Tornilleria Levante"),
                              (43, 291, "N.º factura"), (114, 291, "Fecha fra."), (254, 291, "Vence el"),
                              (43, 310, "A-"),
                              (114, 316, "10/04/2026"), (254, 316, "10/05/2026"),
                              (43, 321, "2026/00144"),
                              (300, 400, "Total"), (420, 400, "1.234,56 EUR")], method="pdf_text"), [])
    assert ex.value("invoice_number") == "A-2026/00144"
