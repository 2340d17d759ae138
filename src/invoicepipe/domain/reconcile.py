"""The reconcile decision: duplicates, three-way match and bank checks, in one pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping, Optional, Sequence

from .bank import check_bank
from .duplicates import InvoiceKey, best_duplicate, duplicate_reason
from .matching import MatchResult, match_header_only, match_three_way
from .models import Decision, Extraction, GoodsReceipt, PurchaseOrder, Reason, Vendor
from .policy import Policy

APPROVED = "approved"
NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class ReconcileInput:
    document_id: int
    extraction: Extraction
    vendor: Optional[Vendor]
    po: Optional[PurchaseOrder]
    receipts: Sequence[GoodsReceipt]
    billed_before: Mapping[str, Decimal]  # PO line -> quantity billed by earlier approved invoices
    billed_before_value: Decimal
    prior_invoices: Sequence[InvoiceKey]  # duplicate candidates from indexed blocking
    today: date
    channel: Optional[str] = None


@dataclass(frozen=True)
class ReconcileOutcome:
    decision: Decision
    match: Optional[MatchResult] = None
    duplicates_checked: tuple[int, ...] = field(default_factory=tuple)


def invoice_key(document_id: int, extraction: Extraction, channel: Optional[str] = None) -> InvoiceKey:
    try:
        total = extraction.amount("total")
    except ArithmeticError:
        total = None
    try:
        when = extraction.date("invoice_date")
    except ValueError:
        when = None
    return InvoiceKey(document_id, extraction.value("vendor_id"), extraction.value("invoice_number"), when, total,
                      extraction.value("currency"), extraction.value("document_type") or "invoice", channel)


def _po_reasons(inp: ReconcileInput, policy: Policy) -> tuple[list[Reason], Optional[MatchResult]]:
    ext, po = inp.extraction, inp.po
    po_number = ext.value("po_number")
    if not po_number:
        if policy.reconcile.non_po_invoices == "approve":
            return [], None
        return [Reason("no_po", "the invoice quotes no purchase order; a non-PO invoice needs an approver", {})], None
    if po is None:
        return [Reason("po_unknown", f"PO {po_number} is not in the purchase-order data", {"po_number": po_number})], None
    reasons = []
    if po.status == "closed":
        reasons.append(Reason("po_closed", f"PO {po.po_number} is closed", {"po_number": po.po_number}))
    vendor_id = ext.value("vendor_id")
    if vendor_id and po.vendor_id != vendor_id:
        reasons.append(Reason("po_vendor_mismatch", f"PO {po.po_number} belongs to vendor {po.vendor_id}, the invoice is from {vendor_id}",
                              {"po_vendor": po.vendor_id, "invoice_vendor": vendor_id}))
    currency = ext.value("currency")
    if currency and currency != po.currency:
        reasons.append(Reason("currency_mismatch", f"invoice in {currency}, PO {po.po_number} in {po.currency}", {"invoice": currency, "po": po.currency}))
    tol = policy.reconcile.tolerances_for(vendor_id)
    if ext.lines:
        match = match_three_way(ext.lines, po, inp.receipts, inp.billed_before, tol)
        return reasons + list(match.reasons), match
    return reasons + match_header_only(ext.amount("net") or ext.amount("total"), po, inp.receipts, inp.billed_before_value, tol), None


def reconcile_invoice(inp: ReconcileInput, policy: Policy) -> ReconcileOutcome:
    """``approved`` when nothing is wrong, else ``needs_review`` with every reason found."""
    reasons: list[Reason] = []
    if inp.vendor is None:
        printed = inp.extraction.value("vendor")
        reasons.append(Reason("unknown_vendor", f"vendor {printed!r} is not in the vendor master", {"printed_vendor": printed}))
    key = invoice_key(inp.document_id, inp.extraction, inp.channel)
    dup = best_duplicate(key, inp.prior_invoices, policy.reconcile.duplicate_date_window_days)
    if dup is not None and dup.score >= policy.reconcile.duplicate_threshold:
        reasons.append(duplicate_reason(dup))
    reasons += check_bank(inp.extraction.value("iban"), inp.vendor, inp.today, policy.reconcile.bank_change_window_days)
    po_reasons, match = _po_reasons(inp, policy)
    reasons += po_reasons
    outcome = NEEDS_REVIEW if reasons else APPROVED
    checked = tuple(p.document_id for p in inp.prior_invoices)
    return ReconcileOutcome(Decision(outcome, tuple(reasons), policy.version), match, checked)
