"""Line items found by their sum, when no other reading found any (till receipts).

A till receipt prints no table header and often no quantity x unit price: each item is a
line of words ending in its amount ("ROTI CANAI  1.98", "2 x TEH TARIK  6.16",
"Kaffee  2,14 A"), the amounts at one right edge, the subtotal or total under them. Such
lines are items when, as one unbroken run of lines, their amounts add up to the invoice's
net or total (a single line only when a labelled subtotal or total follows at its edge): no vocabulary, no column names, only the arithmetic every receipt obeys. A
run that adds up to neither is not read at all (the sum is the only evidence the lines are
items), so the sum that chose them is no further evidence for the net
(``SUM_EVIDENCE``, which ``extract._check_items`` skips).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.extraction.table_rows import CARRY, PAGE_TOTAL, SUMMARY
from invoicepipe.domain.models import LineItem

CENT = Decimal("0.01")
SUM_EVIDENCE = "lines:found by their sum"
_LETTERS = re.compile(r"[^\W\d_]{2}")
_SUMMARY_FIELDS = ("net", "tax", "total", "other_amount")
# what a receipt prints after an item's amount: a tax class letter or a mark ("2,14 A", "7.90 *")
_AFTER_AMOUNT = re.compile(r"^\s*(?:[A-Z]{1,2}|[*#])?\s*$")
_COUNT = re.compile(r"^\s*(\d{1,3})\s*[xX×*]\s+(?=\D)")


def items_from_sums(ctx: Context, net: Optional[Decimal], total: Optional[Decimal]) -> list[LineItem]:
    """The unbroken run of item-like lines whose amounts add up to ``net`` or ``total``."""
    targets = [t for t in (net, total) if t is not None and t > 0]
    if not targets:
        return []
    cw = ctx.layout.char_width
    for page_no in sorted(ctx.layout.by_page):
        lines = ctx.layout.by_page[page_no]
        run: list[tuple[Line, object]] = []
        for i, ln in enumerate(lines + [None]):
            tok = _item_amount(ln, ctx, cw) if ln is not None else None
            if tok is not None and (not run or abs(_right(ln, tok) - _right(*run[-1])) <= 1.5 * cw):
                run.append((ln, tok))
                continue
            found = _summing(run, targets, _summed_below(lines[i:], run[-1] if run else None, ctx, cw))
            if found:
                return [_item(ln, tok) for ln, tok in found if tok.value > 0]
            run = [(ln, tok)] if tok is not None else []
    return []


def _summed_below(after: list, last, ctx: Context, cw: float) -> bool:
    """Whether the first line with a figure under the run is a labelled sum (subtotal,
    total) printed at the run's amount edge: the run is then a column of amounts."""
    if last is None:
        return False
    for ln in after:
        toks = amounts_on(ln, ctx.decimal_sep, cw)
        if not toks:
            continue
        labelled = any(h.field in ("net", "total") for h in ctx.hits[id(ln)])
        return labelled and abs(_right(ln, toks[-1]) - _right(*last)) <= 3 * cw  # a bold total may end a little further right
    return False


def _item_amount(ln: Line, ctx: Context, cw: float):
    """The amount ending an item-like line: words, then a figure with cents at the end. A
    discount line ("Member Disc  -1.32") counts in the run's sum but is no item (``_item``)."""
    if not _LETTERS.search(ln.text):
        return None
    words = fold_accents(ln.text).lower()
    if SUMMARY.search(words) or CARRY.search(words) or PAGE_TOTAL.search(words):
        return None
    toks = amounts_on(ln, ctx.decimal_sep, cw)
    if not toks or not toks[-1].has_decimals or not _AFTER_AMOUNT.match(ln.text[toks[-1].end:]):
        return None
    labels = {h.field for h in ctx.hits[id(ln)]} & set(_SUMMARY_FIELDS)
    if labels and not (labels == {"other_amount"} and toks[-1].value < 0):
        return None
    if not _LETTERS.search(ln.text[:toks[-1].start]):
        return None  # the words come first
    return toks[-1]


def _summing(run: list, targets: list, summed_below: bool) -> Optional[list]:
    """The run, or the run without its first lines, when its amounts add up to a target.
    Lines above the items (an address or a "Table 4  2.00" note) may share their edge. One
    item alone only over a labelled sum at its edge: one line equal to the total is as
    likely the total said again ("Please pay 2,550.00") as an invoice's only item."""
    for start in range(len(run)):
        part = run[start:]
        amount = sum((tok.value for _, tok in part), Decimal(0))
        items = sum(1 for _, tok in part if tok.value > 0)
        if any(abs(amount - t) <= CENT for t in targets) and (items >= 2 or items == 1 and summed_below):
            return part
    return None


def _right(ln: Line, tok) -> float:
    return union_box(ln.words_in(tok.start, tok.end)).x1


def _item(ln: Line, tok) -> LineItem:
    text = ln.text[:tok.start].strip()
    count = _COUNT.match(text)
    qty = Decimal(count.group(1)) if count else None
    desc = text[count.end():].strip() if count else text
    price = (tok.value / qty).quantize(CENT) if qty and (tok.value / qty).quantize(CENT) * qty == tok.value else None
    return LineItem(description=desc, quantity=qty, unit_price=price, amount=tok.value, confidence=0.65, page=ln.page,
                    box=ln.box, evidence=(SUM_EVIDENCE,))
