"""Labels wrapped onto two lines of a narrow box (``extraction.wrapped_labels``): the joined
label names the value beside either line; parts are not read as labels of their own."""

from dataclasses import replace

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.search import make_context
from invoicepipe.domain.models import Box, Word
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {0: "Example Supplies SARL", 1: "Invoice No. A-1001"}


def _extract(rows: dict):
    return extract_invoice(doc_from_rows({**HEAD, **rows}), [])


def test_a_total_label_wrapped_with_its_amount_beside_the_first_line():
    ex = _extract({10: [(300, "Montant HT"), (450, "100,00 €")], 12: [(300, "TVA 20 %"), (450, "20,00 €")],
                   14: [(300, "Montant"), (450, "120,00 €")], 15: (300, "TTC")})
    total = ex.fields["total"]
    assert (total.value, total.method) == ("120.00", "label_right")


def _labels(rows: dict) -> dict:
    """{line text: [(field, strength, label words)]} of the lines with labels."""
    ctx = make_context(build_layout(doc_from_rows(rows)))
    return {ln.text: [(h.field, h.strength, ln.text[h.start:h.end]) for h in ctx.hits[id(ln)]]
            for ln in ctx.layout.lines if ctx.hits[id(ln)]}


def test_a_wrapped_label_has_the_strength_of_the_whole():
    # "brutto" alone is a weaker total label than "Summe brutto"
    found = _labels({14: (300, "Summe"), 15: [(300, "brutto"), (450, "119,00")]})
    assert found == {"brutto 119,00": [("total", 1.0, "brutto")]}


def test_a_wrapped_english_total_is_read_right_of_its_second_line():
    ex = _extract({10: [(300, "Subtotal"), (450, "100.00")], 12: [(300, "VAT 20%"), (450, "20.00")],
                   14: (300, "Total"), 15: [(300, "incl. VAT"), (450, "120.00")]})
    assert (ex.value("total"), ex.fields["total"].method) == ("120.00", "label_right")


def test_a_partial_label_takes_the_field_of_the_whole():
    # "Total" alone names the total; wrapped over "HT" it is the sum before tax
    rows = {10: [(300, "Total"), (450, "100,00 €")], 11: (300, "HT"), 13: [(300, "TVA 20 %"), (450, "20,00 €")],
            15: [(300, "Total"), (450, "120,00 €")], 16: (300, "TTC")}
    found = _labels(rows)
    assert found["Total 100,00 €"] == [("net", 1.0, "Total")]
    assert found["Total 120,00 €"] == [("total", 1.0, "Total")]
    assert "HT" not in found and "TTC" not in found
    ex = _extract(rows)
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("100.00", "20.00", "120.00")


def test_two_labelled_rows_are_not_one_wrapped_label():
    ex = _extract({10: [(300, "Total"), (450, "119.00")], 11: [(300, "incl. VAT 19%"), (450, "19.00")]})
    assert ex.value("total") == "119.00"


def test_a_value_under_another_label_is_not_the_wrapped_labels():
    # "Purchase" over "order" beside "Delivery note" over its number: that number is the note's
    ex = _extract({3: [(200, "Purchase"), (300, "Delivery note")], 4: [(200, "order"), (300, "86458850")],
                   6: (200, "4500010732"), 9: [(300, "Total"), (450, "10.00")]})
    assert ex.value("po_number") != "86458850"


def test_a_speck_beside_the_second_line_is_no_value_of_its_own():
    # a dot of dust read as "3" beside "TTC": still one wrapped label, its amount beside "Montant"
    doc = doc_from_rows({**HEAD, 10: [(300, "Montant HT"), (450, "100,00 €")], 12: [(300, "TVA 20 %"), (450, "20,00 €")],
                         14: [(300, "Montant"), (450, "120,00 €")], 15: (300, "TTC")}, confidence=0.95)
    page = doc.pages[0]
    speck = Word("3", Box(400, 40 + 15 * 14 + 4, 402, 40 + 15 * 14 + 7), 1, 0.5)
    doc = replace(doc, pages=(replace(page, words=page.words + (speck,)),))
    ex = extract_invoice(doc, [])
    assert (ex.value("total"), ex.fields["total"].method) == ("120.00", "label_right")


def test_a_line_between_two_others_is_the_lower_part_of_one_and_the_upper_part_of_the_next():
    # each line's word runs are read once and used in both roles: "Montant" over "TTC" over
    # "net" joins the first two; the third stays a line of its own
    found = _labels({14: [(300, "Montant"), (450, "120,00 €")], 15: (300, "TTC"), 16: (300, "Summe")})
    assert found["Montant 120,00 €"] == [("total", 1.0, "Montant")]


def test_a_word_with_any_digit_ends_a_run_of_letter_words():
    from invoicepipe.domain.extraction.wrapped_labels import _lettered

    assert _lettered("Montant") and _lettered("incl.")
    assert not _lettered("m²") and not _lettered("A1")  # "²" is a digit to str.isdigit, not to \d


def test_a_title_over_a_whole_number_label_does_not_cut_the_label_short():
    # "FACTURA" over "Nº de factura": joined, "FACTURA Nº" is an invoice-number label too, but
    # the lower line names the number whole; cut at "Nº", its "de factura" would be a word
    # skipped before the value and hold a right number
    rows = {0: "Papelera Castellana, S.A.", 8: (40, "FACTURA"),
            9: [(40, "Nº de factura"), (150, "2026/A/0343")], 20: [(300, "Total"), (450, "245,44 €")]}
    found = _labels(rows)
    assert found["Nº de factura 2026/A/0343"] == [("invoice_number", 1.0, "Nº de factura")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "2026/A/0343"
    assert ex.fields["invoice_number"].confidence >= 0.9


def test_a_caption_wrapped_over_its_value_whose_first_line_names_no_field():
    # "Nº de" over "factura" over the number: "factura" alone is a weak label, "Nº de" none
    rows = {0: "Ferragens do Minho, Lda.", 3: [(214, "Nº de"), (280, "Fecha de")], 4: [(214, "factura"), (280, "emisión")],
            5: [(214, "NC B/628"), (280, "13/02/2026")]}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "NC B/628" and number.confidence >= 0.8


def test_a_value_under_a_caption_wrapped_in_its_cell_is_right_under_it():
    # "Nr." over "documento" over the number: the joined caption names the page's own number,
    # and its value stands right under the caption's last line, not two lines from a label
    rows = {0: "Ferramenta Lombarda S.r.l.", 3: [(40, "Nr."), (110, "Data del")], 4: [(40, "documento"), (110, "documento")],
            5: [(40, "526/2026"), (110, "06/03/2026")]}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "526/2026" and number.confidence >= 0.7


def test_a_wrapped_caption_is_not_placed_beside_a_figure_right_of_its_lower_line():
    # "Datum i vrijeme" (OCR: "Datumi") over "izdavanja :": the date right of the lower line,
    # past the colon, is the delivery date printed under the next caption; the date of issue
    # stands under the wrapped caption
    rows = {0: "UREDSKA OPREMA SAVA", 3: [(40, "Broj računa"), (120, "Datumi vrijeme"), (220, "Datum isporuke robe")],
            4: [(40, "766/PP1/1"), (120, "izdavanja"), (175, ":"), (220, "2026-03-07")], 5: [(120, "2026-03-09 15:00")]}
    date = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_date")
    assert date is None or date.value != "2026-03-07" or date.confidence < 0.5


def test_a_caption_hyphenated_at_its_line_break_is_one_word():
    # "Rechnungs-" over "Nummer:", the next box's date right of the lower line under its own
    # caption: the joined "Rechnungsnummer" names the number under it
    rows = {0: "Hanse Bürobedarf", 3: [(40, "RECHNUNGSANSCHRIFT"), (309, "Rechnungs-"), (397, "Rechnungs-Datum:")],
            4: [(40, "Meridian Werkstoffe GmbH"), (309, "Nummer:"), (397, "04. Feb. 2026")],
            5: [(40, "Kreditorenbuchhaltung"), (309, "RE2026-00853")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    number = ex.fields["invoice_number"]
    assert number.value == "RE2026-00853" and number.confidence >= 0.8 and "unknown_caption" not in number.evidence
    assert ex.value("invoice_date") == "2026-02-04"


def test_a_caption_whose_first_line_names_nothing_reads_its_value_under_it():
    # "Kreditinės sąskaitos" over "Nr.", the next box's date right of the lower line under its
    # own caption: the joined caption names the number under it, not the date beside it
    rows = {0: "Kanceliarija Nemunas", 1: "Kreditinė sąskaita",
            3: [(37, "PIRKĖJAS"), (309, "Kreditinės sąskaitos"), (430, "Data"), (500, "Važtaraštis Nr.")],
            4: [(37, "UAB Meridian Baltic"), (309, "Nr."), (430, "2026-02-23"), (500, "BL-84465")],
            5: [(37, "Buhalterija"), (309, "KNM 000890")]}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "KNM 000890" and number.method == "label_below"
