"""Figures OCR damaged in a table row, repaired only when the row's arithmetic confirms them.

OCR damages a figure in ways a reader recognises: a letter for a digit ("Z" for 2, "O" for 0,
"l" for 1, "S" for 5), a colon, semicolon or dash for the decimal mark ("812:00"), the decimal
mark lost ("13350" for 133.50), or a figure cut into two words at its mark ("101" ".28"). Each
such reading of the words under the quantity, unit-price and amount columns is a candidate, and
one is taken only when quantity x unit price (less a discount) = amount holds with it and with
no fewer repairs (where no quantity was read under its column, the row's loose whole number
stands in, or one piece when a repaired amount is the unit price itself): a printed row states
its own check, so a misreading that the check confirms is the printed figure, and one it does
not confirm is left as read (the row then is what it was, and the table's sum against the net
judges it). An amount whose digits are the row's quantity x unit price with one digit misread,
added or lost is read as that product only when the document's net then confirms it too
(``amounts_the_net_confirms``), and so is one whose sign alone differs from the product's (a
speck read as a trailing minus). Each repair is recorded on the row (``Row.repairs``) and
reaches the line item's evidence, so a reviewer sees which figure was read differently from the
page; nothing is changed silently.
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
# (a comma on a shaded band is often read as a low quote, "14„30", or a bracket, "5)57")
_MARK_FOR = re.compile(r"(?<=\d)[:;„‚)-](?=\d{1,2}$)")
# specks read as strokes inside a figure ("16,5!9" for 16,59): dropped, not read as a digit
_SPECKS = re.compile(r"(?<=[\d.,])[!|'`]|[!|'`](?=[\d.,])")
_D = r"[\dOoDQlIi|!ZzSsBGbgq]"
_FIGURE_SHAPED = re.compile(rf"^[-(]?{_D}{{1,9}}(?:[.,:;' ]{_D}{{2,3}})*(?:[.,:;„‚)-]{_D}{{1,2}})?\)?-?$")
# specks before a figure read as marks no figure opens with ("~=———«145.45"); dashes alone may
# be its minus, so a run of them only goes with another mark
_LEADING_JUNK = re.compile(r"^[~=«»*°^_—–-]+(?=\d)")
# and after it ("35,10:->"), where a run of marks past the cents holds more than a dash (a
# trailing minus is a sign) and more than one colon or semicolon (a mark for the cents' own)
_TRAILING_JUNK = re.compile(r"(?<=\d)[:;~=«»*°^_<>—–-]+$")
_REPAIRED_KINDS = ("quantity", "unit_price", *AMOUNT_KINDS)


def repair_figures(row, ln: Line, header: Header, decimal_sep: Optional[str], agreement, column_key) -> None:
    """Repair the row's quantity, unit price or amount in place when one reading of the OCR'd
    words under their columns makes quantity x unit price = amount hold, with the fewest
    repairs. ``agreement`` and ``column_key`` are the row reader's (passed in to keep the
    modules acyclic)."""
    if not ocr_read(ln.words) or agreement(row, header) is not None:
        return
    columns = [c for c in header.columns if c.kind in _REPAIRED_KINDS]
    if not any(c.kind == "unit_price" for c in columns):
        return  # without a unit price printed there is nothing to confirm a repair with
    options = {id(c): _options(row, ln, header, c, decimal_sep, column_key) for c in columns}
    qty_cols = [c for c in columns if c.kind == "quantity" and options[id(c)]]
    if not qty_cols:
        # no quantity read under a quantity column (none named, or its figure set apart from
        # it): the row's loose whole numbers may be it, as printed (``agreement`` takes them
        # so too); nothing there is repaired
        options[None] = [(v, (), None) for v in row.loose if v > 0 and v == v.to_integral_value()]
        if not options[None]:
            # no quantity read on the row: one piece, when a repaired amount equals the unit
            # price to the cent ("23.33  23:33", the amount's mark misread)
            options[None] = [(Decimal(1), (), None)]
    price_cols = [c for c in columns if c.kind == "unit_price"]
    amount_cols = [c for c in columns if c.kind in AMOUNT_KINDS]
    factor = Decimal(1) - row.percents.get("discount", Decimal(0)) / 100
    best = None
    for qc, pc, ac in product(qty_cols[:1] or [None], price_cols[:1], amount_cols):
        for q, p, a in product(options[id(qc) if qc is not None else None], options[id(pc)], options[id(ac)]):
            repairs = [o for o in (q, p, a) if o[2] is not None]
            error = abs(q[0] * p[0] * factor - a[0]) if repairs and q[0] != 0 else None
            if error is None or error > CENT * max(Decimal(1), abs(q[0])):
                continue
            # the fewest repairs, then the closest agreement ("4.5!0": 4.50 before 4.510)
            if best is None or (len(repairs), error) < (len(best[1]), best[2]):
                best = (((qc, q), (pc, p), (ac, a)), repairs, error)
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


_CENTS_WORD = re.compile(r"^[.,]?\d{2}$")
_MARK_ENDED = re.compile(r"^\d{1,7}[.,]?$")


def cut_at_mark(row, ln: Line, col) -> Optional[tuple[int, Decimal, str]]:
    """(index among the row's loose numbers, the figure joined, the words as read) when the
    amount under ``col`` is two digits alone, its cents, and the whole units stand right
    before them as a stray number ("166," "00" for 166,00: OCR cut the figure after its mark);
    None otherwise. Only a guess: the row's arithmetic or the net must confirm the join."""
    x = row.at.get(col)
    cents = next((w for w in ln.words if w.box.x0 == x), None)
    if col not in row.plain or cents is None or not _CENTS_WORD.match(cents.text):
        return None
    before = [w for w in ln.words if w.box.x1 <= cents.box.x0 + 0.5 and _MARK_ENDED.match(w.text)]
    if not before:
        return None
    units = max(before, key=lambda w: w.box.x1)
    if cents.box.x0 - units.box.x1 > 2 * (cents.box.bottom - cents.box.top):
        return None  # two figures apart, not one cut
    i = next((k[1] for k, at in row.at.items() if k[0] is None and at == units.box.x0), None)
    if i is None or row.loose[i] != row.loose[i].to_integral_value() or row.loose[i] < 0:
        return None
    joined = (row.loose[i] + Decimal(cents.text.lstrip(".,")) / 100).quantize(CENT)
    return i, joined, f"{units.text} {cents.text}"


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
    cleaned = _without_edge_specks(text)
    if cleaned != text:
        return [(value, "+".join(filter(None, ("speck", how)))) for value, how in _readings(cleaned, decimal_sep, money)]
    if not _FIGURE_SHAPED.match(text) or not any(ch.isdigit() for ch in text) and len(text) > 2:
        return []
    out = []
    digits = text.translate(_DIGIT_FOR)
    letters = "letters" if digits != text else None
    marks = [decimal_sep] if decimal_sep else [".", ","]
    variants = [(digits, letters)]
    unspecked = _SPECKS.sub("", text)
    if unspecked != text and any(ch.isdigit() for ch in unspecked):
        variants.append((unspecked.translate(_DIGIT_FOR), "speck"))
    if _MARK_FOR.search(digits):
        variants += [(_MARK_FOR.sub(m, digits), "+".join(filter(None, (letters, "mark")))) for m in marks]
    for candidate, how in variants:
        value = parse_amount(candidate, decimal_sep)
        out.append((value, how))
        # the decimal mark lost: a money figure printed with cents read as a whole number
        if money and value is not None and re.fullmatch(r"\d{3,9}", candidate):
            out.append(((value / 100).quantize(CENT), "+".join(filter(None, (how, "lost mark")))))
    return out


def _without_edge_specks(text: str) -> str:
    """``text`` without specks at its edges read as marks: a run of marks before the digits
    that holds more than dashes, one of two marks or more after them that holds more than
    dashes ("35,10:->"), and a closing bracket no opening one matches ("25,35)"; a figure in
    brackets is a negative one, and stays as read)."""
    m = _LEADING_JUNK.match(text)
    if m and set(m.group()) - set("-—–"):
        text = text[m.end():]
    m = _TRAILING_JUNK.search(text)
    if m and set(m.group()) - set("-—–") and len(m.group()) > 1:
        text = text[:m.start()]
    if text.endswith(")") and "(" not in text:
        text = text[:-1]
    return text


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
    repaired = []
    with_cents = sum(1 for r in rows if col in r.amount_cols and col not in r.plain)
    for i, row in enumerate(rows):
        if col not in row.amount_cols or not ocr_read(row.line.words):
            continue
        if agreement(row, header) is not None:
            if col in row.plain and with_cents and abs(amounts[i]) >= 100:
                # the amount and one factor read as whole numbers under figures printed with
                # cents ("10 UN 789 7890" for 7,89 and 78,90; "100 450,00 45000" for 1,00 and
                # 450,00): both decimal marks lost, the row still agreeing at a hundred times
                # its size; the net alone decides
                factor = next((key for key in (("unit_price", 0), ("quantity", 0))
                               if key in row.plain and row.numbers.get(key) is not None and row.numbers[key] >= 100), None)
                whole = row.numbers[factor] if factor is not None else None
                if factor is None:
                    # the factor read apart from its column ("5 PAK 1232 6160" under a header
                    # OCR garbled): the row's arithmetic found it among the loose numbers
                    factor, whole = _loose_whole_factor(row, agreement(row, header))
                if factor is not None:
                    repaired.append((row, amounts[i], (amounts[i] / 100).quantize(CENT), "lost mark",
                                     (factor, (whole / 100).quantize(CENT))))
            continue
        found = _product_slipped(row, header, amounts[i], col in row.plain)
        if found is not None:
            repaired.append((row, amounts[i], found[0], "product", None if found[1] is None else (("unit_price", 0), found[1])))
        elif col in row.plain and with_cents and abs(amounts[i]) >= 100:
            # a whole number under amounts printed with cents: its decimal mark (and any
            # grouping mark) lost, "178176" for 1.781,76; the net alone decides
            repaired.append((row, amounts[i], (amounts[i] / 100).quantize(CENT), "lost mark", None))
        elif (cut := cut_at_mark(row, row.line, col)) is not None:
            # the cents alone under the column, the units a stray number before them ("159, 60"),
            # with no quantity x unit price to confirm the join: the net alone decides
            repaired.append((row, amounts[i], cut[1], "joined at mark", None))
    chosen = _confirmed(repaired, sum(amounts), net, CENT * len(amounts))
    if chosen is None:
        return None
    fixed = list(amounts)
    for i, (row, read, value, how, factor) in enumerate(repaired):
        if i not in chosen:
            continue
        fixed[next(j for j, r in enumerate(rows) if r is row)] = value
        row.numbers[col] = value
        row.plain.discard(col)
        row.repairs.append(f"{col[0]}:{how}:{read}->{value}")
        if factor is not None:
            key, meant = factor
            if key[0] == "loose":
                row.repairs.append(f"unit_price:lost mark:{row.loose[key[1]]}->{meant}")
                row.loose[key[1]] = meant
                continue
            row.repairs.append(f"{key[0]}:lost mark:{row.numbers[key]}->{meant}")
            row.numbers[key] = meant
            row.plain.discard(key)
    return fixed


def _loose_whole_factor(row, agreed) -> tuple:
    """(("loose", index), value) for the unit price the row's arithmetic took from its loose
    numbers when it was printed as a whole number of three digits or more (no mark in its
    word: a decimal mark the OCR may have lost), else (None, None)."""
    if agreed is None:
        return None, None
    price = agreed[1]
    if price < 100 or price != price.to_integral_value() or not any(w.text == f"{price:f}" for w in row.line.words):
        return None, None
    index = next((i for i, v in enumerate(row.loose) if v == price), None)
    return (None, None) if index is None else (("loose", index), price)


def _confirmed(repaired: list, read_sum: Decimal, net: Decimal, tolerance: Decimal) -> Optional[set]:
    """The fewest of the candidate repairs that together make the lines add up to the net
    (each is only a guess at what the OCR damaged; the net picks which were right); None
    when no combination does."""
    if not repaired:
        return None
    # past ten candidates only all of them together are tried (the combinations explode)
    masks = range(1, 1 << len(repaired)) if len(repaired) <= 10 else [(1 << len(repaired)) - 1]
    for mask in sorted(masks, key=lambda m: (bin(m).count("1"), m)):
        chosen = {i for i in range(len(repaired)) if mask >> i & 1}
        if abs(read_sum + sum(repaired[i][2] - repaired[i][1] for i in chosen) - net) <= tolerance:
            return chosen
    return None


def _product_slipped(row, header: Header, read: Decimal, plain: bool) -> Optional[tuple]:
    """(product, unit price repaired or None) when ``read`` is the row's quantity x unit price
    with one digit slipped, or with its sign alone differing. A quantity the OCR lost counts
    as one; a unit price read as a whole number where the OCR lost its decimal mark ("277"
    for 2,77) is also tried at a hundredth, and so is an amount read as a whole number
    ("2577" for 2,77): only the net confirms any of them."""
    qty, price = row.value(header, "quantity"), row.value(header, "unit_price")
    if price is None:
        return None
    prices = [(price, None)]
    if ("unit_price", 0) in row.plain and price >= 100:
        prices.append(((price / 100).quantize(CENT), (price / 100).quantize(CENT)))
    products = [((q * p).quantize(CENT), repaired) for q in _quantities(row, qty) for p, repaired in prices]
    if any(product == read for product, _ in products):
        return None  # the amount as read is the product: nothing slipped in it
    for product, repaired in products:
        # a speck beside the figure read as a minus ("94.56-"), or a minus lost: the factors
        # carry the sign, and only the net decides (a credit note printing every amount with
        # a trailing minus is never flipped: its lines would no longer add up to its net)
        reads = (read, (read / 100).quantize(CENT)) if plain else (read,)
        if any(_one_digit_slipped(r, product) for r in reads) or (read == -product and product != 0):
            return product, repaired
    return None


def _quantities(row, qty: Optional[Decimal]) -> list[Decimal]:
    """The row's quantity; where its column read none (a header OCR garbled moved the
    columns), each other number of the row that may be it, as ``table_rows.agreement`` tries
    them, then one; the net still decides."""
    if qty is not None:
        return [qty]
    others = [v for k, v in row.numbers.items() if k not in row.amount_cols and k[0] not in ("tax_amount", "unit_price")]
    return [*(v for v in [*others, *row.loose] if v > 0), Decimal(1)]


def _one_digit_slipped(read: Decimal, meant: Decimal) -> bool:
    """Whether the digits of ``read`` are those of ``meant`` with one misread, added or lost."""
    a, b = (f"{abs(v):.2f}".replace(".", "") for v in (read, meant))
    if a == b or (read < 0) != (meant < 0):
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
