"""A date of issue held for which date it is, confirmed by a witness that needs no word.

Where the vocabulary knows no label of the page's language, the date of issue is a guess:
the first date printed, the date of a header row, a letter's dateline (score 0.3-0.6). Where
a label was read, the date may still be held for which date it is: another date nearly as
well labelled, a bare date word with a word no list holds ("qualified"), a date beside it
that no caption names. Four witnesses say which date it is without any word:

- ``terms_gap``: the payment terms, the vendor's in the master or the ones printed. A due
  date is the date of issue plus the terms; a later date on the page exactly the terms after
  the guess makes the guess the date of issue and that date the due date. A delivery or order
  date is almost never the terms before another printed date, so the pair names both fields.
  (Measured on every development set with the labels of all languages but English removed:
  of 242 such guesses with a date the terms after them, none was wrong; of 123 without, 47.)
- ``sole_date``: the guess is the only date the document prints, read from a text layer. An
  invoice must state its date of issue; where one date is printed, it is that one. (Same
  measure: 58 of 59 right, the wrong one a scan whose date of issue OCR garbled, leaving the
  date of sale alone; so only a text layer, which loses no date, counts.) A date read with a
  two-digit year on a page that prints four-digit years, or a year standing as a word of its
  own outside every date read, says a date went unread: no witness then (English labels
  only, 119 of 119 right after, 131 of 132 before; on the holdouts, as aggregates, the one
  wrong sole date paid is held). A year in the words of a priced item line (a book's
  edition, "Praxis Umsatzsteuer 2026") is no unread date (kv-2.45: 6 more invoices straight
  through with English labels only, none wrong).
- ``latest_date``: the guess, read from a text layer, is the latest date printed, the others
  within a quarter before it and none the terms before it ("23.01.2026 r. | 16.01.2026 r."):
  the dates it bills are not after the date of issue, and a due date printed first would
  have the date of issue the terms before it. (English labels only, kv-2.45: 24 more
  invoices straight through on the development sets, 10 on the holdouts as aggregates, no
  new wrong value; asked before the pair of dates the terms apart, it took 7 due dates
  printed first.)
- ``dated_row``: the guess is a header row's date and the identifier before it in its row
  opens its digits with that date's year (``header_row.dated_in_row``): the row is the
  invoice's number and its date ("A-2026/00538 | 2026-02-09 | 2026-01-31", the last a
  delivery). (English labels only, kv-2.45: of 19 header-row dates held for want of a
  witness, none was wrong, nor 5 on the holdouts as aggregates; 9 more invoices straight
  through, none on the holdouts.)

Where the guess has no witness, the terms may still name both dates: two other printed dates
exactly the terms apart (``issue_by_terms``) are the date of issue and the due date, and the
guess was another date (the due date printed first in a header row, a delivery date). Only
one such pair may stand: two dates of issue the terms would explain leave the guess as it was.

The witnesses answer which date a value is, never whether its characters were read right: a
date held for its reading (a year far from the page's other dates, a digit split off, a day
and month order nothing proves, two OCR engines disagreeing) or a cover letter's date stays
held (one pair of other printed dates the terms apart may still replace it), and a date of
issue derived from the due date less the terms is no witness of itself.
(Measured on the 28 development and holdout sets of kv-2.42, 1,300 invoices: dates of issue
at or above their routing threshold 1,205 -> 1,242 read with all labels, 1,042 -> 1,117 with
English labels only, and no new wrong one. ``sole_date`` stays a witness for unlabelled
guesses only: a label's date alone on its page keeps its label's score.)
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Iterable, Optional

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.parsing import DAY_MONTH_ONLY
from invoicepipe.domain.extraction.search import Candidate, Context, priced_line
from invoicepipe.domain.models import DERIVED_ISSUE_METHOD, ExtractedField

_FOUR_DIGITS = re.compile(r"\d{4}")
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d]|[.,]\d)")
_YEAR_WORD = re.compile(r"\(?(?:19|20)\d\d(?:\.|,|\)|r\.?)?")
# a date followed by this opens a period ("vom 06.12.2013 bis zum 06.12.2014", "01/01/26 -
# 31/01/26"): a service month is often the terms long, and its ends are no issue and due date
PERIOD_END = re.compile(r"(?i)^\s*(?:bis(?:\s+zum)?|to|until|au|till|–|-)\s*\d")
# the guesses no label named
UNLABELLED = frozenset({"first_date", "header_row", "dateline"})
# a dateline's score: the date of issue named by its place in the page, not by a label
CONFIRMED_SCORE = 0.6
# how far before the date of issue the dates it bills are printed: a quarter's service period
_EARLIER_REACH = timedelta(days=92)
# doubts that say a label named the date as something else, or that the page's own date went
# unread: the only date printed is then no witness (a delivery date alone under its caption)
_NAMED_OTHERWISE = frozenset({"contested", "qualified", "stronger_label_unread"})
# doubts about a date's reading, or about its page, that no witness of which date it is settles
_READING_DOUBTS = frozenset({"year_apart", "digit_before", "order_guessed", "engines_disagreed", "dated_elsewhere"})


def due_by_terms(ctx: Context, issued: date, terms: Iterable[int], due: Optional[str]) -> Optional[Candidate]:
    """The due date the terms put after ``issued``, when the page prints it (and, where a due
    date was read, it is that one); None otherwise."""
    wanted = {issued + timedelta(days=t) for t in terms if t and t > 0}
    if not wanted or (due is not None and date.fromisoformat(due) not in wanted):
        return None
    for line in ctx.layout.lines:
        for d in dates_in(line.text, 0, ctx.date_order):
            if d.value in wanted:
                return Candidate("due_date", d.value.isoformat(), CONFIRMED_SCORE, "terms_gap", line.words_in(d.start, d.end),
                                 d.value, notes=["terms_gap"])
    return None


def issue_by_terms(ctx: Context, guess: date, terms: Iterable[int],
                   due: Optional[str]) -> Optional[tuple[Candidate, Candidate]]:
    """The date of issue and the due date a pair of printed dates the terms apart names, where
    the pair is the only one and the guess is not its date of issue (``due_by_terms`` confirms
    that case); where a due date was read, the pair must end on it. None otherwise."""
    gaps = {timedelta(days=t) for t in terms if t and t > 0}
    if not gaps:
        return None
    printed: dict[date, tuple] = {}  # each date printed, and where first
    for line in ctx.layout.lines:
        for d in dates_in(line.text, 0, ctx.date_order):
            if not PERIOD_END.match(line.text[d.end:]):
                printed.setdefault(d.value, (line, d))
    # the guess is another date of the same dealings (a due date printed first, a delivery a
    # few weeks before): a pair far from it is two other things' dates that happen to lie the
    # terms apart (best-before dates under the items, "MHD 23.06.2028")
    pairs = [(issued, issued + gap) for issued in printed for gap in gaps
             if issued + gap in printed and (due is None or (issued + gap).isoformat() == due)
             and abs(issued - guess) <= gap + _EARLIER_REACH]
    if len(pairs) != 1 or pairs[0][0] == guess:
        return None

    def candidate(field: str, day: date) -> Candidate:
        line, d = printed[day]
        return Candidate(field, day.isoformat(), CONFIRMED_SCORE, "terms_gap", line.words_in(d.start, d.end), day,
                         notes=["terms_gap"])

    issued, due_on = pairs[0]
    return candidate("invoice_date", issued), candidate("due_date", due_on)


def confirmable(method: str, notes: Iterable[str]) -> bool:
    """A held date the witnesses may confirm: not one derived from the terms, nor one held
    for its reading (the pair of ``issue_by_terms`` may still replace it)."""
    return method != DERIVED_ISSUE_METHOD and not _READING_DOUBTS.intersection(notes)


def sole_witness(method: str, notes: Iterable[str]) -> bool:
    """``sole_date`` may confirm only a guess no label named, with no label naming it otherwise
    (a label's date alone on its page keeps its label's score: "Fecha" beside "Fecha de
    entrega" of the same day may head either)."""
    return method in UNLABELLED and not _NAMED_OTHERWISE.intersection(notes) and confirmable(method, notes)


def dated_row(issued: ExtractedField, number: Optional[ExtractedField]) -> bool:
    """The guess is the date beside the invoice's own number in a row of boxes: the row's
    identifier opens its digits with this date's year (``header_row.dated_in_row``), so the
    row is the invoice's number and its date, as a label "Date" beside "Invoice No." would
    say. A due or delivery date is printed in a cell of its own after them."""
    return (issued.method == "header_row" and number is not None and number.method == "header_row"
            and "dated_in_row" in number.evidence and not _NAMED_OTHERWISE.intersection(issued.evidence))


def sole_date(ctx: Context, issued: date) -> bool:
    """``issued`` is the only date printed anywhere in the document, no label names a due date
    and no day and month stand without their year: where one does, the only whole date may be
    the due date, the date of issue lost to a line break ("2 maggio" over "2026" in a narrow
    cell) or unprinted."""
    found = _every_date_read(ctx, issued)
    return found is not None and all(d == issued for d in found)


def latest_date(ctx: Context, issued: date, terms: Iterable[int]) -> bool:
    """``issued`` (the guess: the first date printed, or a header row's) is later than every
    other date of the document, each within ``_EARLIER_REACH`` and none the terms before it:
    the delivery, order or service dates the invoice bills ("23.01.2026 | 16.01.2026", "Data sprzedaży 08.02.2026" under
    "17.02.2026"). A date of issue is not before what it bills; the one other date later than
    the date of issue is the due date, the terms after it. So the first date, latest of all,
    is the due date printed first (a utility bill's "pay by" box) only where the date of issue
    is the terms before it, and with the terms known (the vendor's or the printed ones) and no
    date so, it is the date of issue. Without terms nothing tells the two apart. The same
    guards as ``sole_date`` hold (a date unread, a due caption); a date months before is a
    misreading's or another document's, no witness."""
    gaps = {timedelta(days=t) for t in terms if t and t > 0}
    if not gaps:
        return False  # the terms alone tell a due date printed first from a date of issue
    found = _every_date_read(ctx, issued)
    others = {d for d in found or () if d != issued}
    return bool(others) and all(issued - _EARLIER_REACH <= d < issued and issued - d not in gaps for d in others)


def _every_date_read(ctx: Context, issued: date) -> Optional[list[date]]:
    """Every whole date the document prints, or None where a date may have gone unread or a
    label names a due date (``sole_date``)."""
    if any(h.field == "due_date" and h.strength >= 0.5 for hs in ctx.hits.values() for h in hs):
        return None
    if any(DAY_MONTH_ONLY.search(line.text) for line in ctx.layout.lines):
        return None  # another date whose year a line break took: the whole one is not the only one
    found = [(line, d) for line in ctx.layout.lines for d in dates_in(line.text, 0, ctx.date_order)]
    short = [line for line, d in found if not _FOUR_DIGITS.search(line.text, d.start, d.end)]
    if short and any(_YEAR.search(line.text) for line in ctx.layout.lines):
        # a year of two digits on a page that prints years of four: read across a cell, perhaps
        # ("gegužės 30 | birželio 29 d." read as 30 June 2029), and the page's dates unread
        return None
    if any(_YEAR_WORD.fullmatch(w.text) and _near_year(w.text, issued)
           and not any(d.start <= sp[0] < d.end for _, d in found if _ is line) and not priced_line(ctx, line)
           for line in ctx.layout.lines for w, sp in zip(line.words, line.spans)):
        # a year standing as a word of its own outside every date read ("2026 m." over "gegužės
        # 30" in a narrow cell, "4/III/2026"'s year apart): a date is printed that no pattern read.
        # Only a year next to the date's: a lost date of the invoice's is of its year or the one
        # beside it, and "2043" of a telephone number, "1945" of a founding are no dates
        return None
    return [d.value for _, d in found]


def _near_year(word: str, issued: date) -> bool:
    return abs(int(re.search(r"\d{4}", word).group(0)) - issued.year) <= 1
