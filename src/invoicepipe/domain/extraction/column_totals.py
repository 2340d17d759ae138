"""Net, tax and total where no label the vocabulary knows names them: the column that adds up twice.

An invoice in a language the label vocabulary does not know still sets its sums the way
nearly every invoice does: the items' amounts in a right-aligned column, under them the net,
then one tax row per rate, then the total. Two sums in that one column need no word at all:

- the net (or, where the items print their gross, the total) is the sum of the item amounts
  right above it, and
- the total is the net plus the tax rows between them, the tax a plausible share of the net.

Either sum alone is weak (two item amounts can add up to a third), both together in one
aligned column, closed by the largest amount the document prints as a sum (not one inside a
sentence, nor a share capital in the footer below the sums), are not a coincidence. The
amounts found this way are candidates like labelled ones: they are chosen only where no
labelled triple adds up, and their confidence still comes from the checks every amount gets
(``amount_checks``: the tax at a printed or standard rate, the total printed again, in
words); the two sums only make their arithmetic an honest one (found by adding up, but by
two additions that check each other).

A row of sums with no caption the vocabulary knows (``row_sums``) is read on the same two
additions: its amounts add up, and the items above add up to its first (``items_above_add_up``).

Where the sums are not set in one column, the rows of a tax breakdown name them just as
surely without a word: a row printing a base, a rate and a tax that is the rate of the base
("82,75  20 %  16,55"), one row per rate, and the bases plus the taxes printed as the
largest amount of the document (``rate_rows_totals``). An item row that prints its own
rate and tax is such a row too; all of them together add up to the same net and tax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.rate_split import rate_rows, unmarked_rate_rows
from invoicepipe.domain.extraction.search import Candidate, Context

# below a clear label's value (0.8-0.95), above every guess (0.3)
SCORE = 0.75
# the taxes' share of the net: above 0 (an untaxed invoice prints no tax to find) and at most
# the highest VAT/GST rate in use
MAX_TAX_SHARE = Decimal("0.30")
# tax rows between the net and the total (one per rate, and a rounding or charge row)
_MAX_TAX_ROWS = 4
# right edges further apart than this many characters are two columns
_ALIGN_CHARS = 2.0


@dataclass(frozen=True)
class _Entry:
    value: Decimal
    line: Line
    words: tuple
    right: float
    in_prose: bool = False  # words follow it on its line: a sentence's amount, not a printed sum


def column_totals(ctx: Context) -> Optional[tuple[Candidate, Candidate, Candidate]]:
    """(net, tax, total) read from the column that adds up twice, or None when there is none or
    more than one that disagree."""
    entries = _rightmost_amounts(ctx)
    columns = _columns(entries, _ALIGN_CHARS * (ctx.layout.char_width or 5.0))
    found = {}
    for c, column in enumerate(columns):
        for i, net in enumerate(column):
            if not net.value:
                continue
            for j in range(i + 2, min(len(column), i + 2 + _MAX_TAX_ROWS)):
                taxes, total = column[i + 1:j], column[j]
                tax = sum((t.value for t in taxes), Decimal(0))
                if (total.value == net.value + tax and _closes_the_document(entries, total)
                        and _plausible_tax(net.value, tax, taxes)
                        and not _sum_before_tax(ctx, total.line)
                        and (_run_adds_up(reversed(column[:i]), (net.value, total.value), 1)
                             or _items_elsewhere(columns, c, j, net.value))):
                    found[(net.value, tax, total.value)] = (net, list(taxes), total)
    if len(found) != 1:
        return None  # none, or several readings of the column that disagree
    net, rows, total = next(iter(found.values()))
    # a rounding row among the tax rows ("Öresavrundning 0,27", "Rundung -0.02") closes the
    # total but is no tax: less than one unit, no rate on its line, beside a row that is a tax
    taxes = ([t for t in rows if not _rounding_row(t)] if len(rows) > 1 else []) or rows
    return (_candidate("net", net.value, net.words), _candidate("tax", sum((t.value for t in taxes), Decimal(0)),
            tuple(w for t in taxes for w in t.words)), _candidate("total", total.value, total.words))


_RATE = re.compile(r"\d\s?%|%\d")


def _rounding_row(row: _Entry) -> bool:
    return abs(row.value) < 1 and not _RATE.search(row.line.text)


def _closes_the_document(entries: list[_Entry], total: _Entry) -> bool:
    """No amount the document prints as a sum is larger than ``total``. A sentence's amount
    does not count, nor one below the total on its page that ends left of where the total
    begins: a share capital among the footer's bank and register details ("Osnovni kapital
    7.500,00 EUR"). Below the total under it, a larger amount may be the payable one (a
    receipt's total whose label went unread under a service charge)."""
    left = min(w.box.x0 for w in total.words)
    for e in entries:
        if e.in_prose or abs(e.value) <= abs(total.value):
            continue
        if e.line.page == total.line.page and e.line.box.top >= total.line.box.bottom and e.right < left:
            continue
        return False
    return True


def _candidate(name: str, value: Decimal, words: tuple, method: str = "column_sums") -> Candidate:
    return Candidate(name, format_amount(value), SCORE, method, words, value)


def _rightmost_amounts(ctx: Context) -> list[_Entry]:
    out = []
    for line in ctx.layout.lines:
        money = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.has_decimals]
        if not money:
            continue
        tok = max(money, key=lambda t: t.end)
        words = line.words_in(tok.start, tok.end)
        if words:
            out.append(_Entry(tok.value, line, words, max(w.box.x1 for w in words), _in_prose(line.text[tok.end:])))
    return out


# a word of a sentence after an amount: lowercase letters, or any word of four letters or more
# (a currency's code or sign after it is no such word: "EUR", "kr", "Kč", "zł")
_PROSE_WORD = re.compile(r"(?<!\w)(?:[^\W\d_]{4,}|[^\W\d_A-Z]*[a-zà-ÿ][^\W\d_]*(?:\s+[^\W\d_]+){1,})")


def _in_prose(after: str) -> bool:
    """What follows an amount on its line reads as the rest of a sentence ("20.000,00 EUR
    uplaćen u cijelosti", a share capital in the footer), not a currency after a sum."""
    return bool(_PROSE_WORD.search(after))


def _columns(entries: list[_Entry], tol: float) -> list[list[_Entry]]:
    """The entries by column, each in reading order: an entry joins the column whose last entry
    on its page ends within ``tol`` of it (two columns set side by side interleave in reading
    order; each keeps its own sequence; a sum with its currency after it, "1 711,24 Kč", ends a
    little left of the items it sums). A table that runs over a page break goes on in the
    column of the page before that ends where its entries do: the items of every page add up
    to the net under the last one."""
    columns: list[list[_Entry]] = []
    for e in entries:
        home = next((col for col in columns if col[-1].line.page == e.line.page and abs(col[-1].right - e.right) <= tol), None)
        if home is None:
            home = next((col for col in reversed(columns)
                         if col[-1].line.page == e.line.page - 1 and abs(col[-1].right - e.right) <= tol), None)
        if home is None:
            columns.append([e])
        else:
            home.append(e)
    return columns


def _plausible_tax(net: Decimal, tax: Decimal, rows: list[_Entry] = ()) -> bool:
    """The same sign as the net (a credit note is negative throughout) and at most the highest
    rate; a tax of zero only where a tax row prints it at a 0 % rate (an intra-Community supply
    or a reverse charge: "0 % 0,00")."""
    if tax == 0:
        return bool(rows) and all(r.value == 0 for r in rows) and any(_ZERO_RATE.search(r.line.text) for r in rows)
    return (net > 0) == (tax > 0) and abs(tax) <= abs(net) * MAX_TAX_SHARE


_ZERO_RATE = re.compile(r"(?<![\d.,])0(?:[.,]0+)?\s?%")


def _run_adds_up(run, sums: tuple[Decimal, ...], at_least: int) -> bool:
    """Some first ``at_least`` or more of ``run``'s amounts, taken in order, add up to one of
    ``sums`` (the net, or the total where the items print their gross)."""
    running, count = Decimal(0), 0
    for e in run:
        running += e.value
        count += 1
        if count >= at_least and running in sums:
            return True
    return False


def items_above_add_up(ctx: Context, line: Line, net: Decimal) -> bool:
    """The amounts that end the lines right above ``line``, read upwards from it in one aligned
    column (over a page break into the page before, ``_columns``), add up to ``net``: the items
    a row of sums sums. One item is enough: its amount printed again as the row's first sum,
    the row adding up by itself, is two readings that agree (a row of three amounts under
    captions no list holds, each a sum of the others and the largest on the page, that also
    repeats the amount right above it, is rare by chance)."""
    above = [e for e in _rightmost_amounts(ctx)
             if e.line.page < line.page or e.line.page == line.page and e.line.box.bottom <= line.box.top]
    tol = _ALIGN_CHARS * (ctx.layout.char_width or 5.0)
    for column in _columns(above, tol):
        if _run_adds_up(reversed(column), (net,), 1):
            return True
    return False


def _items_elsewhere(columns: list[list[_Entry]], c: int, total_at: int, net: Decimal) -> bool:
    """Two or more consecutive amounts of a column outside the sums, the items printed below
    or beside a summary box, add up to the net."""
    for k, column in enumerate(columns):
        for start in range(len(column)):
            if k == c and start <= total_at:
                continue  # the sums themselves, and above them the run ``column_totals`` reads first
            if _run_adds_up(column[start:], (net,), 2):
                return True
    return False


def rate_rows_totals(ctx: Context) -> Optional[tuple[Candidate, Candidate, Candidate]]:
    """(net, tax, total) from consecutive rows each printing a base and its rate's tax, whose
    bases and taxes add up to the largest amount on the document; None when no run of rows
    does, or runs that disagree do."""
    # the rows that print their rate's sign, else those whose rate the arithmetic names
    rows = rate_rows(ctx).with_net or unmarked_rate_rows(ctx)
    money = [(abs(t.value), line, t) for line in ctx.layout.lines
             for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.has_decimals]
    if not rows or not money:
        return None
    largest = max(v for v, _, _ in money)
    found = {}
    for end in range(len(rows)):
        for start in range(end, -1, -1):
            run = rows[start:end + 1]
            net = sum((r.net for r in run), Decimal(0))
            tax = sum((r.tax for r in run), Decimal(0))
            if net + tax == largest and _plausible_tax(net, tax):
                found[(net, tax)] = run
    if len(found) != 1:
        return None
    (net, tax), run = next(iter(found.items()))
    # a row that prints its own gross beside its base and tax adds up to it alone: where the
    # document's total was not read (a photo's lost line or thousands group), that row's gross
    # is the largest amount left, and one rate's row would pass for the whole invoice
    rows_lines = {id(r.line) for r in run}
    line, tok = next(((ln, t) for v, ln, t in reversed(money) if v == largest and id(ln) not in rows_lines), (None, None))
    if line is None or _sum_before_tax(ctx, line):
        return None
    sign = -1 if tok.value < 0 else 1  # a credit note's rows print their amounts unsigned
    return (_candidate("net", sign * net, _words_of(ctx, run, "net"), "rate_rows"),
            _candidate("tax", sign * tax, _words_of(ctx, run, "tax"), "rate_rows"),
            _candidate("total", tok.value, line.words_in(tok.start, tok.end), "rate_rows"))


def _sum_before_tax(ctx: Context, line: Line) -> bool:
    """The line labels its amount a net ("Net total 684.00"): the largest amount of an
    invoice that prints no total is its net, and sums that reach it by chance name no total."""
    # only a net label: a tax word also stands in a total's ("Total c/ IVA", "Iš viso su PVM")
    return any(h.field == "net" and h.strength >= 0.5 for h in ctx.hits[id(line)])


def _words_of(ctx: Context, run, name: str) -> tuple:
    words = []
    for row in run:
        value = getattr(row, name)
        tok = next((t for t in amounts_on(row.line, ctx.decimal_sep, ctx.layout.char_width) if abs(t.value) == value), None)
        words.extend(row.line.words_in(tok.start, tok.end) if tok else row.line.words)
    return tuple(words)
