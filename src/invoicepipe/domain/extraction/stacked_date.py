"""A date a narrow cell wraps over two or three lines, under its label.

Labels set above their values in a row of narrow boxes ("Document Date  Invoice No.  Due
Date" over their values, the Business Central manner) wrap a long written date in its cell:
"Friday, 9" / "January" / "2026". Read line by line no piece is a date; the label's search
(``search.label_candidates``) then takes none, or a later line's stray figures. Here the
cell's pieces on the lines right under the label, within its column, are joined in print
order and read as one date, which must reach past the cell's first line (a date whole on
the first line is the search's own case) with no figure before it (a weekday may open the
cell on a line of its own: "Thursday," / "19 February" / "2026"). Scored as a value under its label, a little lower
(the join is one more step that could join another cell's words).

The cell starts under the label's last line: a label that wraps onto the invoice's word
("Data wystawienia" / "faktury") has the date under that word (``search._label_continued``).
A word of the cell to the left reaching into the column (the search's column opens three
characters left of its label: "FV/749/04/2026" before "5 kwietnia") is that cell's, not the
date's first word (kv-2.46).

Where the next column's cell wraps too and its lines sit between this cell's ("12" /
"februari" / "2026" under "DATUM:" beside "14 maart" / "2026" half a line lower), the lines
within the column interleave two dates and none is read. The cell's own lines then are those
that start where its first line starts (a narrow cell wraps flush left); the others are the
next cell's.

Without a label the same cells hold the first date printed, the last guess at the date of
issue (``extract._first_date``): a day and month whose year the cell wrapped onto the next
line, flush with the cell's left or right edge (``year_below``), or a date whose cell wraps
flush left over two or three lines, whatever part comes first: a day alone over its month over
its year, or the year first as Lithuanian and Latvian dates print it ("2026 m." over "sausio
29" over "d.", ``cell_wrapped_date``; kv-2.48). Read line by line no piece is a date, and the
due date printed whole beside it was taken for the first."""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Layout, Line

# lines of one cell a date may wrap over
MAX_CELL_LINES = 3
# the cell under its label starts within this many characters right of where the label's
# column begins (the search's column opens three characters left of the label)
_LABEL_REACH = 6
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
    pieces = [_from_column(below, s, e, x0) for below, s, e in layout.below(line, x0, x1, max_lines=MAX_CELL_LINES)]
    return _joined([p for p in pieces if p[1] < p[2]], order) or _joined(_flush_left(layout, line, x0, x1), order)


def _from_column(below: Line, s: int, e: int, x0: float) -> tuple[Line, int, int]:
    """The piece without the words a cell to its left reaches into the column with ("FV/749/04/2026"
    before "5 kwietnia" under "Data wystawienia"): they start before the column does."""
    for k, (word, (ws, we)) in enumerate(zip(below.words, below.spans)):
        if ws >= s and we < e and word.box.x0 < x0:
            s = below.spans[k + 1][0]
    return below, s, e


def _flush_left(layout: Layout, line: Line, x0: float, x1: float) -> list:
    """The pieces under ``line`` within ``[x0, x1]`` of the cell whose first line starts the
    column: on each line, the words from the one starting within a character of that line's
    start, up to the next gap wider than a word space; lines starting elsewhere are skipped."""
    cw = layout.char_width
    out = []
    for below, s, e in layout.below(line, x0, x1, max_lines=2 * MAX_CELL_LINES):
        words = below.words_in(s, e)
        if out:
            left = out[0][0].words[out[0][3]].box.x0
        elif words[0].box.x0 <= x0 + _LABEL_REACH * cw:
            left = words[0].box.x0
        else:
            continue  # another cell's line first: the label's own cell starts under the label
        k = next((i for i, w in enumerate(below.words) if w in words and abs(w.box.x0 - left) <= cw), None)
        if k is None:
            continue
        out.append((below, below.spans[k][0], below.spans[_cell_last(below, k, cw)][1], k))
        if len(out) == MAX_CELL_LINES:
            break
    return [(below, s, e) for below, s, e, _ in out]


def _cell_last(line: Line, k: int, cw: float) -> int:
    """The index of the last word of the cell word ``k`` of ``line`` opens: the words after it
    at most a word space and a half apart."""
    while k + 1 < len(line.words) and line.words[k + 1].box.x0 - line.words[k].box.x1 <= 1.5 * cw:
        k += 1
    return k


def _cell_first(line: Line, k: int, cw: float) -> int:
    """The index of the first word of the cell word ``k`` of ``line`` stands in (``_cell_last``
    the other way)."""
    while k > 0 and line.words[k].box.x0 - line.words[k - 1].box.x1 <= 1.5 * cw:
        k -= 1
    return k


def _joined(pieces: list, order: Optional[str]):
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


# a year alone as a cell's next line ("2026", "2026 r.", "2026 m.", "2026.")
_YEAR_LINE = re.compile(r"((?:19|20)\d\d)\.?(?:\s+\w{1,2}\.?(?!\w))?")


def year_below(layout: Layout, line: Line, start: int, end: int, order: Optional[str]):
    """(date, words) of the day and month at ``[start, end)`` of ``line`` whose year its narrow
    cell wrapped onto the next line, flush with the cell's left or right edge ("18 gennaio"
    over "2026", "15 de fevereiro de" over a right-aligned "2026"), or None. Read whole,
    neither piece is a date, and a date whole further on ("19 marzo 2026", the due date
    beside it) was taken for the first."""
    words = line.words_in(start, end)
    if not words:
        return None
    cw = layout.char_width
    # the cell may run on past the day and month ("de" after the month)
    left, right = words[0].box.x0, line.words[_cell_last(line, line.words.index(words[-1]), cw)].box.x1
    under = layout.below(line, left - cw, right + cw, max_lines=1)
    if not under:
        return None
    below, s, e = under[0]
    cell = below.words_in(s, e)
    if not cell or below.box.top - line.box.bottom > line.height:
        return None
    j = below.words.index(cell[0])
    rest = below.text[below.spans[j][0]:]
    year = _YEAR_LINE.match(rest)
    if year is None or (year.end() < len(rest) and not rest[year.end()].isspace()):
        return None
    year_word = cell[0]
    if abs(year_word.box.x0 - left) > cw and abs(year_word.box.x1 - right) > cw:
        return None  # flush with neither edge of the cell: another cell's
    found = dates_in(f"{line.text[start:end]} {year.group(1)}", 0, order)
    if not found or found[0].start != 0:
        return None
    return found[0].value, (*words, year_word)


def cell_wrapped_date(layout: Layout, line: Line, k: int, order: Optional[str]):
    """(date, words) of a date its narrow cell wraps over two or three lines, the cell opening
    at word ``k`` of ``line`` ("12" over "februari" over "2026"; "2026 m." over "sausio 29"
    over "d."; "2026. gada 21." over "februārī"; "8 de febrero" over "de 2026"), or None: the
    cell's first line has a figure and is no date itself, and its next lines start within a
    character of its first word, each right under the one before; the lines together are the
    date, whole."""
    first, cw = line.words[k], layout.char_width
    if _cell_first(line, k, cw) != k:
        return None  # not a cell's first word
    end = _cell_last(line, k, cw)
    head = line.text[line.spans[k][0]:line.spans[end][1]]
    if not any(ch.isdigit() for ch in head) or dates_in(head, 0, order):
        return None  # no day or year to start a date, or a date whole on its line
    pieces, last = [head], line
    words = list(line.words[k:end + 1])
    for _ in range(MAX_CELL_LINES - 1):
        under = layout.below(last, first.box.x0 - cw, first.box.x0 + cw, max_lines=1)
        if not under:
            break
        below, s, e = under[0]
        cell = below.words_in(s, e)
        if not cell or abs(cell[0].box.x0 - first.box.x0) > cw or below.box.top - last.box.bottom > last.height:
            break
        j = below.words.index(cell[0])
        end = _cell_last(below, j, cw)
        pieces.append(below.text[below.spans[j][0]:below.spans[end][1]])
        words.extend(below.words[j:end + 1])
        last = below
        text = " ".join(pieces)
        found = dates_in(text, 0, order)
        if found and found[0].start == 0 and found[0].end == len(text):
            return found[0].value, tuple(words)
    return None


def in_wrapped_date(layout: Layout, word, order: Optional[str]) -> bool:
    """``word`` is a piece of a date its narrow cell wraps over two or three lines (the "30" of
    "2026 m." / "sausio 30" / "d.", ``cell_wrapped_date``): no value of its own. A label whose
    value the usual reading looks for right of it, on a head that prints values before their
    captions, finds the next cell's date piece there ("Sąskaitos numeris" beside "30 d.")."""
    line = layout.line_of(word)
    if line is None or word not in line.words:
        return False
    cw = layout.char_width
    k = _cell_first(line, line.words.index(word), cw)
    x0 = line.words[k].box.x0
    starts, current = [(line, k)], line
    for _ in range(MAX_CELL_LINES - 1):
        above = layout.lines_above(current, x0 - cw, x0 + cw, max_lines=1)
        if not above or current.box.top - above[0][0].box.bottom > current.height:
            break
        prev, s, e = above[0]
        cell = prev.words_in(s, e)
        if not cell or abs(cell[0].box.x0 - x0) > cw:
            break
        starts.append((prev, prev.words.index(cell[0])))
        current = prev
    for start_line, j in starts:
        found = cell_wrapped_date(layout, start_line, j, order)
        if found is not None and any(w is word for w in found[1]):
            return True
    return False
