"""Figures OCR damaged in a table row, repaired only when the row's arithmetic confirms them.

OCR damages a figure in ways a reader recognises: a letter for a digit ("Z" for 2, "O" for
0, "l" for 1, "S" for 5), a colon, semicolon or dash for the decimal mark ("812:00"), the decimal
mark lost ("13350" for 133.50), or a figure cut into two words at its mark ("101" ".28").
Each such reading of the words under the quantity, unit-price and amount columns is a
candidate, and one is taken only when quantity x unit price (less a discount) = amount holds
with it and with no fewer repairs: a printed row states its own check, so a misreading that
the check confirms is the printed figure, and one it does not confirm is left as read (the
row then is what it was, and the table's sum against the net judges it). An amount whose
digits are the row's quantity x unit price with one digit misread, added or lost is read as
that product only when the document's net then confirms it too
(``amounts_the_net_confirms``), and so is one whose sign alone differs from the product's
(a speck read as a trailing minus). Each repair is
recorded on the row (``Row.repairs``) and reaches the line item's evidence, so a reviewer
sees which figure was read differently from the page; nothing is changed silently.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import product
from typing import Optional

from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import parse_amount
from invoicepipe.domain.extraction.table_columns import AMOUNT_KINDS, Header, column_at

CENT = Decimal("0.01")
# Letters OCR reads for digits in print (shapes that differ by a stroke or a serif). Only
# applied inside a numeric column, and only kept when the arithmetic confirms the result.
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1", "!": "1",
                            "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9"})
# a decimal mark misread as a colon, semicolon or dash (before the cents only)
_MARK_FOR = re.compile(r"(?<=\d)[:;-](?=\d{1,2}$)")
_D = r"[\dOoDQlIi|!ZzSsBGbgq]"
_FIGURE_SHAPED = re.compile(rf"^[-(]?{_D}{{1,9}}(?:[.,:;' ]{_D}{{2,3}})*(?:[.,:;-]{_D}{{1,2}})?\)?-?$")
_REPAIRED_KINDS = ("quantity", "unit_price", *AMOUNT_KINDS)


def repair_figures(row, ln: Line, header: Header, decimal_sep: Optional[str], agreement, column_key) -> None:
    """Repair the row's quantity, unit price or amount in place when one reading of the OCR'd
    words under their columns makes quantity x unit price = amount hold, with the fewest
    repairs. ``agreement`` and ``column_key`` are the row reader's (passed in to keep the
    modules acyclic)."""
    if not ocr_read(ln.words) or agreement(row, header) is not None:
        return
    columns = [c for c in header.columns if c.kind in _REPAIRED_KINDS]
    if not any(c.kind == "quantity" for c in columns) or not any(c.kind == "unit_price" for c in columns):
        return  # without both factors printed there is nothing to confirm a repair with
    options = {id(c): _options(row, ln, header, c, decimal_sep, column_key) for c in columns}
    qty_cols = [c for c in columns if c.kind == "quantity"]
    price_cols = [c for c in columns if c.kind == "unit_price"]
    amount_cols = [c for c in columns if c.kind in AMOUNT_KINDS]
    factor = Decimal(1) - row.percents.get("discount", Decimal(0)) / 100
    best = None
    for qc, pc, ac in product(qty_cols[:1], price_cols[:1], amount_cols):
        for q, p, a in product(options[id(qc)], options[id(pc)], options[id(ac)]):
            repairs = [o for o in (q, p, a) if o[2] is not None]
            if not repairs or q[0] == 0 or abs(q[0] * p[0] * factor - a[0]) > CENT * max(Decimal(1), abs(q[0])):
                continue
            if best is None or len(repairs) < len(best[1]):
                best = (((qc, q), (pc, p), (ac, a)), repairs)
    if best is None:
        return
    for col, (value, words, how) in best[0]:
        if how is None:
            continue
        key = column_key(header, col)
        _drop_loose_at(row, {w.box.x0 for w in words})
        row.numbers[key] = value
        row.at[key] = words[0].box.x0
        row.plain.discard(key)
        row.repairs.append(f"{col.kind}:{how}:{' '.join(w.text for w in words)}->{value}")
    row.amount_cols = tuple(k for k in row.numbers if k[0] in AMOUNT_KINDS)


def ocr_read(words) -> bool:
    """Whether ``words`` came from OCR: a text layer's characters (confidence 1) are the
    printed ones, so nothing there was misread or lost."""
    return any(w.confidence < 1.0 for w in words)


def _options(row, ln: Line, header: Header, col, decimal_sep: Optional[str], column_key) -> list:
    """(value, words, how) readings of ``col`` on ``ln``: the value read (how None) first,
    then the repaired readings of its words."""
    key = column_key(header, col)
    words = [w for w in ln.words if column_at(header, w.box.x0, w.box.x1) is col]
    read = row.numbers.get(key)
    out = [(read, tuple(w for w in words if w.box.x0 == row.at.get(key)) or tuple(words), None)] if read is not None else []
    if not words or len(words) > 3 or not ocr_read(words):
        return out
    money = col.kind != "quantity"
    # each word on its own, and the words joined (a figure OCR cut at its decimal mark)
    groups = [((w,), None) for w in words] + ([(tuple(words), "joined")] if len(words) > 1 else [])
    seen = {read}
    for used, joined in groups:
        for value, how in _readings("".join(w.text for w in used), decimal_sep, money):
            how = "+".join(filter(None, (joined, how)))
            if value is not None and value not in seen and how:
                seen.add(value)
                out.append((value, used, how))
    return out


def _readings(text: str, decimal_sep: Optional[str], money: bool) -> list[tuple[Optional[Decimal], Optional[str]]]:
    """Values ``text`` may stand for, each with what was repaired to read it (None: nothing)."""
    if not _FIGURE_SHAPED.match(text) or not any(ch.isdigit() for ch in text) and len(text) > 2:
        return []
    out = []
    digits = text.translate(_DIGIT_FOR)
    letters = "letters" if digits != text else None
    marks = [decimal_sep] if decimal_sep else [".", ","]
    variants = [(digits, letters)]
    if _MARK_FOR.search(digits):
        variants += [(_MARK_FOR.sub(m, digits), "+".join(filter(None, (letters, "mark")))) for m in marks]
    for candidate, how in variants:
        value = parse_amount(candidate, decimal_sep)
        out.append((value, how))
        # the decimal mark lost: a money figure printed with cents read as a whole number
        if money and value is not None and re.fullmatch(r"\d{3,9}", candidate):
            out.append(((value / 100).quantize(CENT), "+".join(filter(None, (how, "lost mark")))))
    return out


def _drop_loose_at(row, xs: set) -> None:
    """Remove the loose numbers read from the repaired words (matched by their left edge)."""
    for key in sorted((k for k, x in row.at.items() if k[0] is None and x in xs), key=lambda k: -k[1]):
        i = key[1]
        row.loose.pop(i)
        at = {k: x for k, x in row.at.items() if k[0] is not None}
        old = sorted(k[1] for k in row.at if k[0] is None and k[1] != i)
        at.update({(None, n): row.at[(None, j)] for n, j in enumerate(old)})
        row.at = at


def amounts_the_net_confirms(rows: list, header: Header, col, amounts: list, net: Optional[Decimal],
                             agreement) -> Optional[list]:
    """The line amounts with each row whose quantity x unit price is not its amount read as
    that product instead, when the amount read is the product with one digit slipped (one
    digit misread, added or lost) and the lines then add up to ``net``, which they did not:
    the row's own arithmetic and the document's net both confirm the repair. The rows are
    repaired in place only then; None when the net does not confirm it."""
    if net is None or col is None or any(a is None for a in amounts):
        return None
    fixed, repaired = list(amounts), []
    for i, row in enumerate(rows):
        if col not in row.amount_cols or agreement(row, header) is not None or not ocr_read(row.line.words):
            continue
        qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
        if qty is None or price is None:
            continue
        product = (qty * price).quantize(CENT)
        # a speck beside the figure read as a minus ("94.56-"), or a minus lost: the factors
        # carry the sign, and only the net decides (a credit note printing every amount with
        # a trailing minus is never flipped: its lines would no longer add up to its net)
        if _one_digit_slipped(amounts[i], product) or (amounts[i] == -product and product != 0):
            fixed[i] = product
            repaired.append((row, amounts[i], product))
    if not repaired or abs(sum(fixed) - net) > CENT * len(fixed):
        return None
    for row, read, product in repaired:
        row.numbers[col] = product
        row.repairs.append(f"{col[0]}:product:{read}->{product}")
    return fixed


def _one_digit_slipped(read: Decimal, meant: Decimal) -> bool:
    """Whether the digits of ``read`` are those of ``meant`` with one misread, added or lost."""
    a, b = (f"{abs(v):.2f}".replace(".", "") for v in (read, meant))
    if a == b or (read < 0) != (meant < 0):
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
