"""Captions printed after their values: a header whose dates show which way it reads.

Most headers put the value right of its label or under it. Some print it first: a column
of values with the caption right of each ("POS000590  Invoice No." / "12 January 2026  Date
of Issue"), or a grid of underlined values with a small caption under each ("POS000590" over
"Invoice No."). Read the usual way, such a header gives nothing (nothing right of "Invoice
No."), or the next caption's value (the one under "Invoice No." is the next row's).

The geometry of one pair cannot say which way a header reads; its dates can, since a date
parses as nothing else. A date label (of the date of issue, a due or another date) with a
date immediately before it on its line, or right over it in its column and none under it,
and none right of it, is a witness that captions follow their values. One date label read
the usual way anywhere in the document (a date right of it, or under it and none over it)
and the document is read the usual way: the two conventions are not mixed, and a document
that may mix them keeps the usual reading and its holds (``search.value_over_label``,
``search.value_left_of_label``). A label with a date both over and under it (a stack of
labels over their values, or of values over their captions) says neither.

On a witnessed page, a label of the witness's block (on its line, or in its column of
captions nearby) is read the other way: the value is the cell right before the label on its
line, or the value right over it. Such a reading replaces the usual one of the same label. A
label followed by a colon ("Invoice No.:") introduces what follows, and is never read back.

A value too long for its narrow cell wraps ("RE2026-" over "00852" over "Rechnung Nr."): its
caption then stands a line lower than its neighbours', and is still of the witness's row of
captions. The wrapped first part is joined where it says how: it ends in a separator, or it
is a series code broken off at its space ("FT" over "A2026/406"). Another lone part of
capitals and digits over the value may be its first part too, so nothing is read there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.labels import LabelHit
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.number_prefix import series_code
from invoicepipe.domain.extraction.search import (
    Candidate, Context, Parser, date_quality, parse_date_value, parse_identifier, scored_candidate,
)

# the field of a witness: any label of a date
_DATE_FIELDS = ("invoice_date", "due_date", "other_date")
# a value before its caption stands this close to it (in character widths): a table cell's
# padding, not a gap between two blocks
_BEFORE_GAP = 4.0
# the words of one cell stand at most this far apart
_WORD_GAP = 1.5
# a caption of the witness's block lies within this many line heights of a witness
_BLOCK_LINES = 8.0
# a caption of the witness's row of captions lies within this many line heights of the
# witness's line, whatever its column: a value wrapped in its narrow cell ("RE2026-" over
# "00852") pushes its caption a line lower than its neighbours'
_ROW_LINES = 2.0
# the separators a value wrapped in a narrow cell breaks after ("RE2026-" / "00852")
_WRAP_AFTER = "-/._"
# a value read the other way on a witnessed page: its label's column or line agrees with a
# date that can be read no other way
PLACEMENT = 0.95
# a date joined across the two lines of its cell: one step more that could join another cell's words
WRAPPED_DATE_QUALITY = 0.94
# lines a date may wrap over in its cell, its last piece over the caption
_DATE_CELL_LINES = 3


@dataclass(frozen=True)
class Witness:
    hit: LabelHit
    way: str  # "before" (the value left of its caption) or "over" (the value over it)


@dataclass(frozen=True)
class ValueFirst:
    """The witnesses of a page whose captions follow their values (empty: the usual way)."""

    witnesses: tuple[Witness, ...]

    def candidates(self, ctx: Context, name: str, parser: Parser, labels: Optional[str] = None,
                   scale: float = 1.0) -> tuple[list[Candidate], set[int]]:
        """Candidates of ``name`` read the other way from its labels (or ``labels``' family, at
        ``scale``, as ``search.label_candidates`` takes them) in a witnessed block, and the ids
        of the labels so read (their usual readings are to be dropped)."""
        out: list[Candidate] = []
        taken: set[int] = set()
        if not self.witnesses:
            return out, taken
        for hit in ctx.hits_for(labels or name):
            if hit.across or _colon_after(hit):
                continue
            for way in ("before", "over"):
                if not self._in_block(ctx, hit, way):
                    continue
                # the usual reading of a caption of the block is the next caption's value, or
                # a wrapped neighbour's tail ("Numero fattura 2026": the year of the date
                # over the next caption): it is dropped, read back or not
                taken.add(id(hit))
                found = (_cell_before(ctx, hit, parser) if way == "before" else _value_over(ctx, hit, parser))
                if found is None:
                    break
                (value, raw, s, e, quality), line = found
                method = "label_after" if way == "before" else "label_above"
                out.append(scored_candidate(name, value, raw, hit.strength * scale * PLACEMENT * quality, method,
                                            line.words_in(s, e), hit.line, hit, ["value_first"]))
                break
        return out, taken

    def _in_block(self, ctx: Context, hit: LabelHit, way: str) -> bool:
        """``hit`` is a caption of a witness's block: on a witness's line, or left-aligned with
        a caption on a witness's line (a column of captions, or a grid's column), close to it."""
        cw = ctx.layout.char_width
        x0 = _x0(hit)
        if x0 is None:
            return False
        for w in self.witnesses:
            if w.way != way or w.hit.line.page != hit.line.page:
                continue
            if w.hit.line is hit.line:
                return True
            if abs(w.hit.line.box.top - hit.line.box.top) > _BLOCK_LINES * hit.line.height:
                continue
            if way == "over" and abs(w.hit.line.box.top - hit.line.box.top) <= _ROW_LINES * hit.line.height:
                return True  # the same row of captions, one pushed down by its wrapped value
            columns = [_x0(h) for h in ctx.hits[id(w.hit.line)] if h.strength >= 0.5]
            if any(c is not None and abs(c - x0) <= _WORD_GAP * cw for c in columns):
                return True
        return False


def value_first(ctx: Context) -> ValueFirst:
    """The page's witnesses that captions follow their values; none where any date label is
    read the usual way."""
    witnesses: list[Witness] = []
    for name in _DATE_FIELDS:
        for hit in ctx.hits_for(name):
            if hit.strength < 0.5 or hit.across:
                continue
            over = _value_over(ctx, hit, parse_date_value) is not None
            under = _value_under(ctx, hit, parse_date_value) is not None
            if _date_after(ctx, hit) or under and not over:
                return ValueFirst(())  # read the usual way: no mixing
            if _colon_after(hit):
                continue
            if _cell_before(ctx, hit, parse_date_value) is not None:
                witnesses.append(Witness(hit, "before"))
            elif over and not under:
                witnesses.append(Witness(hit, "over"))
    return ValueFirst(tuple(witnesses))


def _x0(hit: LabelHit) -> Optional[float]:
    words = hit.line.words_in(hit.start, hit.end)
    return words[0].box.x0 if words else None


def _colon_after(hit: LabelHit) -> bool:
    text = hit.line.text
    return text[hit.start:hit.end].rstrip().endswith(":") or text[hit.end:hit.end + 2].lstrip().startswith(":")


def _next_label_start(ctx: Context, hit: LabelHit) -> int:
    later = [h.start for h in ctx.hits[id(hit.line)] if h.start >= hit.end]
    return min(later) if later else len(hit.line.text)


def _date_after(ctx: Context, hit: LabelHit) -> bool:
    """A date right of the label on its line, up to the next label: read the usual way."""
    return parse_date_value(ctx, hit.line, hit.end, _next_label_start(ctx, hit)) is not None


def _cell_before(ctx: Context, hit: LabelHit, parser: Parser):
    """((value, raw, start, end, quality), line) of the cell right before the label on its
    line: words at most a word gap apart, the last of them a cell's padding from the label,
    holding no label; the whole cell must parse as the value."""
    line, cw = hit.line, ctx.layout.char_width
    k = next((i for i, (s, e) in enumerate(line.spans) if e > hit.start), None)
    if not k:
        return None
    if line.words[k].box.x0 - line.words[k - 1].box.x1 > _BEFORE_GAP * cw:
        return None
    first = k - 1
    while first > 0 and line.words[first].box.x0 - line.words[first - 1].box.x1 <= _WORD_GAP * cw:
        first -= 1
    start, end = line.spans[first][0], line.spans[k - 1][1]
    if any(h.strength >= 0.5 and h.start < end and h.end > start for h in ctx.hits[id(line)]):
        return None
    found = _whole_cell(ctx, line, start, end, parser)
    return (found, line) if found else None


def _whole_cell(ctx: Context, line: Line, start: int, end: int, parser: Parser):
    """The value the cell ``[start, end)`` of ``line`` opens with, or None when a word before
    it is unexplained. A series code of capitals before an identifier is its first part
    ("KNM 000781", as ``number_prefix.code_opens_cell`` joins it): the cell is the field."""
    found = parser(ctx, line, start, end)
    if found is None:
        return None
    value, raw, s, e, quality = found
    tail = line.text[e:end]
    if any(ch.isdigit() for ch in tail) or parser is parse_identifier and any(ch.isalnum() for ch in tail):
        return None  # more of the cell after the value: a number split by a space ("PW-005 76")
    head = line.text[start:s].strip()
    if not head:
        return found
    if parser is parse_identifier and series_code(head):
        joined = f"{head} {value}"
        return joined, joined, start, e, quality
    return None  # the cell is more than the value: a word before it is not explained


def read_back(ctx: Context, hit: LabelHit, parser: Parser):
    """(value tuple, line, way) of a caption read the other way, its value before it on its
    line ("512  Arve nr.") or over it and none under it ("KNM 000350" over "Sąskaitos
    numeris"), or None. For a caption no list holds (``unknown_caption``): a caption followed
    by a colon introduces what follows, and is never read back."""
    if hit.across or _colon_after(hit):
        return None
    found = _cell_before(ctx, hit, parser)
    if found is not None:
        return (*found, "before")
    if _value_under(ctx, hit, parser) is None:
        found = _value_over(ctx, hit, parser)
        if found is not None:
            return (*found, "over")
    return None


def _value_over(ctx: Context, hit: LabelHit, parser: Parser):
    """((value, raw, start, end, quality), line) of a value right over the label (see ``_cell_at``)."""
    return _cell_at(ctx, hit, parser, up=True)


def _value_under(ctx: Context, hit: LabelHit, parser: Parser):
    """((value, raw, start, end, quality), line) of a value right under the label (see ``_cell_at``)."""
    return _cell_at(ctx, hit, parser, up=False)


def _cell_at(ctx: Context, hit: LabelHit, parser: Parser, up: bool):
    """The value of the cell of the next line over (``up``) or under the label that starts in
    the label's column (left-aligned with it, within a word gap), its words at most a word gap
    apart, close to the label's line and holding no label."""
    words = hit.line.words_in(hit.start, hit.end)
    if not words:
        return None
    box, cw, line = union_box(words), ctx.layout.char_width, hit.line
    if up:
        found = ctx.layout.lines_above(line, box.x0 - _WORD_GAP * cw, box.x1, max_lines=1)
    else:
        found = ctx.layout.below(line, box.x0 - _WORD_GAP * cw, box.x1, max_lines=1)
    if not found:
        return None
    other = found[0][0]
    gap = line.box.top - other.box.bottom if up else other.box.top - line.box.bottom
    if gap > 1.5 * line.height:
        return None
    first = next((i for i, w in enumerate(other.words) if abs(w.box.x0 - box.x0) <= _WORD_GAP * cw), None)
    span = None if first is None else _cell_span(ctx, other, first, cw)
    if span is None:
        return None
    s, e = span
    value = _whole_cell(ctx, other, s, e, parser)
    if value is None and up and parser is parse_date_value:
        value = _wrapped_date(ctx, other, first, s, e)
    if value and up and parser is parse_identifier:
        head = _wrapped_head(ctx, other, other.words[first])
        if head == _UNJOINABLE:
            return None  # the cell wraps, and its first part is no value's: a person reads it
        if head:
            joined = head + value[0] if head[-1] in _WRAP_AFTER else f"{head} {value[0]}"
            value = (joined, joined, *value[2:])
    return (value, other) if value else None


def _wrapped_date(ctx: Context, line: Line, first: int, start: int, end: int):
    """A date its narrow cell wraps ("18. April" over "2026" over "Rechnungsdatum", "2026 m." over
    "gegužės 30" over "d."): the cell ``[start, end)`` of ``line`` ends a date begun by the
    cells left-aligned with it on the lines close over it (at most ``_DATE_CELL_LINES`` in all).
    (value, raw, start, end, quality) on ``line``, or None. The mirror of ``stacked_date`` for
    captions under their values; the join weighs as one more step."""
    cw = ctx.layout.char_width
    x0 = line.words[first].box.x0
    text, below = line.text[start:end], line
    for _ in range(_DATE_CELL_LINES - 1):
        head = _cell_over(ctx, below, x0, cw)
        if head is None:
            return None
        below, piece = head
        text = f"{piece} {text}"
        found = dates_in(text, 0, ctx.date_order)[:1]
        if found and found[0].start == 0 and found[0].end == len(text):
            d = found[0]
            return d.value.isoformat(), d.value, start, end, date_quality(ctx, d.ambiguous) * WRAPPED_DATE_QUALITY
    return None


def _cell_over(ctx: Context, line: Line, x0: float, cw: float) -> Optional[tuple[Line, str]]:
    """(its line, its text) of the cell starting at ``x0`` on the line close over ``line``,
    holding no label; None where no cell of its own starts there."""
    above = ctx.layout.lines_above(line, x0 - _WORD_GAP * cw, x0 + cw, max_lines=1)
    if not above:
        return None
    prev = above[0][0]
    if line.box.top - prev.box.bottom > 1.5 * line.height:
        return None
    k = next((i for i, w in enumerate(prev.words) if abs(w.box.x0 - x0) <= _WORD_GAP * cw), None)
    if k is None or k > 0 and prev.words[k].box.x0 - prev.words[k - 1].box.x1 <= _WORD_GAP * cw:
        return None  # the line above runs on through the column
    span = _cell_span(ctx, prev, k, cw)
    return None if span is None else (prev, prev.text[span[0]:span[1]])


def _cell_span(ctx: Context, line: Line, first: int, cw: float) -> Optional[tuple[int, int]]:
    """(start, end) in ``line``'s text of the cell opening at word ``first``: the words after
    it at most a word gap apart; None when a label stands in it."""
    last = first
    while last + 1 < len(line.words) and line.words[last + 1].box.x0 - line.words[last].box.x1 <= _WORD_GAP * cw:
        last += 1
    s, e = line.spans[first][0], line.spans[last][1]
    if any(h.strength >= 0.5 and h.start < e and h.end > s for h in ctx.hits[id(line)]):
        return None
    return s, e


# a value's first part wrapped in its cell: capitals and digits, perhaps with separators
_HEAD = re.compile(r"[A-Z0-9][A-Z0-9\-/._]{0,15}")
_UNJOINABLE = "unjoinable"


def _wrapped_head(ctx: Context, line: Line, first) -> Optional[str]:
    """The head a narrow cell wrapped onto the line over its value's word ``first``: one word,
    left-aligned with it, close over it, of capitals and digits, ending in a separator
    ("RE2026-" over "00852" is "RE2026-00852", "A-" over "2026/00067") or a series code
    broken off at its space ("FT" over "A2026/406"); ``_UNJOINABLE`` for another such word of
    capitals and digits, which may be the value's part too; None where there is none (a
    word, a label)."""
    cw = ctx.layout.char_width
    above = ctx.layout.lines_above(line, first.box.x0 - _WORD_GAP * cw, first.box.x1, max_lines=1)
    if not above:
        return None
    prev = above[0][0]
    if line.box.top - prev.box.bottom > 1.5 * line.height:
        return None
    k = next((i for i, w in enumerate(prev.words) if abs(w.box.x0 - first.box.x0) <= _WORD_GAP * cw), None)
    if k is None:
        return None
    head = prev.words[k].text
    lone = (k == 0 or prev.words[k].box.x0 - prev.words[k - 1].box.x1 > _WORD_GAP * cw) and \
        (k + 1 == len(prev.words) or prev.words[k + 1].box.x0 - prev.words[k].box.x1 > _WORD_GAP * cw)
    labelled = any(h.strength >= 0.5 and h.start < prev.spans[k][1] and h.end > prev.spans[k][0] for h in ctx.hits[id(prev)])
    if not lone or labelled or not _HEAD.fullmatch(head):
        return None
    if head[-1] in _WRAP_AFTER or series_code(head):
        return head
    return _UNJOINABLE
