"""Label matching on lines, over the vocabulary of ``vocabulary.py``.

Each label is a regular expression with a strength in [0, 1] (how surely it names the field)
and a language tag (used as locale evidence for dates and decimal marks). Matches on a line
are resolved longest-first so "Total HT" is never also read as a bare "Total".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.pattern_set import PatternSet, compile_guarded
from invoicepipe.domain.extraction.vocabulary import CREDITS_INVOICE as _CREDITS_INVOICE, NO, RAW
from invoicepipe.domain.extraction.vocabulary_documents import EINVOICE_TERMS
from invoicepipe.domain.extraction.vocabulary_further import FURTHER_TERMS

@dataclass(frozen=True)
class LabelHit:
    field: str
    strength: float
    lang: str
    line: Line
    start: int
    end: int
    # the words stand a cell apart and no cell names the field alone (``_split_at_cell_gaps``):
    # a title with its number further on the line, not the caption of a column of values
    across: bool = False


def fold_accents(text: str) -> str:
    """Drop diacritics character by character (offsets stay valid): OCR often reads "à" as
    "a" or "ä" as "a", and a label should match either way."""
    return text if text.isascii() else _folded(text)


# The rules fold the same line texts again and again (a hundred folds of some thirteen
# texts with accents per invoice), and a translation looks up every character
@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    return text.translate(_FOLDED)


# letters with a stroke have no decomposition: "zapłaty" prints or is read as "zaplaty".
# The ordinal indicator of "n.º" (a letter to the regex engine, so "n." would end inside a
# word) is read as the degree sign OCR reads it as: "Factura n.º" is the label "Factura n.°".
# The cent sign is OCR's reading of a "č" (the Czech number sign "č." read "¢."); no label holds it
_UNDECOMPOSED = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "º": "°", "¢": "c"}


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of a character: the first character
    of its canonical decomposition (one character for one, so offsets stay valid)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = _UNDECOMPOSED.get(ch) or unicodedata.normalize("NFD", ch)[0] if code > 127 else ch
        self[code] = folded
        return folded


_FOLDED = _FoldTable()


# a label must not start or end inside a word ("Pos" is not "PO", "invoice_number_1" holds
# no label); a digit may follow directly ("n°562044387")
_WORD_START = r"(?<![\w])"
_WORD_END = r"(?![^\W\d])"
_COMPILED = [
    (field, re.compile(r"%s(?:%s)%s" % (_WORD_START, fold_accents(rx), _WORD_END), re.I), s, lang)
    for vocabulary in (RAW, EINVOICE_TERMS, FURTHER_TERMS)
    for field, items in vocabulary.items()
    for rx, s, lang in items
]


_ALL_LABELS = tuple(_COMPILED)


def known_languages() -> frozenset[str]:
    """The language tags of the vocabulary ("en", "de", ...)."""
    return frozenset(lang for _, _, _, lang in _ALL_LABELS)


def keep_label_languages(languages) -> None:
    """Read only the labels of ``languages`` from now on in this process (None: all of them).
    For measurement only (``eval extraction --label-languages en``): an invoice in a language
    whose labels are removed stands for one in a language no rule was written for."""
    unknown = set(languages or ()) - known_languages()
    if unknown:
        raise ValueError(f"no labels in language(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known_languages()))}")
    _COMPILED[:] = [c for c in _ALL_LABELS if languages is None or c[3] in languages]
    _label_scan.cache_clear()
    _text_hits.cache_clear()


def label_languages_kept() -> str:
    """"all", or the comma list of the languages ``keep_label_languages`` kept: part of what a
    cached OCR reading depends on, since its second readings ask the rules where to look."""
    if len(_COMPILED) == len(_ALL_LABELS):
        return "all"
    return ",".join(sorted({lang for _, _, _, lang in _COMPILED}))


@lru_cache(maxsize=None)
def _label_scan() -> PatternSet:
    # built on first use, not at import: it costs about 0.2 s of CPU once per process
    return PatternSet([rx.pattern for _, rx, _, _ in _COMPILED], _WORD_START, re.I)


# guarded by their first letters (``compile_guarded``: the same matches): every line is searched
# (the further vocabularies' titles too: "Knjižno odobrenje" is a Croatian credit note's)
CREDIT_NOTE = compile_guarded(r"(?<!\w)(?:%s)(?!\w)" % "|".join(
    fold_accents(rx) for rx, _, _ in (*RAW["credit_note"], *FURTHER_TERMS.get("credit_note", ()))), re.I)
CREDITS_INVOICE = compile_guarded(r"(?<!\w)(?:%s)" % fold_accents(_CREDITS_INVOICE), re.I)
SELF_BILLED = re.compile(r"(?i)selbst\s*ausgestellt|gutschriftsverfahren|self[-\s]*billed|self[-\s]*billing|autofactur")


# "Summe netto (excl. USt.)", "Net amount excluding VAT", "Total hors TVA": a tax word after
# one of these words says what a sum leaves out; it is not the tax line's label.
_EXCLUDING_WORDS = (r"excl|exkl|ekskl|eksl|eks|excluding|exclusive\s+of|ohne|before|without|w/o|hors|sin|senza|sem|bez|exclusief|zonder|"
                    r"utan|uden|uten")
_EXCLUDING = re.compile(r"(?i)(?:\b(?:%s)\.?)[\s(]*$" % _EXCLUDING_WORDS)
# "Brutto (inkl. USt.)", "Total (incl. VAT)", "Beitrag inklusive 19 % Versicherungsteuer":
# a tax word after these says what a sum includes; it labels the sum, not a tax amount
_INCLUDING = re.compile(r"(?i)(?:\b(?:incl|inkl|including|inclusive(?:\s+of)?|inklusive|einschl|einschlie(?:ß|ss)lich|inclusief|incluso|"
                        r"inkluderad|inklusiv|avec|mit|with|med)\.?)[\s(]*(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?$")
# the tax words a qualifier names ("excl. VAT", "hors TVA", "exkl. moms")
_TAX_WORD = r"(?:vat|tax(?:es)?|gst|sst|mwst|ust|umsatzsteuer|mehrwertsteuer|tva|taxes|btw|iva|igic|moms|mva|podatku|dph)\b\.?"
_EXCLUDING_TAX = re.compile(r"(?i)[\s(]*(?:%s)\.?\s*%s\)?" % (_EXCLUDING_WORDS, _TAX_WORD))
# "Prezzo (IVA esclusa)", "IVA incluida", "TVA comprise", "IVA não incluído": the romance
# languages put what a sum does with the tax after the tax word; the word then qualifies a
# price or sum, it labels no tax amount (the sum labels are in ``vocabulary``)
_QUALIFIED_AFTER = re.compile(r"(?i)\s*(?:inclus[aeio]s?|compres[aeio]|compris(?:es?)?|incluid[ao]s?|esclus[aeio]|exclu[ií]d[ao]s?|"
                              r"exclues?|(?:non|no|nao)\s*(?:inclus[aeo]s?|compres[ao]|compris(?:es?)?|incluid[ao]s?))\b")


# "BTW %", "MwSt.-Satz", "VAT rate", "Taux TVA", "aliquota IVA", "%IVA", "% IVA": the tax word
# heads the rate column (a "%" before it with no figure of its own: "19 % MwSt" names a tax)
# ("Btw-code 1 = 21 %", "VAT code", "Tax code": the tax word names the code of a rate, not an amount)
_RATE_AFTER = re.compile(r"(?i)\s*(?:%|-?\s*satz\b|rates?\b|sats\b|tarief\b|-?\s*codes?\b)")
_RATE_BEFORE = re.compile(r"(?i)(?:\b(?:taux|tasa|tipo|aliquota|stawka|sazba|sadzba|tarief|taxa|steuer\s*satz|rate)\s*"
                          r"(?:de\s*(?:la\s*)?|d['’]\s*|di\s*)?|(?:^|[^\d\s.,])\s*%\s*)$")


# a statute cited by article: Polish "art. 106na ust. 1 ustawy", "art. 43 ust. 1 pkt 2" ("ust." is
# the article's paragraph there, not the German USt.)
_ARTICLE = re.compile(r"(?i)\bart\.?\s*\d+[a-z]{0,3}\s*$")


def _qualifier(text: str, field: str, start: int, end: int) -> bool:
    if field != "tax":
        return False
    before = text[max(0, start - 24):start]
    return bool(_EXCLUDING.search(before) or _INCLUDING.search(before) or _RATE_AFTER.match(text, end)
                or _QUALIFIED_AFTER.match(text, end)
                or _RATE_BEFORE.search(before) or _ARTICLE.search(before))


def find_labels(line: Line) -> list[LabelHit]:
    """All label hits on ``line``, overlapping hits resolved in favour of the longest; a tax
    word that only qualifies another sum ("excl. VAT") or heads the rate column ("BTW %")
    is no tax label. On OCR text, a one-word or two-word due-date label one letter off is one too."""
    text = label_text(line)
    hits = [LabelHit(field, strength, lang, line, start, end) for field, strength, lang, start, end in _text_hits(text)]
    hits = _split_at_cell_gaps(line, text, hits)
    if any(w.confidence < 1.0 for w in line.words):
        if not any(h.field == "due_date" for h in hits):
            hits = _misread_due_label(line, text, hits)
        if not any(h.field == "invoice_number" for h in hits):
            hits = _misread_number_label(line, text, hits)
        if not any(h.field == "invoice_date" and h.strength > _BARE_DATE_STRENGTH for h in hits):
            hits = _misread_date_label(line, text, hits)
        hits = _lost_ordinal(line, text, hits)
        hits = _misread_document_word(line, text, hits)
    return _compounds(line, text, _dated_document_word(text, _account_captions(line, text, hits)))


# "(IBAN)" right after a number caption: "Sąskaitos Nr. (IBAN)", "Račun (IBAN):", "Konto (IBAN)"
_IBAN_AFTER = re.compile(r"\s*[:(]?\s*IBAN\b\)?", re.I)


def _account_captions(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    """An invoice-number caption followed by "IBAN" names the bank account: in Lithuanian,
    Croatian or Latvian the word for the invoice is also the account's ("sąskaita",
    "račun", "konts"), and "Sąskaitos Nr. (IBAN)" is the account number's caption, whose
    value an invoice number must never be. The hit becomes an IBAN caption through "IBAN"."""
    out = []
    for h in hits:
        m = _IBAN_AFTER.match(text, h.end) if h.field == "invoice_number" else None
        out.append(replace(h, field="iban", end=m.end()) if m else h)
    return out


# a bare date word before the invoice's word, with the joining words between: "Datum van
# factuur:", "Data da fatura:", "Date de la facture:"
_DATE_BEFORE = re.compile(r"(?i)(?:date|datum|data|fecha|d[aá]tum|datums|kuupäev)\s+(?:(?:of|van|de|del|della|di|da|do|du|"
                          r"der|des|la|le|the|het)\s+){0,2}$")
_DOCUMENT_WORD = re.compile(r"(?i)(?:invoice|rechnung|facture|factuur|factura|fattura|fatura|faktura)\s*:?")
# the date of issue's caption made of a bare date word and the invoice's word ("Inv. Date": 0.9)
DATED_DOCUMENT_STRENGTH = 0.9


def _dated_document_word(text: str, hits: list[LabelHit]) -> list[LabelHit]:
    """The invoice's word after a bare date word is the date of issue's caption, not the
    number's: "Datum van factuur: 13 feb. 2026" (a bare "factuur:" labels a number, and "13"
    was read as it, at 0.98). The hit becomes an issue-date caption from the date word on; a
    hit inside that span (the bare "Datum") goes."""
    out = hits
    for h in hits:
        if h.field != "invoice_number" or not _DOCUMENT_WORD.fullmatch(text[h.start:h.end].strip()):
            continue
        m = _DATE_BEFORE.search(text, 0, h.start)
        if m is None:
            continue
        dated = replace(h, field="invoice_date", strength=DATED_DOCUMENT_STRENGTH, start=m.start())
        out = sorted([o for o in out if o is not h and not (o.start >= dated.start and o.end <= dated.end)] + [dated],
                     key=lambda o: o.start)
    return out


# a gap this many word heights wide between two words parts two cells of a header row
CELL_GAP = 1.5


def cells_apart(before, word) -> bool:
    """``word`` stands a cell right of ``before`` on their line: the gap between them is wider
    than ``CELL_GAP`` of ``before``'s letter heights (a word space is well under one)."""
    return word.box.x0 - before.box.x1 > CELL_GAP * max(1.0, before.box.bottom - before.box.top)


def rest_of_cell(words, k: int) -> list:
    """The words after ``words[k]`` (one line, in reading order) up to the next cell gap."""
    rest = []
    for word in words[k + 1:]:
        if cells_apart(rest[-1] if rest else words[k], word):
            break
        rest.append(word)
    return rest


def across_cells(words) -> bool:
    """Some of ``words`` (in reading order on one line) stand a cell apart from the one before."""
    return any(cells_apart(a, b) for a, b in zip(words, words[1:]))


def _split_at_cell_gaps(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    """A label is one phrase. Words of one hit that stand a cell apart are two headers of a row
    of boxes, read together by the vocabulary: "Fecha de" (its second line "emisión" below)
    beside "Vencimiento" is not the due-date label "Fecha de Vencimiento". Such a hit is
    matched again piece by piece, each piece with the labels it holds alone."""
    out: list[LabelHit] = []
    for h in hits:
        words = [(w, s) for w, (s, e) in zip(line.words, line.spans) if s >= h.start and e <= h.end]
        cuts = [s for (a, _), (b, s) in zip(words, words[1:])
                if cells_apart(a, b)]
        if not cuts:
            out.append(h)
            continue
        pieces = []
        for lo, hi in zip([h.start, *cuts], [*cuts, h.end]):
            piece = text[lo:hi].rstrip()
            # a bare number word labels only at a line's start (``vocabulary``), not a piece's
            pieces.append([LabelHit(f, st, lang, line, lo + a, lo + b) for f, st, lang, a, b in _text_hits(piece)
                           if f != "number_word" or not text[:lo].strip()])
        # two cells that are labels each; the last cell naming the field alone ("Tipo documento"
        # beside "Numero"): its own label; a title with its number further on ("FACTURA   Serie
        # A Nº 2026-0412") leaves a bare word in the last cell that names nothing alone: kept
        # whole, for a value on its line only ("Fecha factura" beside "Nº cliente" over a row of
        # values is no number's caption)
        own = [x for x in pieces[-1] if x.field == h.field]
        if sum(1 for p in pieces if p) >= 2:
            out.extend(x for p in pieces for x in p)
        elif own:
            out.append(own[-1])
        else:
            out.append(replace(h, across=True))
    return out


# The ordinal indicator of "Nº de factura" / "N° facture" is a small raised glyph that OCR
# reads as whatever it resembles ("N?", "N2", "Ne", "N*", "N?2", glued to the next word: "N2de").
# The misread word then names no label, a weaker label inside the phrase ("factura") is
# taken, and its column starts right of the value's first characters ("A 2026/0772" read as
# "2026/0772"). On an OCR'd word (a text layer's "N2" is what was printed) an N followed by
# one or two such glyphs is read as "N°" (and a space); offsets stay as they were.
# ("Ne" only with a capital and one glyph: "nee" is a Dutch word, and a Czech line's OCR noise)
_MISREAD_ORDINAL = re.compile(r"(?<![^\W\d_])(?:N([?29º°*]{1,2}|e)|n([?2º°*])|[Nn]\.([?29º°o*]))(?=de\b|$)")


def label_text(line: Line) -> str:
    """The line's text as labels are matched in it: accents folded and, on OCR'd words, the
    glyphs OCR misreads inside labels read back (offsets stay those of ``line.text``)."""
    return _ocr_spaced_word(line, _ocr_ttc(line, _ocr_ordinal(line, fold_accents(line.text))))


# A document word set letter-spaced comes back from OCR in pieces ("Fa ktu ra VAT nr",
# "RECH NUNG"): two to four pieces of letters, a narrow gap apart, that make one document word
# together. The pieces are read as the word followed by as many spaces as the gaps took, so
# the vocabulary's patterns ("faktura vat nr") match and the offsets stay those of the line.
_PIECE = re.compile(r"[^\W\d_]{1,5}")
_MAX_PIECES = 4


def _ocr_spaced_word(line: Line, text: str) -> str:
    if all(w.confidence >= 1.0 for w in line.words):
        return text
    out, k, n = text, 0, len(line.words)
    while k < n:
        for m in range(min(n, k + _MAX_PIECES), k + 1, -1):  # the longest run first
            pieces = line.words[k:m]
            joined = "".join(text[s:e] for s, e in line.spans[k:m]).lower()
            if joined in _DOCUMENT_WORDS and _spaced(pieces) and all(_PIECE.fullmatch(w.text) for w in pieces):
                s, e = line.spans[k][0], line.spans[m - 1][1]
                out = out[:s] + out[s:e].replace(" ", "").ljust(e - s) + out[e:]
                k = m - 1
                break
        k += 1
    return out


def _spaced(words) -> bool:
    """OCR'd pieces a letter's gap apart at the most (a word space of the print is wider)."""
    return all(b.confidence < 1.0 and 0 <= b.box.x0 - a.box.x1 < 0.8 * (a.box.bottom - a.box.top)
               for a, b in zip(words, words[1:]))


# "TTC" (toutes taxes comprises, the French gross total) is set in capitals, often white on a
# dark band, where OCR reads a T's faint crossbar as I or l ("TIC", "ITC") or the C's
# open end as G ("TTG"). No word of a French invoice is spelt so, and the word must still
# complete a total label ("Montant TTC", "Total TTC", a wrapped "Montant" over "TTC") to count.
_MISREAD_TTC = re.compile(r"(?:T[Il]C|[Il]TC|TTG)")


def _ocr_ttc(line: Line, text: str) -> str:
    if all(w.confidence >= 1.0 for w in line.words):
        return text
    out = text
    for w, (s, e) in zip(line.words, line.spans):
        if w.confidence < 1.0 and _MISREAD_TTC.fullmatch(text, s, e):
            out = out[:s] + "TTC" + out[e:]
    return out


def _ocr_ordinal(line: Line, text: str) -> str:
    if all(w.confidence >= 1.0 for w in line.words):
        return text
    out = list(text)
    for w, (s, e) in zip(line.words, line.spans):
        if w.confidence >= 1.0 or len(w.text) > 5:
            continue
        m = _MISREAD_ORDINAL.search(text, s, e)
        if m and m.start() <= s + 1:
            # after a capital N, a small n, or either with its period ("n.º" read "n.2")
            group = next(g for g in (1, 2, 3) if m.group(g) is not None)
            at, end = m.start(group), m.end(group)
            out[at] = "°"
            if end - at == 2:
                out[at + 1] = " "
    return "".join(out)


# The ordinal glyph may also be lost altogether: "Facture n°" read "Facture" and a lone "n".
# A document word then labels the number only weakly, as a title (0.35), and a right value
# stays under every threshold. A lone OCR'd "n" right after a document word is that label
# with one glyph lost (0.8, as a due-date label one letter off): the value must still be an
# identifier right of or under it.
_DOCUMENT_WORDS = {"invoice": "en", "facture": "fr", "factura": "es", "fattura": "it", "fatura": "pt", "avoir": "fr",
                   "gutschrift": "de",
                   "faktura": "pl", "factuur": "nl", "rechnung": "de"}
_LOST_ORDINAL_STRENGTH = 0.8


def _lost_ordinal(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    if any(h.field == "invoice_number" and h.strength >= _LOST_ORDINAL_STRENGTH for h in hits):
        return hits
    for k in range(1, len(line.words)):
        word, (s, e) = line.words[k], line.spans[k]
        if word.confidence >= 1.0 or text[s:e] not in ("n", "N"):
            continue
        ps = line.spans[k - 1][0]
        lang = _DOCUMENT_WORDS.get(text[ps:s].strip().lower())
        if lang is None or line.words[k - 1].box.x1 > word.box.x0 or word.box.x0 - line.words[k - 1].box.x1 > 2 * (
                word.box.bottom - word.box.top):
            continue  # not a word space after the document word: a column apart, or glued
        kept = [h for h in hits if h.end <= ps or h.start >= e]
        return sorted([*kept, LabelHit("invoice_number", _LOST_ORDINAL_STRENGTH, lang, line, ps, e)], key=lambda h: h.start)
    return hits


# The document word itself misread ("Invoice No." read "invelce No.", "Rechnung Nr." read
# "Rechmung Nr."): with the number word after it the pair is the invoice-number label all the
# same, weaker (0.8, as a lost ordinal). A long word may lose two letters to OCR, a short one
# one; the number word that must follow ("No.", "Nr.", "#", "Number", "N°") is what keeps an
# ordinary word one or two letters from "invoice" from labelling anything.
_NUMBER_WORD = re.compile(rf"(?i){NO}")
_MISREAD_DOCUMENT_STRENGTH = 0.8


def _misread_document_word(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    if any(h.field == "invoice_number" and h.strength >= _MISREAD_DOCUMENT_STRENGTH for h in hits):
        return hits
    for k in range(len(line.words) - 1):
        (s, e), (ns, ne) = line.spans[k], line.spans[k + 1]
        word = text[s:e].lower()
        if line.words[k].confidence >= 1.0 or not word.isalpha() or len(word) < 6:
            continue
        if any(h.start < e and h.end > s and h.strength > 0.35 for h in hits):
            continue  # a label of its own (a bare title word, 0.35, may be this one misread)
        lang = next((lang for ref, lang in _DOCUMENT_WORDS.items()
                     if Levenshtein.distance(word, ref, score_cutoff=2 if len(ref) >= 7 else 1) <= (2 if len(ref) >= 7 else 1)),
                    None)
        if lang is None or not _NUMBER_WORD.fullmatch(text[ns:ne]):
            continue
        kept = [h for h in hits if h.end <= s or h.start >= ne]
        return sorted([*kept, LabelHit("invoice_number", _MISREAD_DOCUMENT_STRENGTH, lang, line, s, ne)], key=lambda h: h.start)
    return hits


# One-word due-date labels, accent-folded, long and unlike any other word of an invoice, that
# OCR misreads by a letter ("Échéance:" read "Échiéance:", "Vervaldatum" read "Vervaldatun").
# A word one edit away from one of them, on an OCR line, is that label (weaker, 0.8): the value
# must still parse as a date right of or under it.
_DUE_WORDS = {"echeance": "fr", "vervaldatum": "nl", "vervaldag": "nl", "vencimiento": "es", "scadenza": "it",
              "vencimento": "pt", "falligkeit": "de", "falligkeitsdatum": "de", "forfallodatum": "sv",
              "forfaldsdato": "da", "forfallsdato": "no", "splatnosti": "cs"}
_LABEL_WORD = re.compile(r"[^\W\d_]{7,}")
# Two-word due-date labels, whose words alone are short or common ("Due Date" read "Rue Date",
# "Fällig am" read "Fallig an"): the pair, one letter off as a whole, is the label. Its second
# word may stand alone as a bare date label ("Date", 0.5), which the pair then replaces: a
# misread qualifier before it says the date is another's.
_DUE_PAIRS = {"due date": "en", "date due": "en", "payment due": "en", "fallig am": "de", "zahlbar bis": "de"}
_PAIR = re.compile(r"(?=(?<![^\W\d_])([^\W\d_]{2,}[ ]+[^\W\d_]{2,})(?![^\W\d_]))")
_BARE_DATE_STRENGTH = 0.5


def _misread_words(line: Line, text: str, hits: list[LabelHit], refs: dict, field: str, near) -> list[LabelHit]:
    """A long word ``near`` one of ``refs`` (word -> language), not inside another label, is a
    label of ``field`` at 0.8: the value must still parse right of or under it."""
    for start, end, word in [*((m.start(), m.end(), m.group(0)) for m in _LABEL_WORD.finditer(text)), *_split_words(text)]:
        if any(h.start < end and h.end > start for h in hits):
            continue
        word = word.lower()
        # (a word the vocabulary holds whole was a hit already: only a cut one is met exactly here)
        lang = next((lang for ref, lang in refs.items() if word == ref or near(word, ref)), None)
        if lang is not None:
            hits = sorted([*hits, LabelHit(field, 0.8, lang, line, start, end)], key=lambda h: h.start)
    return hits


def _split_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the two joined) of each two words of letters one space apart whose join
    is a long word: a compound OCR cut in two ("Factuurd atum"), which ``_misread_words``
    takes for a label only when the join is as near one as a single word must be."""
    out = []
    for m in _PAIR.finditer(text):
        first, _, second = m.group(1).partition(" ")
        joined = first + second.strip()
        if len(joined) >= 9 and " " not in second.strip():
            out.append((m.start(1), m.end(1), joined))
    return out


def _misread_due_label(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    hits = _misread_words(line, text, hits, _DUE_WORDS, "due_date", _one_edit)
    # a pair opening a longer phrase ("Date de prestation") is no misread "Date due"
    return _misread_pairs(line, text, hits, _DUE_PAIRS, "due_date", lambda end: not _phrase_goes_on(line, end))


def _misread_pairs(line: Line, text: str, hits: list[LabelHit], refs: dict, field: str,
                   stands=lambda end: True) -> list[LabelHit]:
    """Two words one letter off, as a whole, one of ``refs`` (pair -> language), covering no
    label but a bare date word, are a label of ``field`` at 0.8 where ``stands(end)``."""
    for m in _PAIR.finditer(text):
        start, end = m.start(1), m.end(1)
        covered = [h for h in hits if h.start < end and h.end > start]
        if any(h.field != "invoice_date" or h.strength > _BARE_DATE_STRENGTH for h in covered):
            continue
        pair = re.sub(r"\s+", " ", m.group(1).lower())
        lang = next((lang for ref, lang in refs.items() if _one_edit(pair, ref)), None)
        if lang is not None and stands(end):
            kept = [h for h in hits if h not in covered]
            hits = sorted([*kept, LabelHit(field, 0.8, lang, line, start, end)], key=lambda h: h.start)
    return hits


def _phrase_goes_on(line: Line, end: int) -> bool:
    """True when a word of letters follows ``text[:end]`` a word space on, in the same cell:
    the pair opens a longer phrase ("Date de prestation", "Date d'échéance" are no misread
    "Date due"), where a label is followed by its value, a colon or a cell gap."""
    k = next((i for i, (s, _) in enumerate(line.spans) if s >= end), None)
    if k is None or k == 0:
        return False
    before, word = line.words[k - 1], line.words[k]
    same_cell = not cells_apart(before, word)
    return same_cell and not line.text[line.spans[k - 1][1]:line.spans[k][0]].strip() and word.text[:1].isalpha()


# Date-of-issue labels as OCR misreads them by a letter ("Data wystawienia" read "Dats
# wystawienia", "Rechnungsdatum" read "Rechnungsdaturn"): one long word, or a pair of words one
# letter off as a whole, as the due-date labels above. Without its label a scanned date of
# issue is the first date on the page, a guess, and its cell is never read again
# (``date_reread``). Only where no label of the date of issue stands on the line.
_DATE_WORDS = {"rechnungsdatum": "de", "belegdatum": "de", "fakturadatum": "sv", "factuurdatum": "nl",
               "fakturadato": "no"}
_DATE_PAIRS = {"invoice date": "en", "data wystawienia": "pl", "datum vystaveni": "cs", "datum vystavenia": "sk",
               "data fattura": "it", "data documento": "it", "fecha factura": "es", "date facture": "fr",
               "szamla kelte": "hu", "data emiterii": "ro", "laskun paivamaara": "fi", "arve kuupaev": "et",
               "rekina datums": "lv", "saskaitos data": "lt"}


def _misread_date_label(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    hits = _misread_words(line, text, hits, _DATE_WORDS, "invoice_date", _one_edit)
    return _misread_pairs(line, text, hits, _DATE_PAIRS, "invoice_date")


# One-word invoice-number labels (compounds of the document word and "number"), accent-folded,
# as OCR misreads them: a letter off ("Rechnungsnurnmer"), or the "rn" of "nummer" read as
# one "m" ("Factuurnummer" read "Factuumummer"), the commonest confusion of a serif-less
# print. A word so close to one of them, on an OCR line, labels the number (0.8, as a
# misread due-date label): the value must still be an identifier right of or under it.
_NUMBER_WORDS = {"rechnungsnummer": "de", "factuurnummer": "nl", "fakturanummer": "sv", "fakturanumret": "sv",
                 "fakturanummeret": "da", "gutschriftsnummer": "de", "creditnotanummer": "nl"}


def _misread_number_label(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    return _misread_words(line, text, hits, _NUMBER_WORDS, "invoice_number", _ocr_near)


def _ocr_near(word: str, ref: str) -> bool:
    """``word`` is ``ref`` as OCR may misread it: one letter off, or with an "m" read as "rn"
    or an "rn" as "m" (and then perhaps one letter more off)."""
    if _one_edit(word, ref):
        return True
    a, b = word.replace("rn", "m"), ref.replace("rn", "m")
    return (a, b) != (word, ref) and Levenshtein.distance(a, b, score_cutoff=1) <= 1


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` differs from ``b`` by exactly one inserted, deleted or replaced letter."""
    return Levenshtein.distance(a, b, score_cutoff=1) == 1


# Which labels a line's text holds is a function of the text alone, and texts come back: the
# same labels, headers and footers on every invoice of a layout (over half of the lines of
# the generated sets and corpora read in a row were seen before). The compounds need the
# words' positions, so they are joined per line (``_compounds``).
@lru_cache(maxsize=16384)
def _text_hits(text: str) -> tuple[tuple[str, float, str, int, int], ...]:
    """(field, strength, language, start, end) of the labels in a folded line text, overlaps
    resolved, left to right."""
    hits = []
    found = _label_scan().spans(text)
    for i in sorted(found):  # in vocabulary order: equal hits keep it through the sort below
        field, _, strength, lang = _COMPILED[i]
        for start, end in found[i]:
            if end > start and not _qualifier(text, field, start, end):
                hits.append((field, strength, lang, start, end, i))
    hits.sort(key=lambda h: (-(h[4] - h[3]), -h[1]))
    kept: list[tuple[str, float, str, int, int, int]] = []
    for h in hits:
        if all(h[4] <= k[3] or h[3] >= k[4] for k in kept):
            kept.append(h)
        else:
            kept.extend(_rest_of(text, h, kept))
    return tuple(sorted((h[:5] for h in kept), key=lambda h: h[3]))


_SPACES = re.compile(r"\s*")


def _rest_of(text: str, hit: tuple, kept: list) -> list[tuple]:
    """What ``hit``'s own pattern matches in the part of its span past the kept hits it
    overlaps. A pattern's scan goes on after its own match, so an optional word it took in
    from a neighbouring label hides the label word after it: "Net Total VAT 20%" reads as
    "Net Total" and "Total VAT", the first kept, and the tax pattern's "VAT" is lost unless
    it is matched again from where "Net Total" ends."""
    field, strength, lang, start, end, i = hit
    after = max((k[4] for k in kept if k[3] < end and start < k[4]), default=end)
    if after >= end or any(after <= k[3] < end for k in kept):
        return []
    at = _SPACES.match(text, after).end()
    again = _COMPILED[i][1].match(text, at) if at < end else None
    if again is None or again.end() > end or _qualifier(text, field, again.start(), again.end()):
        return []
    return [(field, strength, lang, again.start(), again.end(), i)]


def labels_in_text(text: str) -> tuple[tuple[str, float, str, int, int], ...]:
    """(field, strength, language, start, end) of the labels in an accent-folded text with no
    line behind it (a label wrapped onto two lines, joined), overlaps resolved."""
    return _text_hits(text)


# Sum labels that name a total, then qualify it: "Rechnungssumme Netto", "Rechnungssumme
# Brutto", "Total hors TVA", "Summa exkl. moms". The qualifier says which sum it is.
_SUMS = ("total", "net")


def _compounds(line: Line, text: str, hits: list[LabelHit]) -> list[LabelHit]:
    """Join a total label with the net/tax/total label printed right after it into one
    label of the second's field, and read a total label followed by "excluding tax" as a
    net label (the value segment then starts after the qualifier)."""
    out: list[LabelHit] = []
    for h in hits:
        prev = out[-1] if out else None
        if (prev is not None and prev.field == "total" and h.field in ("net", "tax", "total")
                and not text[prev.end:h.start].strip(" :-") and _adjacent(line, prev, h)):
            out[-1] = LabelHit(h.field, max(prev.strength, h.strength), h.lang, line, prev.start, h.end)
            continue
        out.append(h)
    for i, h in enumerate(out):
        if h.field in _SUMS:
            m = _EXCLUDING_TAX.match(text, h.end)
            if m and all(o.start >= m.end() or o.end <= h.start for o in out if o is not h):
                out[i] = LabelHit("net", max(h.strength, 0.9), h.lang, line, h.start, m.end())
    return out


def _adjacent(line: Line, a: LabelHit, b: LabelHit) -> bool:
    """Two labels printed as one phrase (a word space apart), not two column headers."""
    left, right = line.words_in(a.start, a.end), line.words_in(b.start, b.end)
    if not left or not right or left[-1] is right[0]:
        return True
    height = max(1.0, left[-1].box.bottom - left[-1].box.top)
    return right[0].box.x0 - left[-1].box.x1 < 0.8 * height
