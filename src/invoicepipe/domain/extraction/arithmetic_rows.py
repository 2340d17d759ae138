"""Line items found by their arithmetic alone, when no table header was recognised.

A header names its columns in some language; a table in wording the vocabulary does not
know, or whose header OCR lost, still prints rows where a quantity times a unit price is
the line amount. Such rows are found on any line (no vocabulary, no ruling lines): two
numbers left of a figure with cents multiply to it. The rows of one table print their
amounts at one right edge, so only the rows at the edge most of them share are kept (a
single such row only when its amount is the invoice's net), and
a row between two of them whose amount sits at that edge is kept too (its quantity or
price was misread, its amount need not be). The description is the text left of the
quantity; a words-only line right under an item, starting where its description starts,
continues it.

This reading stands in for the header-based ones (``items.read_line_items``) only when
they found nothing, or when its amounts add up to the invoice's net and theirs do not. Its items are trusted less
than a header table's (0.75, 0.8 when they add up to the invoice's net): the columns
were inferred, not read.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import AmountToken, amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.extraction.table_rows import CARRY, PAGE_TOTAL, SUMMARY
from invoicepipe.domain.models import LineItem

CENT = Decimal("0.01")
_POSITION = re.compile(r"^\s*\d{1,3}[.)]?\s+(?=\D)")
_LETTERS = re.compile(r"[^\W\d_]{3}")
_NUMBER = re.compile(r"\d+")
_SUMMARY_FIELDS = ("net", "tax", "total", "other_amount")


def items_from_arithmetic(ctx: Context, net: Optional[Decimal]) -> list[LineItem]:
    """Items of the rows whose quantity x unit price is their amount, at one amount edge."""
    cw = ctx.layout.char_width
    found = []  # (line, tokens, (qty index, price index, amount index) or None)
    for page_no in sorted(ctx.layout.by_page):
        for ln in ctx.layout.by_page[page_no]:
            if not _NUMBER.search(ln.text) or any(h.field in _SUMMARY_FIELDS for h in ctx.hits[id(ln)]):
                found.append((ln, [], None))  # kept for the order of rows between two items
                continue
            toks = amounts_on(ln, ctx.decimal_sep, cw)
            found.append((ln, toks, item_arithmetic(toks) if len(toks) >= 3 else None))
    edge = _common_edge([_right(ln, toks[k[2]]) for ln, toks, k in found if k], cw)
    if edge is None:
        edge = _lone_row_edge(found, net)
    if edge is None:
        return []
    rows = _rows_at_edge(found, edge, cw)
    if not rows:
        return []
    items = [_item(ln, toks, k, edge, cw) for ln, toks, k in rows]
    items = _with_wrapped_descriptions(items, rows, ctx)
    sums = net is not None and abs(sum(i.amount for i in items) - net) <= CENT * len(items)
    return [LineItem(description=i.description, quantity=i.quantity, unit_price=i.unit_price, amount=i.amount,
                     confidence=(0.8 if sums else 0.75) if i.quantity is not None else 0.6, page=i.page, box=i.box)
            for i in items]


def item_arithmetic(toks: list[AmountToken]) -> Optional[tuple[int, int, int]]:
    """(quantity, unit price, amount) token indexes: the leftmost figure with cents that two
    numbers left of it multiply to (the net column of a net / tax / gross row)."""
    for a, amount in enumerate(toks):
        if not amount.has_decimals or amount.value == 0:
            continue
        for p in range(a - 1, -1, -1):
            for q in range(p - 1, -1, -1):
                qty, price = toks[q].value, toks[p].value
                if qty > 0 and abs(qty * price - amount.value) <= CENT * max(Decimal(1), abs(qty)):
                    return q, p, a
    return None


def _right(ln: Line, tok: AmountToken) -> float:
    return union_box(ln.words_in(tok.start, tok.end)).x1


def _common_edge(edges: list[float], cw: float) -> Optional[float]:
    """The right edge most arithmetic rows share (two at least: one row is no table)."""
    best, best_n = None, 1
    for x in edges:
        n = sum(1 for y in edges if abs(y - x) <= 1.5 * cw)
        if n > best_n:
            best, best_n = x, n
    return best


def _lone_row_edge(found: list, net: Optional[Decimal]) -> Optional[float]:
    """The amount edge of an invoice's only item: one row is no table, unless its quantity x
    unit price is the invoice's net, and it is the only arithmetic row that is."""
    if net is None:
        return None
    lone = [(ln, toks, k) for ln, toks, k in found if k and abs(toks[k[2]].value - net) <= CENT]
    if len(lone) != 1:
        return None
    ln, toks, k = lone[0]
    return _right(ln, toks[k[2]])


def _rows_at_edge(found: list, edge: float, cw: float) -> list:
    """Arithmetic rows at ``edge`` and, between two of them on a page, item-like rows whose
    amount ends there (words, a figure with cents, no summary or carry wording)."""
    def amount_at_edge(ln, toks):
        return next((i for i, t in enumerate(toks) if t.has_decimals and abs(_right(ln, t) - edge) <= 1.5 * cw), None)

    keep = []
    by_page: dict = {}
    for entry in found:
        by_page.setdefault(entry[0].page, []).append(entry)
    for entries in by_page.values():
        marks = [i for i, (ln, toks, k) in enumerate(entries) if k and abs(_right(ln, toks[k[2]]) - edge) <= 1.5 * cw]
        if not marks:
            continue
        for i in range(marks[0], marks[-1] + 1):
            ln, toks, k = entries[i]
            if i in marks:
                keep.append((ln, toks, k))
                continue
            a = amount_at_edge(ln, toks)
            words = fold_accents(ln.text).lower()
            if a is not None and _LETTERS.search(ln.text) and not (SUMMARY.match(words) or CARRY.search(words) or PAGE_TOTAL.search(words)):
                keep.append((ln, toks, (None, None, a)))
    return keep


def _item(ln: Line, toks: list[AmountToken], k: tuple, edge: float, cw: float) -> LineItem:
    q, p, a = k
    first = toks[q].start if q is not None else toks[a].start
    # numbers inside the description ("M8 x 60", "ream of 500") stay in it: only the text
    # before the quantity is cut, and a leading position number dropped
    desc = _POSITION.sub("", ln.text[:first]).strip()
    return LineItem(description=desc, quantity=toks[q].value if q is not None else None,
                    unit_price=toks[p].value if p is not None else None, amount=toks[a].value,
                    confidence=0.0, page=ln.page, box=ln.box)


def _with_wrapped_descriptions(items: list[LineItem], rows: list, ctx: Context) -> list[LineItem]:
    out = []
    cw = ctx.layout.char_width
    for item, (ln, toks, k) in zip(items, rows):
        desc, box = item.description, ln.box
        numbers_from = union_box(ln.words_in(toks[k[0] if k[0] is not None else k[2]].start, len(ln.text))).x0
        lines = ctx.layout.by_page[ln.page]
        for nxt in lines[ln.index + 1: ln.index + 3]:
            gap = nxt.box.top - box.bottom
            in_description = ln.box.x0 - 2 * cw <= nxt.box.x0 < numbers_from
            if gap >= 0.8 * min(ln.height, nxt.height) or not in_description or not _LETTERS.search(nxt.text) \
                    or any(t.has_decimals for t in amounts_on(nxt, ctx.decimal_sep, cw)) \
                    or any(h.field in _SUMMARY_FIELDS for h in ctx.hits[id(nxt)]):
                break
            desc, box = f"{desc} {nxt.text}".strip(), box.union(nxt.box)
        out.append(LineItem(description=desc, quantity=item.quantity, unit_price=item.unit_price, amount=item.amount,
                            confidence=item.confidence, page=item.page, box=box))
    return out
