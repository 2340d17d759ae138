"""A document title wrapped onto two lines of its heading block.

A long title in a narrow heading column breaks where the line ends: "FACTURA" over
"RECTIFICATIVA Nº A-", "CREDIT" over "NOTE No. 2026-0412". Read line by line, neither half
says credit note, and the document was approved as an invoice at the default type's full
confidence. The heading's two lines are one phrase when the second stands directly under the
first (no more than a line's height between them) and starts where a cell of the first starts
(within a character): a wrapped block, not two fields of a row.
"""

from __future__ import annotations

from typing import Optional

from invoicepipe.domain.extraction.labels import cells_apart, fold_accents
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import Context

# the heading block: a title is in the first lines of the page
_HEAD_LINES = 40


def wrapped_match(ctx: Context, pattern) -> Optional[tuple]:
    """The words of a match of ``pattern`` that begins on one line of a heading block and ends
    on the line wrapped under it (a match on one line alone is not this one's), else None."""
    lines = ctx.layout.lines[:_HEAD_LINES]
    cw = ctx.layout.char_width
    for upper, lower in zip(lines, lines[1:]):
        if upper.page != lower.page or lower.box.top - upper.box.bottom > upper.height:
            continue
        for k, start in enumerate(upper.words):
            if k and not cells_apart(upper.words[k - 1], start):
                continue
            j = next((j for j, w in enumerate(lower.words) if abs(w.box.x0 - start.box.x0) <= cw), None)
            if j is None:
                continue
            top, bottom = _cell(upper, k), _cell(lower, j)
            head = fold_accents(" ".join(w.text for w in top))
            m = pattern.search(f"{head} {fold_accents(' '.join(w.text for w in bottom))}")
            if m and m.start() < len(head) < m.end():
                return _words_of(top, bottom, head, m)
    return None


def _cell(line: Line, k: int) -> tuple:
    """The words of ``line`` from the ``k``-th to the end of its cell."""
    out = [line.words[k]]
    for w in line.words[k + 1:]:
        if cells_apart(out[-1], w):
            break
        out.append(w)
    return tuple(out)


def _words_of(top: tuple, bottom: tuple, head: str, m) -> tuple:
    """The words the match covers, counted through the joined text."""
    out, at = [], 0
    for w in (*top, *bottom):
        end = at + len(fold_accents(w.text))
        if at < m.end() and end > m.start():
            out.append(w)
        at = end + 1
    return tuple(out)
