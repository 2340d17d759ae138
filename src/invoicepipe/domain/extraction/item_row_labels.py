"""A total, net or tax word inside an item's description is no label.

An item table prints goods whose names hold the vocabulary's words: "Vakboek: Praktijkgids
BTW 2026", "VAT Guide 2026", "MwSt-Handbuch", "Total Station TS-16". Read as a label, the
word names the item's amount as the invoice's tax (or net, or total), and when nothing else
closes the triple that amount wins. The row says what it is by its cells: after the word
stand a quantity and a unit price that multiply to a figure with cents (the line amount),
and before it the item's code or name. A real tax row never holds that product: its
numbers are a rate (a percentage, not an amount), a base and the tax.
"""

from __future__ import annotations

from invoicepipe.domain.extraction.arithmetic_rows import item_arithmetic
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.search import Candidate, Context


def labelled_inside_item(ctx: Context, cand: Candidate) -> bool:
    """The candidate's label is a word of an item row's description (see the module doc)."""
    hit = cand.label
    if hit is None:
        return False
    line = hit.line
    before = line.text[:hit.start]
    if not any(ch.isalpha() for ch in before):
        return False  # the row starts with the word: a label row ("MwSt 19 % ...")
    after = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.start >= hit.end]
    return len(after) >= 3 and item_arithmetic(after) is not None


def without_item_labels(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    return [c for c in cands if not labelled_inside_item(ctx, c)]

