"""A total, net or tax word inside an item's description is no label.

An item table prints goods whose names hold the vocabulary's words: "Vakboek: Praktijkgids
BTW 2026", "VAT Guide 2026", "MwSt-Handbuch", "Total Station TS-16". Read as a label, the
word names the item's amount as the invoice's tax (or net, or total), and when nothing else
closes the triple that amount wins. The row says what it is by its cells: after the word
stand a quantity and a unit price that multiply to a figure with cents (the line amount),
and before it the item's code or name. A real tax row never holds that product: its
numbers are a rate (a percentage, not an amount), a base and the tax. Nor does a row whose
tax category stands in its own column between the unit price and the line amount ("11,23
TVA 20 % 56,15 €"): quantity x unit price before the word is the amount after it.

The item table's header also names amounts ("Wartość netto ... Kwota VAT ... Wartość
brutto" over the items), so the first item row is read under it as the net, tax and
total. Where a summary row repeats the same headers ("Razem" under them) its values are
read alike, and the two triples both add up. A value whose row is an item row (a quantity
and a unit price on it that multiply to an amount on it, a credit note's negative quantity
too) is the item's, not the document's: it stays a candidate, weaker
(``ITEM_ROW_SCALE``), so a one-item invoice that prints no sums still reads its net there.
"""

from __future__ import annotations

from decimal import Decimal

from invoicepipe.domain.extraction.arithmetic_rows import item_arithmetic
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.search import Candidate, Context

ITEM_ROW_SCALE = 0.7
CENT = Decimal("0.01")


def labelled_inside_item(ctx: Context, cand: Candidate) -> bool:
    """The candidate's label is a word of an item row's description (see the module doc)."""
    hit = cand.label
    if hit is None:
        return False
    line = hit.line
    before = line.text[:hit.start]
    if not any(ch.isalpha() for ch in before):
        return False  # the row starts with the word: a label row ("MwSt 19 % ...")
    toks = amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)
    after = [t for t in toks if t.start >= hit.end]
    if len(after) >= 3 and item_arithmetic(after) is not None:
        return True
    # the row's tax category in its own column, after quantity and unit price and before the
    # line amount ("Stylo bille ... 5,00 Ramette(s) 11,23  TVA 20 %  56,15 €"): the amount the
    # label would read is the product of two figures before it
    before = [t for t in toks if t.end <= hit.start]
    amount = next((t for t in after if t.has_decimals and not line.text[t.end:t.end + 2].lstrip().startswith("%")), None)
    return amount is not None and len(before) >= 2 and _product_before(before, amount)


def without_item_labels(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    return [c for c in cands if not labelled_inside_item(ctx, c)]


def _product_before(before, amount) -> bool:
    """Two of the figures ``before`` multiply to ``amount`` (quantity x unit price)."""
    return any(q.value != 0 and abs(q.value * p.value - amount.value) <= CENT * max(Decimal(1), abs(q.value))
               for i, q in enumerate(before) for p in before[i + 1:])


def _item_product(toks) -> bool:
    """Two figures of the row multiply to a later figure with cents (quantity x unit price =
    amount); a negative quantity counts (a credit note's returned goods)."""
    return any(amount.has_decimals and amount.value != 0 and _product_before(toks[:a], amount) for a, amount in enumerate(toks))


def weaker_on_item_rows(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` with each value read under a header whose row is an item row scaled down by
    ``ITEM_ROW_SCALE`` (see the module); sums over a column (``column_sums``) stay."""
    out = []
    for c in cands:
        line = ctx.layout.line_of(c.words[0]) if c.method == "label_below" and c.words else None
        if line is not None and _item_product(amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)):
            c = Candidate(c.field, c.value, round(c.score * ITEM_ROW_SCALE, 4), c.method, c.words, c.raw,
                          [*c.notes, "item_row"], c.anchor, c.label)
        out.append(c)
    return out
