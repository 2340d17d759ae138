"""A date a narrow cell wraps over two or three lines, under its label.

Labels set above their values in a row of narrow boxes ("Document Date  Invoice No.  Due
Date" over their values, the Business Central manner) wrap a long written date in its cell:
"Friday, 9" / "January" / "2026". Read line by line no piece is a date; the label's search
(``search.label_candidates``) then takes none, or a later line's stray figures. Here the
cell's pieces on the lines right under the label, within its column, are joined in print
order and read as one date, which must reach past the cell's first line (a date whole on
the first line is the search's own case) with no figure before it (a weekday may open the
cell on a line of its own: "Thursday," / "19 February" / "2026"). Scored as a value under its label, a little lower
(the join is one more step that could join another cell's words)."""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Layout, Line

# lines of one cell a date may wrap over
MAX_CELL_LINES = 3
# the join's placement factor (a value right under its label scores 0.8 in ``search``)
STACKED_PLACEMENT = 0.75
# what may open the cell before the date: nothing, or a weekday's name ("Thursday," /
# "19 February" / "2026"); another word ("SPLATNOSTI", a label's second line) is no date's
_WEEKDAY_OR_NOTHING = re.compile(
    r"(?i)\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tue|wed|thu|fri|sat|sun)\.?|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|jueves|"
    r"viernes|sabado|domingo|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
    r"zondag|segunda-feira|terca-feira|quarta-feira|quinta-feira|sexta-feira|poniedzialek|wtorek|sroda|czwartek|piatek|"
    r"sobota|niedziela)?[\s,.]*")


def stacked_date(layout: Layout, line: Line, x0: float, x1: float, order: Optional[str]):
    """(iso date, date, words) of a date wrapped over the cell's lines under ``line`` within
    ``[x0, x1]``, or None."""
    pieces = layout.below(line, x0, x1, max_lines=MAX_CELL_LINES)
    if len(pieces) < 2:
        return None
    text, spans = "", []
    for below, s, e in pieces:
        if text:
            text += " "
        spans.append((below, s, e, len(text)))
        text += below.text[s:e]
    found = dates_in(text, 0, order)
    if not found:
        return None
    d = found[0]
    first_len = pieces[0][2] - pieces[0][1]
    if d.end <= first_len or not _WEEKDAY_OR_NOTHING.fullmatch(fold_accents(text[:d.start])):
        return None  # whole on the first line (the search reads it), or after other words
    words = tuple(w for below, s, e, at in spans for w in below.words_in(s, e)
                  if at < d.end and at + (e - s) > d.start)
    return d.value.isoformat(), d.value, words, d.ambiguous
