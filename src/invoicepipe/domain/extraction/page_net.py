"""The net printed without a label the reading knows: found by what it must equal.

The labels decide most nets. Where the net's label went unread (OCR's "Totaal exc}. btw",
a wording no vocabulary holds, a label in a box of its own) or names something else, no
labelled triple adds up and the invoice is held as inconsistent, though the page prints
everything a person would check: a labelled total, a labelled tax, and the total less the
tax as an amount of its own.

So when nothing labelled adds up (``totals._choose`` found no triple), the page's amounts
are searched for the total less the tax, for each labelled total and each labelled tax (or
sum of per-rate tax rows). Three facts must hold together, none chosen to fit the others:

- the amount is printed on the page, on words neither the total nor the tax took;
- the tax is a rate of it: a printed or standard rate, or per-rate rows that each fit their
  rate and add up to it and the tax (``DocumentAmounts.rate_agrees``);
- one net only: two different amounts that would each do leave the net unread.

A wrong total rarely finds such an amount: total less tax lands on a printed amount, at a
rate of it, only by the rare chance ``arithmetic`` counts on. The net found is read from
the page (its words and box), scored below the labelled total and tax it came from, and the
arithmetic and rate checks then class it and them as for a labelled triple.

The same facts read two labels in reverse (``swapped_net_and_total``): a "net" larger than
the "total" ("Total HT" read as the total, "Net à payer" as the net, in a language whose
qualifiers no list holds) is the total, the "total" the net, when their difference is printed
at a rate of the smaller. With several rates the difference is printed nowhere as one amount:
the rows between the two, each one printed rate and one amount ("TVA 20 % 5 149,65" / "TVA
5,5 % 52,80"), must then add up to it exactly and the nets their rates imply to the smaller
amount (``rate_rows_between``), as tax-only rows under a known tax label must
(``rate_split.split_fits``); a line between that is no such row leaves the reading as it was.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.amount_checks import DocumentAmounts
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.rate_split import RateRow, RateRows, rates_and_amounts, split_fits
from invoicepipe.domain.extraction.search import Candidate, Context

CENT = Decimal("0.01")
# the labelled totals tried, best first: a page's third-best total label is no total
_TOTALS_TRIED = 3
# the net found takes this share of the lower score of the total and tax it came from: it
# was found by their difference, not under a label of its own
_FOUND_SHARE = 0.85


def net_on_the_page(doc: DocumentAmounts, tax: list[Candidate], total: list[Candidate]) -> Optional[dict]:
    """{"net", "tax", "total": (candidate, score)} with the net a printed amount equal to a
    labelled total less a labelled tax at a rate of it, or None (none, or more than one)."""
    totals = sorted((c for c in total if c.raw and c.raw > 0 and c.words), key=lambda c: -c.score)[:_TOTALS_TRIED]
    for g in totals:
        found: dict[Decimal, tuple] = {}
        for t in sorted((c for c in tax if c.raw and c.raw > 0 and c.words), key=lambda c: -c.score):
            want = g.raw - t.raw
            if want <= t.raw or want in found or not doc.rate_agrees(want, t.raw):
                continue
            taken = {id(w) for w in g.words + t.words}
            printed = printed_amount(doc.ctx, want, taken)
            if printed is not None:
                found[want] = (printed, t)
        if len(found) > 1:
            return None  # two nets would do: the page does not say which
        if found:
            [(value, ((line, words), t))] = found.items()
            score = _FOUND_SHARE * min(g.score, t.score)
            net = Candidate("net", format_amount(value), score, "page_net", words, value, anchor=line)
            return {"net": (net, score), "tax": (t, t.score), "total": (g, g.score)}
    return None


def printed_amount(ctx: Context, value: Decimal, taken: set[int]) -> Optional[tuple]:
    """(line, words) of the first amount with cents equal to ``value`` on words whose ids
    are not in ``taken``, or None."""
    for line in ctx.layout.lines:
        for tok in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width):
            if tok.has_decimals and tok.value == value:
                words = line.words_in(tok.start, tok.end)
                if words and not any(id(w) in taken for w in words):
                    return line, words
    return None


def swapped_net_and_total(doc: DocumentAmounts, chosen: dict) -> Optional[dict]:
    """{"net", "tax", "total": (candidate, score)} with the chosen "net" and "total" read in
    reverse and the tax their printed difference at a rate of the smaller (see the module), or
    None. The tax is scored as the net ``net_on_the_page`` finds."""
    if "net" not in chosen or "total" not in chosen or "tax" in chosen:
        return None
    net, total = chosen["net"][0], chosen["total"][0]
    if net.raw is None or total.raw is None or not 0 < total.raw < net.raw or not net.words or not total.words:
        return None
    want = net.raw - total.raw
    if want >= total.raw:
        return None
    taken = {id(w) for w in net.words + total.words}
    printed = printed_amount(doc.ctx, want, taken) if doc.rate_agrees(total.raw, want) else None
    if printed is None:
        # no amount the difference: the rows between the two, one per rate, may add up to it
        rows = rate_rows_between(doc.ctx, total, net, want)
        if rows is None:
            return None
        printed = rows[0][0], tuple(w for _, words in rows for w in words)
    line, words = printed
    score = _FOUND_SHARE * min(net.score, total.score)
    tax = Candidate("tax", format_amount(want), score, "page_net", words, want, anchor=line)
    as_net = replace(total, field="net", notes=[*total.notes, "labels_reversed"])
    as_total = replace(net, field="total", notes=[*net.notes, "labels_reversed"])
    return {"net": (as_net, as_net.score), "tax": (tax, score), "total": (as_total, as_total.score)}


def rate_rows_between(ctx: Context, upper: Candidate, lower: Candidate, tax: Decimal) -> Optional[list[tuple[Line, tuple]]]:
    """The rows printed between ``upper``'s amount and ``lower``'s, when every one of them is
    a rate's tax ("TVA 20 % 5 149,65" / "TVA 5,5 % 52,80": one printed rate, one amount),
    two or more, their amounts add up to ``tax`` and the nets their rates imply to
    ``upper``'s amount (``rate_split.split_fits``), or None. Their captions need not be read:
    each row's rate and the two sums are the evidence, as on a tax-only row under a known
    tax label."""
    first, last = ctx.layout.line_of(upper.words[0]), ctx.layout.line_of(lower.words[0])
    if first is None or last is None or first.page != last.page or last.index - first.index < 3:
        return None
    between = ctx.layout.by_page[first.page][first.index + 1:last.index]
    rows, found = [], []
    for line in between:
        printed, toks = rates_and_amounts(ctx, line)
        rates = set(printed)
        if len(rates) != 1 or len(toks) != 1 or not 0 < min(rates) < 40 or toks[0].value <= 0:
            return None  # a line between that is no rate's tax row: not a block of sums
        rate, tok = rates.pop(), toks[0]
        rows.append(RateRow(line, rate, tok.value, None))
        found.append((line, line.words_in(tok.start, tok.end)))
    if sum((r.tax for r in rows), Decimal(0)) != tax or not split_fits(RateRows([], rows, {}, 0), upper.raw, tax):
        return None
    return found
