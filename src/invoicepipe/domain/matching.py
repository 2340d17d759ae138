"""Three-way match: invoice lines against PO lines and goods receipts, with tolerances.

Each invoice line is paired with a PO line (by PO line number, then SKU, then fuzzy
description), then checked on unit price (against the PO) and on cumulative billed quantity
(against what was received, or ordered for a service PO). Every finding is a Reason whose
sentence says expected vs found, the variance and the tolerance applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Optional, Sequence

from rapidfuzz import fuzz

from .models import GoodsReceipt, LineItem, POLine, PurchaseOrder, Reason
from .policy import Tolerances

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineMatch:
    invoice_line: LineItem
    po_line: Optional[POLine]
    how: str  # po_line | sku | description | unmatched
    received: Decimal
    previously_billed: Decimal


@dataclass(frozen=True)
class MatchResult:
    lines: tuple[LineMatch, ...]
    reasons: tuple[Reason, ...]


def received_by_line(receipts: Sequence[GoodsReceipt]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for receipt in receipts:
        for line in receipt.lines:
            totals[line.po_line] = totals.get(line.po_line, Decimal(0)) + line.quantity
    return totals


def pair_line(line: LineItem, po: PurchaseOrder) -> tuple[Optional[POLine], str]:
    """Find the PO line an invoice line bills for."""
    if line.po_line:
        for po_line in po.lines:
            if po_line.line_no == str(line.po_line).lstrip("0") or po_line.line_no == str(line.po_line):
                return po_line, "po_line"
    if line.sku:
        for po_line in po.lines:
            if po_line.sku and po_line.sku.strip().upper() == line.sku.strip().upper():
                return po_line, "sku"
    best, best_score = None, 0.0
    for po_line in po.lines:
        score = fuzz.token_set_ratio(line.description.lower(), po_line.description.lower())
        if score > best_score:
            best, best_score = po_line, score
    if best is not None and best_score >= 75:
        return best, "description"
    return None, "unmatched"


def _within(found: Decimal, expected: Decimal, percent: Decimal, absolute: Decimal) -> bool:
    return abs(found - expected) <= max(absolute, abs(expected) * percent / HUNDRED)


def _check_price(line: LineItem, po_line: POLine, po: PurchaseOrder, tol: Tolerances) -> Optional[Reason]:
    price = line.unit_price
    if price is None and line.amount is not None and line.quantity:
        price = (line.amount / line.quantity).quantize(Decimal("0.0001"))
    if price is None or _within(price, po_line.unit_price, tol.price_percent, tol.price_absolute):
        return None
    variance = price - po_line.unit_price
    return Reason(
        "price_variance",
        f"unit price {price} billed, {po_line.unit_price} on PO {po.po_number} line {po_line.line_no} "
        f"(variance {variance:+}, tolerance {tol.price_percent}% or {tol.price_absolute})",
        {"po_number": po.po_number, "po_line": po_line.line_no, "expected": str(po_line.unit_price), "found": str(price), "variance": str(variance)},
    )


def _check_quantity(line: LineItem, po_line: POLine, po: PurchaseOrder, received: Decimal, billed_before: Decimal, tol: Tolerances) -> Optional[Reason]:
    qty = line.quantity
    if qty is None:
        return None
    limit_name, limit = ("ordered", po_line.quantity) if po.kind == "service" else ("received", received)
    if po.kind != "service" and received == 0:
        return Reason("not_received", f"qty {qty} billed, nothing received yet on PO {po.po_number} line {po_line.line_no}",
                      {"po_number": po.po_number, "po_line": po_line.line_no, "billed": str(qty), "received": "0"})
    allowed = limit + max(tol.quantity_absolute, limit * tol.quantity_percent / HUNDRED)
    cumulative = billed_before + qty
    if cumulative <= allowed:
        return None
    evidence = {"po_number": po.po_number, "po_line": po_line.line_no, "billed": str(qty), "billed_before": str(billed_before), limit_name: str(limit)}
    if billed_before > 0:
        return Reason("cumulative_overbilling",
                      f"qty {qty} billed now plus {billed_before} billed before exceeds {limit} {limit_name} on PO {po.po_number} line {po_line.line_no}", evidence)
    code = "quantity_over_ordered" if po.kind == "service" else "quantity_over_received"
    return Reason(code, f"qty {qty} billed, {limit} {limit_name} on PO {po.po_number} line {po_line.line_no}", evidence)


def match_three_way(lines: Sequence[LineItem], po: PurchaseOrder, receipts: Sequence[GoodsReceipt],
                    billed_before: Mapping[str, Decimal], tol: Tolerances) -> MatchResult:
    """Match every invoice line; service POs are matched two-way (no receipt expected)."""
    received = received_by_line(receipts)
    matches, reasons = [], []
    for line in lines:
        po_line, how = pair_line(line, po)
        if po_line is None:
            matches.append(LineMatch(line, None, how, Decimal(0), Decimal(0)))
            reasons.append(Reason("line_not_on_po", f"line {line.description!r} ({line.amount}) is not on PO {po.po_number}",
                                  {"po_number": po.po_number, "description": line.description, "amount": str(line.amount)}))
            continue
        got = received.get(po_line.line_no, Decimal(0))
        before = billed_before.get(po_line.line_no, Decimal(0))
        matches.append(LineMatch(line, po_line, how, got, before))
        for finding in (_check_price(line, po_line, po, tol), _check_quantity(line, po_line, po, got, before, tol)):
            if finding:
                reasons.append(finding)
    return MatchResult(tuple(matches), tuple(reasons))


def match_header_only(net: Optional[Decimal], po: PurchaseOrder, receipts: Sequence[GoodsReceipt], billed_before_value: Decimal, tol: Tolerances) -> list[Reason]:
    """When no line items could be read: compare the invoice's net to the received value."""
    if net is None:
        return [Reason("no_lines_to_match", f"neither line items nor a net amount could be read to match PO {po.po_number}", {"po_number": po.po_number})]
    received = received_by_line(receipts)
    prices = {li.line_no: li.unit_price for li in po.lines}
    if po.kind == "service":
        value = sum((li.quantity * li.unit_price for li in po.lines), Decimal(0))
    else:
        value = sum((qty * prices.get(no, Decimal(0)) for no, qty in received.items()), Decimal(0))
    if value == 0 and po.kind != "service":
        return [Reason("not_received", f"nothing received yet on PO {po.po_number}", {"po_number": po.po_number})]
    if billed_before_value + net <= value + tol.header_total_absolute:
        return []
    return [Reason("amount_over_received", f"net {net} billed (plus {billed_before_value} before) exceeds the {value} received on PO {po.po_number}",
                   {"po_number": po.po_number, "net": str(net), "received_value": str(value), "billed_before": str(billed_before_value)})]
