"""Line items from a table found by its header words, on every page it runs over.

The table starts at a header row (``table_columns``) and runs down the page; rows are read
under its columns (``table_rows``). A subtotal, tax, rounding or total row closes it; a page
end does not, so the next page continues it under a repeated header or, without one,
under the same columns (its letterhead ignored until the first item row). Carried-forward
and page-total rows are no items but evidence: each must equal the running sum of the
items before it.

Which amount column is the line amount is decided by arithmetic over the whole table: the
column whose sum is the invoice's net, else the one where quantity x unit price agrees
most often, else a column named net, else the leftmost amount. A table whose only amount
is gross (with a per-line tax rate or tax amount) gives each line its net when those nets
add up to the invoice's net. The per-line tax rate is kept on the item. A row whose amount
the OCR lost (quantity and unit price read, nothing under the amount column) is quantity x
unit price only when the table then adds up to the net; otherwise it is no item, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import numbers_the_columns
from invoicepipe.domain.extraction.layout import Line, make_line
from invoicepipe.domain.extraction.labels import cells_apart
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.extraction.table_block import beside, header_beside_block, in_table, with_block_edge
from invoicepipe.domain.extraction.table_columns import Header, find_header, may_head
from invoicepipe.domain.extraction.table_repair import amounts_the_net_confirms, ocr_read
from invoicepipe.domain.extraction.table_rows import CENT, LineAmounts, Row, agreement, align_columns, read_row
from invoicepipe.domain.models import LineItem

_SUMMARY_LABELS = ("net", "tax", "total", "other_amount")
# an item table names what is billed or how much of it: one of these columns at least
_ITEM_KINDS = {"description", "quantity", "unit_price", "sku"}


@dataclass
class _Table:
    header: Header
    rows: list = field(default_factory=list)  # item rows
    checks: list = field(default_factory=list)  # (carry/page-total row, items before it)
    reopened: list = field(default_factory=list)  # items before each page that reopened it (``_reopens``)
    orphans: list = field(default_factory=list)  # (amount-only OCR'd row, items before it): ``_with_orphan``
    # items before a words-only line that continues no item's description (another block's
    # captions, "KM määr  Maksustatav  Käibemaks  Kokku"), None before any
    interrupted: Optional[int] = None
    # items before a row restating their sum (``_repeats_running_sum``), None before any
    summed_at: Optional[int] = None


def read_table_items(ctx: Context, net: Optional[Decimal] = None) -> list[LineItem]:
    """Line items of the first table with a recognised header (and its continuation)."""
    table = _collect(ctx)
    if table is None or not table.rows:
        return []
    if not table.reopened:
        return _with_orphan(table, net) or _items(table, net)
    # pages that repeated the header under a closed table stand only when the net confirms
    # them: all of them, else the fewest that add up to it; else the table as it closed
    for n in [len(table.rows), *reversed(table.reopened)]:
        part = _Table(table.header, table.rows[:n], [c for c in table.checks if c[1] <= n])
        items = _items(part, net)
        if net is not None and items and abs(sum(i.amount for i in items) - net) <= CENT * len(items):
            return items
    first = table.reopened[0]
    return _items(_Table(table.header, table.rows[:first], [c for c in table.checks if c[1] <= first]), net)


# what may stand between a sum label and the amount it names: a colon, an equals sign, a
# currency sign or code ("Imponibile 22,40", "Taxable value: USD 22.40")
_LABEL_TO_AMOUNT = re.compile(r"[\s:=.\-–]*(?:[€$£₹]|[A-Z]{3})?[\s:]*")


def _names_the_amount(ln: Line, hits: list, amounts: LineAmounts) -> bool:
    """Whether a sum label stands right before the line's last amount: the row restates a
    sum ("... al cambio BCE del 13 gen 2026: Imponibile 22,40"), however long its text."""
    toks = amounts(ln)
    return bool(toks) and any(h.end <= toks[-1].start and _LABEL_TO_AMOUNT.fullmatch(ln.text, h.end, toks[-1].start)
                              for h in hits)


def _collect(ctx: Context) -> Optional[_Table]:
    table: Optional[_Table] = None
    state = "none"  # none | open | continued (new page, no header yet) | closed
    amounts = LineAmounts(ctx.decimal_sep, ctx.layout.char_width)
    for page_no in sorted(ctx.layout.by_page):
        lines = ctx.layout.by_page[page_no]
        if state == "open":
            state = "continued"
        skip_to = -1
        pending: Optional[Row] = None  # the last line read, when it was no row of any kind
        heads = may_head(lines)  # the page's lines searched for column names at once
        for idx, ln in enumerate(lines):
            if idx <= skip_to:
                continue
            header = _header(ln, lines[idx + 1] if idx + 1 < len(lines) else None, ctx) if heads[idx] else None
            if header is not None:
                if table is not None and state == "closed" and _reopens(table, header, page_no):
                    table.reopened.append(len(table.rows))
                elif table is not None and (state == "closed" or (table.rows and table.header.line.page == page_no)):
                    return table  # a second table on the same page (a tax breakdown) is no continuation
                if table is None and not header.kinds() & _ITEM_KINDS:
                    continue  # rates, nets, taxes and grosses only: a tax breakdown, whose rows are no items
                body = [b for b in (beside(x, header) for x in _body(lines[idx + header.lines:], ctx, header)) if b is not None]
                header = align_columns(header, body, ctx.decimal_sep, ctx.layout.char_width, amounts)
                table = table or _Table(header)
                table.header = header
                state, skip_to = "open", idx + header.lines - 1
                continue
            if table is None or state == "closed":
                continue
            if numbers_the_columns(ln):
                continue  # "0 1 2 3 4 5 6" under the header: the columns' numbers, no item
            part = beside(ln, table.header)
            if part is None:
                continue  # a line of the block beside the table only
            hits = [h for h in ctx.hits[id(ln)] if h.field in _SUMMARY_LABELS and in_table(h, table.header)]
            names_amount = _names_the_amount(ln, hits, amounts)
            ln = part
            # a tax label under the table's own tax column ("19% VAT(S)" on each item) is the
            # item's tax category, not a tax row
            labelled = any(not _in_tax_column(h, table.header) for h in hits) if table is not None else bool(hits)
            if table.rows and not _figures_but_rates(ln) and (
                    len({h.field for h in hits}) >= 2 or _rate_caption_row(ln, hits)):
                # the header of a tax breakdown ("Warenwert ... Steuerbetrag") under the items, or
                # a row of sum captions ("Vahesumma   Käibemaks 24%   Arve summa") over the sums
                state = "closed"
                continue
            row = read_row(_without_edge_marks(ln), table.header, ctx.decimal_sep, ctx.layout.char_width, labelled, amounts,
                           names_amount)
            if _amount_below(pending, row, table.header):
                joined = make_line(ln.page, (*pending.line.words, *ln.words), ln.index)
                row = read_row(_without_edge_marks(joined), table.header, ctx.decimal_sep, ctx.layout.char_width, labelled)
            if row.kind in ("other", "text") and table.rows and _SUM_FIGURE.search(ln.text) and _closing_label(hits, ln):
                # a net or total label with its amount printed off the table's columns ("Summe
                # netto 381,70" set left of the amount column): the sums close the table all the
                # same, and the page's footer under them (a register number, an IBAN) is no item
                state = "closed"
                continue
            pending = row if row.kind == "other" else None
            state = _take(table, row, state)
    return table


# the rates a row of sum captions names ("Käibemaks 24%", "MwSt. 19 %"): no figure of a row
_RATES = re.compile(r"\d{1,2}(?:[.,]\d{1,2})?\s*%")
# an OCR word confidence under which one character is a speck rather than a figure
_SPECK_CONFIDENCE = 0.5
_RATE_AFTER = re.compile(r"\s*\d{1,2}(?:[.,]\d{1,2})?\s*%")
# the labels of sums that close an item table, and an amount with its cents as they print it
_CLOSING_LABELS = ("net", "total")
# (ending the line: a sum line ends with its sum, where an item row of a table whose side
# block went unseen goes on, "Te betalen € 201,28 25 mm")
_SUM_FIGURE = re.compile(r"\d[.,]\d\d\s*(?:[A-Z]{3}|[€$£])?\s*$")


def _figures_but_rates(ln: Line) -> bool:
    """A figure on the line other than a rate; a scan's speck (one character OCR doubts, "5"
    between "DPH 23 %" and "K úhrade") is none."""
    text = " ".join(w.text for w in ln.words if not (len(w.text) == 1 and w.confidence < _SPECK_CONFIDENCE))
    return any(ch.isdigit() for ch in _RATES.sub("", text))


def _rate_caption_row(ln: Line, hits: list) -> bool:
    """A row of three or more caption cells, one of them a tax label naming its rate, and no
    figure but rates: the captions of the sums printed as a row ("Kokku ilma KM-ta   Käibemaks
    24%   Kokku"), where the vocabulary knows the tax's caption only. An item's description
    cell names no rate apart from its figures."""
    if not any(h.field == "tax" and _RATE_AFTER.match(h.line.text, h.end) for h in hits):
        return False
    cells = 1 + sum(cells_apart(a, b) for a, b in zip(ln.words, ln.words[1:]))
    return cells >= 3


def _closing_label(hits: list, part: Line) -> bool:
    """A net or total label among the words of the table's part of the line (not of a block
    printed beside the table, whose "Te betalen € 201,28" shares a line with an item)."""
    own = set(map(id, part.words))
    return any(h.field in _CLOSING_LABELS and all(id(w) in own for w in h.line.words_in(h.start, h.end)) for h in hits)


def _header(ln: Line, below: Optional[Line], ctx: Context) -> Optional[Header]:
    """The table header on ``ln``, also when a block printed beside the table runs into it."""
    cw = ctx.layout.char_width
    header = find_header(ln, below)
    return with_block_edge(header, ln, cw) if header is not None else header_beside_block(ln, below, cw)


def _reopens(table: _Table, header: Header, page_no: int) -> bool:
    """Whether the same header, repeated at the top of a later page, goes on with a table
    closed by summary rows on the page before: some layouts print the subtotal, or the
    invoice's whole totals block, at the foot of every page. Only the net decides whether
    those pages are the same table (``read_table_items``): a copy of the invoice appended
    as another page would add up to twice the net."""
    return bool(table.rows) and table.rows[-1].line.page < page_no and header.line.page == page_no \
        and header.kinds() == table.header.kinds()


def _in_tax_column(hit, header: Header) -> bool:
    if hit.field != "tax":
        return False
    words = hit.line.words_in(hit.start, hit.end)
    if not words:
        return False
    x0, x1 = min(w.box.x0 for w in words), max(w.box.x1 for w in words)
    return any(c.kind in ("tax_rate", "tax_amount") and c.lo <= x0 and x1 <= c.hi for c in header.columns)


def _amount_below(pending: Optional[Row], row: Row, header: Header) -> bool:
    """Whether ``row`` is only the line amount of ``pending``, printed on the line under it.

    Some layouts set an item's description, unit price and quantity on one line and its
    amount, alone, on the next (the amount column is narrow, or the item's text wraps
    first). Neither line is an item by itself: the upper has no amount, the lower nothing
    else. They are one row when the lower holds only amount-column numbers, the upper no
    amount but a description with quantity or unit price, and the lower sits right under
    it."""
    if pending is None or pending.amount_cols or not row.amount_cols or row.description or row.sku or row.loose:
        return False
    if any(k[0] not in ("net", "amount", "gross") for k in row.numbers):
        return False
    if not pending.description or not any(k[0] in ("quantity", "unit_price") for k in pending.numbers):
        return False
    gap = row.line.box.top - pending.line.box.bottom
    return -0.5 * row.line.height < gap < 1.2 * row.line.height


# Marks OCR reads from cell borders and specks at a word's edges ("20|", "“22,25", "121,60}.",
# "618,80." where a speck after the cents became a full stop: a figure with its cents
# already printed ends there)
_EDGE_MARKS = re.compile(r"^[“”\"'‘’|}{\[\]_~»«*]+|[“”\"'‘’|}{\[\]_~»«*]+\.?$|(?<=\d[.,]\d\d)[.,:;]$")


def _without_edge_marks(ln: Line) -> Line:
    """``ln`` with border marks stripped from its words, so the numbers they touch parse."""
    if not any(_EDGE_MARKS.search(w.text) for w in ln.words):
        return ln
    words = [replace(w, text=_EDGE_MARKS.sub("", w.text)) for w in ln.words]
    return make_line(ln.page, [w for w in words if w.text], ln.index)


def _body(lines: list, ctx: Context, header: Header) -> list:
    """The lines under a header up to the first one labelled net, tax or total."""
    out = []
    for ln in lines:
        if any(h.field in _SUMMARY_LABELS and in_table(h, header) for h in ctx.hits[id(ln)]):
            break
        out.append(ln)
    return out


def _take(table: _Table, row: Row, state: str) -> str:
    if row.kind in ("carry", "page_total"):
        if row.amount_cols:
            table.checks.append((row, len(table.rows)))
        return "open" if row.kind == "carry" else state
    if row.kind == "summary":
        return "closed"
    if row.kind in ("item", "other") and _repeats_running_sum(row, table):
        # a subtotal in words no vocabulary holds (read as "other" where its words stood under
        # a figure column and left it no description: "Kopsumma bez PVN 366,93 EUR")
        table.checks.append((row, len(table.rows)))
        table.summed_at = len(table.rows)
        return state
    if row.kind == "item" and table.summed_at == len(table.rows) and _sum_shaped(row):
        # right under the items' sum, a row of one amount and no quantity or price is the next
        # sum (a tax or total in words no vocabulary holds): the items are over
        return "closed"
    if row.kind == "item":
        if state == "continued" and not _item_shaped(row, table.header):
            return state  # letterhead of a following page read under the table's columns
        if _bare(row, table):
            return state  # figures under the columns of a table whose items all name themselves
        table.rows.append(row)
        return "open"
    if row.kind == "other" and state == "open" and table.rows and _orphan(row):
        table.orphans.append((row, len(table.rows)))
        return state
    if row.kind == "text" and state == "open" and table.rows and _continues(table.rows[-1], row, table.header):
        table.rows[-1].description = f"{table.rows[-1].description} {row.description}".strip()
        table.rows[-1].line = _Joined(table.rows[-1].line, row.line)
    elif row.kind in ("text", "other") and state == "open" and table.rows and not (row.numbers or row.loose or row.percents):
        table.interrupted = len(table.rows)
    return state


def _orphan(row: Row) -> bool:
    """An OCR'd row of one amount with cents and nothing else: an item whose description and
    factors the OCR lost or read on another baseline (a shaded band), or a figure of
    something else; only the net tells (``_with_orphan``)."""
    return len(row.amount_cols) == 1 and not row.loose and row.amount_cols[0] not in row.plain \
        and set(row.numbers) == set(row.amount_cols) and ocr_read(row.line.words)


def _with_orphan(table: _Table, net: Optional[Decimal]) -> Optional[list]:
    """The items with the one amount-only row among them that makes them add up to the net,
    when without it they do not: the net is the evidence that it is an item."""
    if net is None or not table.orphans or _sums_to([i.amount for i in _items(table, net)], net):
        return None
    for row, before in table.orphans:
        rows = [*table.rows[:before], row, *table.rows[before:]]
        checks = [(c, n + (n > before)) for c, n in table.checks]
        items = _items(_Table(table.header, rows, checks), net)
        if _sums_to([i.amount for i in items], net):
            return items
    return None


def _repeats_running_sum(row: Row, table: _Table) -> bool:
    """A row with one amount and neither quantity nor unit price whose amount is the sum of
    the two or more items above it: a summary (goods value, subtotal, carried forward) in
    words the vocabulary lacks, or whose words the OCR damaged. An item is priced on its
    own; only a summary restates what the rows above it add up to. It is kept as a check
    of the running sum, like a carried-forward row, and does not close the table (the tax
    and total rows under it do)."""
    if len(table.rows) < 2 or len(row.amount_cols) != 1 or row.loose or agreement(row, table.header) is not None:
        return False
    if any(k[0] in ("quantity", "unit_price") for k in row.numbers):
        return False
    col = row.amount_cols[0]
    above = [r.numbers.get(col, _product(r, table.header)) for r in table.rows]
    if any(a is None for a in above):
        return False
    return abs(sum(above) - row.numbers[col]) <= CENT * len(above)


def _sum_shaped(row: Row) -> bool:
    """One amount, and neither a quantity nor a unit price: how a sum prints, not an item."""
    return len(row.amount_cols) == 1 and not any(k[0] in ("quantity", "unit_price") for k in row.numbers)


def _bare(row: Row, table: _Table) -> bool:
    """A row of figures only (no description, no article number, no quantity x unit price
    agreeing), far below the last item on its page, under a table whose every item so far
    printed a description or an article number: figures of something below the table (a
    tax breakdown whose header went unrecognised), not an item. Right under the items such
    a row is an item whose words the OCR lost, unless a words-only line that continues no
    item stands between (the breakdown's own captions)."""
    if row.description or row.sku or not table.rows or agreement(row, table.header) is not None:
        return False
    last = table.rows[-1].line
    # under captions of another block since the last item, or far below it on its page
    apart = table.interrupted == len(table.rows) or (
        last.page == row.line.page and row.line.box.top - last.box.bottom >= 5 * max(last.height, row.line.height))
    return apart and all(r.description or r.sku for r in table.rows)


def _item_shaped(row: Row, header: Header) -> bool:
    return agreement(row, header) is not None or (len(row.numbers) >= 2 and bool(row.description))


def _continues(prev: Row, row: Row, header: Header) -> bool:
    """A words-only line right under an item, starting in the description column, is the
    rest of that item's description."""
    desc = header.column("description")
    gap = row.line.box.top - prev.line.box.bottom
    starts = row.line.box.x0
    inside = desc is None or desc.lo - 2 <= starts < desc.hi
    # a line far taller than the item's is no wrapped text (a word printed up the margin)
    return bool(row.description) and gap < 1.2 * row.line.height and inside and not row.line.text.isupper() \
        and row.line.height < 2 * prev.line.height


class _Joined:
    """The lines of one item whose description wraps: the first line's box grown downwards."""

    def __init__(self, first, more: Line):
        self.page, self.words = first.page, (*first.words, *more.words)
        self.box = first.box.union(more.box)
        self.height = first.height


def _items(table: _Table, net: Optional[Decimal]) -> list[LineItem]:
    header = table.header
    every = _without_stray_numbers(table.rows, header)
    # an amount made up from quantity x unit price stands only when it completes the net;
    # rows set aside as stray whole numbers are items when their repair completes it
    # ("2577" for 2,77: the decimal mark read as a digit)
    options = [every, [r for r in every if not _computed(r, header)]]
    if len(every) < len(table.rows) and net is not None:
        options.insert(0, table.rows)
    for rows in options:
        col, nets, amounts = _line_amounts(rows, header, net)
        if not _sums_to(amounts, net) and nets is None:
            amounts = amounts_the_net_confirms(rows, header, col, amounts, net, agreement) or amounts
        if _sums_to(amounts, net) or (rows is every and _carry_confirms(table, rows, amounts, header)):
            break
    sums_to_net = _sums_to(amounts, net)
    checked = _carried_sums_agree(table, amounts, rows)
    out = []
    for row, amount in zip(rows, amounts):
        if amount is None:
            continue
        agree = agreement(row, header)
        qty, price = (agree[0], agree[1]) if agree else (row.value(header, "quantity"), row.value(header, "unit_price"))
        conf = 0.9 if agree and (agree[2] == col or nets) else 0.75 if qty is not None and price is not None else 0.6
        conf = conf if row.amount_cols else 0.6  # the amount was computed, not read
        conf -= 0.05 if row.repairs and row.amount_cols else 0.0  # a figure the arithmetic chose among OCR readings
        conf += 0.05 if sums_to_net else 0.0
        conf += {True: 0.02, False: -0.15, None: 0.0}[checked]
        out.append(LineItem(description=row.description, quantity=qty, unit_price=price, amount=amount, sku=row.sku,
                            confidence=round(max(0.3, min(0.97, conf)), 3), page=row.line.page, box=row.line.box,
                            tax_rate=row.percents.get("tax_rate"), evidence=tuple(row.repairs)))
    return out


def _line_amounts(rows: list, header: Header, net: Optional[Decimal]) -> tuple:
    """(amount column, nets from gross or None, each row's line amount)."""
    col = _amount_column(rows, header, net)
    nets = _nets_from_gross(rows, header, col, net)
    amounts = nets or [r.numbers.get(col) for r in rows]
    if any(a is None for a in amounts):
        amounts = [r.numbers.get(col, r.numbers[r.amount_cols[-1]] if r.amount_cols else _product(r, header)) for r in rows]
    return col, nets, amounts


def _sums_to(amounts: list, net: Optional[Decimal]) -> bool:
    return net is not None and bool(amounts) and all(a is not None for a in amounts) \
        and abs(sum(amounts) - net) <= CENT * len(amounts)


def _computed(row: Row, header: Header) -> bool:
    """A row whose amount the OCR lost under a printed amount column (``table_rows._kind``)."""
    return not row.amount_cols and any(c.kind in ("net", "amount", "gross") for c in header.columns)


def _product(row: Row, header: Header) -> Optional[Decimal]:
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    return (qty * price).quantize(CENT, ROUND_HALF_UP) if qty is not None and price is not None else None


def _without_stray_numbers(rows: list, header: Header) -> list:
    """When the items print their amounts with decimals, a row whose only amount is a bare
    integer and whose arithmetic says nothing ("Continued on page 2") is no item."""
    decimal = [r for r in rows if any(c not in r.plain for c in r.amount_cols)]
    if 2 * len(decimal) <= len(rows):
        return rows
    return [r for r in rows if r in decimal or agreement(r, header) is not None or _computed(r, header)]


def _amount_column(rows: list, header: Header, net: Optional[Decimal]) -> Optional[tuple]:
    cols = sorted({c for r in rows for c in r.amount_cols})
    if not cols:
        return None
    preference = {"net": 0, "amount": 1, "gross": 2}

    def score(c: int):
        values = [r.numbers.get(c) for r in rows]
        complete = all(v is not None for v in values)
        sums = complete and net is not None and abs(sum(values) - net) <= CENT * len(rows)
        agreeing = sum(1 for r in rows if (a := agreement(r, header)) and a[2] == c)
        return (sums, agreeing, complete, -preference[c[0]], -c[1])

    return max(cols, key=score)


def _nets_from_gross(rows: list, header: Header, col: Optional[tuple], net: Optional[Decimal]) -> Optional[list]:
    """Per-line nets of a table printing gross line amounts, when they add up to the net."""
    if net is None or col is None or col[0] == "net":
        return None
    values = [r.numbers.get(col) for r in rows]
    if any(v is None for v in values) or abs(sum(values) - net) <= CENT * len(rows):
        return None
    nets = []
    for r, gross in zip(rows, values):
        tax = r.value(header, "tax_amount")
        rate = r.percents.get("tax_rate")
        if tax is not None and tax != gross:
            nets.append(gross - tax)
        elif rate is not None:
            nets.append((gross * 100 / (100 + rate)).quantize(CENT, ROUND_HALF_UP))
        else:
            return None
    return nets if abs(sum(nets) - net) <= CENT * len(rows) else None


def _carry_confirms(table: _Table, rows: list, amounts: list, header: Header) -> bool:
    """Whether carried-forward rows confirm the amounts made up from quantity x unit price
    (an amount column the OCR lost on one page): every such row lies above a carried-forward
    row, and each carried-forward row equals the running sum. The net may still disagree
    (a figure misread further down), but the rows above the carry are then no guess."""
    made_up = [i for i, r in enumerate(rows) if _computed(r, header)]
    if not made_up or _carried_sums_agree(table, amounts, rows) is not True:
        return False
    last = max(_index_in(rows, table.rows, before) for _, before in table.checks)
    return all(i < last for i in made_up)


def _index_in(rows: list, collected: list, before: int) -> int:
    """How many of ``rows`` (a selection of ``collected``) lie among its first ``before``."""
    first = {id(r) for r in collected[:before]}
    return sum(1 for r in rows if id(r) in first)


def _carried_sums_agree(table: _Table, amounts: list, rows: Optional[list] = None) -> Optional[bool]:
    """True when every carried-forward / page-total row equals the running sum of the items
    above it, False when one does not (a row was missed or misread), None without such rows.
    ``rows``: the items ``amounts`` belong to, when some collected rows were set aside."""
    if not table.checks or any(a is None for a in amounts):
        return None
    rows = table.rows if rows is None else rows
    since = 0
    for row, collected_before in table.checks:
        before = _index_in(rows, table.rows, collected_before)
        # a carried-forward row repeats the running sum, a page total may sum its page only
        sums = (sum(amounts[:before], Decimal(0)), sum(amounts[since:before], Decimal(0)))
        values = [v for c, v in row.numbers.items() if c not in row.plain]
        if not values:
            continue
        if not any(abs(v - s) <= CENT * max(1, before) for v in values for s in sums):
            return False
        since = before
    return True
