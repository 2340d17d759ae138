"""Values in a header row of boxes whose labels could not be read.

Many layouts print the invoice number, dates and references as a row of small labels over
a row of values. On a fax-quality scan the small labels are often lost while the bold
values survive: "GX-2026-0391  2026-01-24  2026-02-14  41423". Such a row in the upper
half of the first page, with an identifier (letters, or digits with a separator) before a
date, gives weak candidates: the identifier for the invoice number, the first date for the
invoice date and a later second date for the due date. Their low scores let any labelled
value win and keep the router from trusting them alone.

One fact says the identifier is the invoice's own number without any caption: it opens a
run of digits with the year of the date printed beside it in the row ("RE2026-00254  4.
Februar 2026", "202600161  20-01-2026", "593/2026  2026-03-06"), or sets the year's last
two digits apart at one end of its runs of digits ("193/26", "FV26-00429"). A customer
number, a purchase order or a delivery note is numbered by another party's scheme, or by none
that dates it; the invoice's numbering restarts each year and says so. Such a number is lifted
to ``DATED_NUMBER_SCORE`` (note ``dated_in_row``), where nothing else doubts it. (Measured
on the 25 development sets with the labels of all languages but English removed: of 74
header-row numbers that carry their row's year, none was wrong; of 24 that do not, 9; the
three holdouts, as aggregates: 8 and 0, 17 and 0. With kv-2.46, the two-digit year: of the
36 header-row numbers without their row's four-digit year, 18 set its two digits apart and
none was wrong; on the holdouts, none of 18 did.)
"""

from __future__ import annotations

import re

from invoicepipe.domain.extraction.candidates import dates_in, identifier_in
from invoicepipe.domain.extraction.labels import cells_apart
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import Candidate, Context, scored_candidate

HEADER_FIELDS = ("invoice_number", "invoice_date", "due_date")
# one short word may join the number and its date in a title ("del", "vom", "du", "of")
_JOINING_WORD = re.compile(r"[^\W\d_]{1,3}")
SCORES = {"invoice_number": 0.45, "invoice_date": 0.4, "due_date": 0.35}
# a header row's number dated by its row: the score a label's value a line away would have
DATED_NUMBER_SCORE = 0.6


def header_row_candidates(ctx: Context) -> dict[str, list[Candidate]]:
    """Weak candidates from the first unlabelled value row of the first page (or none)."""
    first = min(ctx.layout.by_page, default=None)
    if first is None:
        return {}
    _, height = ctx.layout.page_sizes.get(first, (595.0, 842.0))
    for line in ctx.layout.by_page[first]:
        if line.box.top > 0.5 * height:
            break
        if any(h.field in HEADER_FIELDS for h in ctx.hits[id(line)]):
            continue
        dates = dates_in(line.text, 0, ctx.date_order)
        found = identifier_in(line.text[: dates[0].start], 0) if dates else None
        if not found or not (re.search(r"[A-Za-z]", found[0]) or re.search(r"\d[-/.]\d", found[0])
                             or _dated_digits(found[0], dates[0].value.year)):
            continue
        value, s, e = _own_cell(line, *found)
        between = line.text[e:dates[0].start].split()
        if not value or len(between) > 1 or between and not _JOINING_WORD.fullmatch(between[0]):
            # words between the identifier and the date: a sentence or an item's note ("Charge
            # L2601-988 · MHD 25.02.2028"), not a row of boxes, whose cells hold one value each
            # (a title's "N. 193/26 DEL 08/01/26" joins the two with one short word)
            continue
        out = {"invoice_number": [scored_candidate("invoice_number", value, value, SCORES["invoice_number"], "header_row",
                                                   line.words_in(s, e), line)],
               "invoice_date": [scored_candidate("invoice_date", dates[0].value.isoformat(), dates[0].value, SCORES["invoice_date"],
                                                 "header_row", line.words_in(dates[0].start, dates[0].end), line)]}
        if len(dates) > 1 and dates[1].value > dates[0].value:
            out["due_date"] = [scored_candidate("due_date", dates[1].value.isoformat(), dates[1].value, SCORES["due_date"],
                                                "header_row", line.words_in(dates[1].start, dates[1].end), line)]
        return out
    return {}


def _dated_digits(value: str, year: int) -> bool:
    """Digits alone make no header row (a customer's or a postcode's), unless they open with
    the year of the date beside them and run on past it ("202600161  20-01-2026"): the
    invoice's own numbering (see the module)."""
    return len(value) >= 6 and value.isdigit() and value.startswith(str(year))


def _own_cell(line: Line, value: str, start: int, end: int) -> tuple[str, int, int]:
    """The identifier's part in the last cell it reaches. A row of boxes prints each value in
    its own cell: the customer's name ending in its legal form ("Meridian France SAS") a
    cell left of the number ("F2026-00584") is read as a code before it ("FPR 460/26"), but
    a code is a word space from its number, not a cell. Cut at the last gap between the
    value's words wider than a cell gap (``labels.cells_apart``)."""
    words = [(w, s) for w, (s, e) in zip(line.words, line.spans) if s < end and e > start]
    cut = next((s for (a, _), (b, s) in reversed(list(zip(words, words[1:]))) if cells_apart(a, b)), None)
    if cut is None or cut <= start:
        return value, start, end
    return line.text[cut:end].strip(), cut, end


def dated_in_row(ctx: Context, cand: Candidate) -> bool:
    """The header row's number opens a run of digits with the year of the first date in its
    row ("RE2026-00254" beside "4. Februar 2026"; not "4512026", whose run "2026" only ends),
    or prints the year's last two digits as the first or last of two or more runs of digits
    ("193/26", "FV26-00429" beside "08/01/2026"; not "K-26", nor "4426-118")."""
    if cand.method != "header_row" or cand.anchor is None:
        return False
    dates = dates_in(cand.anchor.text, 0, ctx.date_order)
    return bool(dates) and _carries_year(cand.value, dates[0].value.year)


def dated_under_number_word(ctx: Context, cand: Candidate) -> bool:
    """A number read under a bare number word ("Numer") of a row of captions that also
    captions the date of issue ("Numer | Data wystawienia | Nr zamówienia") carries the year
    of the first date printed in the values under that row, as a header row's number does
    (``dated_in_row``): the bare word is the row's caption of the invoice's own numbering.
    The values' lines run from the caption's line to the one after the number's (a row of
    boxes may set the date a line lower than the number)."""
    label = cand.label
    if cand.method != "label_below" or label is None or label.field != "number_word" or not cand.words:
        return False
    if not any(h.field == "invoice_date" and h.strength >= 0.5 for h in ctx.hits[id(label.line)]):
        return False
    value_line = ctx.layout.line_of(cand.words[0])
    if value_line is None or value_line.page != label.line.page:
        return False
    for line in ctx.layout.by_page[label.line.page][label.line.index + 1:value_line.index + 2]:
        dates = dates_in(line.text, 0, ctx.date_order)
        if dates:
            return _carries_year(cand.value, dates[0].value.year)
    return False


def _carries_year(value: str, year: int) -> bool:
    """``value`` opens a run of digits with ``year``, or prints its last two digits as the
    first or last of two or more runs of digits."""
    if re.search(rf"(?<!\d){year}", value) is not None:
        return True
    runs = re.findall(r"\d+", value)
    # a run of two digits alone is the year only where the scheme sets it apart at either end:
    # a sequence ("00429") is the other run, and a two-digit run inside ("A-12-26-3") is a part
    return len(runs) >= 2 and f"{year % 100:02d}" in (runs[0], runs[-1])
