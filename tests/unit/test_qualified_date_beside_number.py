"""A bare date word qualified by a word before it, in a row of captions beside the invoice
number's ("ARVE NR | KOOSTATUD | MÜÜGI KUUPÄEV"): the date of sale, not the issue date,
whose caption ("KOOSTATUD", drawn up) no list holds. The number's caption in the row says
nothing of which date is whose (``extract._date_beside_number``); the invoice's own word
abbreviated before the date word ("Sąsk. data", "Rēķ. datums") names the issue date."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.invoice_word import is_invoice_word
from tests.unit.test_extraction_robustness import doc


def _row(caption: str):
    return doc([(40, 40, "Kontoritarbed Harju"),
                (40, 180, "ARVE NR"), (120, 180, "KOOSTATUD"), (212, 180, caption),
                (40, 190, "123"), (120, 190, "25. jaanuar"), (212, 190, "23. jaanuar"),
                (120, 200, "2026"), (212, 200, "2026"),
                (300, 400, "Kokku"), (420, 400, "440,95 EUR")], method="pdf_text")


def test_a_date_another_word_qualifies_beside_the_number_is_held():
    ex = extract_invoice(_row("MÜÜGI KUUPÄEV"), [])
    field = ex.fields.get("invoice_date")
    assert field is None or field.value != "2026-01-23" or field.confidence < 0.45


def test_the_invoices_word_abbreviated_names_the_date():
    assert all(is_invoice_word(w) for w in ("sask", "rek", "fakt", "rech"))
    assert not any(is_invoice_word(w) for w in ("muugi", "pristatymo", "reka"))
