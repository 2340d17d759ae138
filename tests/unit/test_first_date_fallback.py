"""The first date printed is the last guess at the invoice date, never another date's value."""

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows


def _invoice(*header_rows: str, body: str = "Vielen Dank für Ihren Auftrag.") -> dict:
    rows = {0: "Sauer & Brüggemann GmbH", 2: "Rechnungs-Nr. 2026000813"}
    rows.update({3 + i: text for i, text in enumerate(header_rows)})
    rows.update({8: "Rechnung", 9: body,
                 11: [(40, "1 Kaffee Crema"), (300, "6"), (350, "16,90"), (450, "101,40")],
                 13: [(300, "Rechnungsbetrag"), (450, "101,40 €")]})
    return rows


def _invoice_date(rows: dict):
    return extract_invoice(doc_from_rows(rows), []).value("invoice_date")


def test_a_lone_unlabelled_date_is_still_the_guess():
    assert _invoice_date(_invoice("08.01.2026")) == "2026-01-08"


def test_the_due_dates_value_printed_again_without_its_label_is_not_the_invoice_date():
    # a stamp over "Fällig am 07.02.2026" left the date alone; the sentence below names it
    rows = _invoice("07.02.2026", body="Zahlbar bis 07.02.2026 ohne Abzug.")
    assert _invoice_date(rows) != "2026-02-07"


def test_a_date_after_an_orders_label_is_the_orders():
    rows = _invoice(body="Wir danken für Ihre Bestellung vom 29.12.2025 Nr. 4500010265 und berechnen Ihnen:")
    assert _invoice_date(rows) is None


def test_a_delivery_dates_line_is_passed_over():
    assert _invoice_date(_invoice("Lieferdatum 03.01.2026", "08.01.2026")) == "2026-01-08"
