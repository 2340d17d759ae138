"""Tax breakdown rows: one row per tax rate with its net, tax and gross ("A 19%  14,72  2,80  17,52").

Receipts with prices including tax (and many invoices) print the tax only in such a small
table, often under the total and the payment lines. Its column headers ("MwSt Netto MwSt
Brutto", "TVA HT TVA TTC") are net/tax/total labels, so reading the value under each
header takes the *first rate's* row for the document's net, tax and total, and that row
even adds up. The rows are recognised by their own arithmetic instead of by their headers:
a line with a printed rate and three amounts of which two add up to the third, the smaller
addend being the rate times the larger. The document's net, tax and gross are the sums of
the rows, and with two or more rows no single row is any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.correction_rows import restates_corrected
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import RATE_SIGN_FIRST, rate_digits
from invoicepipe.domain.extraction.search import Context

CENT = Decimal("0.01")
_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,3})?)\s*%|" + RATE_SIGN_FIRST)
# a cell OCR could not read as an amount: digits run together or mixed with marks ("745052", "1;0S")
_GARBLED = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class BreakdownRow:
    line: Line
    net: Decimal
    tax: Decimal
    gross: Decimal
    words: tuple  # the words of the three amounts


def breakdown_rows(ctx: Context) -> list[BreakdownRow]:
    """The document's tax breakdown rows, in print order; a row restating a corrected
    invoice (``correction_rows``) adds up like one and is none."""
    return [row for row in map(lambda ln: _row(ctx, ln), ctx.layout.lines)
            if row is not None and not restates_corrected(ctx, row.line)]


def _row(ctx: Context, line: Line) -> BreakdownRow | None:
    if "%" not in line.text:  # no rate without its sign (most lines): nothing below could find a row
        return None
    rates = [Decimal(rate_digits(m).replace(",", ".")) for m in _PERCENT.finditer(line.text)]
    rates = [r for r in rates if 0 < r < 40]
    if not rates:
        return None
    toks = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)
            if t.has_decimals and t.value > 0 and not line.text[t.end:t.end + 2].lstrip().startswith("%")]
    if len(toks) == 2:
        return _row_with_lost_tax(line, toks, rates)
    if len(toks) < 3 or _item_row(line, toks):
        return None
    for a, b, c in combinations(toks, 3):
        vals = sorted((a, b, c), key=lambda t: t.value)
        small, mid, big = vals
        if small.value + mid.value != big.value:
            continue
        # the smaller addend is the tax: rate x net, within the cent each of them was rounded to
        if any(abs(mid.value * r / 100 - small.value) <= 2 * CENT for r in rates):
            words = tuple(w for t in (mid, small, big) for w in line.words_in(t.start, t.end))
            return BreakdownRow(line, mid.value, small.value, big.value, words)
    return None


def _item_row(line: Line, toks: list) -> bool:
    """An item of the line table that prints its own tax and gross ("Golyóstoll kék, 10
    db/doboz  25 doboz  4,80  120,00  27%  32,40  152,40"): four amounts (a unit price besides
    the three), the rate printed after the first of them, where a breakdown row opens with its
    rate ("27%  120,00  32,40  152,40"). It adds up like a breakdown row and is none: the
    breakdown under the table restates it, and both would be summed."""
    rate = _PERCENT.search(line.text)
    return len(toks) >= 4 and rate is not None and toks[0].start < rate.start()


def _row_with_lost_tax(line: Line, toks: list, rates: list[Decimal]) -> BreakdownRow | None:
    """"B 5,5%  19,12  745052  20,17": the tax cell was read as garbage, net and gross were
    not. The row counts when a word with digits that is no amount stands between the two
    and gross = net x (1 + rate) within the cents both were rounded to; its tax is their
    difference. Without the garbled cell two amounts and a rate are any table's line (a
    unit price and its line total), so they are not taken."""
    net, gross = toks
    if gross.value <= net.value:
        return None
    # the words strictly between the two (a word's span never reaches past its own amount)
    if not any(_GARBLED.fullmatch(w.text) for w in line.words_in(net.end, gross.start)):
        return None
    if not any(abs(net.value * (1 + r / 100) - gross.value) <= 2 * CENT for r in rates):
        return None
    words = tuple(w for t in (net, gross) for w in line.words_in(t.start, t.end))
    return BreakdownRow(line, net.value, gross.value - net.value, gross.value, words)


def sums(rows: list[BreakdownRow]) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) of the whole document."""
    zero = Decimal("0.00")
    return (sum((r.net for r in rows), zero), sum((r.tax for r in rows), zero), sum((r.gross for r in rows), zero))
