"""Reconciliation findings: vendor status, duplicates, bank details and the PO match.

These are the checks that compare the invoice with the world (master data, purchase orders,
goods receipts, other invoices); ``domain/decide.py`` adds them to the extraction and
arithmetic findings. Nothing here approves an invoice the match could not vouch for: an
invoice without a PO, a credit note, an unknown vendor or a bank finding is always held.
A suspected copy is matched like any invoice, its original's billing counted: a copy of a
fully billed PO line shows ``cumulative_overbilling`` beside ``duplicate_suspected``, so
overriding the duplicate finding alone can never pay the goods twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Optional

from .bank import check_bank, compact_iban
from .content_duplicates import content_duplicate
from .duplicates import DuplicateMatch, InvoiceKey, duplicate_reason, find_duplicates, number_reused_reason
from .evidence import Evidence
from .line_trust import untrusted_lines
from .matching import MatchResult, match_header_only, match_three_way
from .models import Extraction, Reason
from .policy import Policy
from .reasons import CONTROLLER, role_at_least

APPROVED = "approved"
NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class ReconcileFindings:
    reasons: tuple[Reason, ...]
    match: Optional[MatchResult] = None
    original_id: Optional[int] = None


def _amount(extraction: Extraction, name: str) -> Optional[Decimal]:
    try:
        return extraction.amount(name)
    except ArithmeticError:
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
    return InvoiceKey(document_id, extraction.value("vendor_id") or None, extraction.value("invoice_number") or None, when,
                      _amount(extraction, "total"), extraction.value("currency") or None, document_type(extraction), channel)


def invoice_net(extraction: Extraction) -> Optional[Decimal]:
    """The net amount as printed, else total minus tax."""
    net = _amount(extraction, "net")
    if net is not None:
        return net
    total, tax = _amount(extraction, "total"), _amount(extraction, "tax")
    return total - tax if total is not None and tax is not None else None


def vendor_reasons(ev: Evidence) -> list[Reason]:
    """The vendor master's view of the vendor, and who changed the machine's choice."""
    ext = ev.extraction
    reasons = []
    vendor_id = ext.value("vendor_id")
    if ev.vendor is None and vendor_id:
        reasons.append(Reason("unknown_vendor", f"vendor id {vendor_id!r} is not in the vendor master", {"vendor_id": vendor_id}))
    if ev.vendor is not None and not ev.vendor.active:
        reasons.append(Reason("vendor_inactive", f"vendor {ev.vendor.vendor_id} is inactive in the vendor master", {"vendor_id": ev.vendor.vendor_id}))
    machine_id = ev.machine_extraction.value("vendor_id") if ev.machine_extraction else None
    field = ext.fields.get("vendor_id")
    if machine_id and machine_id != vendor_id and not role_at_least(field.by if field else None, CONTROLLER):
        reasons.append(Reason("vendor_changed", f"the vendor was changed from {machine_id} to {vendor_id or 'nothing'} by a "
                              f"{(field.by if field else None) or 'reviewer'}; a controller must confirm the change",
                              {"machine_vendor_id": machine_id, "vendor_id": vendor_id, "by": field.by if field else None}))
    return reasons


def bank_reasons(ev: Evidence, policy: Policy) -> list[Reason]:
    """The bank check on the IBAN as it stands, and on the machine's reading when a person
    below a controller changed or cleared it: such a change can add a gate, never remove one."""
    ext, window = ev.extraction, policy.reconcile.bank_change_window_days
    reasons = check_bank(ext.value("iban") or None, ev.vendor, ev.today, window)
    machine_iban = ev.machine_extraction.value("iban") if ev.machine_extraction else None
    field = ext.fields.get("iban")
    current = compact_iban(ext.value("iban") or "")
    if machine_iban and compact_iban(machine_iban) != current and not role_at_least(field.by if field else None, CONTROLLER):
        by = (field.by if field else None) or "reviewer"
        reasons += [r for r in check_bank(machine_iban, ev.vendor, ev.today, window) if r.code == "bank_mismatch"]
        reasons.append(Reason("bank_details_edited",
                              f"the IBAN read from the invoice ({compact_iban(machine_iban)}) was "
                              f"{'changed to ' + current if current else 'cleared'} by a {by}; a controller must confirm bank details",
                              {"machine_iban": compact_iban(machine_iban), "iban": current or None, "by": by, "requires_role": CONTROLLER}))
    return reasons


def duplicate_findings(ev: Evidence, policy: Policy) -> tuple[list[Reason], Optional[int]]:
    """The duplicate finding (from fields or from content) and the suspected original's id."""
    rec = policy.reconcile
    key = invoice_key(ev.document_id, ev.extraction, ev.channel)
    found = find_duplicates(key, [p.key for p in ev.priors], rec.duplicate_date_window_days, rec.duplicate_threshold)
    best: Optional[DuplicateMatch] = found.duplicate
    for prior in ev.priors:
        if prior.content is None or prior.key.document_id == ev.document_id:
            continue
        match = content_duplicate(key, prior.key, prior.content, rec)
        if match is not None and (best is None or (match.score, -match.original_id) > (best.score, -best.original_id)):
            best = match
    if best is not None:
        return [duplicate_reason(best)], best.original_id
    return ([number_reused_reason(found.number_reused)] if found.number_reused is not None else []), None


def _no_po_reason(policy: Policy) -> Reason:
    if policy.reconcile.non_po_invoices == "approval":
        return Reason("no_po", "the invoice quotes no purchase order: it needs a budget owner's approval", {"route": "approval"})
    return Reason("no_po", "the invoice quotes no purchase order: a non-PO invoice needs a reviewer", {"route": "review"})


def po_findings(ev: Evidence, policy: Policy, billed: Mapping[str, Decimal], billed_value: Decimal) -> tuple[list[Reason], Optional[MatchResult]]:
    """The PO's status and owner, and the match of the lines (or the net) against it."""
    ext, po = ev.extraction, ev.po
    po_number = ext.value("po_number")
    if document_type(ext) == "credit_note" and po_number:
        # Matching a credit note would count its quantities as billed; a person applies it.
        return [Reason("credit_note", f"a credit note on PO {po_number}: apply it against the invoice it corrects", {"po_number": po_number})], None
    if not po_number:
        # Spend with a vendor nobody set up is not a non-PO question yet: unknown_vendor holds it.
        return ([_no_po_reason(policy)] if ev.vendor is not None else []), None
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
        match = match_three_way(ext.lines, po, ev.receipts, billed, tol, compare_prices=same_currency)
        return reasons + list(match.reasons), match
    return reasons + match_header_only(invoice_net(ext) or _amount(ext, "total"), po, ev.receipts, billed_value, tol), None


def reconcile_findings(ev: Evidence, policy: Policy) -> ReconcileFindings:
    """Every reconciliation finding at once, with the line match for the audit trail."""
    duplicate, original = duplicate_findings(ev, policy)
    reasons = vendor_reasons(ev) + duplicate + bank_reasons(ev, policy)
    billed, billed_value = ev.billed_before()
    po_reasons, match = po_findings(ev, policy, billed, billed_value)
    return ReconcileFindings(tuple(reasons + po_reasons), match, original)
