"""A block of label/value pairs stacked one over the other (a reference sidebar): the value
right under its label is placed as surely as one beside it (``search._stacked_pair``); the
first row under a table's column header keeps the lower placement of a value below."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {0: "Beispiel Werkzeuge GmbH", 1: "Hauptstraße 1, 10115 Berlin"}
TOTAL = {16: [(300, "Gesamtbetrag"), (450, "119,00 €")]}


def _date(rows: dict):
    return extract_invoice(doc_from_rows({**HEAD, **rows, **TOTAL}), []).fields["invoice_date"]


def test_a_date_under_its_label_in_a_sidebar_of_stacked_pairs():
    field = _date({3: (400, "Rechnungs-Nr."), 4: (400, "RG-2026-0117"), 5: (400, "Datum"), 6: (400, "17. Januar 2026"),
                   7: (400, "Kunden-Nr."), 8: (400, "10745")})
    assert (field.value, field.method) == ("2026-01-17", "label_below")
    # "Datum", the only date label (0.7, ``sole_date_label``) x placement 1.0, as if beside it
    assert field.confidence == 0.7


def test_the_first_row_under_a_column_header_keeps_the_lower_placement():
    field = _date({5: [(100, "Pos"), (300, "Datum")], 6: [(100, "1"), (300, "17.01.2026")], 7: [(100, "2"), (300, "18.01.2026")]})
    assert field.value == "2026-01-17"
    assert field.confidence == 0.4  # 0.5 x 0.8 (a column's heading is never a sole date label)


def test_a_header_strip_of_labels_over_one_row_of_values_is_no_table_column():
    # "DATUM   KUNDEN-NR." over "30. Jan. 2026   48954", nothing dated under it: the strip's
    # one date label is the only one, and names the date of issue (0.7 x 0.8)
    field = _date({5: [(100, "DATUM"), (300, "KUNDEN-NR.")], 6: [(100, "30. Jan. 2026"), (300, "48954")],
                   8: [(100, "Pos"), (200, "Bezeichnung")]})
    assert field.value == "2026-01-30"
    assert field.confidence == 0.56


def test_a_two_digit_year_on_a_page_printing_four_digit_years_is_doubted():
    # "23/02/20 is 026": OCR broke the year; the page's due date prints all four digits
    short = _date({3: "Fecha de emisión 23/02/20", 4: "Vencimiento 25/03/2026"})
    whole = _date({3: "Fecha de emisión 23/02/2026", 4: "Vencimiento 25/03/2026"})
    alone = _date({3: "Fecha de emisión 23/02/26", 4: "Vencimiento 25/03/26"})
    assert short.confidence < 0.5 * whole.confidence + 0.01 and alone.confidence == whole.confidence


def test_a_value_not_aligned_with_its_label_is_no_stacked_pair():
    field = _date({5: (400, "Datum"), 6: (430, "17. Januar 2026"), 7: (400, "Kunden-Nr."), 8: (400, "10745")})
    assert field.confidence == 0.56  # 0.7 (the only date label) x 0.8


def test_a_label_a_blank_line_further_down_starts_another_block():
    field = _date({5: (400, "Datum"), 6: (400, "17. Januar 2026"), 8: (400, "Kunden-Nr."), 9: (400, "10745")})
    assert field.confidence == 0.56  # 0.7 (the only date label) x 0.8
