"""Arithmetic as evidence: do the invoice's amounts agree with one another?

An invoice states its total three ways at once: net + tax, the sum of its lines, and each
line's quantity x unit price. Values read independently that satisfy these identities are
very unlikely to be misread together, so agreement corroborates them; values that do not
agree mean something was misread (or the invoice is wrong), so the invoice is held. A total
that nothing corroborates (no net, no lines) is never paid on the machine's word alone: a
scan that drops a thousands group ("8.78" for "6,018.78") reads as a perfectly good total.

One caveat shapes the rule: a thousands group dropped from net, tax *and* total can still
add up (12,345.00 + 2,345.55 = 14,690.55 and 345.00 + 345.55 = 690.55), so the header
identity alone corroborates only weakly; with the lines summing to the net as well, the
amounts are taken as confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from .charges import line_amount
from .line_trust import untrusted_lines
from .models import ADJUSTED_TAG, BRIDGED_TAG, Extraction, LineItem, Reason
from .policy import Tolerances

CENT = Decimal("0.01")
# The highest standard VAT/GST rate in use is 28 %; a tax above 30 % of the net was misread.
MAX_TAX_RATE = Decimal("0.30")
# VAT/GST rates in use around the world (percent). When the tax itself was not read, lines
# that add up to the total less one of these confirm the total: a misread total lands on
# one of them within rounding only by rare chance.
STANDARD_RATES = tuple(Decimal(r) for r in ("0", "2.1", "2.5", "3", "3.7", "4", "5", "5.5", "6", "7", "7.7", "8", "8.1", "9", "10",
                                            "12", "13", "13.5", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
                                            "25", "25.5", "26", "27", "28"))
PEOPLE_OR_EXACT = ("einvoice_xml",)


@dataclass(frozen=True)
class ArithmeticFindings:
    reasons: tuple[Reason, ...]
    header_closes: bool  # net + tax = total
    lines_close: bool  # the trusted lines add up to the net
    corroborated: frozenset[str]  # amount fields the arithmetic confirms strongly


def _amount(extraction: Extraction, name: str) -> Optional[Decimal]:
    try:
        return extraction.amount(name)
    except ArithmeticError:
        return None


def _printed_adjustment(extraction: Extraction) -> Decimal:
    """The rounding or charge row the extractor found closing net + tax = total (the
    total's ``ADJUSTED_TAG`` evidence), else 0."""
    for tag in extraction.fields["total"].evidence:
        if tag.startswith(ADJUSTED_TAG):
            return Decimal(tag[len(ADJUSTED_TAG):])
    return Decimal(0)


def _bridge(extraction: Extraction) -> Decimal:
    """The printed document-level discounts and charges the extractor found between the
    lines and the net (the net's ``BRIDGED_TAG`` evidence), else 0."""
    net = extraction.fields.get("net")
    for tag in net.evidence if net is not None else ():
        if tag.startswith(BRIDGED_TAG):
            return Decimal(tag[len(BRIDGED_TAG):])
    return Decimal(0)


def _vouched(extraction: Extraction, name: str) -> bool:
    """A value a person confirmed, or one read exactly from e-invoice XML."""
    f = extraction.fields.get(name)
    return bool(f and (f.by or f.method in PEOPLE_OR_EXACT))


def _lines_sum(lines: Sequence[LineItem]) -> Optional[Decimal]:
    if not lines or untrusted_lines(lines) is not None:
        return None
    amounts = [line_amount(li) for li in lines]
    return None if any(a is None for a in amounts) else sum(amounts, Decimal(0))


def standard_rate_between(base: Decimal, total: Decimal, items: int) -> Optional[Decimal]:
    """The standard tax rate (percent) that turns ``base`` into ``total``, within rounding
    (a cent per line), or None."""
    if base <= 0 or total <= 0:
        return None
    slack = CENT * (items + 1)
    return next((r for r in STANDARD_RATES if abs(base * (1 + r / 100) - total) <= slack), None)


def _inconsistent(message: str, **evidence) -> Reason:
    return Reason("totals_inconsistent", message, evidence)


def _from_einvoice(extraction: Extraction) -> bool:
    """Net, tax and total all read exactly from e-invoice XML and left as read: the EN 16931
    rules (``einvoice_rule`` warnings, with allowances, charges and rounding) judge them, not
    the printed-invoice identities below, which know no document-level allowance."""
    fields = [extraction.fields.get(n) for n in ("net", "tax", "total")]
    return all(f is not None and f.method in PEOPLE_OR_EXACT and not f.by for f in fields)


def check_arithmetic(extraction: Extraction, tol: Tolerances) -> ArithmeticFindings:
    """Every arithmetic finding on the extracted amounts, and which amounts they confirm."""
    found = _check_amounts(extraction, tol)
    if _from_einvoice(extraction):
        return ArithmeticFindings((), found.header_closes, found.lines_close, found.corroborated)
    return found


def _check_amounts(extraction: Extraction, tol: Tolerances) -> ArithmeticFindings:
    net, tax, total = (_amount(extraction, n) for n in ("net", "tax", "total"))
    slack = max(CENT * 2, tol.header_total_absolute)
    reasons: list[Reason] = []
    # a rounding or charge row printed between the tax and the total ("Round Off 0.36")
    adjustment = _printed_adjustment(extraction) if total is not None else Decimal(0)
    header_closes = net is not None and tax is not None and total is not None and abs(net + tax + adjustment - total) <= slack
    if net is not None and tax is not None and total is not None and not header_closes:
        printed = f" + printed adjustment {adjustment}" if adjustment else ""
        reasons.append(_inconsistent(f"net {net} + tax {tax}{printed} = {net + tax + adjustment}, but the total reads {total} "
                                     f"(difference {total - net - tax - adjustment:+})",
                                     net=str(net), tax=str(tax), total=str(total), difference=str(total - net - tax - adjustment),
                                     **({"adjustment": str(adjustment)} if adjustment else {})))
    if net is not None and tax is not None and net != 0 and tax != 0:
        rate = tax / net
        if rate < 0 or rate > MAX_TAX_RATE:
            reasons.append(_inconsistent(f"tax {tax} is {rate * 100:.1f} % of the net {net}: no tax rate is that "
                                         f"({'negative' if rate < 0 else 'above 30 %'}); one of them is misread",
                                         net=str(net), tax=str(tax), rate_percent=str((rate * 100).quantize(CENT))))
    lines_sum = _lines_sum(extraction.lines)
    if lines_sum is not None and net is not None:
        lines_sum += _bridge(extraction)  # "Discount 5%", "Freight" rows between the items and the net
    basis, basis_name = (net, "net") if net is not None else ((total - tax, "total less tax") if total is not None and tax is not None else (None, ""))
    lines_close = lines_sum is not None and basis is not None and abs(basis - lines_sum) <= slack
    if lines_sum is not None and basis is not None and not lines_close:
        reasons.append(_inconsistent(f"the {len(extraction.lines)} lines add up to {lines_sum}, the {basis_name} is {basis} "
                                     f"(difference {basis - lines_sum:+}, tolerance {slack})",
                                     lines_sum=str(lines_sum), expected=str(basis), difference=str(basis - lines_sum), tolerance=str(slack)))
    supported = (header_closes or lines_close
                 or (lines_sum is not None and total is not None and tax is None
                     and standard_rate_between(lines_sum, total, len(extraction.lines)) is not None))
    if total is not None and not supported and not _vouched(extraction, "total") and net is None:
        reasons.append(Reason("total_uncorroborated",
                              f"the total {total} is the only amount read: no net, tax or lines confirm it",
                              {"total": str(total), "net": None, "lines": len(extraction.lines)}))
    corroborated = frozenset({"net", "tax", "total"}) if header_closes and lines_close else frozenset()
    return ArithmeticFindings(tuple(reasons), header_closes, lines_close, corroborated)
