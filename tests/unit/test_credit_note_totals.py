"""A credit note's totals come from its totals block: the wording of what it pays back
("Do zwrotu", "Total à créditer", "Te crediteren"), and never the rows of a correcting
document that restate the corrected invoice before and after the correction, though each of
them adds up (net + tax = gross) under the table's net, tax and gross headers."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.correction_rows import restates_corrected
from invoicepipe.domain.extraction.conventions import document_context
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows


def _right(edge: float, text: str) -> tuple[float, str]:
    return edge - len(text) * CHAR_W, text  # amounts align on their column's right edge


HEADER = [(40, "Lp."), (60, "Nazwa"), _right(225, "Ilość"), _right(290, "Cena netto"), _right(365, "Wartość netto"),
          _right(400, "Stawka"), _right(455, "Kwota VAT"), _right(540, "Wartość brutto")]


def _row(lp, name, qty, price, net, tax, gross):
    return [(40, lp), (60, name), _right(225, qty), _right(290, price), _right(365, net), _right(400, "23%"),
            _right(455, tax), _right(540, gross)]


HEAD = {0: "Elektrohurt Pomorze Sp. z o.o.", 2: "Faktura korygująca nr FK/0012/2026", 3: "Data wystawienia 2026-03-04",
        4: "Korekta do faktury nr FV/00733/2026", 8: HEADER}


def _amounts(rows: dict) -> tuple:
    ex = extract_invoice(doc_from_rows(rows), [])
    return ex.value("net"), ex.value("tax"), ex.value("total")


def _total_read_beside_its_label(rows: dict) -> bool:
    # the totals block's own line, not a sum of the table's column or the amount after the tax line
    return extract_invoice(doc_from_rows(rows), []).fields["total"].method == "label_right"


def test_what_a_polish_credit_note_pays_back_is_its_total():
    rows = {**HEAD, 9: _row("1", "Panel LED", "-3", "147,49", "-442,47", "-101,77", "-544,24"),
            10: _row("2", "Przewód YDYp", "-1", "163,40", "-163,40", "-37,58", "-200,98"),
            13: [(300, "Razem netto"), _right(540, "-605,87")], 14: [(300, "VAT 23 %"), _right(540, "-139,35")],
            15: [(300, "Do zwrotu"), _right(540, "-745,22 PLN")]}
    assert _amounts(rows) == ("-605.87", "-139.35", "-745.22")
    assert _total_read_beside_its_label(rows)


@pytest.mark.parametrize("label", ["Total à créditer", "Montant à rembourser"])
def test_a_belgian_credit_note_with_its_net_before_tax_written_htva(label):
    rows = {0: "Fournitures Namuroises SA", 2: "NOTE DE CRÉDIT", 3: "Numéro NC-2026-0042",
            10: [(300, "Total HTVA"), (450, "152,52 €")], 11: [(300, "TVA 21 %"), (450, "32,03 €")],
            12: [(300, label), (450, "184,55 €")]}
    assert _amounts(rows) == ("152.52", "32.03", "184.55")
    assert _total_read_beside_its_label(rows)


def test_rows_marked_before_and_after_the_correction_are_not_its_amounts():
    rows = {**HEAD, 9: _row("1", "Panel LED (przed korektą)", "5", "100,00", "500,00", "115,00", "615,00"),
            10: _row("", "Panel LED (po korekcie)", "3", "100,00", "300,00", "69,00", "369,00"),
            11: _row("", "Korekta", "-2", "100,00", "-200,00", "-46,00", "-246,00"),
            16: [(300, "Do zwrotu:"), (400, "246,00 PLN")]}
    assert _amounts(rows) == ("-200.00", "-46.00", "-246.00")


def test_rows_under_before_and_after_headings_are_not_its_amounts():
    rows = {**HEAD, 9: [(40, "Przed korektą:")], 10: _row("1", "Panel LED", "5", "100,00", "500,00", "115,00", "615,00"),
            11: [(40, "Po korekcie:")], 12: _row("1", "Panel LED", "3", "100,00", "300,00", "69,00", "369,00"),
            13: [(40, "Korekta:")], 14: _row("1", "Panel LED", "-2", "100,00", "-200,00", "-46,00", "-246,00"),
            18: [(300, "Do zwrotu:"), (400, "246,00 PLN")]}
    assert _amounts(rows) == ("-200.00", "-46.00", "-246.00")


def test_an_english_correction_with_before_and_after_rows():
    def row(text, net, tax, gross):  # columns far enough apart that a header reads its own
        return [(40, text), _right(260, net), _right(400, tax), _right(540, gross)]
    rows = {0: "Northwind Supplies Ltd", 2: "CREDIT NOTE CN-2026-007", 8: row("Item", "Net", "VAT", "Gross"),
            9: row("Cable drum, before correction", "500.00", "100.00", "600.00"),
            10: row("Cable drum, after correction", "300.00", "60.00", "360.00"),
            11: row("Difference", "-200.00", "-40.00", "-240.00"),
            15: [(300, "Credit total"), _right(540, "-240.00")]}
    assert _amounts(rows) == ("-200.00", "-40.00", "-240.00")


def test_a_sentence_with_the_word_is_no_heading():
    # "było" (was) inside a sentence heads nothing: the rows under it are the invoice's own
    ctx, _ = document_context(doc_from_rows({0: "Jak było uzgodnione, fakturujemy:", 1: _row("1", "Panel", "2", "100,00",
                                                                                             "200,00", "46,00", "246,00")}))
    assert not any(restates_corrected(ctx, ln) for ln in ctx.layout.lines)
