"""Amounts printed twice: in the invoice's currency and converted into another one.

An invoice billed in a foreign currency must state its VAT in the national one (EU VAT
directive art. 91: an Italian invoice in US dollars gives "Controvalore in EUR" of the taxable
amount and the VAT; a UK invoice in euros gives the VAT in sterling), and exporters add the
whole counter-value. The converted block carries its own "net / VAT / total" labels and adds
up like the invoice's own, so the arithmetic cannot tell the two apart, and its currency code
is printed more often than the invoice's (in the heading, the rate and every row).

Such a page states the exchange rate ("1 EUR = 1,0842 USD", "rate of 0.8512 GBP per EUR",
"Kurs NBP 4,2718"). Then the item amounts decide: they are billed in the invoice's currency,
so the invoice's net is their sum (``items_net``), and the invoice's currency is the code
printed beside its total (``code_beside``), not the one counted most often. A scan may lose
the rate's figure ("al cambio BCE del 12 gen 2026:" and nothing after it); a page that prints
two ISO codes is then read the same way (``may_print_amounts_twice``): the items decide, and
where they name neither set, neither passes a threshold.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Optional, Sequence

from invoicepipe.domain.extraction.parsing import ISO_CURRENCIES, currency_code
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.models import LineItem

_CODE = r"(?:[A-Z]{3}|[€$£])"
_RATE = r"\d+[.,]\d{2,6}"
_EXCHANGE_RATE = re.compile(
    # "1 EUR = 1,0842 USD", "EUR 1 = USD 1.0842", "1 € = 1,0842 $"
    rf"(?<![\w.,]){_CODE}?\s*1\s*{_CODE}?\s*=\s*{_CODE}?\s*{_RATE}\s*{_CODE}?"
    # the same with the "=" or the "1" lost by OCR, or a column's word read between ("1 EUR 1,0842
    # USD", "EUR 1,0842 USD"): two codes around a rate of four decimals (no amount has them)
    rf"|(?<![\w.,]){_CODE}\s*=?\s*\d{{1,3}}[.,]\d{{4,6}}\s*{_CODE}(?![A-Za-z])"
    # "0.8512 GBP per EUR", "4,2718 PLN za 1 EUR"
    rf"|{_RATE}\s*{_CODE}\s*(?:per|pro|par|por|za)\s*1?\s*{_CODE}"
    # a rate named in words before its figure (four or more decimals: no amount has them)
    r"|(?i:exchange\s*rate|conversion\s*rate|wechselkurs|umrechnungskurs|devisenkurs|taux\s*de\s*change|tipo\s*de\s*cambio"
    r"|tasso\s*di\s*cambio|al\s*cambio|wisselkoers|koers|kurs\s*(?:wymiany|nbp|[śs]redni)|taxa\s*de\s*c[âa]mbio).{0,40}?(?<![\d.,])\d{1,3}[.,]\d{4,6}(?![\d.,])")
_RATE_FIGURE = re.compile(r"\d[.,]\d\d")  # in every match of each branch above (``_RATE`` or four decimals)
# What every match of a branch of ``_EXCHANGE_RATE`` holds: the first an "=", the second and
# the fourth a figure of four decimals, the third a rate with its code and "per" word (that
# branch alone, searched only where a digit stands)
_FOUR_DECIMALS = re.compile(r"\d[.,]\d{4}")
_ISO_WORD = re.compile(r"(?<![A-Za-z])(%s)(?![A-Za-z])" % "|".join(sorted(ISO_CURRENCIES)))
_RATE_PER = re.compile(rf"(?=\d){_RATE}\s*{_CODE}\s*(?:per|pro|par|por|za)\s*1?\s*{_CODE}")


# a function of the text, asked of every line by both currency counts (``currency_of``) and
# the same lines on every invoice of a layout: kept; and every form of the statement holds a
# figure with two decimals or more, which two lines in three lack (a cheap search first)
@lru_cache(maxsize=8192)
def line_states_rate(text: str) -> bool:
    """``text`` (one line) states an exchange rate ("1 EUR = 395,66 HUF")."""
    return _RATE_FIGURE.search(text) is not None and rate_stated_in(text)


def may_print_amounts_twice(ctx: Context) -> bool:
    """The page states an exchange rate (read over line ends: the statement often wraps), or
    prints two ISO currency codes ("Imponibile EUR 828,34" beside "Totale fattura USD
    1.095,67": a scan may lose the rate's figure, "al cambio BCE del 12 gen 2026:"). Either
    way the items decide which amounts are the invoice's (``extract._in_invoice_currency``).
    The document's lines are joined once for both tests: this runs on every parse."""
    text = " ".join(ln.text for ln in ctx.layout.lines)
    return rate_stated_in(text) or len(set(_ISO_WORD.findall(text))) >= 2


def rate_stated_in(text: str) -> bool:
    """``_EXCHANGE_RATE`` found in ``text`` (a line, or a document's lines joined). The whole
    pattern is searched only when one of its branches can match: tried at every character
    (its fourth branch's words at every letter, case folded), it cost 0.2-0.3 ms per invoice
    over the joined lines and as much over the lines with a two-decimal figure, and fewer
    than one document in fifty states a rate."""
    if "=" not in text and _FOUR_DECIMALS.search(text) is None and _RATE_PER.search(text) is None:
        return False
    return _EXCHANGE_RATE.search(text) is not None


def items_net(items: Sequence[LineItem]) -> Optional[Decimal]:
    """The sum of the item amounts, when every item has one."""
    if not items or any(i.amount is None for i in items):
        return None
    return sum((i.amount for i in items), Decimal(0))


def code_beside(ctx: Context, cand: Candidate) -> Optional[str]:
    """The ISO code printed right before or right after ``cand``'s amount on its line
    ("Totale fattura USD 707,00", "Total 1.234,56 EUR"), or None."""
    if not cand.words:
        return None
    line = ctx.layout.line_of(cand.words[0])
    if line is None:
        return None
    try:
        first = line.words.index(cand.words[0])
        last = line.words.index(cand.words[-1])
    except ValueError:
        return None
    # the value's own words may hold the code ("USD 707,00" read as one amount), else a neighbour
    start = line.spans[max(0, first - 1)][0]
    end = line.spans[min(len(line.words) - 1, last + 1)][1]
    for m in _CODE_AT_AMOUNT.finditer(line.text, start, end):
        code = currency_code(m.group(1) or m.group(2))
        if code:
            return code
    return None


_CODE_AT_AMOUNT = re.compile(r"(?<![A-Za-z])([A-Z]{3}|[€$£])\s?-?\d|\d\s?([A-Z]{3}|[€$£])(?![A-Za-z])")
