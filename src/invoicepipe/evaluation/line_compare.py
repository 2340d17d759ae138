"""Line items in the extraction eval: two pseudo-fields scored like the header fields.

- ``line_items`` (the issue's "line items, amounts right"): the multiset of line amounts
  read equals the printed one (as decimals rounded to the cent; absolute values on credit
  notes), so one missing, extra or wrong line makes the document's lines wrong;
- ``line_item_count``: as many lines read as printed (the only line figure the real
  e-invoice corpora give).

Their confidence is the lowest confidence of the lines read. They are left out of the
calibration table (which is about header fields) but listed with the other fields.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional, Sequence

LINE_FIELDS = ("line_items", "line_item_count")
CENT = Decimal("0.01")


def line_truth(gt: dict) -> dict:
    """The expected line pseudo-fields of a ground-truth record (none when it has no lines)."""
    out = {}
    amounts = [_cents(line.get("amount")) for line in gt.get("lines") or []]
    if amounts and all(a is not None for a in amounts):
        out["line_items"] = _canonical(amounts)
    count = gt.get("line_item_count")
    if count not in (None, ""):
        out["line_item_count"] = str(int(count))
    elif gt.get("lines"):
        out["line_item_count"] = str(len(gt["lines"]))
    return out


def predicted_lines(name: str, lines: Sequence) -> tuple[Optional[str], float]:
    """(value, confidence) of a line pseudo-field for the extracted ``lines``."""
    if not lines:
        return None, 0.0
    conf = min(line.confidence for line in lines)
    if name == "line_item_count":
        return str(len(lines)), conf
    amounts = [_cents(line.amount) for line in lines]
    return (_canonical(amounts) if all(a is not None for a in amounts) else None), conf


def lines_correct(name: str, predicted: Optional[str], expected: str, credit_note: bool = False) -> bool:
    if predicted in (None, ""):
        return False
    if name == "line_item_count":
        return predicted == expected
    a, b = predicted.split("|"), expected.split("|")
    if credit_note:
        a, b = [x.lstrip("-") for x in a], [x.lstrip("-") for x in b]
    return sorted(a) == sorted(b)


def _cents(value) -> Optional[Decimal]:
    try:
        return Decimal(str(value)).quantize(CENT) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _canonical(amounts: list) -> str:
    return "|".join(str(a) for a in sorted(amounts))
