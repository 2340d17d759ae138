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
with something unread: the date is some other event's, and no label's reading of it stands.
The page's own reading of the date of issue is taken instead (a header row, a dateline, the
first date printed); where that reading lands on the very words the qualified caption names
(its date the only one, or the first printed), the value is held for a person, like a
contested date, and no witness of a guess confirms it (kv-2.49: with every label, the
holdouts' dates 95.3 -> 97.3 %, as aggregates; no development value changed). Words
before a bare date word in its cell qualify it too, as the languages that put the qualifier
first print it ("Kauba üleandmise kuupäev", the date the goods were handed over): such a date
contests no bare one beside it ("Kuupäev / Date", ``without_dates_of_other_things``). Alone
it is not held for them: English puts its known qualifiers there as well ("Tax Date"), and a
line's other words reach a date word's cell too often for them to say anything alone. Not a
qualifier: the time beside the date ("Date/Time", "Datum und Uhrzeit"), a format hint
("(dd/mm/yyyy)", "TT.MM.JJJJ"), a word after the colon (a weekday before the date), and the
joining words of the label languages ("of", "de", "der", "du") alone.

A qualifier that is the invoice's own word says which date it is: "Date Invoiced", "Data
fatturazione", "Datum računa", "Dátum számla", "DATA FATT." name the date of issue in any
inflection or abbreviation, so the document word in a language the project reads
(``invoice_word``) makes the bare word as strong a label as "Inv. Date" (``document_dated``),
and the date is not held for its qualifier; beside it, dates other words qualify are other
events' ("DATA SPEDIZIONE"). Only the invoice's word: "note", "doc", "order" qualify other
papers' dates ("Delivery Note Date", "Data documento di trasporto"). The invoice's word before
the bare word in its cell does the same ("Rēķ. datums", "Sąsk. data": the languages that put
the qualifier first; kv-2.50).

A caption wrapped in its box goes on on the box's next line, where a row of boxes may set the
next box's line between ("DATA DE" over "FORNECIMENTO:", the number's caption in between): a
bare date word alone on its line, or with harmless words only, is qualified by that second
line as by words after it on its own (``_wrapped_rest``), unless the two lines together are a
date-of-issue label ("Fecha de" over "emisión").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.invoice_word import is_invoice_word
from invoicepipe.domain.extraction.labels import fold_accents, labels_in_text
from invoicepipe.domain.extraction.search import Candidate, Context

# the label strength of the bare date words in ``vocabulary`` ("date", "datum", "data",
# "fecha" 0.5, "dated" 0.6); a label stronger than this names its date
WEAK_DATE_LABEL = 0.6
_BARE_DATE_LABEL = 0.5
_WORD = re.compile(r"[^\W\d_]{2,}")
# the time beside the date, the parts of a format hint, and the small joining words
_HARMLESS = frozenset(fold_accents(w) for w in (
    "time", "heure", "uhrzeit", "zeit", "und", "and", "et", "y", "e", "i", "hora", "ora", "tijd", "en", "godzina", "aika",
    "of", "de", "del", "der", "des", "du", "di", "da", "do", "van", "la", "le", "el", "il", "the",
))
_FORMAT_HINT = re.compile(r"(?i)^(?:d{1,2}|m{1,2}|y{2,4}|j{2,4}|t{1,2}|a{2,4}|g{2}|r{2,4})$")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# a bare date word qualified by the invoice's word counts as the abbreviated "Inv. Date" (vocabulary: 0.9)
DOCUMENT_DATED_STRENGTH = 0.9
DOCUMENT_DATED = "document_dated"  # the note such a value carries


def qualified_date(ctx: Context, cand: Candidate) -> bool:
    """The invoice-date candidate was read under a bare date word that another word qualifies
    (see the module)."""
    words = _qualifiers(ctx, cand)
    return bool(words) and not _the_invoices(words)


def document_dated(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` (invoice-date candidates) with a bare date word's values raised where the
    invoice's own word qualifies it, after it ("Date Invoiced") or before it in its cell
    ("Rēķ. datums"; see the module)."""
    out = []
    for c in cands:
        words = _qualifiers(ctx, c)
        # the invoice's word after the bare word ("Date Invoiced") or before it in its cell
        # ("Rēķ. datums", "Sąsk. data": the languages that put the qualifier first)
        named = _the_invoices(words) if words else invoices_word_before(ctx, c)
        if named and c.label.strength < DOCUMENT_DATED_STRENGTH:
            label = replace(c.label, strength=DOCUMENT_DATED_STRENGTH)
            c = replace(c, score=c.score * DOCUMENT_DATED_STRENGTH / c.label.strength, notes=[*c.notes, DOCUMENT_DATED],
                        label=label)
        out.append(c)
    return out


def without_dates_of_other_things(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` less the values of bare date words that other words before them in their
    cell qualify ("Kauba üleandmise kuupäev:", the date the goods were handed over; the
    languages that name a date so put its qualifier first), when another candidate stays:
    such a date contests no unqualified one ("Kuupäev / Date:")."""
    before = [qualified_before(ctx, c) for c in cands]
    if any(DOCUMENT_DATED in c.notes for c in cands):
        # "Data fatt." beside "DATA SPEDIZIONE": the invoice's word names its date, and the
        # dates other words qualify are other events'
        return [c for c, q in zip(cands, before) if not (q or _bare_date_word(c) and _qualifiers(ctx, c))]
    bare = [c for c, q in zip(cands, before) if not q and _bare_date_word(c) and not _qualifiers(ctx, c)]
    return [c for c, q in zip(cands, before) if not q] if any(before) and bare else cands


def _bare_date_word(cand: Candidate) -> bool:
    """Read under a bare date word ("Date", "Datum", "Kuupäev": 0.5-0.6 in ``vocabulary``);
    the weaker joining words of a dateline ("del", "du") are no caption of their own."""
    return cand.label is not None and _BARE_DATE_LABEL <= cand.label.strength <= WEAK_DATE_LABEL \
        and cand.method in ("label_right", "label_below")


def qualified_before(ctx: Context, cand: Candidate) -> bool:
    """A bare date word's value with words before the word in its cell that are neither
    harmless, the invoice's, nor the line's other date words."""
    return any(not _harmless(w) and not is_invoice_word(w) for w in _words_before(ctx, cand))


def invoices_word_before(ctx: Context, cand: Candidate) -> bool:
    """A bare date word's value whose words before the word in its cell are the invoice's
    word ("Sąsk. data", "Rēķ. datums", "Fact. datum"): the caption names the invoice's date."""
    return _the_invoices(_words_before(ctx, cand))


def _words_before(ctx: Context, cand: Candidate) -> list[str]:
    """The words before a bare date word in its cell (lower case, accents folded), the line's
    other date words left out; none for another label."""
    label = cand.label
    if not _bare_date_word(cand):
        return []
    line = label.line
    # other date words of the line ("Kuupäev / Date") qualify nothing: they are its labels too
    dated = [(h.start, h.end) for h in ctx.hits[id(line)] if h.field == "invoice_date"]
    gap = 2.0 * ctx.layout.char_width
    words, following = [], None
    for word, (s, e) in reversed(list(zip(line.words, line.spans))):
        if s >= label.start:
            following = word
            continue
        if following is not None and following.box.x0 - word.box.x1 > gap:
            break
        following = word
        if not any(a <= s and e <= b for a, b in dated):
            words += [fold_accents(w).lower() for w in _WORD.findall(word.text)]
    return words


def _the_invoices(words: list[str]) -> bool:
    """Every qualifying word is harmless or the invoice's, and one is the invoice's."""
    return any(is_invoice_word(w) for w in words) and all(is_invoice_word(w) or _harmless(w) for w in words)


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
        # in a strip of captions over their values, a word right of the value's column is the
        # next caption's ("Data / Date   Kontaktas" over "2026-02-22   K. Petraitis")
        until = cand.words[-1].box.x1 + ctx.layout.char_width if cand.method == "label_below" else None
        after = _rest_of_cell(ctx, line, label.end, until)
        if cand.method == "label_below" and ":" not in after and all(
                _harmless(fold_accents(w).lower()) for w in _WORD.findall(after)):
            # "DATA DE" over "FORNECIMENTO:": the caption goes on on its box's next line
            after = f"{after} {_wrapped_rest(ctx, cand)}"
            if _names_the_issue(f"{line.text[label.start:label.end]} {after}"):
                return []  # "Fecha de" over "emisión": the whole caption is the date of issue's
    after = _BRACKETED.sub(" ", after.split(":", 1)[0])
    # the line's other date words are the same label in another language ("Data / Date")
    dated = {fold_accents(line.text[h.start:h.end]).lower() for h in ctx.hits[id(line)]
             if h.field == "invoice_date" and h is not label}
    words = [w for w in (fold_accents(w).lower() for w in _WORD.findall(after)) if w not in dated]
    return words if any(not _harmless(w) for w in words) else []


# a caption's second line in its box starts within this many of its letter heights under the first
_WRAP_GAP = 0.8


def _wrapped_rest(ctx: Context, cand: Candidate) -> str:
    """The second line of a caption the bare date word opens in its box ("DATA" over
    "FORNECIMENTO:" over the date; a row of boxes may set the next box's line between, with
    nothing in this column): the words of its cell starting at the word's left edge, close
    under it as a cell's lines are, over the value and with no digit; else nothing."""
    label = cand.label
    line = label.line
    words = line.words_in(label.start, label.end)
    if not words or not cand.words:
        return ""
    first, cw = words[0], ctx.layout.char_width
    height = max(1.0, first.box.bottom - first.box.top)
    for below, _, _ in ctx.layout.below(line, first.box.x0 - cw, first.box.x0 + cw, max_lines=1):
        k = next((i for i, w in enumerate(below.words) if abs(w.box.x0 - first.box.x0) <= cw), None)
        if k is None or below.box.top - first.box.bottom > _WRAP_GAP * height or below.box.top >= cand.words[0].box.top:
            return ""
        cell = [below.words[k]]
        for w in below.words[k + 1:]:
            if w.box.x0 - cell[-1].box.x1 > 2.0 * cw:
                break
            cell.append(w)
        text = " ".join(w.text for w in cell)
        return "" if any(ch.isdigit() for ch in text) else text
    return ""


def _names_the_issue(caption: str) -> bool:
    """The caption, joined over its lines, opens with a label of the date of issue stronger
    than a bare date word."""
    return any(field == "invoice_date" and start == 0 and strength > WEAK_DATE_LABEL
               for field, strength, _, start, _ in labels_in_text(fold_accents(caption.split(":", 1)[0].strip())))


def _rest_of_cell(ctx: Context, line, end: int, until: Optional[float] = None) -> str:
    """The label line's text after ``end`` up to the next gap wider than two characters (and
    short of a word starting right of ``until``)."""
    gap = 2.0 * ctx.layout.char_width
    out, last = [], None
    for word, (s, e) in zip(line.words, line.spans):
        if e <= end:
            last = word
            continue
        if last is not None and word.box.x0 - last.box.x1 > gap or until is not None and word.box.x0 > until:
            break
        out.append(line.text[max(s, end):e])
        last = word
    return " ".join(out)
