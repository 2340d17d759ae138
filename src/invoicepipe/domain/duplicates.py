"""Duplicate scoring: the same invoice sent twice, across channels and OCR confusions.

Candidates come from indexed blocking on the *resolved* vendor id (so a vendor printed
under an alias blocks with its master record) and either the normalised number or the
amount within the date window; this module only scores pairs. A score is in [0, 1] with
its reasons in words; the threshold that flags it is policy.

What counts, in order of strength:

    exact           same number as printed, same amount, same date             1.0
    same number     same number after normalisation, same amount (any date)    0.9-0.95
                    or, within the window, amounts one digit apart (a misread)  0.85
    similar number  same amount, date within the window, number mangled        0.85
    same day        same amount and date, another number (a renumbered copy)   0.8
    same amount     within the window, unrelated numbers (recurring invoices)  0.4

The same number with a *different* amount is not a second payment of one invoice (a
numbering collision, a restarted sequence, or a corrected re-issue); within the window
it is reported as ``invoice_number_reused`` for a reviewer, never as a duplicate. A credit
note and an invoice are never duplicates of each other. Two invoices of which one or both
have no resolved vendor are compared too, but only the same number with the same amount
counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional, Sequence

from .invoice_numbers import canonical_invoice_number, normalise_invoice_number, similar_numbers
from .models import Reason

__all__ = ["InvoiceKey", "DuplicateMatch", "DuplicateFindings", "score_duplicate", "find_duplicates",
           "duplicate_reason", "number_reused_reason", "normalise_invoice_number"]

EXACT, SAME_NUMBER, SIMILAR_NUMBER, SAME_DAY, NUMBER_REUSED, SAME_AMOUNT, UNRELATED = (
    "exact", "same_number", "similar_number", "same_day", "number_reused", "same_amount", "unrelated")


@dataclass(frozen=True)
class InvoiceKey:
    """The facts duplicate detection compares."""

    document_id: int
    vendor_id: Optional[str]
    invoice_number: Optional[str]
    invoice_date: Optional[date]
    total: Optional[Decimal]
    currency: Optional[str] = None
    document_type: str = "invoice"
    channel: Optional[str] = None


@dataclass(frozen=True)
class DuplicateMatch:
    original_id: int
    score: float
    reasons: tuple[str, ...]
    kind: str = UNRELATED
    original_number: Optional[str] = None
    original_channel: Optional[str] = None


@dataclass(frozen=True)
class DuplicateFindings:
    """The best suspected original (at or above the threshold) and any number reuse."""

    duplicate: Optional[DuplicateMatch]
    number_reused: Optional[DuplicateMatch]


def _same_amount(new: InvoiceKey, prior: InvoiceKey) -> bool:
    if new.total is None or prior.total is None or new.total != prior.total:
        return False
    return not (new.currency and prior.currency and new.currency != prior.currency)


def misread_alike(a: Optional[Decimal], b: Optional[Decimal]) -> bool:
    """Two amounts that may be one amount read twice: equal, one unread, a digit apart, a
    thousands group lost (one's digits end the other's: 8.78 and 6,018.78) or a decimal shift."""
    if a is None or b is None or a == b:
        return True
    x, y = f"{abs(a):.2f}".replace(".", ""), f"{abs(b):.2f}".replace(".", "")
    if len(x) == len(y) and sum(c != d for c, d in zip(x, y)) == 1:
        return True
    short, long_ = sorted((x.lstrip("0") or "0", y.lstrip("0") or "0"), key=len)
    if len(short) < 3:
        return False
    return long_.endswith(short) or long_.startswith(short.rstrip("0"))


def _misread_pair(a: Optional[Decimal], b: Optional[Decimal]) -> bool:
    return a is not None and b is not None and a != b and misread_alike(a, b)


def _channels(new: InvoiceKey, prior: InvoiceKey) -> list[str]:
    if new.channel and prior.channel and new.channel != prior.channel:
        return [f"arrived by {new.channel}, the original by {prior.channel}"]
    return []


def score_duplicate(new: InvoiceKey, prior: InvoiceKey, window_days: int) -> DuplicateMatch:
    """How likely ``new`` is a re-submission of ``prior``, with the signals in words."""
    def match(score: float, kind: str, why: list[str]) -> DuplicateMatch:
        return DuplicateMatch(prior.document_id, round(score, 3), tuple(why + _channels(new, prior)), kind, prior.invoice_number, prior.channel)

    # One copy's vendor may be unresolved (a scan, an unknown letterhead): then only the same
    # number with the same amount counts, as for two unresolved ones.
    unresolved = new.vendor_id is None or prior.vendor_id is None
    if not unresolved and new.vendor_id != prior.vendor_id:
        return DuplicateMatch(prior.document_id, 0.0, ("different vendor",))
    if (new.document_type == "credit_note") != (prior.document_type == "credit_note"):
        return DuplicateMatch(prior.document_id, 0.0, ("a credit note and an invoice are not duplicates",))
    norm_new = normalise_invoice_number(new.invoice_number or "")
    norm_old = normalise_invoice_number(prior.invoice_number or "")
    same_number = bool(norm_new) and norm_new == norm_old
    exact_number = same_number and canonical_invoice_number(new.invoice_number or "") == canonical_invoice_number(prior.invoice_number or "")
    amount = _same_amount(new, prior)
    days = abs((new.invoice_date - prior.invoice_date).days) if new.invoice_date and prior.invoice_date else None
    near = days is not None and days <= window_days
    dated = ([f"same date {new.invoice_date}"] if days == 0 else [f"dates {days} days apart"]) if days is not None else []
    money = f"{new.total} {new.currency or ''}".rstrip()
    if unresolved and not (same_number and amount):
        return DuplicateMatch(prior.document_id, 0.0, ("no vendor to compare: only the same number and amount count",))
    if same_number and amount:
        how = "same invoice number" if exact_number else "same invoice number once normalised"
        numbers = f"{how} {new.invoice_number!r}" + ("" if new.invoice_number == prior.invoice_number else f" (original {prior.invoice_number!r})")
        if exact_number and days == 0:
            return match(1.0, EXACT, [numbers, f"same amount {money}", *dated])
        return match(0.9 + 0.05 * exact_number + 0.05 * near, SAME_NUMBER, [numbers, f"same amount {money}", *dated])
    if same_number and near and _misread_pair(new.total, prior.total):
        return match(0.85, SAME_NUMBER, [f"same invoice number {new.invoice_number!r}", f"amounts {new.total} and {prior.total} differ "
                                         "as a misread does (a digit, a thousands group or a decimal shift)", *dated])
    if same_number:
        return match(0.5, NUMBER_REUSED, [f"same invoice number {new.invoice_number!r} with a different amount "
                                          f"({new.total} vs {prior.total})", *dated])
    if amount and near:
        why = similar_numbers(new.invoice_number, prior.invoice_number)
        if why:
            return match(0.85, SIMILAR_NUMBER, [f"similar invoice number {new.invoice_number!r} vs {prior.invoice_number!r}: {why}",
                                                f"same amount {money}", *dated])
        if days == 0:
            # Two invoices of one amount on one day from one vendor are rare; a renumbered
            # re-send is not. A person compares them side by side.
            return match(0.8, SAME_DAY, [f"same amount {money} on the same date {new.invoice_date}",
                                         f"another invoice number ({new.invoice_number!r} vs {prior.invoice_number!r})"])
        return match(0.4, SAME_AMOUNT, [f"same amount {money}", *dated, "unrelated invoice numbers (a recurring invoice is normal)"])
    return match(0.1 * amount, UNRELATED, [])


def find_duplicates(new: InvoiceKey, priors: Sequence[InvoiceKey], window_days: int, threshold: float) -> DuplicateFindings:
    """The earliest best-scoring original at or above ``threshold``, and a number reused within the window."""
    scored = [score_duplicate(new, p, window_days) for p in priors if p.document_id != new.document_id]
    best = max(scored, key=lambda m: (m.score, -m.original_id), default=None)
    duplicate = best if best is not None and best.score >= threshold else None
    reused = None
    if duplicate is None:
        by_id = {p.document_id: p for p in priors}
        reused = min((m for m in scored if m.kind == NUMBER_REUSED and _within(new, by_id[m.original_id], window_days)),
                     key=lambda m: m.original_id, default=None)
    return DuplicateFindings(duplicate, reused)


def _within(new: InvoiceKey, prior: InvoiceKey, window_days: int) -> bool:
    if new.invoice_date is None or prior.invoice_date is None:
        return True  # without dates a reviewer must judge
    return abs((new.invoice_date - prior.invoice_date).days) <= window_days


def duplicate_reason(match: DuplicateMatch) -> Reason:
    """The ``duplicate_suspected`` reason, linking the suspected original."""
    label = "an exact duplicate" if match.kind == EXACT else "a likely duplicate"
    return Reason(
        "duplicate_suspected",
        f"{label} of document {match.original_id} (invoice {match.original_number!r}, score {match.score:.2f}): {', '.join(match.reasons)}",
        {"original_id": match.original_id, "original_number": match.original_number, "score": match.score,
         "kind": match.kind, "exact": match.kind == EXACT, "original_channel": match.original_channel, "signals": list(match.reasons)},
    )


def number_reused_reason(match: DuplicateMatch) -> Reason:
    """The ``invoice_number_reused`` reason: same vendor and number, different amount."""
    return Reason(
        "invoice_number_reused",
        f"document {match.original_id} from the same vendor carries the same invoice number: {', '.join(match.reasons)}; "
        "a corrected re-issue or a numbering collision, not a second copy",
        {"original_id": match.original_id, "original_number": match.original_number, "signals": list(match.reasons)},
    )
