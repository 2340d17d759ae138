"""Another number of the invoice's own scheme on the document holds the chosen one (``number_siblings``)."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.number_siblings import scheme
from tests.unit.test_extraction_fields import doc_from_rows


def _number(rows: dict):
    return extract_invoice(doc_from_rows(rows), ()).fields["invoice_number"]


_HEAD = {0: "Hurtownia Techniczna Sp. z o.o.", 1: "ul. Długa 5, 00-001 Warszawa"}
_TAIL = {10: "Razem netto 100,00", 11: "VAT 23% 23,00", 12: "Do zapłaty 123,00 PLN"}


def test_a_number_of_the_same_scheme_no_label_explains_holds_the_number():
    rows = {**_HEAD, 3: "Faktura korygująca nr FV 316/2026", 4: "Data wystawienia: 12.03.2026",
            5: "Rozliczenie zaliczki wg FV 311/2026", **_TAIL}
    field = _number(rows)
    assert field.value == "FV 316/2026"
    assert "sibling_number" in field.evidence and field.confidence <= 0.45


def test_a_sibling_after_a_reference_label_or_the_number_printed_again_holds_nothing():
    rows = {**_HEAD, 3: "Faktura korygująca nr FV 316/2026", 4: "Data wystawienia: 12.03.2026",
            5: "Korekta do faktury nr FV 311/2026", 6: "Tytuł przelewu: FV 316/2026", **_TAIL}
    field = _number(rows)
    assert field.value == "FV 316/2026" and "sibling_number" not in field.evidence


def test_a_scheme_is_letters_and_separators_with_runs_of_digits_of_their_length():
    pattern = scheme("FV 316/2026")
    assert pattern.search("wg FV 311/2026 z dnia") and pattern.search("FV311/2026")
    assert not pattern.search("FV 3116/2026") and not pattern.search("AFV 311/2026") and not pattern.search("FV 311/20261")
    assert scheme("INV0000429").search("invoice INV0000422.")
    # digits alone are no scheme: an order or customer number shares their shape by chance
    assert scheme("2026000822") is None and scheme("ABC") is None


@pytest.mark.parametrize("own, number, reference", [
    ("Credit Memo No. INV0000427", "INV0000427", "Credit memo against invoice INV0000422"),
    ("Faktura korygująca nr FS 82/2026", "FS 82/2026", "Korekta faktury FS 77/2026"),
    ("Faktura korygująca nr FS 82/2026", "FS 82/2026", "Numer faktury korygowanej: FS 77/2026"),
    ("Nota di credito n. 199/26", "199/26", "A storno ft. n. 194/26"),
    ("Avoir n° FC-2600274", "FC-2600274", "Avoir sur la facture FC-2600269"),
    ("Avoir n° FC-2600274", "FC-2600274", "Note de crédit relative à la facture FC-2600269"),
    ("Creditnota nummer 26/00752", "26/00752", "Creditnota bij factuur 26/00747"),
    # the Baltic credit notes name the invoice they credit in the dative ("to invoice")
    ("Kredītrēķins Nr. BPD-00733", "BPD-00733", "Kredītrēķins rēķinam Nr. BPD-00728"),
    ("Kreditinė sąskaita Nr. KNM 000773", "KNM 000773", "Kreditinė sąskaita sąskaitai Nr. KNM 000768"),
    ("Kreeditarve nr KA-2026-398", "KA-2026-398", "Kreeditarve arvele KA-2026-393"),
])
def test_the_credited_invoice_named_in_words_of_many_languages_is_another_documents(own, number, reference):
    field = _number({**_HEAD, 3: own, 4: "Data: 12.03.2026", 5: reference, **_TAIL})
    assert field.value == number and "sibling_number" not in field.evidence


@pytest.mark.parametrize("payment_line", ["Sklic: SI00 2026-00217", "Poziv na broj: HR00 2026-00217"])
def test_a_payment_reference_does_not_explain_the_documents_own_number_away(payment_line):
    # an unknown phrasing names the credited invoice with an invoice label ("... popravlja
    # račun št."): its number wins over the credit note's own, under a caption; the payment
    # reference repeats the own number, which is still a sibling
    rows = {0: "Pisarna Ljubljana d.o.o.", 2: "DOBROPIS", 3: [(40, "Številka dobropisa"), (300, "Datum izdaje")],
            4: [(40, "2026-00217"), (300, "10.01.2026")], 6: "Ta dokument popravlja račun št. 2026-00212",
            10: "Osnova za DDV -3,13", 11: "DDV 22 % -0,69", 12: "Za plačilo -3,82 EUR", 14: payment_line}
    field = _number(rows)
    assert field.value == "2026-00212"
    assert "sibling_number" in field.evidence and field.confidence <= 0.45
