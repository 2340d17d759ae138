"""The EN 16931 arithmetic an e-invoice must satisfy, checked on the values as written.

A structured invoice is read exactly, so a sum that does not hold is not a misreading: the
sender's software computed it wrong (or someone edited the XML). Either way it is not paid
on the machine's word; each broken rule becomes a reason a person sees. The rules are the
standard's calculation rules (BR-CO-10 … BR-CO-17), the rule that a line's net amount is
quantity × net price ÷ base quantity plus its charges less its allowances (EN 16931-1,
6.5.4), and the decimal rules (BR-DEC: totals, line and VAT amounts have at most two
decimals). Sums of amounts that each have two decimals must hold to the cent; a product
(a line's net, a VAT amount from its base and rate) may be off by the one cent that rounding
allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional

from .einvoice_model import AllowanceCharge, EInvoice, EInvoiceLine

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class RuleViolation:
    rule: str  # "BR-CO-15", "BR-DEC-23", "BT-131" (a line net amount)
    message: str  # what does not hold, with the numbers
    # False for the line calculation: EN 16931 defines it but no business rule enforces it,
    # and valid invoices state line amounts that include what the price does not show
    # (insurance tax, for one); it is shown to a reviewer, it does not hold the invoice.
    blocking: bool = True


def _sum(values: Iterable[Optional[Decimal]]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _split(items: Iterable[AllowanceCharge]) -> tuple[list, list]:
    items = list(items)
    return [a.amount for a in items if not a.is_charge], [a.amount for a in items if a.is_charge]


def _line_net(line: EInvoiceLine) -> Optional[Decimal]:
    """Quantity × net price ÷ base quantity + line charges − line allowances."""
    if line.quantity is None or line.unit_price is None:
        return None
    base = line.base_quantity if line.base_quantity not in (None, ZERO) else Decimal(1)
    allowances, charges = _split(line.allowances_charges)
    return line.quantity * line.unit_price / base + _sum(charges) - _sum(allowances)


def _price_rounding(line: EInvoiceLine) -> Decimal:
    """How far quantity × a net price rounded to its written decimals may stray from the
    line amount computed with the unrounded price: half a unit of the price's last decimal
    per base quantity billed, plus the cent the line amount itself is rounded to."""
    exponent = min(line.unit_price.as_tuple().exponent, -2) if line.unit_price is not None else -2
    base = line.base_quantity if line.base_quantity not in (None, ZERO) else Decimal(1)
    return CENT + abs(line.quantity / base) * Decimal(5).scaleb(exponent - 1) if line.quantity is not None else CENT


def _decimals(name: str, rule: str, value: Optional[Decimal]) -> list[RuleViolation]:
    if value is not None and value.as_tuple().exponent < -2:
        return [RuleViolation(rule, f"{rule}: {name} {value} has more than two decimals")]
    return []


def check_rules(inv: EInvoice) -> list[RuleViolation]:
    """Every EN 16931 arithmetic rule ``inv`` breaks (empty when they all hold). Documents
    that do not claim to be complete EN 16931 invoices (``EInvoice.en16931``) are not judged."""
    if not inv.en16931:
        return []
    t, out = inv.totals, []
    for name, rule, value in (("sum of line net amounts (BT-106)", "BR-DEC-09", t.lines),
                              ("allowances (BT-107)", "BR-DEC-10", t.allowances), ("charges (BT-108)", "BR-DEC-11", t.charges),
                              ("net total (BT-109)", "BR-DEC-12", t.net), ("VAT total (BT-110)", "BR-DEC-13", t.tax),
                              ("total (BT-112)", "BR-DEC-14", t.total), ("paid amount (BT-113)", "BR-DEC-16", t.prepaid),
                              ("rounding amount (BT-114)", "BR-DEC-17", t.rounding), ("amount due (BT-115)", "BR-DEC-18", t.amount_due)):
        out += _decimals(name, rule, value)
    for number, line in enumerate(inv.lines, start=1):
        out += _decimals(f"line {number} net amount (BT-131)", "BR-DEC-23", line.amount)
        expected = _line_net(line)
        if expected is not None and line.amount is not None and abs(expected - line.amount) > _price_rounding(line):
            out.append(RuleViolation("BT-131", f"BT-131: line {number}: {line.quantity} × {line.unit_price}"
                                     f"{f' per {line.base_quantity}' if line.base_quantity not in (None, 1) else ''}"
                                     f" with its allowances and charges is {expected.quantize(CENT)}, but its net amount is {line.amount}",
                                     blocking=False))
    lines_sum = _sum(line.amount for line in inv.lines)
    if t.lines is not None and inv.lines and lines_sum != t.lines:
        out.append(RuleViolation("BR-CO-10", f"BR-CO-10: the line net amounts ({len(inv.lines)} lines) add up to {lines_sum}, "
                                 f"but the sum of line net amounts (BT-106) is {t.lines}"))
    allowances, charges = _split(inv.allowances_charges)
    if (allowances or t.allowances) and _sum(allowances) != (t.allowances or ZERO):
        out.append(RuleViolation("BR-CO-11", f"BR-CO-11: the document allowances add up to {_sum(allowances)}, "
                                 f"but the allowance total (BT-107) is {t.allowances or ZERO}"))
    if (charges or t.charges) and _sum(charges) != (t.charges or ZERO):
        out.append(RuleViolation("BR-CO-12", f"BR-CO-12: the document charges add up to {_sum(charges)}, "
                                 f"but the charge total (BT-108) is {t.charges or ZERO}"))
    base = t.lines  # BR-CO-13 is on BT-106 as written (profiles without it are not judged here)
    if base is not None and t.net is not None:
        expected = base - (t.allowances if t.allowances is not None else _sum(allowances)) \
            + (t.charges if t.charges is not None else _sum(charges))
        if expected != t.net:
            out.append(RuleViolation("BR-CO-13", f"BR-CO-13: lines {base} − allowances + charges = {expected}, "
                                     f"but the net total (BT-109) is {t.net}"))
    out += _vat_rules(inv)
    if t.net is not None and t.tax is not None and t.total is not None and t.net + t.tax != t.total:
        out.append(RuleViolation("BR-CO-15", f"BR-CO-15: net {t.net} + VAT {t.tax} = {t.net + t.tax}, but the total (BT-112) is {t.total}"))
    if t.total is not None and t.amount_due is not None:
        paid, rounding = (t.prepaid if t.prepaid is not None else ZERO), (t.rounding if t.rounding is not None else ZERO)
        due = t.total - paid + rounding
        if due != t.amount_due:
            out.append(RuleViolation("BR-CO-16", f"BR-CO-16: total {t.total} − paid {paid} + rounding {rounding} = {due}, "
                                     f"but the amount due (BT-115) is {t.amount_due}"))
    return out


def _vat_rules(inv: EInvoice) -> list[RuleViolation]:
    out = []
    for sub in inv.tax_breakdown:
        out += _decimals("VAT category taxable amount (BT-116)", "BR-DEC-19", sub.basis)
        out += _decimals("VAT category tax amount (BT-117)", "BR-DEC-20", sub.amount)
        if sub.basis is not None and sub.rate is not None and sub.amount is not None:
            expected = (sub.basis * sub.rate / 100).quantize(CENT)
            if abs(expected - sub.amount) > CENT:
                out.append(RuleViolation("BR-CO-17", f"BR-CO-17: VAT at {sub.rate} % of {sub.basis} is {expected}, "
                                         f"but the category's VAT amount (BT-117) is {sub.amount}"))
    amounts = [s.amount for s in inv.tax_breakdown]
    if inv.totals.tax is not None and amounts and all(a is not None for a in amounts) and _sum(amounts) != inv.totals.tax:
        out.append(RuleViolation("BR-CO-14", f"BR-CO-14: the VAT breakdown adds up to {_sum(amounts)}, "
                                 f"but the VAT total (BT-110) is {inv.totals.tax}"))
    return out
