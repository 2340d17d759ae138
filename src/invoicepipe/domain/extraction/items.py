"""Line items from reader tables, or from word rows aligned under a header line.

A header is recognised by column keywords (description / quantity / unit price / amount in
English, German, French, Dutch, Spanish, Italian, Portuguese, Polish; matched
accent-folded). On rows of words, the quantity is the number left of the unit price that
times it gives the amount, since descriptions print numbers of their own. Confidence of an item: 0.6 when only an amount was read,
0.75 with quantity and unit price, 0.9 when quantity x unit price equals the amount.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Optional, Sequence

from invoicepipe.domain.extraction.arithmetic_rows import items_from_arithmetic
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.parsing import parse_amount
from invoicepipe.domain.extraction.pattern_set import compile_guarded
from invoicepipe.domain.extraction.rate_split import rate_rows, unmarked_rate_rows
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.extraction.summed_rows import items_from_sums
from invoicepipe.domain.extraction.table_reader import read_table_items
from invoicepipe.domain.models import DocumentText, LineItem

COLUMNS = {
    "description": r"description|item|article|artikel|bezeichnung|beschreibung|leistung|désignation|designation|libellé|product|"
                   r"omschrijving|produkt|particulars|descripción|concepto|descrizione|descrição|nazwa(?:\s*towaru)?|towar",
    "quantity": r"qty|quantity|menge|anzahl|quantité|qté|aantal|units?|cantidad|cant\.?|quantità|q\.\s*tà|qtà|qta|"
                r"quantidade|qtd\.?|ilość",
    "unit_price": r"unit\s*price|price|rate|einzelpreis|preis|stückpreis|p\.?\s*u\.?|prix\s*unitaire|prijs|"
                  r"precio(?:\s*unit(?:ario|\.)?)?|prezzo(?:\s*unit(?:ario|\.)?)?|preço(?:\s*unit(?:ário|\.)?)?|cena(?:\s*(?:jedn\.?|netto))?",
    "amount": r"amount|line\s*total|total|betrag|gesamt(?:preis)?|montant|bedrag|summe|importe|importo|valor|"
              r"wartość(?:\s*netto)?|kwota",
}
_COL_RX = {k: compile_guarded(rf"(?<!\w)(?:{fold_accents(v)})(?!\w)", re.I) for k, v in COLUMNS.items()}
_STOP_ROW = re.compile(r"(?i)(?<!\w)(?:sub\s*-?total|total|summe|zwischensumme|gesamt|netto|mwst|tva|vat|tax|totaal|"
                       r"base\s*imponible|imponibile|iva|razem|taxable|[cis]gst|totale)(?!\w)")


def _header_map(cells: Sequence[Optional[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        for name in ("unit_price", "quantity", "description", "amount"):
            if cell and name not in found and _COL_RX[name].search(fold_accents(cell)):
                found[name] = i
                break
    return found if "amount" in found and len(found) >= 2 else {}


def _item(desc: str, qty: Optional[Decimal], price: Optional[Decimal], amount: Decimal, page: int, box=None) -> LineItem:
    conf = 0.6
    if qty is not None and price is not None:
        conf = 0.9 if abs(qty * price - amount) <= Decimal("0.01") * max(1, qty) else 0.75
    return LineItem(description=desc.strip(), quantity=qty, unit_price=price, amount=amount, confidence=conf, page=page, box=box)


def items_from_tables(doc: DocumentText, decimal_sep: Optional[str]) -> list[LineItem]:
    """Items from ``Page.tables``: rows after a recognised header that carry an amount."""
    items: list[LineItem] = []
    for page in doc.pages:
        for table in page.tables:
            cols: dict[str, int] = {}
            for row in table:
                if not cols:
                    cols = _header_map(row)
                    continue
                cell = lambda k: (row[cols[k]] or "") if k in cols and cols[k] < len(row) else ""
                desc = cell("description") or " ".join(c for c in row if c and not re.search(r"\d", c))
                if _STOP_ROW.search(fold_accents(desc or "")):
                    continue
                amount = parse_amount(cell("amount").split("\n")[-1], decimal_sep)
                if amount is None:
                    continue
                qty = parse_amount(cell("quantity").split(" ")[0], decimal_sep) if cell("quantity") else None
                price = parse_amount(cell("unit_price"), decimal_sep) if cell("unit_price") else None
                items.append(_item(desc.replace("\n", " "), qty, price, amount, page.number))
    return items


# A function of the text alone, kept: every line above a page's item header is asked, and a
# layout prints the same lines there on every invoice.
@lru_cache(maxsize=8192)
def _column_names(text: str) -> dict[str, tuple[int, int]]:
    """The (start, end) of the first match of each column name's pattern on a line's text."""
    folded = fold_accents(text)
    return {k: m.span() for k, rx in _COL_RX.items() for m in [rx.search(folded)] if m}


def items_from_rows(ctx: Context) -> list[LineItem]:
    """Items from word rows under a header line whose amount column they align with."""
    items: list[LineItem] = []
    cw = ctx.layout.char_width
    for page_no, lines in ctx.layout.by_page.items():
        header: Optional[tuple[Line, dict]] = None
        for ln in lines:
            if header is None:
                cols = _column_names(ln.text)
                if "amount" in cols and len(cols) >= 3:
                    amount_words = ln.words_in(*cols["amount"])
                    header = (ln, {"amount": union_box(amount_words)})
                continue
            if any(h.field in ("net", "total") for h in ctx.hits[id(ln)]) or _STOP_ROW.match(fold_accents(ln.text)):
                break
            col = header[1]["amount"]
            on_line = amounts_on(ln, ctx.decimal_sep, cw)
            aligned = [t for t in on_line if t.has_decimals and _overlaps(ln, t.start, t.end, col.x0 - 6 * cw, col.x1 + 6 * cw)]
            if not aligned:
                continue
            amount_tok = aligned[-1]
            numeric = [t for t in on_line if t.start < amount_tok.start]
            qty_tok = _quantity_token(numeric, amount_tok.value)
            first_num = (qty_tok or (numeric[0] if numeric else amount_tok)).start
            desc = _POSITION.sub("", ln.text[:first_num]).strip()
            qty = qty_tok.value if qty_tok is not None else None
            price = numeric[-1].value if len(numeric) >= 2 else (numeric[0].value if numeric else None)
            items.append(_item(desc, qty, price, amount_tok.value, page_no, ln.box))
    return items


# A row that starts with its position number ("3  Toner black …"): the number is not the description.
_POSITION = re.compile(r"^\s*\d{1,3}[.)]?\s+(?=\D)")


def _quantity_token(numeric: list, amount: Decimal):
    """The quantity among the numbers left of the amount: the one that times the unit price
    (the last of them) gives the amount. Descriptions carry numbers of their own ("50 mm x
    66 m", "A4", a position number), so the first number on the row is only the quantity
    when nothing better agrees with the arithmetic."""
    if len(numeric) < 2:
        return None
    price = numeric[-1].value
    for tok in reversed(numeric[:-1]):
        if tok.value and abs(tok.value * price - amount) <= Decimal("0.01") * max(Decimal(1), abs(tok.value)):
            return tok
    return numeric[0]


def _overlaps(line: Line, start: int, end: int, x0: float, x1: float) -> bool:
    words = line.words_in(start, end)
    if not words:
        return False
    box = union_box(words)
    return box.x1 > x0 and box.x0 < x1


def read_line_items(doc: DocumentText, ctx: Context, net: Optional[Decimal], total: Optional[Decimal] = None) -> list[LineItem]:
    """The line items of ``doc``: of the readings (the table under a recognised header, the
    reader's ruled tables, word rows under an amount column, rows found by their arithmetic
    alone; last, lines whose amounts add up to the net or total) the one the arithmetic backs
    most: its amounts add up to the invoice's ``net``, then most lines where quantity x unit
    price is the amount, fewest where it is not; ties go to the header-table reading."""
    readings = [read_table_items(ctx, net), items_from_tables(doc, ctx.decimal_sep), items_from_rows(ctx)]
    if net is not None and not any(_backing(items, net)[0] for items in readings):
        rows = _rate_row_places(ctx)
        readings = [_without_rate_rows_after(items, rows, net) for items in readings]
    best = max(readings, key=lambda items: _backing(items, net) + (-readings.index(items),))
    # rows found by arithmetic alone had no header to vouch for their columns: they replace
    # the header readings only when those found nothing, or when only they add up to the net
    if best and (net is None or _backing(best, net)[0]):
        return best  # nothing the inferred reading could beat (and it is not read at all)
    inferred = items_from_arithmetic(ctx, net)
    # a lone inferred row (its amount is the net) never replaces a header reading: that net
    # may be a line amount read under a "net" column name
    if inferred and (not best or (len(inferred) > 1 and _backing(inferred, net)[0] and not _backing(best, net)[0])):
        return inferred
    # lines whose amounts add up to the net or total (a till receipt): only when nothing else was read
    return best or inferred or items_from_sums(ctx, net, total)


def _rate_row_places(ctx: Context) -> set:
    """(page, top) of the lines printing a base and its rate's tax (``rate_split``)."""
    rows = [*unmarked_rate_rows(ctx), *(r for r in rate_rows(ctx).with_net if r.rate is not None)]
    return {(r.line.page, round(r.line.box.top, 1)) for r in rows}


def _without_rate_rows_after(items: list[LineItem], rate_rows_at: set, net: Decimal) -> list[LineItem]:
    """The items without the rows of a tax summary read after them: a row printing a base and
    its rate's tax ("22,00  2.608,28  573,82" under "%IVA  Totale imponibile  Totale imposta"),
    under an amount column whose end no label the vocabulary knows marked. Cut only when the
    items then add up to the net and did not before: the sum says where the items end."""
    end = len(items)
    while end and items[end - 1].box is not None and (items[end - 1].page, round(items[end - 1].box.top, 1)) in rate_rows_at:
        end -= 1
    return items[:end] if 0 < end < len(items) and _backing(items[:end], net)[0] else items


def _backing(items: list[LineItem], net: Optional[Decimal]) -> tuple:
    if not items:
        return (False, -1, 0)
    amounts = [i.amount for i in items if i.amount is not None]
    sums = net is not None and len(amounts) == len(items) and abs(sum(amounts) - net) <= Decimal("0.01") * len(items)
    agree = sum(1 for i in items if _agrees(i))
    disagree = sum(1 for i in items if i.quantity is not None and i.unit_price is not None and not _agrees(i))
    return (sums, agree, -disagree)


def _agrees(item: LineItem) -> bool:
    if item.quantity is None or item.unit_price is None or item.amount is None:
        return False
    return abs(item.quantity * item.unit_price - item.amount) <= Decimal("0.01") * max(Decimal(1), abs(item.quantity))
