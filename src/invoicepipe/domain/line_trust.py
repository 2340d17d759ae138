"""Whether extracted line items are fit to be matched line by line.

A table read wrongly (a row-number column taken for the quantity, descriptions lost to a
wrapped column) yields lines that contradict themselves, and matching them would send a
correct invoice to review with a page of invented variances. Lines are trusted only when
each one names something to pair by and its own arithmetic holds; otherwise the match
falls back to the header (net against the received value), which extraction cross-checks
more strongly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional, Sequence

from .models import LineItem

CENT = Decimal("0.02")
RELATIVE = Decimal("0.01")


def _contradiction(line: LineItem) -> Optional[str]:
    if not (line.description.strip() or line.sku or line.po_line):
        return "a line with no description, SKU or PO line"
    if line.quantity is not None and line.unit_price is not None and line.amount is not None:
        expected = line.quantity * line.unit_price
        if abs(expected - line.amount) > max(CENT, abs(line.amount) * RELATIVE):
            return f"qty {line.quantity} x {line.unit_price} is not the line amount {line.amount}"
    return None


def untrusted_lines(lines: Sequence[LineItem]) -> Optional[str]:
    """None when the lines can be matched one by one, else why they cannot."""
    for line in lines:
        why = _contradiction(line)
        if why:
            return why
    return None
