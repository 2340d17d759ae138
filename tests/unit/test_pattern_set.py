"""``PatternSet`` must give exactly the matches of one ``finditer`` per pattern."""

import random
import re

import pytest

from invoicepipe.domain.extraction.labels import _COMPILED, _WORD_START, _label_scan, fold_accents
from invoicepipe.domain.extraction.pattern_set import PatternSet

PATTERNS = [_WORD_START + body for body in (
    r"(?:invoice|inv\.?)\s*(?:no\b\.?|#)", r"n[°ºo]\.?", r"#\s*\d", r"\d{2}/\d{2}", r"(?:total)?\s*due", r"[a-cx-z]{2,}",
    r"k(?:unde|lant)", r"stra(?:ss|ß)e", r"(?:[^\W\d]\.){2}", r"\w*rechnungs?\s*nr", r"(?=[tv])(?:tax|vat)")]
ALPHABET = list("invoice no. #12/03 total due KUNDE Klant straße STRASSE f.e.g. Rechnungsnr taxVAT ") + ["\u212a", "\u017f", "İ", "é", "\n", "°"]


def _expected(patterns, flags, text):
    return [[m.span() for m in re.compile(p, flags).finditer(text)] for p in patterns]


@pytest.mark.parametrize("flags", [re.I, 0])
def test_matches_equal_finditer_of_each_pattern_on_random_text(flags):
    rng = random.Random(7)
    scan = PatternSet(PATTERNS, _WORD_START, flags)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert scan.matches(text) == _expected(PATTERNS, flags, text), text


def test_case_folding_is_the_engines():
    # the Kelvin sign folds to "k" and the long s to "s" under IGNORECASE, as finditer has it
    scan = PatternSet(PATTERNS, _WORD_START, re.I)
    text = "\u212aunde stra\u017f\u017fe INVOICE No. 7"
    assert scan.matches(text) == _expected(PATTERNS, re.I, text)
    assert scan.matches(text)[6] == [(0, 5)]


def test_the_label_vocabulary_on_real_label_lines():
    lines = ["Rechnungsnummer: 2026-0042 vom 05.03.2026", "Invoice No. INV-7 Date 4 Mar 2026 PO Number 4500012",
             "Total hors TVA 1 234,56 €  TVA 20 % 246,91", "Nº de factura FV A/123", "Summe netto (exkl. USt.) 100,00",
             "Faktura nr 77 Förfallodatum 2026-04-01", "BTW % 21  Totaal incl. BTW 121,00", "Kundennr. 1000 Re.-Nr. 9"]
    for line in map(fold_accents, lines):
        assert _label_scan().matches(line) == [[m.span() for m in rx.finditer(line)] for _, rx, _, _ in _COMPILED], line


@pytest.mark.parametrize("pattern", [_WORD_START + r"(?:a)?", _WORD_START + r"(a)b", r"ab", _WORD_START + r"a|b"])
def test_patterns_it_cannot_replay_are_refused(pattern):
    with pytest.raises(ValueError):
        PatternSet([pattern], _WORD_START)


def test_a_first_class_guard_finds_the_same_matches():
    from invoicepipe.domain.extraction.conventions import _CURRENCY_RX, _IN_PARENS_RX, _ISO_CODE_RX
    from invoicepipe.domain.extraction.parsing import SYMBOL_RX
    from invoicepipe.domain.extraction.pattern_set import first_class

    unguarded = re.compile("%s|(?i:%s)|%s" % (_ISO_CODE_RX, SYMBOL_RX, _IN_PARENS_RX))
    assert _CURRENCY_RX.pattern.startswith("(?=")
    guarded = [(re.compile(p, flags), re.compile(f"(?={first_class(p, flags)})(?:{p})", flags))
               for p in PATTERNS for flags in (0, re.I) if first_class(p, flags) is not None]
    assert len(guarded) >= 12
    alphabet = ALPHABET + list("EUR eur USD $€£₹¥ kr. Kr Rs. RM 12,50 (Fr.) SFr zł zl Kč euros US$ R$ CA$ \u212ar")
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert [m.span() for m in _CURRENCY_RX.finditer(text)] == [m.span() for m in unguarded.finditer(text)], text
        for plain, guard in guarded:
            assert [m.span() for m in guard.finditer(text)] == [m.span() for m in plain.finditer(text)], text
    assert first_class(r"\w*x") == r"[\wx]" and first_class(r".x") is None and first_class(r"(?<!\w)[^a]") is None


def test_compile_guarded_gives_the_plain_patterns_matches():
    from invoicepipe.domain.extraction import amount_due, candidates, correction_rows, items, labels, parsing, payment_terms, table_columns
    from invoicepipe.domain.extraction.pattern_set import compile_guarded

    guarded = [parsing._CURRENCY_TOKEN, payment_terms._TERMS_WORDS, table_columns._ANY_NAME, *items._COL_RX.values(),
               amount_due._DUE, amount_due.PREPAID, amount_due.WITHHELD, correction_rows._RESTATES, labels.CREDIT_NOTE,
               labels.CREDITS_INVOICE, candidates._MARK_IN_DATE]
    assert all(rx.pattern.startswith("(?=[") for rx in guarded)
    # each guarded pattern against itself without the guard: "(?=[...])(?:P)" -> P
    pairs = [(rx, re.compile(rx.pattern[rx.pattern.index("])(?:") + 5:-1], rx.flags)) for rx in guarded]
    alphabet = ALPHABET + list("EUR eur USD $€£₹¥ Rs. RM 12,50 zł Kč ") + [
        "Qty ", "Menge", "unit price ", "Einzelpreis", "Beschreibung", "Betrag ", "total ", "%", "MwSt ", "netto ",
        "Zahlung ", "payment terms ", "due ", "Fälligkeit", "Artikel-Nr.", "Pos. ", "\u212a", "\u017f",
        "Zahlbetrag", "Amount ", "Balance", "à payer", "do zapłaty", "acconto", "d'", "Retención", "IRPF", "before ",
        "correction", "Gutschrift", "credit note", "Faktura", "2026-03-", "‘", "18", "20 ", "? ", "januari", "·"]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        for guard, plain in pairs:
            assert [m.span() for m in guard.finditer(text)] == [m.span() for m in plain.finditer(text)], (guard.pattern[:40], text)
            folded = fold_accents(text).lower()
            assert [m.span() for m in guard.finditer(folded)] == [m.span() for m in plain.finditer(folded)]
    assert compile_guarded(r"(?:a|b)?c").pattern == r"(?=[abc])(?:(?:a|b)?c)"
    assert compile_guarded(r".x").pattern == r".x"  # any character may start it: no guard


def test_the_scan_tries_each_alternative_only_where_it_can_start():
    from invoicepipe.domain.extraction.pattern_set import _alternatives

    assert _alternatives(r"(?:a|(?:b|c)d)e") == ["ae", "bde", "cde"]
    assert _alternatives(r"(?:[|(]x|y\|z|[]|]|[^]|])q") == ["[|(]xq", "y\\|zq", "[]|]q", "[^]|]q"]
    assert _alternatives(r"(?:a|b)*c") == [r"(?:a|b)*c"] and _alternatives(r"x(?:a|b)") == [r"x(?:a|b)"]


def test_the_label_vocabulary_on_random_label_words():
    # every label pattern, tried only where its first two characters can stand (each one's
    # optional leading words split off: "(?:totaal\s*)?btw" begins "to" or "bt"), against
    # each pattern's own scan, on texts of the vocabulary's words run together and apart
    words = ["invoice", "inv.", "number", "no.", "nr", "rechnungs", "rechnungsnummer", "total", "totaal", "btw", "bedrag",
             "iva", "igic", "cuota", "importe", "tva", "ttc", "montant", "avoir", "due", "payable", "amount", "date", "datum",
             "n°", "nº", "#", "moms", "summa", "att", "betala", "razem", "do", "zaplaty", "brutto", "kwota", "zu", "bezahlen",
             "netto", "summe", "exkl.", "ust", "mwst", "kdv", "tutarı", "faktura", "fattura", "numero", "scadenza", "data",
             "\u212aunde", "stra\u017fe", "İ", "é", "1", "2026", "-", ":", ".", " ", " ", "  ", "\n", "(", ")", "/", "%"]
    rng = random.Random(23)
    scan = _label_scan()
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice(["", " ", " ", ": "]) for _ in range(rng.randint(0, 8)))
        text = fold_accents(text) if rng.random() < 0.5 else text.upper()
        assert scan.matches(text) == [[m.span() for m in rx.finditer(text)] for _, rx, _, _ in _COMPILED], text


def test_alternatives_split_a_leading_optional_group():
    from invoicepipe.domain.extraction.pattern_set import _alternatives

    assert _alternatives(r"(?:totaal\s*)?btw") == [r"totaal\s*btw", "btw"]
    assert _alternatives(r"(?:a|b)??c") == ["ac", "bc", "c"]
    assert _alternatives(r"(?:a|b)?+c") == [r"(?:a|b)?+c"]  # possessive: taken is never given back
    assert _alternatives(r"(?:x(?:y)?|z)w") == [r"x(?:y)?w", "zw"]
