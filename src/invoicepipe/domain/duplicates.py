"""Duplicate scoring: the same invoice sent twice, across channels and OCR confusions.

Candidates come from indexed blocking (same vendor and the same normalised number or the
same amount); this module only scores a pair. The score is in [0, 1] with its reasons, and
the threshold that flags it is policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional, Sequence

from rapidfuzz import fuzz

from .models import Reason

# Characters OCR and people confuse, mapped to one representative.
_CONFUSIONS = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})


def normalise_invoice_number(number: str) -> str:
    """Upper-case, fold OCR confusions, drop punctuation and spaces, drop leading zeros."""
    folded = number.upper().translate(_CONFUSIONS)
    compact = re.sub(r"[^0-9A-Z]", "", folded)
    return compact.lstrip("0") or compact


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


def score_duplicate(new: InvoiceKey, prior: InvoiceKey, window_days: int) -> DuplicateMatch:
    """How likely ``new`` is a re-submission of ``prior`` (same vendor assumed by blocking)."""
    why: list[str] = []
    if new.vendor_id != prior.vendor_id or new.vendor_id is None:
        return DuplicateMatch(prior.document_id, 0.0, ("different vendor",))
    if (new.document_type == "credit_note") != (prior.document_type == "credit_note"):
        return DuplicateMatch(prior.document_id, 0.0, ("a credit note and an invoice are not duplicates",))
    num_new = normalise_invoice_number(new.invoice_number or "")
    num_old = normalise_invoice_number(prior.invoice_number or "")
    same_number = bool(num_new) and num_new == num_old
    similar_number = bool(num_new and num_old) and fuzz.ratio(num_new, num_old) >= 80
    same_amount = new.total is not None and new.total == prior.total and (new.currency or "") == (prior.currency or new.currency or "")
    days = abs((new.invoice_date - prior.invoice_date).days) if new.invoice_date and prior.invoice_date else None
    same_date = days == 0
    near_date = days is not None and days <= window_days
    if same_number:
        why.append(f"same invoice number {new.invoice_number!r} (as {prior.invoice_number!r})")
    elif similar_number:
        why.append(f"similar invoice number {new.invoice_number!r} vs {prior.invoice_number!r}")
    if same_amount:
        why.append(f"same amount {new.total} {new.currency or ''}".rstrip())
    if same_date:
        why.append(f"same date {new.invoice_date}")
    elif near_date:
        why.append(f"dates {days} days apart")
    if same_number:
        score = 0.8 + 0.1 * same_amount + 0.1 * (same_date or (near_date and same_amount))
        if days is not None and days > 365 and not same_amount:
            score = 0.5  # numbering restarted in another year
    elif same_amount and near_date and similar_number:
        score = 0.85 + 0.1 * same_date
    elif same_amount and same_date:
        score = 0.7
    elif same_amount and near_date:
        score = 0.4  # a recurring invoice of the same amount is normal
    else:
        score = 0.1 * same_amount + 0.1 * similar_number
    return DuplicateMatch(prior.document_id, round(min(score, 1.0), 3), tuple(why))


def best_duplicate(new: InvoiceKey, priors: Sequence[InvoiceKey], window_days: int) -> Optional[DuplicateMatch]:
    scored = [score_duplicate(new, p, window_days) for p in priors if p.document_id != new.document_id]
    return max(scored, key=lambda m: (m.score, -m.original_id), default=None)


def duplicate_reason(match: DuplicateMatch) -> Reason:
    return Reason(
        "duplicate_suspected",
        f"looks like a duplicate of document {match.original_id} (score {match.score:.2f}): {', '.join(match.reasons)}",
        {"original_id": match.original_id, "score": match.score, "signals": list(match.reasons)},
    )
