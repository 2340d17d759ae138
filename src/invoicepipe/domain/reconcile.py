"""The reconcile decision: duplicates, three-way match and bank checks, in one pure function.

Clean means ``approved``; anything found means ``needs_review`` with every reason, each
with its evidence. Nothing here approves an invoice the match could not vouch for: an
invoice without a PO, a credit note, an unknown vendor or a bank finding is always held.
A suspected copy is matched as if its original had not been billed, so its reasons are
the duplicate plus whatever is wrong with the invoice itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Mapping, Optional, Sequence

from .bank import check_bank
from .charges import check_header_total
from .duplicates import InvoiceKey, duplicate_reason, find_duplicates, number_reused_reason
from .line_trust import untrusted_lines
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
    # What each earlier approved invoice billed on the PO (document id -> PO line -> quantity,
    # and its net value), so the billing of a suspected original is not held against its copy.
    billed_by_document: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)
    billed_value_by_document: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ReconcileOutcome:
    decision: Decision
    match: Optional[MatchResult] = None
    duplicates_checked: tuple[int, ...] = field(default_factory=tuple)


def _amount(extraction: Extraction, name: str) -> Optional[Decimal]:
    try:
        return extraction.amount(name)
    except (ArithmeticError, InvalidOperation):
        return None


def document_type(extraction: Extraction) -> str:
    """``credit_note`` or ``invoice``; a negative total with no type read is a credit note."""
    printed = extraction.value("document_type")
    if printed:
        return printed
    total = _amount(extraction, "total")
    return "credit_note" if total is not None and total < 0 else "invoice"


def invoice_key(document_id: int, extraction: Extraction, channel: Optional[str] = None) -> InvoiceKey:
    """The duplicate-detection facts of an extraction; unreadable values become None."""
    try:
        when = extraction.date("invoice_date")
    except ValueError:
        when = None
    return InvoiceKey(document_id, extraction.value("vendor_id"), extraction.value("invoice_number"), when, _amount(extraction, "total"),
                      extraction.value("currency"), document_type(extraction), channel)


def invoice_net(extraction: Extraction) -> Optional[Decimal]:
    """The net amount as printed, else total minus tax."""
    net = _amount(extraction, "net")
    if net is not None:
        return net
    total, tax = _amount(extraction, "total"), _amount(extraction, "tax")
    return total - tax if total is not None and tax is not None else None


def _vendor_reasons(inp: ReconcileInput) -> list[Reason]:
    if inp.vendor is None:
        printed = inp.extraction.value("vendor")
        return [Reason("unknown_vendor", f"vendor {printed!r} is not in the vendor master", {"printed_vendor": printed})]
    if not inp.vendor.active:
        return [Reason("vendor_inactive", f"vendor {inp.vendor.vendor_id} is inactive in the vendor master", {"vendor_id": inp.vendor.vendor_id})]
    return []


def _duplicate_reasons(inp: ReconcileInput, policy: Policy) -> tuple[list[Reason], Optional[int]]:
    """The duplicate finding and the id of the suspected original, if any."""
    key = invoice_key(inp.document_id, inp.extraction, inp.channel)
    found = find_duplicates(key, inp.prior_invoices, policy.reconcile.duplicate_date_window_days, policy.reconcile.duplicate_threshold)
    if found.duplicate is not None:
        return [duplicate_reason(found.duplicate)], found.duplicate.original_id
    return ([number_reused_reason(found.number_reused)] if found.number_reused is not None else []), None


def _billing_without(inp: ReconcileInput, original: Optional[int]) -> tuple[dict, Decimal]:
    """Billed quantities and value on the PO, less the suspected original's own billing: a
    copy is matched as if it were the only invoice, and the duplicate reason says the rest."""
    billed, value = dict(inp.billed_before), inp.billed_before_value
    if original is not None:
        for po_line, qty in inp.billed_by_document.get(original, {}).items():
            billed[po_line] = billed.get(po_line, Decimal(0)) - qty
        value -= inp.billed_value_by_document.get(original, Decimal(0))
    return billed, value


def _no_po_reason(policy: Policy) -> Reason:
    if policy.reconcile.non_po_invoices == "approval":
        return Reason("no_po", "the invoice quotes no purchase order: it needs a budget owner's approval", {"route": "approval"})
    return Reason("no_po", "the invoice quotes no purchase order: a non-PO invoice needs a reviewer", {"route": "review"})


def _po_reasons(inp: ReconcileInput, policy: Policy, billed: Mapping[str, Decimal],
                billed_value: Decimal) -> tuple[list[Reason], Optional[MatchResult]]:
    ext, po = inp.extraction, inp.po
    po_number = ext.value("po_number")
    if not po_number:
        # Spend with a vendor nobody set up is not a non-PO question yet: unknown_vendor holds it.
        return ([_no_po_reason(policy)] if inp.vendor is not None else []), None
    if po is None:
        return [Reason("po_unknown", f"PO {po_number} is not in the purchase-order data", {"po_number": po_number})], None
    reasons = []
    if po.status == "closed":
        reasons.append(Reason("po_closed", f"PO {po.po_number} is closed: nothing more may be billed on it", {"po_number": po.po_number}))
    vendor_id = ext.value("vendor_id")
    if vendor_id and po.vendor_id != vendor_id:
        reasons.append(Reason("po_vendor_mismatch", f"PO {po.po_number} belongs to vendor {po.vendor_id}, the invoice is from {vendor_id}",
                              {"po_vendor": po.vendor_id, "invoice_vendor": vendor_id}))
    currency = ext.value("currency")
    same_currency = not currency or currency == po.currency
    if not same_currency:
        reasons.append(Reason("currency_mismatch", f"invoice in {currency}, PO {po.po_number} in {po.currency}: prices cannot be compared",
                              {"invoice": currency, "po": po.currency, "po_number": po.po_number}))
    tol = policy.reconcile.tolerances_for(vendor_id)
    if ext.lines and untrusted_lines(ext.lines) is None:
        match = match_three_way(ext.lines, po, inp.receipts, billed, tol, compare_prices=same_currency)
        return reasons + list(match.reasons) + check_header_total(invoice_net(ext), ext.lines, tol), match
    return reasons + match_header_only(invoice_net(ext) or _amount(ext, "total"), po, inp.receipts, billed_value, tol), None


def reconcile_invoice(inp: ReconcileInput, policy: Policy) -> ReconcileOutcome:
    """``approved`` when nothing is wrong, else ``needs_review`` with every reason found."""
    duplicate, original = _duplicate_reasons(inp, policy)
    reasons = _vendor_reasons(inp) + duplicate
    reasons += check_bank(inp.extraction.value("iban"), inp.vendor, inp.today, policy.reconcile.bank_change_window_days)
    match = None
    po_number = inp.extraction.value("po_number")
    if document_type(inp.extraction) == "credit_note" and po_number:
        # Matching a credit note would count its quantities as billed; a person applies it.
        reasons.append(Reason("credit_note", f"a credit note on PO {po_number}: apply it against the invoice it corrects", {"po_number": po_number}))
    else:
        po_reasons, match = _po_reasons(inp, policy, *_billing_without(inp, original))
        reasons += po_reasons
    outcome = NEEDS_REVIEW if reasons else APPROVED
    checked = tuple(p.document_id for p in inp.prior_invoices)
    return ReconcileOutcome(Decision(outcome, tuple(reasons), policy.version), match, checked)
