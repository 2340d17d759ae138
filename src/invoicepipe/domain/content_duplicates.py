"""Duplicates found from what a document looks like and says, when its fields disagree.

Field comparison (``duplicates.py``) misses a copy whose extraction differs: a scan of a
paid digital invoice whose total lost its thousands group, a copy on which the vendor was
not resolved, a "COPY" stamp over the number. Content fingerprints (``fingerprints.py``)
find such a copy: the same words, the same page image, the same numbers printed.

Likeness alone is not enough: a vendor's next monthly invoice is printed on the same
template with the same amounts, and the page image of any invoice on a template looks like
any other. What tells a copy from the next invoice is what changes between invoices: the
dates and the amounts. So a content match counts only when the wording is alike and the
amounts (or, for a page of few amounts, the numbers) printed agree, the dates printed are
not disjoint, and the extracted facts do not contradict it (another vendor, a credit note,
another currency; another date of issue, with the original's date of issue not printed on
this one: the next monthly invoice shares a date with its predecessor, its start or due
date, but not the predecessor's date of issue).
Amounts read from the two may disagree in the ways a misread does (a digit, a thousands
group, a decimal shift). Thresholds are policy (``reconcile.content_duplicates``), measured
by ``benchmarks/content_prints.py``.
"""

from __future__ import annotations

from typing import Optional

from .duplicates import DuplicateMatch, InvoiceKey, misread_alike
from .fingerprints import ContentSimilarity
from .policy import ReconcilePolicy

CONTENT = "content"


def _contradiction(new: InvoiceKey, prior: InvoiceKey, content: ContentSimilarity) -> Optional[str]:
    if new.vendor_id and prior.vendor_id and new.vendor_id != prior.vendor_id:
        return "another vendor"
    if (new.document_type == "credit_note") != (prior.document_type == "credit_note"):
        return "a credit note and an invoice"
    if new.currency and prior.currency and new.currency != prior.currency:
        return "another currency"
    if (prior.invoice_date and new.invoice_date and new.invoice_date != prior.invoice_date
            and prior.invoice_date.isoformat() not in content.shared_dates):
        # A copy prints its original's date of issue even when this reading of it failed; the
        # next invoice of a recurring series does not (it may print it as its own start).
        return "the original's invoice date is not printed on this one (the next invoice on the same template)"
    if not misread_alike(new.total, prior.total):
        return "amounts that no misread explains"
    return None


def same_content(content: ContentSimilarity, policy: ReconcilePolicy) -> bool:
    """Wording alike and the same amounts (or most numbers) printed, dates not disjoint."""
    if content.dates_disjoint or content.text < policy.content_text_min:
        return False
    return content.amounts >= policy.content_amounts_min or content.numbers >= policy.content_numbers_min


def content_duplicate(new: InvoiceKey, prior: InvoiceKey, content: ContentSimilarity, policy: ReconcilePolicy) -> Optional[DuplicateMatch]:
    """A duplicate match from content likeness, or None when it is not one."""
    if not same_content(content, policy) or _contradiction(new, prior, content) is not None:
        return None
    signals = [f"the same content as document {prior.document_id} ({content.summary})"]
    if new.invoice_number != prior.invoice_number:
        signals.append(f"invoice number read {new.invoice_number!r} here, {prior.invoice_number!r} there")
    if new.total != prior.total:
        signals.append(f"total read {new.total} here, {prior.total} there (one of them misread)")
    if new.channel and prior.channel and new.channel != prior.channel:
        signals.append(f"arrived by {new.channel}, the original by {prior.channel}")
    score = round(min(0.99, 0.8 + 0.2 * content.text * max(content.amounts, content.numbers)), 3)
    return DuplicateMatch(prior.document_id, score, tuple(signals), CONTENT, prior.invoice_number, prior.channel)
