"""A table printed beside a separate block of text (a shaded column of references, payment
details, totals) whose lines the page reading runs into the table's rows.

Side by side, a line of the block and a row of the table are one line of the layout: the
header row then starts with the block's words ("Btw 0 % ... € 0,00  Art.nr. Omschrijving
…"), which can hide the header (too many digits, too few letters in column names), and an
item row carries the block's figures (an amount payable, the groups of an IBAN), which can
become an item of their own. The header is looked for again on the line's words right of a
gap, and the table then starts between the block and its first column name: words left of
that, on every row, are the block's, not the table's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.layout import Line, make_line
from invoicepipe.domain.extraction.table_columns import Header, find_header

_SPLIT_GAP = 1.5  # character widths between words where the block may end
_APART = 6.0  # character widths between the block and a header found on the whole line
_MAX_TRIES = 8


def header_beside_block(line: Line, below: Optional[Line], char_width: float) -> Optional[Header]:
    """The header on ``line`` when its first words are a block beside the table: the header
    found on the words right of a gap, the nearest such gap first (the block is short of
    the header's names), with the table's left edge set."""
    words = sorted(line.words, key=lambda w: w.box.x0)
    tries = 0
    for i in range(1, len(words)):
        if words[i].box.x0 - words[i - 1].box.x1 < _SPLIT_GAP * char_width:
            continue
        tries += 1
        if tries > _MAX_TRIES:
            return None
        header = find_header(make_line(line.page, words[i:], line.index), below)
        if header is not None:
            return _starting_after(header, max(w.box.x1 for w in words[:i]))
    return None


def with_block_edge(header: Header, line: Line, char_width: float) -> Header:
    """``header`` found on the whole of ``line``: words left of its first column name that
    are no name and stand far from it are a block beside the table."""
    first = min(c.x0 for c in header.columns)
    left = [w for w in line.words if w.box.x1 <= first]
    if not left:
        return header
    end = max(w.box.x1 for w in left)
    return _starting_after(header, end) if first - end >= _APART * char_width else header


def _starting_after(header: Header, block_end: float) -> Header:
    first = min(c.x0 for c in header.columns)
    return replace(header, left=(block_end + first) / 2)


def beside(ln: Line, header: Header) -> Optional[Line]:
    """``ln`` without the words of the block beside the table (those starting left of its
    edge); None when nothing of it is the table's."""
    if header.left <= -1e8 or not any(w.box.x0 < header.left for w in ln.words):
        return ln
    kept = [w for w in ln.words if w.box.x0 >= header.left]
    return make_line(ln.page, kept, ln.index) if kept else None


def in_table(hit, header: Header) -> bool:
    """Whether a label found on a line is the table's, not the block's beside it ("Te betalen"
    in the block closes no table)."""
    words = hit.line.words_in(hit.start, hit.end)
    return header.left <= -1e8 or not words or max(w.box.x0 for w in words) >= header.left
