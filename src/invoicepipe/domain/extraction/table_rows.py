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

import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.parsing import RATE_SIGN_FIRST, parse_amount, rate_digits
from invoicepipe.domain.extraction.table_columns import NUMERIC_KINDS, Header, column_at
from invoicepipe.domain.extraction.table_repair import cut_at_mark, ocr_read, repair_figures

CARRY = re.compile(
    r"(?<!\w)(?:ubertrag|uebertrag|vortrag|carr(?:y|ied)\s*(?:forward|fwd|over)|brought\s*(?:forward|fwd|over)|b/f|c/f|"
    r"balance\s*(?:brought|carried)|(?:a|à)\s*reporter|report(?:e|é)?|(?:de|du)\s*report|transport(?:o|e|é)?|a\s*transportar|"
    r"riporto|a\s*riportare|riportato|suma\s*(?:z|do)\s*przeniesienia|z\s*przeniesienia|do\s*przeniesienia|przeniesienie|"
    r"suma\s*y\s*sigue|suma\s*anterior|saldo\s*anterior|overdracht|over\s*te\s*brengen|van\s*vorige\s*pagina|naar\s*volgende\s*pagina|"
    r"transportiert|vorherige\s*seite|overfor(?:t|es|ing)|att\s*overfora|fran\s*foregaende\s*sida|siirto|siirretty|siirretaan|"
    r"prevod|prevedeno|z\s*predchozi\s*strany)(?!\w)")
PAGE_TOTAL = re.compile(r"(?<!\w)(?:page\s*(?:sub)?total|seiten\s*(?:summe|total)|total\s*(?:de\s*la\s*)?page|sous-?\s*total\s*page|"
                        r"pagina\s*totaal|totale\s*pagina|total\s*(?:de\s*)?pagina|suma\s*strony|sidsumma|sidetotal|side\s*i\s*alt|sivun\s*summa|"
                        r"soucet\s*strany)(?!\w)")
SUMMARY = re.compile(
    r"(?<!\w)(?:sub\s*-?\s*total|total|totals|summe|zwischensumme|gesamt\w*|netto\w*|brutto\w*|net|gross|sous\s*-?\s*total|totaal|subtotaal|"
    r"totale|subtotale|imponibile|base\s*imponible|importe|razem|suma|ogolem|do\s*zaplaty|taxable|amount\s*(?:due|payable)|balance|"
    r"vat|mwst|ust|tva|iva|btw|gst|[cisu]gst|tax|steuer|umsatzsteuer|podatek|imposta|impuesto|"
    r"round(?:ing|ed)?(?:\s*off)?|rundung|arrondi\w*|afronding|redondeo|arrotondamento|arredondamento|zaokraglenie|"
    r"summa|totalt|i\s*alt|att\s*betala|at\s*betale|a\s*betale|yhteensa|celkem|moms\w*|mva|alv|dph|"
    r"oresavrundning|afrunding|avrunding|pyoristys|zaokrouhleni|"
    # Hungarian and Finnish sums and taxes ("Összesen", "Fizetendő", "ÁFA", "Veroton", "Arvonlisävero")
    r"(?:mind)?osszesen|fizetendo|afa|veroton|arvonlisavero|"
    # the value of the goods before tax, named as such ("GOODS VALUE", "Warenwert", "Valeur
    # des marchandises"): the net under another name, no article
    r"goods\s*(?:value|total)|value\s*of\s*goods|merchandise\s*(?:value|total)|warenwert|"
    r"valeur\s*(?:des\s*)?marchandises|valor\s*(?:de\s*(?:las\s*)?)?mercancias|valore\s*(?:della\s*)?merce|"
    r"waarde\s*(?:der\s*)?goederen|wartosc\s*towarow|varuvarde)(?!\w)")
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*%|" + RATE_SIGN_FIRST)
_POSITION = re.compile(r"^\s*\d{1,3}[.)]?\s+(?=\D)")
CENT = Decimal("0.01")


@dataclass
class Row:
    line: Line
    numbers: dict = field(default_factory=dict)  # column key (kind, n-th of that kind) -> value
    loose: list = field(default_factory=list)  # numbers in no numeric column (description, position)
    at: dict = field(default_factory=dict)  # id of a number's entry -> its left edge (reading order)
    percents: dict = field(default_factory=dict)  # column kind -> percent value
    description: str = ""
    sku: Optional[str] = None
    kind: str = "item"  # item | text | carry | page_total | summary | other
    amount_cols: tuple = ()
    plain: set = field(default_factory=set)  # columns whose number has no decimals ("Page 2", "1 of 3")
    repairs: list = field(default_factory=list)  # figures read differently from the OCR, and why (``table_repair``)

    def value(self, header: Header, kind: str) -> Optional[Decimal]:
        return next((v for k, v in sorted(self.numbers.items()) if k[0] == kind), None)


class LineAmounts:
    """``amounts_on`` of each line, read once per table: the header's column alignment and
    the reading of each row ask for the numbers of the same lines. Each entry keeps its line,
    so an id is never taken for another line's while the memo lives."""

    def __init__(self, decimal_sep: Optional[str], char_width: float):
        self.decimal_sep, self.char_width = decimal_sep, char_width
        self._read: dict[int, tuple[Line, list]] = {}

    def __call__(self, ln: Line) -> list:
        entry = self._read.get(id(ln))
        if entry is None or entry[0] is not ln:
            entry = self._read[id(ln)] = (ln, amounts_on(ln, self.decimal_sep, self.char_width))
        return entry[1]


def read_row(ln: Line, header: Header, decimal_sep: Optional[str], char_width: float, labelled: bool = False,
             amounts: Optional["LineAmounts"] = None, names_amount: bool = False) -> Row:
    """``ln`` read under ``header``: numbers by column, description, SKU and its kind.
    ``labelled``: the line carries a net, tax or total label of the label vocabulary;
    ``names_amount``: such a label stands right before the line's last amount."""
    row = Row(ln)
    used: set = set()
    for tok, words, col in _placed(ln, header, decimal_sep, char_width, amounts):
        key = column_key(header, col) if col is not None else None
        if col is not None and col.kind in NUMERIC_KINDS and col.kind != "tax_rate":
            row.numbers[key] = tok.value
            row.at[key] = words[0].box.x0
            if not tok.has_decimals:
                row.plain.add(key)
            used.update(id(w) for w in words)
        elif col is not None and col.kind == "tax_rate" and abs(tok.value) < 100 and "tax_rate" not in row.percents:
            row.percents["tax_rate"] = tok.value
            used.update(id(w) for w in words)
        elif col is None or col.kind not in ("description", "sku"):
            row.at[(None, len(row.loose))] = words[0].box.x0
            row.loose.append(tok.value)
    _long_unit_price(row, ln, header, decimal_sep, used)
    for m in _PERCENT.finditer(ln.text):
        words = ln.words_in(m.start(), m.end())
        col = column_at(header, *(lambda b: (b.x0, b.x1))(union_box(words))) if words else None
        kind = col.kind if col is not None and col.kind in ("tax_rate", "discount") else "tax_rate"
        digits = rate_digits(m)
        value = parse_amount(digits, decimal_sep if decimal_sep else ("," if "," in digits else "."))
        if value is not None and kind not in row.percents:
            row.percents[kind] = value
            used.update(id(w) for w in words)
    first_numeric = header.text_end
    desc_words, sku_words, label_words = [], [], []
    for w in ln.words:
        if id(w) in used:
            continue
        label_words.append(w.text)
        col = column_at(header, w.box.x0, w.box.x1)
        kind = col.kind if col is not None else None
        if kind == "sku":
            sku_words.append(w.text)
        elif kind == "description" or (kind not in ("position", "unit") and w.box.x1 <= first_numeric + 2) \
                or (kind == "position" and "description" not in header.kinds() and not _POSITION_WORD.match(w.text)):
            desc_words.append(w.text)
    row.description = _POSITION.sub("", " ".join(desc_words)).strip() if "position" not in header.kinds() else " ".join(desc_words)
    row.sku = " ".join(sku_words) or None
    _unnamed_amount(row, header)
    row.amount_cols = tuple(k for k in row.numbers if k[0] in ("net", "amount", "gross"))
    _rejoin_split_group(row, header)
    _rejoin_split_mark(row, ln, header)
    repair_figures(row, ln, header, decimal_sep, agreement, column_key)
    _unread_amount(row, header)
    row.kind = _kind(row, header, fold_accents(" ".join(label_words)).lower(), labelled, names_amount)
    return row


def _placed(ln: Line, header: Header, decimal_sep: Optional[str], char_width: float,
            amounts: Optional["LineAmounts"] = None) -> list:
    """(token, words, column) for each number on ``ln``. When several numbers fall in one
    numeric column's stretch (a header whose other names were lost to OCR or never printed)
    the one nearest the column's name keeps it and the others are placed in no column, so
    the arithmetic can still find the quantity and unit price among them."""
    placed = []
    for tok in amounts(ln) if amounts else amounts_on(ln, decimal_sep, char_width):
        words = ln.words_in(tok.start, tok.end)
        box = union_box(words)
        col = column_at(header, box.x0, box.x1)
        if col is not None and col.edge is not None and not _aligned(col, box, char_width):
            col = None  # a number inside the description ("ream of 500") reaching into the column
        placed.append([tok, words, col, box])
    for col in {id(p[2]): p[2] for p in placed if p[2] is not None and p[2].kind in NUMERIC_KINDS}.values():
        inside = [p for p in placed if p[2] is col]
        if len(inside) > 1:
            keep = min(inside, key=lambda p: max(0.0, col.x0 - p[3].x1, p[3].x0 - col.x1) + abs(p[3].x1 - col.x1) / 1000)
            for p in inside:
                if p is not keep:
                    p[2] = None
    return [(tok, words, col) for tok, words, col, _ in placed]


_LONG_DECIMALS = re.compile(r"^-?\d{1,7}([.,])(\d{3,6})$")


def _long_unit_price(row: Row, ln: Line, header: Header, decimal_sep: Optional[str], used: set) -> None:
    """Unit prices printed with three to six decimals ("9,9000", common on e-invoice prints),
    which money parsing rightly refuses, read in the unit-price column: with the document's
    decimal mark, or any mark when there are more than three decimals (never a group)."""
    if ("unit_price", 0) in row.numbers:
        return
    for w in ln.words:
        m = _LONG_DECIMALS.match(w.text)
        col = column_at(header, w.box.x0, w.box.x1) if m else None
        if col is None or col.kind != "unit_price" or id(w) in used:
            continue
        if m.group(1) == decimal_sep or (decimal_sep is None and len(m.group(2)) > 3):
            row.numbers[("unit_price", 0)] = Decimal(w.text.replace(",", "."))
            row.at[("unit_price", 0)] = w.box.x0
            used.add(id(w))
            return


_POSITION_WORD = re.compile(r"^\d{1,3}[.)]?$")


def _unnamed_amount(row: Row, header: Header) -> None:
    """A header without an amount name (lost to OCR, or never printed) over rows that print
    a number right of the unit price: that rightmost number is the amount."""
    if any(c.kind in ("net", "amount", "gross") for c in header.columns) or ("unit_price", 0) not in row.numbers:
        return
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    product = qty * price if qty is not None else None
    # a figure under a column named by a bare tax word ("USt.") that is quantity x price
    tax = row.numbers.get(("tax_amount", 0))
    if product is not None and tax is not None and abs(tax - product) <= CENT * max(Decimal(1), abs(qty)):
        row.numbers[("amount", 0)] = row.numbers.pop(("tax_amount", 0))
        return
    right = [(x, key) for key, x in row.at.items() if key[0] is None and x > row.at.get(("unit_price", 0), 1e9)]
    if right:
        key = max(right)[1]
        row.numbers[("amount", 0)] = row.loose.pop(key[1])


def _rejoin_split_group(row: Row, header: Header) -> None:
    """An amount whose thousands group OCR set apart ("1 121,20" read as "1" and "121,20"):
    the stray group right before it, joined, makes quantity x unit price agree. Only
    arithmetic decides, so a real number beside the amount is never swallowed."""
    if not row.amount_cols or agreement(row, header) is not None:
        return
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    if qty is None or price is None:
        return
    for col in row.amount_cols:
        amount, x = row.numbers[col], row.at.get(col, 0.0)
        strays = [(row.at[(None, i)], i) for i, v in enumerate(row.loose)
                  if (None, i) in row.at and row.at[(None, i)] < x and v == v.to_integral_value() and 0 < v < 1000]
        if not strays or amount < 0 or amount >= 1000:
            continue
        _, i = max(strays)  # the nearest group left of the amount
        joined = row.loose[i] * 1000 + amount
        if abs(qty * price - joined) <= CENT * max(Decimal(1), abs(qty)):
            row.numbers[col] = joined
            _drop_loose(row, i)
            return


def _rejoin_split_mark(row: Row, ln: Line, header: Header) -> None:
    """An amount OCR cut at its decimal mark ("166, 00" read as "166," and "00"): the cents
    alone stand under the amount column, the whole units right before them as a stray
    number (``table_repair.cut_at_mark``). Joined, they are taken only when quantity x unit
    price then agrees (from the columns or the row's other numbers, as ``agreement`` finds
    them): a real number beside two digits is never swallowed where the row's own check
    does not confirm it (where it does not, the net may still, ``amounts_the_net_confirms``)."""
    if not row.amount_cols or not ocr_read(ln.words) or agreement(row, header) is not None:
        return
    for col in row.amount_cols:
        cut = cut_at_mark(row, ln, col)
        if cut is None:
            continue
        i, joined, text = cut
        trial = replace(row, numbers={**row.numbers, col: joined}, loose=list(row.loose), at=dict(row.at),
                        plain=row.plain - {col})
        _drop_loose(trial, i)
        if agreement(trial, header) is None:
            continue
        row.repairs.append(f"{col[0]}:joined at mark:{text}->{joined}")
        row.numbers, row.loose, row.at, row.plain = trial.numbers, trial.loose, trial.at, trial.plain
        return


def _unread_amount(row: Row, header: Header) -> None:
    """An OCR'd row whose amount is a bare whole number ("1") where quantity x a unit price
    printed with cents is something else: a figure the OCR lost but for a speck or a stray
    digit. The row is then read as one whose amount was lost (``_kind``): quantity x unit
    price stands in only when the table then adds up to the net (``table_reader``); before,
    the whole row was dropped as a stray number, and the table lacked a line."""
    if not row.amount_cols or not ocr_read(row.line.words) or agreement(row, header) is not None:
        return
    if any(c not in row.plain for c in row.amount_cols) or ("unit_price", 0) in row.plain:
        return
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    if not qty or price is None or not row.description:
        return
    for col in row.amount_cols:
        row.repairs.append(f"{col[0]}:unread:{row.numbers.pop(col)}")
        row.plain.discard(col)
        row.at.pop(col, None)
    row.amount_cols = ()


def _drop_loose(row: Row, i: int) -> None:
    """Remove the ``i``-th loose number, renumbering the reading-order keys after it."""
    row.loose.pop(i)
    at = {k: x for k, x in row.at.items() if k[0] is not None}
    old = sorted(k[1] for k in row.at if k[0] is None and k[1] != i)
    at.update({(None, n): row.at[(None, j)] for n, j in enumerate(old)})
    row.at = at


def _aligned(col, box, char_width: float) -> bool:
    side, x = col.edge
    x += col.slope * (box.top - col.edge_y)
    return abs((box.x1 if side == "right" else box.x0) - x) <= 1.5 * char_width


def align_columns(header: Header, lines: list, decimal_sep: Optional[str], char_width: float,
                  amounts: Optional["LineAmounts"] = None) -> Header:
    """``header`` with the edge each numeric column's numbers align on (the right edge of
    right-aligned figures, the left of left-aligned ones), learnt from the numbers printed
    in its stretch on ``lines``: an edge shared by at least two rows and a third of them."""
    seen: dict = {}
    for ln in lines:
        for tok in amounts(ln) if amounts else amounts_on(ln, decimal_sep, char_width):
            box = union_box(ln.words_in(tok.start, tok.end))
            col = column_at(header, box.x0, box.x1)
            if col is not None and (col.kind in NUMERIC_KINDS or col.kind == "unit"):
                seen.setdefault(id(col), []).append(box)
    columns = []
    for col in header.columns:
        boxes = seen.get(id(col), [])
        sides = {}
        # of the edges several rows share, the one nearest the column's name: the stretch of
        # a last named column may also hold an unnamed column of figures further right
        for side, xs in (("right", [b.x1 for b in boxes]), ("left", [b.x0 for b in boxes])):
            for x, n in zip(xs, _within(xs, 1.5 * char_width)):
                near = min(abs(x - col.x0), abs(x - col.x1), 0 if col.x0 <= x <= col.x1 else 1e9)
                rank = (int(near // (3 * char_width)), -n)  # the nearest, then the commonest
                if n >= 2 and 10 * n >= 3 * len(xs) and (side not in sides or rank < sides[side][3]):
                    sides[side] = (n, side, x, rank, max(abs(y - x) for y in xs if abs(y - x) <= 1.5 * char_width))
        best = min(sides.values(), key=lambda b: b[3], default=None)
        other = next((b for b in sides.values() if b is not best), None)
        if best is not None and other is not None and other[3][0] <= best[3][0] + 1 and (
                other[0] > best[0] or other[0] == best[0] and other[4] < best[4] / 2):
            # figures of differing widths share only the edge they are set on: where the other
            # side's edge, a step further from the name at most, is shared by more rows (or by
            # as many, more exactly), the figures align on it ("624.00" and "1,331.00" set
            # right, under a name ending just left of them: the same-width ones' left edges were
            # the nearer)
            best = other
        if best is None:
            columns.append(col)
            continue
        side = best[1]
        at = (lambda b: b.x1) if side == "right" else (lambda b: b.x0)
        aligned = [b for b in boxes if abs(at(b) - best[2]) <= 1.5 * char_width]
        x, y, slope = best[2], aligned[0].top, 0.0
        drifting = _drift(aligned, at, char_width)
        if drifting is not None:
            # a page photographed or scanned at a slant: the column's edge moves steadily
            # down the page, so figures far from the rows that fixed it are judged against
            # the edge where they are printed
            x, y, slope = drifting
            aligned = [b for b in boxes if abs(at(b) - (x + slope * (b.top - y))) <= 1.5 * char_width]
        # "Units" over aligned figures counts them: a quantity column
        kind = "quantity" if col.kind == "unit" and not any(c.kind == "quantity" for c in header.columns) else col.kind
        if kind == "unit":
            columns.append(col)
            continue
        columns.append(replace(col, kind=kind, edge=(side, x), edge_y=y, slope=slope, start=min(b.x0 for b in aligned)))
    return replace(header, columns=tuple(columns))


def _within(xs: list[float], reach: float) -> list[int]:
    """For each of ``xs``, how many of ``xs`` lie within ``reach`` of it (``abs(y - x) <=
    reach``, itself included). A long column's figures were each compared with every other
    (a few hundred rows: most of ``align_columns``); here they are sorted and two indices
    move up them. Exact: the rounded ``y - x`` grows with ``y`` and falls with ``x``, so the
    ``y`` within reach of the sorted ``x`` are a window that only moves up. Not finite
    values, or a negative reach, are counted one by one as before."""
    if not (reach >= 0 and math.isfinite(reach) and all(map(math.isfinite, xs))):
        return [sum(1 for y in xs if abs(y - x) <= reach) for x in xs]
    order = sorted(range(len(xs)), key=xs.__getitem__)
    ys = [xs[i] for i in order]
    counts = [0] * len(xs)
    lo = hi = 0
    for i, x in zip(order, ys):
        while x - ys[lo] > reach:  # y - x < -reach, as exactly (a rounded difference changes sign with its operands)
            lo += 1
        while hi < len(ys) and ys[hi] - x <= reach:
            hi += 1
        counts[i] = hi - lo
    return counts


def _drift(boxes: list, at, char_width: float) -> Optional[tuple[float, float, float]]:
    """(x, y, slope) of the straight edge through the aligned ``boxes`` (least squares of x
    over y) when at least six rows fix it and every one lies on it (within 3/4 of a
    character): a few totals under the items, or a slope beyond a few degrees, are no
    slant, and the edge is left straight."""
    if len(boxes) < 6:
        return None
    ys, xs = [b.top for b in boxes], [at(b) for b in boxes]
    my, mx = sum(ys) / len(ys), sum(xs) / len(xs)
    var = sum((y - my) ** 2 for y in ys)
    if var <= 0:
        return None
    slope = sum((y - my) * (x - mx) for y, x in zip(ys, xs)) / var
    if abs(slope) > 0.05 or any(abs(x - (mx + slope * (y - my))) > 0.75 * char_width for y, x in zip(ys, xs)):
        return None
    return mx, my, slope


def column_key(header: Header, col) -> tuple:
    """A column named across repeated headers: its kind and which of that kind it is
    ("Amount" then "Total" are two amount columns: ("amount", 0) and ("amount", 1))."""
    same = [c for c in header.columns if c.kind == col.kind]
    return col.kind, same.index(col)


def _names_a_product(row: Row, header: Header) -> bool:
    """A row with an article number under the SKU column and a quantity under the quantity
    column bills a product, whatever its description's words: "50  RMT-1010  Erialaraamat:
    Käibemaks 2026" is a book on VAT, not a tax row. A sum row prints neither. (Where the unit
    price was read, the arithmetic already says so; this is the row whose price a scan lost.)"""
    return bool(row.sku) and bool(row.value(header, "quantity"))


def _kind(row: Row, header: Header, words: str, labelled: bool, names_amount: bool = False) -> str:
    """The row's kind from its words outside the number columns (a "Subtotal" printed under
    the unit-price column counts) and its arithmetic."""
    words = re.sub(r"[\d.,:%*()-]+", " ", words).strip()
    if not row.amount_cols:
        printed = any(c.kind in ("net", "amount", "gross") for c in header.columns)
        # under a printed amount column only OCR loses the amount: quantity x unit price then
        # stands in, kept only when the table adds up to the net with it (``table_reader``)
        if row.value(header, "quantity") and row.value(header, "unit_price") is not None and row.description \
                and (not printed or ocr_read(row.line.words)):
            if printed:
                row.repairs.append("amount:computed:quantity x unit price")
            return "item"  # a table that prints no amount column (or whose amounts were not read)
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
    if short and (labelled or SUMMARY.match(words) and "quantity" not in _kinds(row, header)) \
            and not _names_a_product(row, header):
        return "summary"
    if names_amount:
        # a long row whose amount a sum label right before it names (a counter-value note in
        # the table: "... 1 EUR = 1,0842 USD ...: Imponibile 22,40"): a sum restated, no item
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
    factor = Decimal(1) - row.percents.get("discount", Decimal(0)) / 100
    others = [(k, v) for k, v in row.numbers.items() if k not in row.amount_cols and k[0] != "tax_amount"]
    others += [((None, i), v) for i, v in enumerate(row.loose)]
    # the named columns first, then a number left of another as quantity before unit price
    pairs = sorted(((a, b) for a in others for b in others if a is not b),
                   key=lambda ab: (ab[1][0][0] != "unit_price", ab[0][0][0] != "quantity",
                                   row.at.get(ab[0][0], 0) > row.at.get(ab[1][0], 0)))
    for (_, q), (_, p) in pairs:
        if q == 0:
            continue
        for col in row.amount_cols:
            amount = row.numbers[col]
            if abs(q * p * factor - amount) <= CENT * max(Decimal(1), abs(q)):
                return q, p, col
    return None
