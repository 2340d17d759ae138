"""Document-level discounts and charges printed between the items and the net.

Many invoices bill their items, then take a discount off the whole order and add freight
before the tax: "Merchandise Total 724.14 / Freight 38.75 / Taxable Subtotal 762.89",
"Totale merce / Sconto incondizionato 3 % / Spese di trasporto / Imponibile". The net
(the taxable amount, EN 16931 BT-109) is then the items' sum less the allowances plus the
charges, so the lines do not add up to it, and without these rows the invoice would read as
one whose lines or net were misread.

The rows are found by their place and their words only: below the last item and above the
net's own row, a line whose words name a discount or a charge and that ends in an amount.
They count only when, signed (a discount always takes off, whatever sign it prints with),
they close the gap exactly: lines + charges - discounts = net. The net then carries the
``BRIDGED_TAG`` evidence with that sum, which the arithmetic check adds back.

Other layouts print no net after them: "Subtotal 303.72 / Discount -30.37 / Tax (8.875%)
24.26 / Total 297.61" (US billing programs). The taxable amount is then the subtotal with
the rows between it and the tax row applied (``adjustments_below``); ``totals`` offers it
as a net candidate, and only net + tax = total (and the tax's rate of it) choose it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional, Sequence

from invoicepipe.domain.charges import CHARGE_WORDS
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.search import Context
from invoicepipe.domain.models import ExtractedField, LineItem

CENT = Decimal("0.01")

# a discount on the whole order ("Discount 5%", "Less 4% contract discount", "Rabatt",
# "Nachlass", "Sconto", "Remise", "Descuento", "Korting", "Rabat", "Desconto")
ALLOWANCE = re.compile(fold_accents(
    r"(?i)(?<!\w)(?:discount|disc\.|allowance|less|rabatt\w*|nachlass|preisnachlass|abzug|sconto|abbuono|remise|"
    r"rabais|ristourne|descuento|dto\.|bonificaci[oó]n|korting|rabat\w*|upust|desconto|abatimento)(?!\w)"))
# charges in the languages ``charges.CHARGE_WORDS`` leaves out
_MORE_CHARGES = re.compile(fold_accents(
    r"(?i)(?<!\w)(?:spese\s*(?:di\s*)?(?:trasporto|spedizione|imballo|incasso)|trasporto|imballo|portes?|"
    r"gastos\s*de\s*(?:env[ií]o|transporte|embalaje)|frete|vrachtkosten|verzendkosten|verpakkingskosten|"
    r"koszty\s*(?:transportu|wysy[łl]ki|dostawy))(?!\w)"))


def _signed(ctx: Context, text: str, line) -> Optional[Decimal]:
    """The row's amount, signed as it moves the net, or None when it is no such row."""
    allowance = bool(ALLOWANCE.search(text))
    charge = bool(CHARGE_WORDS.search(text) or _MORE_CHARGES.search(text))
    if allowance == charge:
        return None  # neither, or a row naming both (a "discount on freight") is not read
    amounts = [a.value for a in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if a.has_decimals]
    if not amounts:
        amounts = _marks_misread(line)
    if not amounts:
        return None
    value = amounts[-1]
    return -abs(value) if allowance else value


# the last figure of an OCR'd row whose decimal mark was read as a colon or semicolon
# ("Spese di trasporto € 38;75"); such a row counts only where it closes the gap exactly,
# as every row here does
_MISREAD_MARK = re.compile(r"^(\d{1,7})[:;](\d{2})$")


def _marks_misread(line) -> list[Decimal]:
    """The line's last word as a figure whose decimal mark the OCR read as ":" or ";", when it
    is one; only on OCR'd words (a text layer prints what it prints)."""
    words = [w for w in line.words if w.confidence < 1.0]
    m = _MISREAD_MARK.match(words[-1].text) if words and words[-1] is line.words[-1] else None
    return [Decimal(f"{m.group(1)}.{m.group(2)}")] if m else []


def bridge_to_net(ctx: Context, items: Sequence[LineItem], net: Optional[ExtractedField]) -> Optional[Decimal]:
    """The sum of the discount and charge rows between the last item and the net's row,
    when with it the items add up to the net exactly; else None."""
    if not items or net is None or net.box is None or net.page is None or any(i.amount is None for i in items):
        return None
    placed = [i for i in items if i.page is not None and i.box is not None]
    if not placed:
        return None
    last = max(placed, key=lambda i: (i.page, i.box.bottom))
    gap = Decimal(net.value) - sum((i.amount for i in items), Decimal(0))
    if abs(gap) <= CENT:
        return None  # nothing to bridge
    rows = []
    for ln in ctx.layout.lines:
        start, end = (ln.page, ln.box.top), (ln.page, ln.box.bottom)
        if not ((last.page, last.box.bottom) <= start and end < (net.page, net.box.top + ln.height / 2)):
            continue
        value = _signed(ctx, fold_accents(ln.text), ln)
        if value is not None:
            rows.append(value)
    if not rows:
        return None
    bridged = sum(rows, Decimal(0))
    return bridged if abs(gap - bridged) <= CENT * 2 else None


def charges_above(ctx: Context, net: Optional[ExtractedField]) -> Decimal:
    """The signed sum of the discount and charge rows right above the net's row (up to the
    first line that is no such row): what lies between the items' own sum and the net
    ("Merchandise Total / Freight / Taxable Subtotal"). The items are then read against the
    net less these rows, so a row whose amount the OCR lost may be made up from its
    quantity x unit price where that sum confirms it (``table_reader``); 0 when there are none."""
    if net is None or net.box is None or net.page is None:
        return Decimal(0)
    lines = ctx.layout.by_page.get(net.page, ())
    at = [i for i, ln in enumerate(lines) if ln.box.top <= (net.box.top + net.box.bottom) / 2 <= ln.box.bottom]
    if not at:
        return Decimal(0)
    total = Decimal(0)
    for ln in reversed(lines[max(0, at[0] - _ADJUSTMENT_REACH):at[0]]):
        value = _signed(ctx, fold_accents(ln.text), ln)
        if value is None:
            break
        total += value
    return total


# how many lines under the subtotal its adjustment rows may take
_ADJUSTMENT_REACH = 4


def adjustments_below(ctx: Context, line, stop_ids: set) -> tuple[Decimal, tuple]:
    """(the signed sum, the rows' lines) of the discount and charge rows right under ``line``
    (a subtotal's), up to the first line whose id is in ``stop_ids`` (the tax's or the
    total's rows) or that is no such row; (0, ()) when there are none."""
    lines = ctx.layout.by_page.get(line.page, ())
    try:
        k = next(i for i, ln in enumerate(lines) if ln is line)
    except StopIteration:
        return Decimal(0), ()
    total, rows = Decimal(0), []
    for ln in lines[k + 1:k + 1 + _ADJUSTMENT_REACH]:
        if id(ln) in stop_ids:
            break
        value = _signed(ctx, fold_accents(ln.text), ln)
        if value is None:
            break
        total += value
        rows.append(ln)
    return total, tuple(rows)
