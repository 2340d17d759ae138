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
"""

from __future__ import annotations

import re

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


def qualified_date(ctx: Context, cand: Candidate) -> bool:
    """The invoice-date candidate was read under a bare date word that another word qualifies
    (see the module)."""
    label = cand.label
    if label is None or label.strength > WEAK_DATE_LABEL or not cand.words or cand.method not in ("label_right", "label_below"):
        return False
    line = label.line
    first = next((i for i, w in enumerate(line.words) if w is cand.words[0]), None)
    if cand.method == "label_right" and first is not None:
        after = line.text[label.end:line.spans[first][0]]
    else:
        after = _rest_of_cell(ctx, line, label.end)
    after = _BRACKETED.sub(" ", after.split(":", 1)[0])
    words = [fold_accents(w).lower() for w in _WORD.findall(after)]
    return any(w not in _HARMLESS and not _FORMAT_HINT.match(w) for w in words)


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
