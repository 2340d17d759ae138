"""Mixed tax rates: the tax split into per-rate rows that each fit their rate and add up.

An invoice with one tax rate shows ``tax = rate x net``; with several rates no single rate
fits the totals ("Subtotaal 2.445,70 / BTW 21% 31,65 / BTW 9% 206,55 / Totaal 2.683,90"),
so the rate check (``amount_checks``) found nothing and a right total had only the
arithmetic behind it. The per-rate rows carry the same check, one rate at a time:

- rows printing their own net ("21 % 41,31 8,68 49,99", "BTW 21% over 150,70  31,65"): the
  tax of each row is its rate x its net, and the rows' nets and taxes add up to the
  document's net and tax exactly;
- rows printing only the tax of a rate under a tax label ("BTW 21% 31,65", "IGST 12%
  Rs. 754.25"): the taxes add up to the document's tax, and the nets they imply (tax /
  rate) add up to the document's net, within what rounding each row's tax to the cent
  (or each line's, on a line-by-line tax) can move a tax / rate: one cent per row over
  its rate.

- no per-rate rows, only one tax amount, but line items printing their rate ("1,00
  Künstlerische Gestaltung 7% 160,00 €  160,00 €" / "... 19% ... 316,00 €" / "Summe netto
  496,00" / "USt 75,04"): the items' amounts (the rightmost on each) add up to the net, and
  each rate times its items' sum adds up to the tax, within half a cent per item line.

Two or more rows (or rates, on the items) must take part: one row is one rate, which the
plain rate check already covers. The rows are read independently of how net, tax and total were chosen (labels,
column sums, breakdown sums), so rows agreeing with them is evidence of its own, like a
single rate agreeing with net and tax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import RATE_SIGN_FIRST, rate_digits
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.extraction.tax_breakdown import breakdown_rows

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
# a rate printed with its percent sign ("TVA 5,5 %", "BTW 21%", "KDV %20")
_PRINTED_RATE = re.compile(r"(\d{1,2}(?:[.,]\d{1,3})?)\s*%|" + RATE_SIGN_FIRST)
# rows considered per kind, and rows in one split: enough for any real rate table
_MAX_ROWS = 10
_MAX_SPLIT = 4
# tax / rate magnifies a cent of rounding by 100 / rate: below 1 % a tax-only row would let
# the implied net miss by a unit or more and still "fit"
_MIN_TAX_ONLY_RATE = Decimal(1)


@dataclass(frozen=True)
class RateRow:
    line: Line
    rate: Decimal | None  # percent; None on a breakdown row (``tax_breakdown`` checked its rate)
    tax: Decimal
    net: Decimal | None  # None: the row prints only the tax of its rate


@dataclass(frozen=True)
class RateRows:
    with_net: list[RateRow]  # rows printing their own net
    tax_only: list[RateRow]  # rows printing only the tax of their rate
    item_nets: dict  # rate -> sum of the amounts of the unlabelled lines printed at that rate
    item_lines: int


_SUMMARY_FIELDS = ("net", "tax", "total", "other_amount")


def rate_rows(ctx: Context) -> RateRows:
    """The document's per-rate rows and item lines, in print order."""
    with_net: list[RateRow] = [RateRow(r.line, None, r.tax, r.net) for r in breakdown_rows(ctx)]
    seen = {id(r.line) for r in with_net}
    tax_only: list[RateRow] = []
    item_nets: dict[Decimal, Decimal] = {}
    item_lines = 0
    for line in ctx.layout.lines:
        if id(line) in seen:
            continue
        rates, toks = rates_and_amounts(ctx, line)
        rates = [r for r in rates if 0 <= r < 40]  # a 0 % item line is part of the net too
        if len(set(rates)) != 1:
            continue
        rate = rates[0]
        values = [t.value for t in toks if t.value > 0]
        if any(t.value < 0 for t in toks):
            # a credit note's row, its minus printed (on a scan, a minus is easily lost to a
            # speck or a dash read apart): its sizes; a base and its rate's tax must still pair
            values = [abs(t.value) for t in toks]
        labelled = {h.field for h in ctx.hits[id(line)]}
        pair = _net_and_tax(values, rate) if rate else None
        if pair is not None:
            with_net.append(RateRow(line, rate, pair[1], pair[0]))
        elif rate >= _MIN_TAX_ONLY_RATE and len(values) == 1 and "tax" in labelled:
            tax_only.append(RateRow(line, rate, values[0], None))
        if toks and not labelled.intersection(_SUMMARY_FIELDS):
            # an item line: its rightmost amount is its line amount
            item_nets[rate] = item_nets.get(rate, Decimal(0)) + max(toks, key=lambda t: t.end).value
            item_lines += 1
    return RateRows(with_net[:_MAX_ROWS], tax_only[:_MAX_ROWS], item_nets, item_lines)


# a rate printed without its sign: a VAT or GST rate is at most this, and the tax it makes
# must be at least a unit (a few cents are the rate of many small amounts by chance)
_MAX_UNMARKED_RATE = Decimal(30)
_MIN_UNMARKED_TAX = Decimal(1)


def unmarked_rate_rows(ctx: Context) -> list[RateRow]:
    """Rows printing a rate without its percent sign beside a base and its tax ("22,00
    2.608,28  573,82" under "%IVA  Totale imponibile  Totale imposta", column captions in a
    language the vocabulary lacks): three numbers with cents on one line where one, at most
    ``_MAX_UNMARKED_RATE``, is the rate that makes another of them the tax of the third, to the
    cent, and no other choice does. Lines that print a rate with its sign are ``rate_rows``'.
    Used only where nothing else names the sums (``column_totals.rate_rows_totals``): the
    rows must still add up to the largest amount the document prints."""
    rows = []
    for line in ctx.layout.lines:
        if _PRINTED_RATE.search(line.text):
            continue
        values = [abs(t.value) for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.has_decimals]
        if len(values) != 3:
            continue
        found = set()
        for k, rate in enumerate(values):  # each number in turn the rate, the larger other the base
            net, tax = sorted((v for j, v in enumerate(values) if j != k), reverse=True)
            if 0 < rate <= _MAX_UNMARKED_RATE and tax >= _MIN_UNMARKED_TAX and abs(net * rate / 100 - tax) <= CENT:
                found.add((rate, net, tax))
        if len(found) == 1:
            rate, net, tax = found.pop()
            rows.append(RateRow(line, rate, tax, net))
    return rows[:_MAX_ROWS]


def rates_and_amounts(ctx: Context, line: Line) -> tuple[list[Decimal], list]:
    """The rates ``line`` prints with their sign, and its amounts with cents that are no rate
    (not followed by "%")."""
    rates = [Decimal(rate_digits(m).replace(",", ".")) for m in _PRINTED_RATE.finditer(line.text)]
    toks = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)
            if t.has_decimals and not line.text[t.end:t.end + 2].lstrip().startswith("%")]
    return rates, toks


def _net_and_tax(values: list[Decimal], rate: Decimal) -> tuple[Decimal, Decimal] | None:
    """The (net, tax) pair among a row's amounts with tax = rate x net, when exactly one is."""
    pairs = {(big, small) for big, small in combinations(sorted(set(values), reverse=True), 2)
             if abs(big * rate / 100 - small) <= 2 * CENT}
    return pairs.pop() if len(pairs) == 1 else None


def split_fits(rows: RateRows, net: Decimal, tax: Decimal) -> bool:
    """Two or more per-rate rows add up to ``tax`` and, each fitting its rate, to ``net``;
    or the item lines of two or more rates do."""
    if net <= 0 or tax <= 0:
        return False
    if len(rows.item_nets) >= 2 and abs(sum(rows.item_nets.values()) - net) <= CENT:
        implied = sum(rate * amount / 100 for rate, amount in rows.item_nets.items())
        if abs(implied - tax) <= max(2 * CENT, HALF_CENT * rows.item_lines):
            return True
    with_net, tax_only = rows.with_net, rows.tax_only
    for k in range(2, _MAX_SPLIT + 1):
        for combo in combinations(with_net, k):
            if (abs(sum(r.net for r in combo) - net) <= CENT and abs(sum(r.tax for r in combo) - tax) <= CENT
                    and len({id(r.line) for r in combo}) == k):
                return True
        for combo in combinations(tax_only, k):
            if abs(sum(r.tax for r in combo) - tax) > CENT or len({id(r.line) for r in combo}) != k:
                continue
            implied = sum(r.tax * 100 / r.rate for r in combo)
            if abs(implied - net) <= CENT + sum(CENT * 100 / r.rate for r in combo):
                return True
    return False
