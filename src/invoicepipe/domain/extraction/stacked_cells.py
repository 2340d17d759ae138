"""A caption and its value stacked in one box of a row of boxes, read down the box's column.

A row of narrow boxes wraps each caption and value over as many lines as it needs
("Številka" over "računa" over "2026-" over "00235") and sets each box's lines at its own
heights. The page's lines then interleave the boxes' parts: between a caption's two lines
stands a line of the next box's caption ("Datum računa  Datum dobave  Št. naročilnice"), and
between a number's two parts a line of the next box's order number. Read line by line, the
caption's first line names nothing, its second line is a word alone, and the number's first
part ends at its dash: no label has a value.

Read down the box's own column instead (the words that start at the box's left edge, each
with the words a word space after it), the box is again a caption over a value: the parts
with no digit are its caption, joined into one text, and the parts after them its value, the
next part joined where one ends at its separator ("2026-" + "00235", "A-" + "2026/00792").
A caption that names the invoice's number as a whole names the value. A caption that names
the date of issue as a whole, wrapped ("Sąskaitos išrašymo" over "data", the next box's date
on the line of "data"), names the date under it; a date is never joined from parts.

Only a caption or a value that wraps is read so (one line of each is the line-by-line
reading's), only where the box's top has nothing of its column right over it and shares its
line with another box (a title alone on its line over a table's "No." column is no box), no
caption line is the items' column names, and the value holds three letters or digits at
least. The value is scored as a value right under its label (``search``'s placement under
a label).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional

from invoicepipe.domain.extraction.labels import LabelHit, cells_apart, fold_accents, labels_in_text
from invoicepipe.domain.extraction.number_prefix import NUMBER_OPENING, continued_number
from invoicepipe.domain.extraction.search import Candidate, Context, scored_candidate
from invoicepipe.domain.extraction.table_columns import find_header

# the placement of a value right under its label (``search``)
_UNDER_LABEL = 0.8
# parts of a box read down its column at most
_MAX_PARTS = 6
# a box's next part starts within this many of its letter heights under the one before (a
# box's padding between its caption and its value is wider than its line spacing, below)
_PART_GAP = 1.6
# and its value within this many under its caption
_VALUE_GAP = 2.5
# a box's caption wraps over this many lines at most
_MAX_CAPTION = 3
# a document's number has at least this many letters and digits
_MIN_CHARS = 3
# the least strength of a caption that names the number
_MIN_STRENGTH = 0.5


def stacked_cell_values(ctx: Context, field: str, parser: Callable) -> list[Candidate]:
    """``field``'s value of each box read down its column: the invoice number's where its
    caption or value wraps, a date's ("Sąskaitos išrašymo" / "data" over "2026-02-22") where
    its caption wraps (a date is not joined from parts)."""
    out = []
    cells: dict = {}  # each line's cells, found once: (first, last) word indices by first
    for line in ctx.layout.lines:
        starts = _cells(cells, line)
        if len(starts) < 2:
            continue  # one cell alone on its line: no row of boxes (``_in_a_row``)
        for k in starts:
            word = line.words[k]
            if _has_digit(word.text):
                continue
            found = _read_box(ctx, cells, line, k, parser, field)
            if found is not None and not _part_over(ctx, line, word):
                out.append(found)
    return out


def _cells(cells: dict, line) -> dict:
    """{first word index: last word index} of ``line``'s cells (words a word space apart),
    kept in ``cells`` by the line."""
    found = cells.get(id(line))
    if found is None:
        found, words = {}, line.words
        first = 0
        for k in range(1, len(words) + 1):
            if k == len(words) or cells_apart(words[k - 1], words[k]):
                found[first] = k - 1
                first = k
        cells[id(line)] = found
    return found


def with_stacked_cells(cands: list[Candidate], stacked: list[Candidate]) -> list[Candidate]:
    """``cands`` with the boxes' readings: a reading of the same words as another candidate
    with the same value is one sighting, not two (``search.best_candidate`` counts sightings),
    so only the higher-scored of the two stays."""
    out = list(cands)
    for c in stacked:
        own = {id(w) for w in c.words}
        same = [o for o in out if o.value == c.value and own & {id(w) for w in o.words}]
        if any(o.score >= c.score for o in same):
            continue
        out = [o for o in out if o not in same] + [c]
    return out


def _cell_words(cells: dict, line, k: int) -> tuple:
    """The words of the cell that opens at word ``k``: it and those a word space after it."""
    return tuple(line.words[k:_cells(cells, line)[k] + 1])


def _height(word) -> float:
    return max(1.0, word.box.bottom - word.box.top)


def _part_over(ctx: Context, line, word) -> bool:
    """A word of the line right over ``word`` starts at its left edge, as close as a box's
    parts: ``word`` is no box's top."""
    cw = ctx.layout.char_width
    for above, _, _ in ctx.layout.lines_above(line, word.box.x0 - cw, word.box.x0 + cw, max_lines=1):
        if word.box.top - above.box.bottom <= _PART_GAP * _height(word) and any(
                abs(w.box.x0 - word.box.x0) <= cw for w in above.words):
            return True
    return False


def _parts(ctx: Context, cells: dict, line, k: int):
    """(line, words) of the box opening at word ``k`` of ``line``, read down its column, one
    by one (the caller stops as soon as the box cannot be one this module reads). The lines
    are those ``Layout.below`` gives for the column at the box's left edge."""
    first = line.words[k]
    cw, x0 = ctx.layout.char_width, first.box.x0
    prev = (line, _cell_words(cells, line, k))
    yield prev
    page_lines = ctx.layout.by_page[line.page]
    last_bottom, found = line.box.bottom, 1
    for below in page_lines[line.index + 1:]:
        if below.box.top - last_bottom > 3 * line.height or found >= _MAX_PARTS:
            return
        if not any(w.box.x1 > x0 - cw and w.box.x0 < x0 + cw for w in below.words):
            continue  # another box's line set between: nothing in this column
        start = next((i for i, w in enumerate(below.words) if abs(w.box.x0 - x0) <= cw), None)
        last = prev[1][0]
        if start is None or start not in _cells(cells, below):
            return  # a word of another cell reaches over the edge: the column ends
        words = _cell_words(cells, below, start)
        gap = _VALUE_GAP if _is_caption(prev[1]) and not _is_caption(words) else _PART_GAP
        if below.box.top - last.box.bottom > gap * _height(last):
            return
        prev = (below, words)
        last_bottom, found = below.box.bottom, found + 1
        yield prev


@lru_cache(maxsize=8192)
def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _is_caption(words) -> bool:
    """A part of a box's caption: no digit, and not a value's opening ("BPD-", "A-")."""
    return not any(_has_digit(w.text) for w in words) and not (
        len(words) == 1 and NUMBER_OPENING.fullmatch(words[0].text))


def _read_box(ctx: Context, cells: dict, line, k: int, parser: Callable, field: str) -> Optional[Candidate]:
    caption, values = [], []
    joins = field == "invoice_number"  # only a number is joined from a wrapped value's parts
    for part in _parts(ctx, cells, line, k):
        if not values and _is_caption(part[1]):
            caption.append(part)
            if len(caption) > _MAX_CAPTION:
                return None  # lines of words running on: a column of text, no box's caption
            continue
        values.append(part)
        # the value's first part, and its rest only where the first ends at its separator
        if not joins or len(values) == 2 or not (len(part[1]) == 1 and NUMBER_OPENING.fullmatch(part[1][0].text)):
            break
    if not caption or not values or (len(caption) < 2 and not (joins and _wraps(values))):
        return None  # one line of each: the line-by-line reading's
    if not _in_a_row(caption[0][0], caption[0][1]) or any(find_header(ln) is not None for ln, _ in caption):
        # a title alone on its line over a table's "No." column, or the items' column names:
        # no box of a row of boxes
        return None
    text = " ".join(w.text for _, words in caption for w in words)
    first_len = len(" ".join(w.text for w in caption[0][1]))
    hit = _caption_label(fold_accents(text), first_len if len(caption) > 1 else -1, field)
    if hit is None:
        return None
    field, strength, lang = hit
    vline, vwords = values[0]
    if joins and _wraps(values):
        rest = values[1][1]
        if len(rest) != 1 or len(vwords) != 1:
            return None
        value = continued_number(vwords[0].text, rest[0].text.rstrip(".,;"))
        if value is None or sum(ch.isalnum() for ch in value) < _MIN_CHARS:
            return None
        words, raw, quality = (vwords[0], rest[0]), value, 1.0
    else:
        s, e = vline.spans[vline.words.index(vwords[0])][0], vline.spans[vline.words.index(vwords[-1])][1]
        found = parser(ctx, vline, s, e)
        if not found:
            return None
        value, raw, vs, ve, quality = found
        words = vline.words_in(vs, ve)
        if sum(ch.isalnum() for ch in value) < _MIN_CHARS:
            return None  # "10": a row's count, not a document's number
    cap_line, cap_words = caption[0]
    label = LabelHit(field, strength, lang, cap_line, cap_line.spans[cap_line.words.index(cap_words[0])][0],
                     cap_line.spans[cap_line.words.index(cap_words[-1])][1])
    return scored_candidate(field, value, raw, strength * _UNDER_LABEL * quality, "label_below",
                            words, cap_line, label, ["stacked_cell"])


def _in_a_row(line, cell) -> bool:
    """The box's first line holds another box's words a cell apart: a row of boxes."""
    return any(w not in cell for w in line.words)


def _wraps(values: list[tuple]) -> bool:
    """The value's first part ends at its separator and a part follows: the number wrapped."""
    return len(values) > 1 and len(values[0][1]) == 1 and bool(NUMBER_OPENING.fullmatch(values[0][1][-1].text))


def _caption_label(text: str, first_len: int, wanted: str) -> Optional[tuple[str, float, str]]:
    """(field, strength, language) of ``wanted``'s label that closes the caption (perhaps but
    a colon after it), starting on its first line and reaching past it ("PVN rēķina" over
    "Nr.": the tax word before it qualifies the document); else None."""
    for field, strength, lang, start, end in labels_in_text(text):
        if field == wanted and start <= first_len and strength >= _MIN_STRENGTH \
                and end > first_len and not text[end:].strip(" :.#"):
            return field, strength, lang
    return None
