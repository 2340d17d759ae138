"""Rows of a line-item table read under its header's columns, and what kind of row each is.

A row's numbers go to the column whose stretch holds them (``table_columns``); its words
left of the numbers, or under the description column, are the description; a line with
words but no amount right under an item continues that item's description (a wrapped
description). Rows that are not items are recognised by their wording and shape (one or
two numbers, no quantity times price): carried / brought forward (in every language of
the vocabulary), page totals, subtotals, tax, rounding and totals. Discounts and charges
(freight, packing) stay items: matching judges them (``domain/charges.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.parsing import parse_amount
from invoicepipe.domain.extraction.table_columns import NUMERIC_KINDS, Header, column_at

CARRY = re.compile(
    r"(?<!\w)(?:ubertrag|uebertrag|vortrag|carr(?:y|ied)\s*(?:forward|fwd|over)|brought\s*(?:forward|fwd|over)|b/f|c/f|"
    r"balance\s*(?:brought|carried)|(?:a|à)\s*reporter|report(?:e|é)?|(?:de|du)\s*report|transport(?:o|e|é)?|a\s*transportar|"
    r"riporto|a\s*riportare|riportato|suma\s*(?:z|do)\s*przeniesienia|z\s*przeniesienia|do\s*przeniesienia|przeniesienie|"
    r"suma\s*y\s*sigue|suma\s*anterior|saldo\s*anterior|overdracht|over\s*te\s*brengen|van\s*vorige\s*pagina|naar\s*volgende\s*pagina|"
    r"transportiert|vorherige\s*seite)(?!\w)")
PAGE_TOTAL = re.compile(r"(?<!\w)(?:page\s*(?:sub)?total|seiten\s*(?:summe|total)|total\s*(?:de\s*la\s*)?page|sous-?\s*total\s*page|"
                        r"pagina\s*totaal|totale\s*pagina|total\s*(?:de\s*)?pagina|suma\s*strony)(?!\w)")
SUMMARY = re.compile(
    r"(?<!\w)(?:sub\s*-?\s*total|total|totals|summe|zwischensumme|gesamt\w*|netto\w*|brutto\w*|net|gross|sous\s*-?\s*total|totaal|subtotaal|"
    r"totale|subtotale|imponibile|base\s*imponible|importe|razem|suma|ogolem|do\s*zaplaty|taxable|amount\s*(?:due|payable)|balance|"
    r"vat|mwst|ust|tva|iva|btw|gst|[cisu]gst|tax|steuer|umsatzsteuer|podatek|imposta|impuesto|"
    r"round(?:ing|ed)?(?:\s*off)?|rundung|arrondi\w*|afronding|redondeo|arrotondamento|arredondamento|zaokraglenie)(?!\w)")
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*%")
_POSITION = re.compile(r"^\s*\d{1,3}[.)]?\s+(?=\D)")
CENT = Decimal("0.01")


@dataclass
class Row:
    line: Line
    numbers: dict = field(default_factory=dict)  # column key (kind, n-th of that kind) -> value
    loose: list = field(default_factory=list)  # numbers in no numeric column (description, position)
    percents: dict = field(default_factory=dict)  # column kind -> percent value
    description: str = ""
    sku: Optional[str] = None
    kind: str = "item"  # item | text | carry | page_total | summary | other
    amount_cols: tuple = ()
    plain: set = field(default_factory=set)  # columns whose number has no decimals ("Page 2", "1 of 3")

    def value(self, header: Header, kind: str) -> Optional[Decimal]:
        return next((v for k, v in sorted(self.numbers.items()) if k[0] == kind), None)


def read_row(ln: Line, header: Header, decimal_sep: Optional[str], char_width: float, labelled: bool = False) -> Row:
    """``ln`` read under ``header``: numbers by column, description, SKU and its kind.
    ``labelled``: the line carries a net, tax or total label of the label vocabulary."""
    row = Row(ln)
    cols = header.columns
    used: set = set()
    for tok, words, col in _placed(ln, header, decimal_sep, char_width):
        key = column_key(header, col) if col is not None else None
        if col is not None and col.kind in NUMERIC_KINDS and col.kind != "tax_rate":
            row.numbers[key] = tok.value
            if not tok.has_decimals:
                row.plain.add(key)
            used.update(id(w) for w in words)
        elif col is not None and col.kind == "tax_rate" and abs(tok.value) < 100 and "tax_rate" not in row.percents:
            row.percents["tax_rate"] = tok.value
            used.update(id(w) for w in words)
        elif col is None or col.kind not in ("description", "sku"):
            row.loose.append(tok.value)
    for m in _PERCENT.finditer(ln.text):
        words = ln.words_in(m.start(1), m.end())
        col = column_at(header, *(lambda b: (b.x0, b.x1))(union_box(words))) if words else None
        kind = col.kind if col is not None and col.kind in ("tax_rate", "discount") else "tax_rate"
        value = parse_amount(m.group(1), decimal_sep if decimal_sep else ("," if "," in m.group(1) else "."))
        if value is not None and kind not in row.percents:
            row.percents[kind] = value
            used.update(id(w) for w in words)
    first_numeric = min((c.lo for c in cols if c.kind in NUMERIC_KINDS), default=1e9)
    desc_words, sku_words, label_words = [], [], []
    for w in ln.words:
        if id(w) in used:
            continue
        label_words.append(w.text)
        col = column_at(header, w.box.x0, w.box.x1)
        kind = col.kind if col is not None else None
        if kind == "sku":
            sku_words.append(w.text)
        elif kind == "description" or (kind not in ("position", "unit") and w.box.x1 <= first_numeric + 2):
            desc_words.append(w.text)
    row.description = _POSITION.sub("", " ".join(desc_words)).strip() if "position" not in header.kinds() else " ".join(desc_words)
    row.sku = " ".join(sku_words) or None
    row.amount_cols = tuple(k for k in row.numbers if k[0] in ("net", "amount", "gross"))
    row.kind = _kind(row, header, fold_accents(" ".join(label_words)).lower(), labelled)
    return row


def _placed(ln: Line, header: Header, decimal_sep: Optional[str], char_width: float) -> list:
    """(token, words, column) for each number on ``ln``. When several numbers fall in one
    numeric column's stretch (a header whose other names were lost to OCR or never printed)
    the one nearest the column's name keeps it and the others are placed in no column, so
    the arithmetic can still find the quantity and unit price among them."""
    placed = []
    for tok in amounts_on(ln, decimal_sep, char_width):
        words = ln.words_in(tok.start, tok.end)
        box = union_box(words)
        placed.append([tok, words, column_at(header, box.x0, box.x1), box])
    for col in {id(p[2]): p[2] for p in placed if p[2] is not None and p[2].kind in NUMERIC_KINDS}.values():
        inside = [p for p in placed if p[2] is col]
        if len(inside) > 1:
            keep = min(inside, key=lambda p: max(0.0, col.x0 - p[3].x1, p[3].x0 - col.x1) + abs(p[3].x1 - col.x1) / 1000)
            for p in inside:
                if p is not keep:
                    p[2] = None
    return [(tok, words, col) for tok, words, col, _ in placed]


def column_key(header: Header, col) -> tuple:
    """A column named across repeated headers: its kind and which of that kind it is
    ("Amount" then "Total" are two amount columns: ("amount", 0) and ("amount", 1))."""
    same = [c for c in header.columns if c.kind == col.kind]
    return col.kind, same.index(col)


def _kind(row: Row, header: Header, words: str, labelled: bool) -> str:
    """The row's kind from its words outside the number columns (a "Subtotal" printed under
    the unit-price column counts) and its arithmetic."""
    words = re.sub(r"[\d.,:%*()-]+", " ", words).strip()
    if not row.amount_cols:
        if not row.numbers and not row.loose and re.search(r"[^\W\d_]{2}", row.description):
            return "text"
        return "carry" if CARRY.search(words) else "other"
    if agreement(row, header) is not None:
        return "item"
    short = len(words.split()) <= 6
    if short and PAGE_TOTAL.search(words):
        return "page_total"
    if short and CARRY.search(words):
        return "carry"
    if short and (SUMMARY.match(words) or labelled) and "quantity" not in _kinds(row, header):
        return "summary"
    if not row.description.strip() and not row.sku and len(row.numbers) <= 1 and "quantity" not in _kinds(row, header):
        return "other"
    return "item"


def _kinds(row: Row, header: Header) -> set:
    return {k[0] for k in row.numbers}


def agreement(row: Row, header: Header) -> Optional[tuple[Decimal, Decimal, int]]:
    """(quantity, unit price, amount column) when quantity x unit price (less a discount) is
    one of the row's amounts within rounding: read from their columns first, else from any
    two of the row's other numbers (a position number read as the quantity, a quantity
    printed inside the description)."""
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    factor = Decimal(1) - row.percents.get("discount", Decimal(0)) / 100
    pairs = [(qty, price)] if qty is not None and price is not None else []
    others = [v for i, v in row.numbers.items() if i not in row.amount_cols] + row.loose
    pairs += [(a, b) for i, a in enumerate(others) for b in others[i + 1:]] + [(b, a) for i, a in enumerate(others) for b in others[i + 1:]]
    for q, p in pairs:
        if q is None or p is None or q == 0:
            continue
        for col in row.amount_cols:
            amount = row.numbers[col]
            if abs(q * p * factor - amount) <= CENT * max(Decimal(1), abs(q)):
                return q, p, col
    return None
