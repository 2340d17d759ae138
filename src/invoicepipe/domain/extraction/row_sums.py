"""The totals printed as one row that adds up, under a row of captions.

A totals strip prints net, each rate's tax and the total side by side under their captions
("Vahesumma | Käibemaks 24% | Käibemaks 9% | Kokku" over "526,04 EUR  109,40 EUR  6,32 EUR
641,76 EUR"). Where the vocabulary knows too few of the captions to read each cell under
its own, the row says by itself which is which: its last amount is the sum of the others,
the first of those is the net and the rest are taxes (each smaller than the net, none
larger than the highest rate allows). A row of three to five amounts that adds up so to the
cent, right under a line that holds at least one known sum caption, is read as net, tax and
total; under a row of captions none of which the vocabulary knows, only where the items
above add up to its first amount as well (two sums that check each other, as in
``column_totals``). Any other row of amounts (an item's quantity, price and amount; a
breakdown row's base, tax and gross where the page prints more rows of them) adds up only by
chance, and a second row that adds up the same way makes the reading ambiguous: then nothing is read. A
row that prints a rate is one rate's breakdown row (base, tax, gross), and a row whose sum is
not the document's largest amount is a part's, never the invoice's total. On a scan, one
amount whose minus sign alone keeps the row from adding up (the others positive) had a speck
or a rule's end read as its sign: it is read positive, and noted repaired.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.column_totals import items_above_add_up
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.search import Candidate, Context

ROW_SUMS_SCORE = 0.8
CENT = Decimal("0.01")
# the tax share of the net at most (the highest standard rate in use is 27 %)
MAX_TAX_SHARE = Decimal("0.3")
_SUM_FIELDS = ("net", "tax", "total")


def row_sums_totals(ctx: Context) -> Optional[tuple[Candidate, Candidate, Candidate]]:
    """(net, tax, total) from the one row of sums that adds up under a caption row, else None."""
    cw = ctx.layout.char_width
    largest = max((abs(t.value) for ln in ctx.layout.lines for t in amounts_on(ln, ctx.decimal_sep, cw) if t.has_decimals),
                  default=None)
    found = []
    for above, line in zip(ctx.layout.lines, ctx.layout.lines[1:]):
        if above.page != line.page or line.box.top - above.box.bottom > 1.5 * max(1.0, above.height):
            continue
        captioned = any(h.field in _SUM_FIELDS and h.strength >= 0.5 for h in ctx.hits[id(above)])
        if not captioned and amounts_on(above, ctx.decimal_sep, cw):
            continue  # neither a known sum caption nor a row of captions above
        if any(h.field in _SUM_FIELDS for h in ctx.hits[id(line)]):
            continue  # a line of its own captions and values: read under its labels
        if "%" in line.text:
            continue  # a breakdown row prints its rate: one rate's base, tax and gross
        toks = [t for t in amounts_on(line, ctx.decimal_sep, cw) if t.has_decimals]
        if not 3 <= len(toks) <= 5 or len(toks) != len(amounts_on(line, ctx.decimal_sep, cw)):
            continue
        if abs(toks[-1].value) != largest:
            continue  # the document's total is its largest amount; a smaller sum is a part's
        values, flipped = _signs(line, [t.value for t in toks])
        net, taxes, total = values[0], values[1:-1], values[-1]
        tax = sum(taxes, Decimal(0))
        if abs(net + tax - total) > CENT or not _plausible(net, taxes):
            continue
        if not captioned and (flipped is not None or not items_above_add_up(ctx, line, net)):
            continue  # under captions no list holds, the items adding up to the net is the second sum
        found.append((line, toks, values, tax, flipped))
    if len(found) != 1:
        return None
    line, toks, values, tax, flipped = found[0]
    words = lambda *ts: tuple(w for t in ts for w in line.words_in(t.start, t.end))  # noqa: E731
    cands = (Candidate("net", format_amount(values[0]), ROW_SUMS_SCORE, "row_sums", words(toks[0]), values[0]),
             Candidate("tax", format_amount(tax), ROW_SUMS_SCORE, "row_sums", words(*toks[1:-1]), tax),
             Candidate("total", format_amount(values[-1]), ROW_SUMS_SCORE, "row_sums", words(toks[-1]), values[-1]))
    if flipped is not None:
        # the sign OCR read was a speck's: only the arithmetic says so, and a repaired value
        # counts one agreement at most (``amount_checks``)
        cands[0 if flipped == 0 else 1 if flipped < len(toks) - 1 else 2].notes.append("repaired")
    return cands


def _signs(line, values: list[Decimal]) -> tuple[list[Decimal], Optional[int]]:
    """``values``, with the one amount whose minus sign alone breaks the row's sum read
    positive where OCR read the row (a speck or a rule's end before "1 523,51"), and which."""
    negative = [i for i, v in enumerate(values) if v < 0]
    if len(negative) != 1 or all(w.confidence >= 1.0 for w in line.words):
        return values, None
    i = negative[0]
    fixed = [abs(v) if k == i else v for k, v in enumerate(values)]
    if abs(fixed[0] + sum(fixed[1:-1], Decimal(0)) - fixed[-1]) > CENT:
        return values, None
    return fixed, i


def _plausible(net: Decimal, taxes: list[Decimal]) -> bool:
    """One sign throughout (a credit note's row is negative), and each tax a plausible share of
    the net: a row of an item's quantity, price and amount is no net and taxes."""
    if not net:
        return False
    return all(t and (t > 0) == (net > 0) and abs(t) <= abs(net) * MAX_TAX_SHARE for t in taxes)
