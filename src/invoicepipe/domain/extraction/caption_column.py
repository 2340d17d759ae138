"""Captions under their values, told by the column they stand in.

A value read under its label with another value of its kind right over the label is held
(``search.value_over_label``): one pair cannot say whether the captions stand over their
values or under them. A column of boxes can. Read down the label's column, each cell holds a
value (a figure in it) or a caption (none): "202600464" / "Factuurnr." / "4500010794" / "Uw
ordernummer" / "67496" / "Klantnummer", a caption wrapped over two lines counting once. A
column that opens with a value and closes with a caption, values and captions taking turns,
prints each caption under its value: every caption has one over it, and the last has none
under it. Then the label's value is the one right over it, and the one under it is the next
caption's. (The mirror, captions over their values, opens with a caption and closes with a
value; what alternates otherwise, or stands in fewer than two pairs, says nothing.)

A value wrapped in its cell after a separator ("RE2026-" over "00852"), or its opening alone
over its figures ("A-" over "2026/00666", joined to them), is one cell, not two in a row
(kv-2.46; English labels only, 8 wrong numbers fewer on the dev sets).

The value over the label is scored as a value over its label in a row of captions
(``search.ABOVE_PLACEMENT``), noted ``captions_under_values``. ``value_first`` reads the same
layout where a label the vocabulary knows witnesses it; this reads it by the shape of the
column alone.
"""

from __future__ import annotations

from typing import Callable, Optional

from invoicepipe.domain.extraction.number_prefix import NUMBER_OPENING, opening_over
from invoicepipe.domain.extraction.search import (ABOVE_PLACEMENT, Candidate, Context, parse_identifier, scored_candidate,
                                                 union_box)

# cells of the label's column looked at above and below it
_REACH = 6
# a gap between two lines of the column wider than this many line heights ends the block
_BLOCK_GAP = 2.5
# two values and their two captions at least
_MIN_PAIRS = 2


def value_over_its_caption(ctx: Context, cand: Candidate, parser: Callable) -> Optional[Candidate]:
    """The value right over ``cand``'s label when the label's column prints its captions under
    their values (see the module), or None."""
    label = cand.label
    if cand.method != "label_below" or label is None:
        return None
    line = label.line
    words = line.words_in(label.start, label.end)
    if not words:
        return None
    lbox, cw = union_box(words), ctx.layout.char_width
    x0, x1 = lbox.x0 - cw, lbox.x1 + cw
    above = _cells(_block(line, list(reversed(ctx.layout.lines_above(line, x0, x1, max_lines=_REACH))), upwards=True)[::-1])
    below = _cells(_block(line, ctx.layout.below(line, x0, x1, max_lines=_REACH), upwards=False))
    kinds = [_kind(ln.text[s:e]) for ln, s, e in above] + ["C"] + [_kind(ln.text[s:e]) for ln, s, e in below]
    turns = [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1] or k == "V"]
    if (turns[0] != "V" or turns[-1] != "C" or len(turns) < 2 * _MIN_PAIRS
            or any(a == b for a, b in zip(turns, turns[1:]))):
        return None
    if not above or kinds[len(above) - 1] != "V":
        return None
    over, s, e = above[-1]
    found = parser(ctx, over, s, e)
    if not found:
        return None
    value, raw, vs, ve, quality = found
    words = over.words_in(vs, ve)
    opening = opening_over(ctx, over, words[0]) if words and parser is parse_identifier else None
    if opening is not None:
        # "A-" over "2026/00666" over "Nº factura": the number's opening wrapped over it
        value, raw, words = opening.text + value, opening.text + str(raw), (opening, *words)
    return scored_candidate(cand.field, value, raw, label.strength * ABOVE_PLACEMENT * quality, "label_above",
                            words, line, label, ["captions_under_values"])


def _block(line, cells: list, upwards: bool) -> list:
    """``cells`` (nearest first) up to the first gap wider than ``_BLOCK_GAP`` line heights:
    the block of boxes ends there (the items' table below, the address above)."""
    out, edge = [], line
    for cell in cells:
        ln = cell[0]
        gap = edge.box.top - ln.box.bottom if upwards else ln.box.top - edge.box.bottom
        if gap > _BLOCK_GAP * max(1.0, min(edge.height, ln.height)):
            break
        out.append(cell)
        edge = ln
    return out


def _cells(lines: list) -> list:
    """``lines`` (top to bottom) with a value's second line dropped where its first ends with a
    separator ("RE2026-" over "00852"): one cell, wrapped; the first line stands for it (the
    number's reading joins the rest, ``number_prefix.number_below_separator``). An opening alone
    over its figures ("A-" over "2026/00666") is one cell with them too."""
    out: list = []
    joined = False  # the last cell already took its second line
    for cell in lines:
        if out and not joined and _kind(cell[0].text[cell[1]:cell[2]]) == "V":
            last = out[-1][0].text[out[-1][1]:out[-1][2]].strip()
            if _kind(last) == "V" and last.endswith(("-", "/")):
                joined = True
                continue
            if NUMBER_OPENING.fullmatch(last):
                # "A-" over "2026/00666": the opening alone on the cell's first line, no figure in
                # it; the figures' line stands for the cell (``opening_above_in_cell`` joins it)
                out[-1], joined = cell, True
                continue
        out.append(cell)
        joined = False
    return out


def _kind(text: str) -> str:
    """"V" for a cell with a figure in it, "C" for a caption's."""
    return "V" if any(ch.isdigit() for ch in text) else "C"
