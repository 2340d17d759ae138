"""Captions no list holds, kv-2.48: a number word alone, the Slavic and Baltic number words,
addresses and papers named with the document's word, a payment line's caption, and a caption
wrapped in its box. Each test reads with English labels only, so every other language's
caption stands for one the vocabulary does not know."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import keep_label_languages

from .test_extraction_fields import doc_from_rows


@pytest.fixture(autouse=True)
def english_labels_only():
    keep_label_languages(frozenset({"en"}))
    yield
    keep_label_languages(None)


def _number(rows: dict):
    f = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    return (f.value, f.confidence, f.evidence) if f is not None else None


def test_a_number_word_alone_in_a_box_of_captions_is_a_lone_caption():
    # no title over it ("FACTURA" is printed under the box), so the bare number word of the
    # vocabulary does not read it; as a caption no list holds, its value is a guess
    rows = {2: [(300, "Número"), (370, "A26-00190")], 3: [(300, "Fecha"), (370, "11.01.2026")],
            4: [(300, "Cliente"), (370, "31544")], 7: "FACTURA"}
    value, confidence, evidence = _number(rows)
    assert value == "A26-00190" and "unknown_caption" in evidence
    assert confidence <= 0.45  # a guess: a person confirms it
    # "No." alone heads a position column, not a number: still nothing
    assert _number({2: [(300, "No."), (370, "A26-00190")], 7: "FACTURA"}) is None


def test_an_address_names_a_house_number_not_the_documents():
    # "Sediul: Bd. Dacia nr. 30" and "Str. Fabricii nr. 117" end in a number word, but their
    # words are an address's: the series caption is the one caption left
    rows = {1: [(40, "FURNIZOR"), (240, "FACTURA"), (410, "CLIENT")],
            3: [(240, "Seria SBX nr. 0727")],
            5: [(40, "Sediul: Str. Fabricii nr. 117,"), (410, "Sediul: Bd. Dacia nr. 30,")]}
    value, confidence, evidence = _number(rows)
    assert value == "SBX 0727" and "unknown_caption" in evidence and confidence <= 0.45


@pytest.mark.parametrize("caption", ["Št. računa:", "Broj računa:", "Č. faktúry:"])
def test_a_slavic_number_word_before_the_invoices_word_names_its_number(caption):
    rows = {0: "RAČUN", 4: [(300, caption), (390, "2026-00228")], 5: [(300, "Datum:"), (390, "28.01.2026")]}
    value, confidence, evidence = _number(rows)
    assert value == "2026-00228" and "invoice_caption" in evidence and confidence >= 0.9


def test_a_pro_formas_or_an_offers_caption_is_no_guess_at_the_number():
    # "Predračun" holds the invoice's word ("račun"), but names a pro forma; "Cenová ponuka" an offer
    for caption, value in (("Predračun št.:", "PR-2026-992"), ("Cenová ponuka č.:", "CP2026594")):
        rows = {0: "RAČUN", 4: [(300, caption), (390, value)], 9: "Skupaj 205,27 EUR"}
        assert _number(rows) is None, caption


def test_the_invoices_caption_in_the_payment_line_only_is_a_guess():
    # the number printed only in the payment line, below the head: read, as a guess
    rows = {0: "Gereedschap Zuiderzee", 3: [(420, "Datum"), (500, "2026-01-23")],
            30: "Vermeld bij betaling: factuurnummer F2026.00199 · klant 92166"}
    value, confidence, evidence = _number(rows)
    assert value == "F2026.00199" and "invoice_caption" in evidence and confidence <= 0.45
    # the words before the colon are a sentence's, not the caption's: the caption is read in the head
    rows = {0: "Gereedschap Zuiderzee", 3: "Vermeld bij betaling: factuurnummer F2026.00199"}
    value, confidence, evidence = _number(rows)
    assert value == "F2026.00199" and "invoice_caption" in evidence
    # below the head, the caption's value is after it on its line, never under it
    rows = {0: "Kanceliarija", 30: [(216, "Sąskaitos Nr. (IBAN): LT58 3240 1124 8170")], 31: [(216, "6156")]}
    assert _number(rows) is None


def test_a_value_with_words_after_it_in_its_cell_is_a_guess_under_the_invoices_caption():
    # "Sąskaitos numeris" beside "30 d.": a written date's day wrapped in the next box
    rows = {4: [(309, "KNM 000350"), (397, "2026 m. sausio")],
            5: [(309, "Sąskaitos numeris"), (397, "30 d.")],
            6: [(397, "Išrašymo data")]}
    found = _number(rows)
    assert found is None or found[1] <= 0.45, found
    # a value that fills its cell is the caption's: "Rēķina numurs: BPD-00140"
    value, confidence, _ = _number({4: [(309, "Rēķina numurs:"), (397, "BPD-00140")]})
    assert value == "BPD-00140" and confidence >= 0.9


def test_a_number_word_ending_a_caption_wrapped_in_its_box_does_not_read_the_next_box():
    # "KREDITINĖS" / "SĄSKAITOS" / "NUMERIS:" in one box, its value under it; right of
    # "NUMERIS:" stands the next box's value (a customer's account)
    rows = {4: [(309, "KREDITINĖS"), (485, "KLIENTO")],
            5: [(309, "SĄSKAITOS"), (485, "SĄSKAITA:")],
            6: [(309, "NUMERIS:"), (485, "42656")]}
    found = _number(rows)
    assert found is None or found[0] != "42656", found


def test_a_head_that_prints_values_before_their_captions_is_read_back_as_a_guess():
    # nothing right of or under "Arve nr." and "Rēķina numurs": their values stand before them
    for rows, expected in (({4: [(79, "512"), (105, "Arve nr."), (309, "MAKSJA")],
                             5: [(42, "2026-02-18"), (105, "Kuupäev")]}, "512"),
                           ({4: [(95, "BPD-00209"), (158, "Rēķina numurs"), (309, "MAKSĀTĀJS")],
                             5: [(37, "2026. gada 20. februārī"), (158, "Rēķina datums")]}, "BPD-00209")):
        value, confidence, evidence = _number(rows)
        assert value == expected and "value_first" in evidence and confidence <= 0.45
    # a caption with a colon introduces what follows it: never read back
    assert _number({4: [(79, "512"), (105, "Arve nr.:"), (309, "MAKSJA")]}) is None


@pytest.mark.parametrize("caption", ["Fattura n.", "Számla sorszáma:"])
def test_n_and_sorszam_close_the_invoices_caption(caption):
    rows = {0: "Zxqvirt Plorb", 4: [(300, caption), (400, "EL/2026/000797")], 5: [(300, "Data"), (400, "15/01/2026")]}
    value, confidence, evidence = _number(rows)
    assert value == "EL/2026/000797" and "invoice_caption" in evidence and confidence >= 0.7


def test_a_year_alone_beside_a_caption_is_no_guess_and_the_value_over_it_is_read():
    # "Nº rectificativa" under its value, a wrapped date's "2026" beside it: the year is no
    # number, and the value over the caption (a corrective invoice's word) is the guess
    rows = {4: [(37, "A-2026/00661"), (125, "15 de enero de"), (309, "CLIENTE")],
            5: [(37, "Nº rectificativa"), (125, "2026")],
            6: [(125, "Fecha")]}
    value, confidence, evidence = _number(rows)
    assert value == "A-2026/00661" and "value_first" in evidence and confidence <= 0.45


def test_a_wrapped_dates_day_beside_a_number_label_is_no_number():
    # values printed over their captions; right of "Invoice No." stands the next box's date,
    # wrapped over three lines ("2026 m." / "sausio 30" / "d."): its "30" is no invoice number
    # (a known label too: the usual reading looks right of it first)
    rows = {4: [(309, "KNM 000350"), (397, "2026 m.")],
            5: [(309, "Invoice No."), (397, "sausio 30")],
            6: [(397, "d.")], 8: [(397, "Issue date")]}
    found = _number(rows)
    assert found is None or found[0] != "30", found
