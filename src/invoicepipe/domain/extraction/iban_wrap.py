"""An IBAN wrapped over two lines in a narrow column ("IBAN: DE51 2527 5627 9625" / "6489 16").

A footer column narrower than an IBAN breaks it between groups; the first line then holds
an IBAN-shaped start that fails its check digits and the rest stands under it. The two
parts are joined only with the words of the next line that lie under the first part's
column, and the joined string is read only when it passes the IBAN's checks
(``parsing.find_iban``: python-stdnum's mod 97 and the country's length and inner check):
a wrong continuation never validates by chance.
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.labels import cells_apart
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import find_iban, upper_in_place
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.models import Word

# a line ending with an IBAN's start: country, check digits, at least one more group
_START = re.compile(r"(?<![A-Z0-9])([A-Z]{2}[\dOQDSILZBG]{2}(?:[ .]?[A-Z0-9]){4,30})[\s.·:-]*$")
# the groups of an IBAN's continuation: digits and capitals, in groups of up to four
_CONTINUATION = re.compile(r"^[A-Z0-9]{1,4}$")


def wrapped_iban(ctx: Context, line: Line) -> Optional[tuple[str, tuple[Word, ...]]]:
    """(IBAN, words) when ``line`` ends with the start of an IBAN that the next line under it
    completes (or a cell of it does: the line's end is tried first), else None."""
    text = upper_in_place(line.text)
    if find_iban(line.text) is not None:
        return None
    below = None
    for head in reversed(_cell_ends(line, text)):
        start = _START.search(head)
        if start is None:
            continue
        below = below or _line_below(ctx, line)  # asked only where an IBAN may start (few lines)
        if below is None:
            return None
        found = _completed(line, below, start)
        if found is not None:
            return found
    return None


def _completed(line: Line, below: Line, start) -> Optional[tuple[str, tuple[Word, ...]]]:
    """The IBAN whose start ``start`` matched on ``line``, completed by words of ``below``
    under its column, else None."""
    first = line.words_in(start.start(1), start.end(1))
    if not first:
        return None
    slack = 2 * max(1.0, first[0].box.bottom - first[0].box.top)
    left, right = _column_left(line, first[0], slack), first[-1].box.x1
    rest = []
    for w in below.words:
        if w.box.x0 < left - slack or w.box.x1 > right + slack:
            continue
        if not _CONTINUATION.match(w.text.upper()):
            break
        rest.append(w)
    for n in range(len(rest), 0, -1):
        found = find_iban(start.group(1) + " " + " ".join(w.text for w in rest[:n]))
        if found is not None:
            return found[0], (*first, *rest[:n])
    return None


def _cell_ends(line: Line, text: str) -> list[str]:
    """``text`` up to the end of each cell of ``line``: an IBAN wrapped in a footer column
    ends its cell, and the next column's words may follow it on the line ("IBAN / RIB: FR76
    8442 8447 9666 3283   Pénalités de retard …")."""
    words = line.words
    return [text[:line.spans[k][1]] for k in range(len(words)) if k + 1 == len(words) or cells_apart(words[k], words[k + 1])]


def _column_left(line: Line, first: Word, slack: float) -> float:
    """The left edge of the phrase the IBAN ends ("IBAN: DE51 …"): the continuation may stand
    under its label."""
    left = first.box.x0
    for w in reversed(line.words[:line.words.index(first)]):
        if left - w.box.x1 > slack:
            break
        left = w.box.x0
    return left


def _line_below(ctx: Context, line: Line) -> Optional[Line]:
    """The next line of the page, when it stands within one and a half line heights below."""
    page_lines = ctx.layout.by_page.get(line.page, ())
    if line.index + 1 >= len(page_lines):
        return None
    following = page_lines[line.index + 1]
    gap = following.box.top - line.box.bottom
    return following if gap < 1.5 * max(1.0, line.height) else None
