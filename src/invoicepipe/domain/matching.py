"""Three-way match: invoice lines against PO lines and goods receipts, with tolerances.

Each invoice line is paired with a PO line (by PO line number, then SKU, then fuzzy
description), then checked on unit price (against the PO) and on cumulative billed
quantity: what earlier approved invoices billed, plus the lines of this invoice already
seen, plus this line, against what was received (or ordered, for a service PO, which is
matched two-way because no receipt is expected). Every line carries a sentence saying
expected vs found, the variance and the tolerance applied; every finding is a Reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Mapping, Optional, Sequence

from rapidfuzz import fuzz

from .charges import check_charges, is_charge_line, line_amount, reads_like_charge
from .models import GoodsReceipt, LineItem, POLine, PurchaseOrder, Reason
from .policy import Tolerances

HUNDRED = Decimal(100)
DESCRIPTION_MIN_SCORE = 75


@dataclass(frozen=True)
class LineMatch:
    invoice_line: LineItem
    po_line: Optional[POLine]
    how: str  # po_line | sku | description | charge | discount | unmatched
    received: Decimal
    previously_billed: Decimal
    explanation: str = ""


@dataclass(frozen=True)
class MatchResult:
    lines: tuple[LineMatch, ...]
    reasons: tuple[Reason, ...]


def received_by_line(receipts: Sequence[GoodsReceipt]) -> dict[str, Decimal]:
    """Received quantity per PO line, summed over every receipt (partial deliveries)."""
    totals: dict[str, Decimal] = {}
    for receipt in receipts:
        for line in receipt.lines:
            totals[line.po_line] = totals.get(line.po_line, Decimal(0)) + line.quantity
    return totals


def _same_line_no(printed: str, line_no: str) -> bool:
    return printed.strip() == line_no or (printed.strip().lstrip("0") or "0") == (line_no.lstrip("0") or "0")


def pair_line(line: LineItem, po: PurchaseOrder) -> tuple[Optional[POLine], str]:
    """Find the PO line an invoice line bills for, and how it was found."""
    if line.po_line:
        for po_line in po.lines:
            if _same_line_no(str(line.po_line), po_line.line_no):
                return po_line, "po_line"
    if line.sku:
        for po_line in po.lines:
            if po_line.sku and po_line.sku.strip().upper() == line.sku.strip().upper():
                return po_line, "sku"
    by_sku = [p for p in po.lines if _sku_printed(p.sku, line.description)]
    if len(by_sku) == 1:
        return by_sku[0], "sku"  # the SKU printed in the description column ("CBL-1003 USB cable")
    best, best_score = None, 0.0
    charge = is_charge_line(line)
    # A token-set ratio calls "Shipping" a perfect match for "Shipping box, large": a
    # charge may only pair by description with a charge line of the PO.
    for po_line in (p for p in po.lines if reads_like_charge(p.description) == charge):
        score = fuzz.token_set_ratio(line.description.lower(), po_line.description.lower())
        if score > best_score:
            best, best_score = po_line, score
    if best is not None and best_score >= DESCRIPTION_MIN_SCORE:
        return best, "description"
    # Nothing named (a description in another language, or lost to the layout): the one PO
    # line whose unit price the line bills, when only one has it and its arithmetic holds.
    if line.unit_price is not None and line.quantity is not None and line.amount is not None \
            and abs(line.quantity * line.unit_price - line.amount) <= Decimal("0.02"):
        by_price = [p for p in po.lines if p.unit_price == line.unit_price and reads_like_charge(p.description) == charge]
        if len(by_price) == 1:
            return by_price[0], "price"
    return None, "unmatched"


def _sku_printed(sku: Optional[str], description: str) -> bool:
    """The PO line's SKU printed as a word of the description (separators may differ)."""
    # A cheap necessary condition first: the SKU's letters and digits in a row among the
    # description's. Every PO line of an invoice's PO is tried against every invoice line,
    # and compiling the pattern of a SKU not seen before was 8 % of a decision's CPU on a
    # set of new purchase orders (benchmarks/throughput.py stage pass, sampled).
    if not sku or _squeezed(sku) not in _squeezed(description or ""):
        return False
    pattern = _sku_pattern(sku)
    return pattern is not None and pattern.search(description or "") is not None


# Letters outside ASCII that the pattern's case-insensitive ASCII letters match and that
# ``str.lower`` does not turn into them: dotless i and long s (the Kelvin sign and the
# dotted capital I already lower to k and i).
_CASE_EXTRAS = str.maketrans({"\u0131": "i", "\u017f": "s"})


@lru_cache(maxsize=4096)
def _squeezed(text: str) -> str:
    """``text`` lower-cased with everything but ASCII letters and digits left out."""
    return re.sub(r"[^0-9a-z]+", "", text.lower().translate(_CASE_EXTRAS))


@lru_cache(maxsize=8192)
def _sku_pattern(sku: str) -> Optional[re.Pattern]:
    # Kept per SKU: every invoice line is tried against every line of its PO, and with more
    # distinct SKUs than the re module's own cache holds (512) each try compiled anew.
    parts = re.findall(r"[0-9A-Za-z]+", sku)
    if sum(map(len, parts)) < 4:
        return None  # "W-1" is too short to tell from the words of a description
    pattern = r"[^0-9A-Za-z]?".join(map(re.escape, parts))
    return re.compile(rf"(?i)(?<![0-9A-Za-z]){pattern}(?![0-9A-Za-z])")


def _unit_price(line: LineItem) -> Optional[Decimal]:
    if line.unit_price is not None:
        return line.unit_price
    if line.amount is not None and line.quantity:
        return (line.amount / line.quantity).quantize(Decimal("0.0001"))
    return None


def _quantity(line: LineItem, po_line: POLine) -> Optional[Decimal]:
    if line.quantity is not None:
        return line.quantity
    if line.amount is not None and po_line.unit_price:
        return (line.amount / po_line.unit_price).quantize(Decimal("0.001"))
    return None


def _joined(tol: Tolerances) -> str:
    return "and at most" if tol.combine == "stricter" else "or"


def _where(po: PurchaseOrder, po_line: POLine) -> str:
    return f"PO {po.po_number} line {po_line.line_no}"


def _check_price(line: LineItem, po_line: POLine, po: PurchaseOrder, tol: Tolerances) -> tuple[str, Optional[Reason]]:
    price = _unit_price(line)
    if price is None:
        return "unit price not readable", None
    variance = price - po_line.unit_price
    allowed = tol.allowed(po_line.unit_price, tol.price_percent, tol.price_absolute)
    words = (f"unit price {price} billed, {po_line.unit_price} on {_where(po, po_line)} "
             f"(variance {variance:+}, tolerance {tol.price_percent}% {_joined(tol)} {tol.price_absolute}, {allowed:.2f} allowed)")
    if variance <= 0:
        return words + ": at or below the PO price, ok", None  # paying less than agreed is not an exception
    if variance <= allowed:
        return words + ": ok", None
    return words, Reason("price_variance", words, {
        "po_number": po.po_number, "po_line": po_line.line_no, "expected": str(po_line.unit_price), "found": str(price),
        "variance": str(variance), "allowed": str(allowed),
        "tolerance": {"percent": str(tol.price_percent), "absolute": str(tol.price_absolute), "combine": tol.combine}})


def _check_quantity(qty: Optional[Decimal], po_line: POLine, po: PurchaseOrder, received: Decimal, before: Decimal,
                    tol: Tolerances) -> tuple[str, Optional[Reason]]:
    if qty is None:
        return "quantity not readable", None
    service = po.kind == "service"
    limit_name, limit = ("ordered", po_line.quantity) if service else ("received", received)
    evidence = {"po_number": po.po_number, "po_line": po_line.line_no, "billed": str(qty), "billed_before": str(before),
                limit_name: str(limit), "tolerance": {"percent": str(tol.quantity_percent), "absolute": str(tol.quantity_absolute)}}
    if not service and received == 0:
        words = f"qty {qty} billed, nothing received yet on {_where(po, po_line)}"
        return words, Reason("not_received", words, evidence)
    allowed = limit + tol.allowed(limit, tol.quantity_percent, tol.quantity_absolute)
    tolerance = f"tolerance {tol.quantity_percent}% {_joined(tol)} {tol.quantity_absolute}"
    if qty > allowed:
        words = f"qty {qty} billed, {limit} {limit_name} on {_where(po, po_line)} ({tolerance})"
        return words, Reason("quantity_over_ordered" if service else "quantity_over_received", words, evidence)
    if before + qty > allowed:
        words = (f"qty {qty} billed now plus {before} billed before is {before + qty}, "
                 f"{limit} {limit_name} on {_where(po, po_line)} ({tolerance})")
        return words, Reason("cumulative_overbilling", words, evidence)
    return f"qty {qty} billed" + (f" plus {before} before" if before else "") + f", {limit} {limit_name} on {_where(po, po_line)}: ok", None


def match_three_way(lines: Sequence[LineItem], po: PurchaseOrder, receipts: Sequence[GoodsReceipt],
                    billed_before: Mapping[str, Decimal], tol: Tolerances, compare_prices: bool = True) -> MatchResult:
    """Match every invoice line; charges not on the PO are judged together against the allowance."""
    received = received_by_line(receipts)
    billed = dict(billed_before)  # grows with this invoice's own lines: two lines may bill one PO line
    matches: list[LineMatch] = []
    reasons: list[Reason] = []
    charges: list[LineItem] = []
    goods_value = Decimal(0)
    for line in lines:
        po_line, how = pair_line(line, po)
        if po_line is None:
            amount = line_amount(line)
            if amount is not None and amount < 0:
                words = f"{line.description!r} {amount}: a deduction, lowers the amount"
                matches.append(LineMatch(line, None, "discount", Decimal(0), Decimal(0), words))
            elif is_charge_line(line):
                charges.append(line)
                words = f"{line.description!r} {amount}: a charge not on PO {po.po_number}"
                matches.append(LineMatch(line, None, "charge", Decimal(0), Decimal(0), words))
            else:
                words = f"line {line.description!r} ({amount}) is not on PO {po.po_number}"
                matches.append(LineMatch(line, None, how, Decimal(0), Decimal(0), words))
                reasons.append(Reason("line_not_on_po", words, {"po_number": po.po_number, "description": line.description, "amount": str(amount)}))
            continue
        got = received.get(po_line.line_no, Decimal(0))
        before = billed.get(po_line.line_no, Decimal(0))
        qty = _quantity(line, po_line)
        qty_words, qty_reason = _check_quantity(qty, po_line, po, got, before, tol)
        price_words, price_reason = _check_price(line, po_line, po, tol) if compare_prices else ("prices not compared (other currency)", None)
        billed[po_line.line_no] = before + (qty or Decimal(0))
        goods_value += line_amount(line) or Decimal(0)
        explanation = f"{line.description!r} -> {_where(po, po_line)} (paired by {how.replace('_', ' ')}): {qty_words}; {price_words}"
        matches.append(LineMatch(line, po_line, how, got, before, explanation))
        reasons += [r for r in (price_reason, qty_reason) if r]
    reasons += check_charges(charges, goods_value, po.po_number, tol)
    return MatchResult(tuple(matches), tuple(reasons))


def match_header_only(net: Optional[Decimal], po: PurchaseOrder, receipts: Sequence[GoodsReceipt], billed_before_value: Decimal,
                      tol: Tolerances) -> list[Reason]:
    """When no line items could be read: compare the invoice's net to the received (or ordered) value."""
    if net is None:
        return [Reason("no_lines_to_match", f"neither line items nor a net amount could be read to match PO {po.po_number}",
                       {"po_number": po.po_number})]
    received = received_by_line(receipts)
    prices = {li.line_no: li.unit_price for li in po.lines}
    if po.kind == "service":
        value, basis = sum((li.quantity * li.unit_price for li in po.lines), Decimal(0)), "ordered"
    else:
        value, basis = sum((qty * prices.get(no, Decimal(0)) for no, qty in received.items()), Decimal(0)), "received"
    if value == 0 and po.kind != "service":
        return [Reason("not_received", f"net {net} billed, nothing received yet on PO {po.po_number}", {"po_number": po.po_number, "net": str(net)})]
    if billed_before_value + net <= value + tol.header_total_absolute:
        return []
    return [Reason("amount_over_received",
                   f"net {net} billed (plus {billed_before_value} before) exceeds the {value} {basis} on PO {po.po_number} "
                   f"(tolerance {tol.header_total_absolute})",
                   {"po_number": po.po_number, "net": str(net), f"{basis}_value": str(value), "billed_before": str(billed_before_value)})]
