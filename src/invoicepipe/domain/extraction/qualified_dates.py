"""A bare date word with a word after it the vocabulary does not know: a date of something.

The weakest invoice-date labels are the bare words for "date" ("Date", "Datum", "Data",
"Fecha", "Dátum"): on a page of a language the vocabulary knows, its other dates are named
by labels it also knows (delivery, order, due), so a bare "Date:" is the date of issue, and
the calibration, fitted on such pages, calls it sure. On a page of a language it does not
know, the same word opens every date's label: "Datum isporuke" (of delivery), "Datum
dospijeća" (due), "Datum računa" (of the invoice). When only one of them is read (the
others' dates sit where no label reaches, or their labels do not begin with the word) the
one read wins uncontested and is called sure, though which date it is was never said.

So a weak date label followed by a word, before its colon or its value, qualifies the date
with something unread, and the value is held for a person, like a contested date. Not a
qualifier: the time beside the date ("Date/Time", "Datum und Uhrzeit"), a format hint
("(dd/mm/yyyy)", "TT.MM.JJJJ"), a word after the colon (a weekday before the date), and the
joining words of the label languages ("of", "de", "der", "du") alone.

A qualifier that is the invoice's own word says which date it is: "Date Invoiced", "Data
fatturazione", "Datum računa", "Dátum számla" name the date of issue in any inflection, so
the stem of the document word in a language the project reads (``_INVOICE_STEM``) makes the
bare word as strong a label as "Inv. Date" (``document_dated``), and the date is not held
for its qualifier. Only the invoice's word: "note", "doc", "order" qualify other papers'
dates ("Delivery Note Date", "Data documento di trasporto").
"""

from __future__ import annotations

import re
from dataclasses import replace

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.search import Candidate, Context

# the label strength of the bare date words in ``vocabulary`` ("date", "datum", "data",
# "fecha" 0.5, "dated" 0.6); a label stronger than this names its date
WEAK_DATE_LABEL = 0.6
_WORD = re.compile(r"[^\W\d_]{2,}")
# the time beside the date, the parts of a format hint, and the small joining words
_HARMLESS = frozenset(fold_accents(w) for w in (
    "time", "heure", "uhrzeit", "zeit", "und", "and", "et", "y", "e", "i", "hora", "ora", "tijd", "en", "godzina", "aika",
    "of", "de", "del", "der", "des", "du", "di", "da", "do", "van", "la", "le", "el", "il", "the",
))
_FORMAT_HINT = re.compile(r"(?i)^(?:d{1,2}|m{1,2}|y{2,4}|j{2,4}|t{1,2}|a{2,4}|g{2}|r{2,4})$")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# the invoice's own word in the project's languages, any inflection: invoice(d), factur(e/a/ación),
# fattur(a/azione), fatura, faktur(a/y), Rechnung, számla, sąskaita, račun, rēķins, arve, lasku
_INVOICE_STEM = re.compile(r"invoic|factur|fattur|fatur|faktur|rechn|szaml|saskait|racun|rekin|arve|lasku")
# a bare date word qualified by the invoice's word counts as the abbreviated "Inv. Date" (vocabulary: 0.9)
DOCUMENT_DATED_STRENGTH = 0.9


def qualified_date(ctx: Context, cand: Candidate) -> bool:
    """The invoice-date candidate was read under a bare date word that another word qualifies
    (see the module)."""
    words = _qualifiers(ctx, cand)
    return bool(words) and not _the_invoices(words)


def document_dated(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` (invoice-date candidates) with a bare date word's values raised where the
    invoice's own word qualifies it ("Date Invoiced"; see the module)."""
    out = []
    for c in cands:
        words = _qualifiers(ctx, c)
        if words and _the_invoices(words) and c.label.strength < DOCUMENT_DATED_STRENGTH:
            label = replace(c.label, strength=DOCUMENT_DATED_STRENGTH)
            c = replace(c, score=c.score * DOCUMENT_DATED_STRENGTH / c.label.strength, notes=list(c.notes), label=label)
        out.append(c)
    return out


def _the_invoices(words: list[str]) -> bool:
    """Every qualifying word is harmless or the invoice's, and one is the invoice's."""
    return any(_INVOICE_STEM.match(w) for w in words) and all(_INVOICE_STEM.match(w) or _harmless(w) for w in words)


def _harmless(word: str) -> bool:
    return word in _HARMLESS or bool(_FORMAT_HINT.match(word))


def _qualifiers(ctx: Context, cand: Candidate) -> list[str]:
    """The words that qualify a weak date label's value (lower-case, accents folded), or none."""
    label = cand.label
    if label is None or label.strength > WEAK_DATE_LABEL or not cand.words or cand.method not in ("label_right", "label_below"):
        return []
    line = label.line
    first = next((i for i, w in enumerate(line.words) if w is cand.words[0]), None)
    if cand.method == "label_right" and first is not None:
        after = line.text[label.end:line.spans[first][0]]
    else:
        after = _rest_of_cell(ctx, line, label.end)
    after = _BRACKETED.sub(" ", after.split(":", 1)[0])
    words = [fold_accents(w).lower() for w in _WORD.findall(after)]
    return words if any(not _harmless(w) for w in words) else []


def _rest_of_cell(ctx: Context, line, end: int) -> str:
    """The label line's text after ``end`` up to the next gap wider than two characters."""
    gap = 2.0 * ctx.layout.char_width
    out, last = [], None
    for word, (s, e) in zip(line.words, line.spans):
        if e <= end:
            last = word
            continue
        if last is not None and word.box.x0 - last.box.x1 > gap:
            break
        out.append(line.text[max(s, end):e])
        last = word
    return " ".join(out)
