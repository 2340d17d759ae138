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


def test_a_value_not_aligned_with_its_label_is_no_stacked_pair():
    field = _date({5: (400, "Datum"), 6: (430, "17. Januar 2026"), 7: (400, "Kunden-Nr."), 8: (400, "10745")})
    assert field.confidence == 0.56  # 0.7 (the only date label) x 0.8


def test_a_label_a_blank_line_further_down_starts_another_block():
    field = _date({5: (400, "Datum"), 6: (400, "17. Januar 2026"), 8: (400, "Kunden-Nr."), 9: (400, "10745")})
    assert field.confidence == 0.56  # 0.7 (the only date label) x 0.8
