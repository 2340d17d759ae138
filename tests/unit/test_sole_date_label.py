"""A bare "Fecha"/"Date"/"Datum" that is the page's only date label names the invoice date."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.sole_date_label import SOLE_STRENGTH

from .test_extraction_fields import doc_from_rows


def _invoice(*date_rows: str) -> dict:
    rows = {0: "Suministros Turia S.L.", 2: "Factura", 3: "Número A26-00609"}
    rows.update({4 + i: text for i, text in enumerate(date_rows)})
    rows.update({9: [(40, "Tornillo hexagonal"), (300, "2"), (350, "10,00"), (450, "20,00")],
                 11: [(300, "Total"), (450, "24,20 €")]})
    return rows


def _date_confidence(*date_rows: str) -> float:
    ex = extract_invoice(doc_from_rows(_invoice(*date_rows)), [])
    assert ex.value("invoice_date") == "2026-01-22"
    return ex.fields["invoice_date"].confidence


@pytest.mark.parametrize("label", ["Fecha", "Date", "Datum", "Data"])
def test_a_sole_bare_date_word_names_the_invoice_date_alike_in_every_language(label):
    assert _date_confidence(f"{label} 22.01.2026") >= 0.85 * SOLE_STRENGTH - 1e-9


def test_a_bare_word_beside_a_delivery_date_of_the_same_value_stays_weak():
    sole = _date_confidence("Fecha 22.01.2026")
    shared = _date_confidence("Fecha 22.01.2026", "Fecha de entrega 22.01.2026")
    assert shared < sole and shared <= 0.5


def test_a_bare_word_beside_a_stronger_label_is_not_raised():
    # "Fecha de factura" names the date of issue: the bare word is some other date's heading
    ex = extract_invoice(doc_from_rows(_invoice("Fecha 22.01.2026", "Fecha de factura")), [])
    assert ex.fields["invoice_date"].confidence <= 0.5


@pytest.mark.parametrize("terms", ["Pago a 60 días fecha factura", "Payment 30 days from the date of invoice",
                                   "Bonifico a 60 giorni data fattura"])
def test_a_term_counted_from_the_invoices_date_captions_no_date(terms):
    # the term names the day it counts from; the bare word is still the page's only caption
    assert _date_confidence("Fecha 22.01.2026", terms) >= 0.85 * SOLE_STRENGTH - 1e-9
    # the same words as a caption of their own still make the bare word some other date's
    assert _date_confidence("Fecha 22.01.2026", "Fecha de factura") <= 0.5


def test_a_bare_word_with_an_unknown_qualifier_before_it_is_another_dates_label():
    # a stamp ate "Invoice Date" and OCR read "Due Date" as "Rue Date": the due date is no
    # invoice date, however alone its "Date" stands
    rows = {0: "Great Lakes Supply", 2: "Invoice No. INV0000424", 3: "Rue Date 02/08/2026",
            9: [(40, "Hex bolt"), (300, "10"), (350, "44.25"), (450, "442.50")], 11: [(300, "Invoice Total"), (450, "$442.50")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.fields["invoice_date"].confidence <= 0.5
