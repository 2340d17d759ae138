"""The confidence router: a pure function of (extraction, vendor master record, policy).

Thresholds depend on what a mistake costs: per field, per vendor, and per amount band
(a higher total raises every threshold, or forces review outright). The decision names the
policy version and every reason, so "why did this go to review?" has an answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from .models import Decision, Extraction, Reason, Vendor
from .policy import Policy

AUTO = "auto"
REVIEW = "review"


def _amount_rules(total: Optional[Decimal], policy: Policy) -> tuple[float, list[Reason]]:
    bonus, reasons = 0.0, []
    if total is None:
        return bonus, reasons
    for band in policy.routing.amount_bands:
        if abs(total) > band.above:
            bonus = max(bonus, band.threshold_bonus)
            if band.always_review:
                reasons.append(
                    Reason("amount_above_review_limit", f"total {total} is above the review limit of {band.above}", {"total": str(total), "limit": str(band.above)})
                )
    return bonus, reasons


def _vendor_rules(vendor_id: Optional[str], total: Optional[Decimal], policy: Policy) -> list[Reason]:
    override = policy.routing.vendor_overrides.get(vendor_id or "")
    if override is None:
        return []
    reasons = []
    if override.always_review:
        reasons.append(Reason("vendor_always_review", f"policy sends every invoice of vendor {vendor_id} to review", {"vendor_id": vendor_id}))
    if override.max_auto_amount is not None and total is not None and abs(total) > override.max_auto_amount:
        reasons.append(
            Reason(
                "amount_above_vendor_limit",
                f"total {total} is above the automatic limit of {override.max_auto_amount} for vendor {vendor_id}",
                {"total": str(total), "limit": str(override.max_auto_amount)},
            )
        )
    return reasons


def _field_rules(extraction: Extraction, vendor_id: Optional[str], bonus: float, policy: Policy) -> list[Reason]:
    reasons = []
    for name in policy.routing.required_fields:
        field = extraction.fields.get(name)
        if field is None or field.value in ("", None):
            if name == "vendor_id":
                printed = extraction.value("vendor")
                message = f"vendor {printed!r} is not in the vendor master" if printed else "no vendor could be identified"
                reasons.append(Reason("unknown_vendor", message, {"printed_vendor": printed}))
            else:
                reasons.append(Reason("missing_field", f"{name.replace('_', ' ')} was not found", {"field": name}))
            continue
        threshold = min(1.0, policy.routing.threshold(name, vendor_id) + bonus)
        if field.confidence < threshold:
            reasons.append(
                Reason(
                    "low_confidence",
                    f"{name.replace('_', ' ')} {field.value!r} read with confidence {field.confidence:.2f}, below the threshold {threshold:.2f}",
                    {"field": name, "value": field.value, "confidence": round(field.confidence, 4), "threshold": round(threshold, 4)},
                )
            )
    return reasons


def _warning_rules(extraction: Extraction) -> list[Reason]:
    reasons = []
    for warning in extraction.warnings:
        code, _, detail = warning.partition(":")
        if code == "einvoice_text_mismatch":
            reasons.append(Reason(code, f"the embedded e-invoice XML and the printed text disagree on {detail.replace('_', ' ')}", {"field": detail}))
        elif code == "ocr_unreadable":
            reasons.append(Reason(code, f"no OCR engine could read page(s) {detail or '?'}: a person must read them", {"pages": detail}))
        else:
            reasons.append(Reason(code, detail or code.replace("_", " "), {}))
    return reasons


def route_invoice(extraction: Extraction, vendor: Optional[Vendor], policy: Policy) -> Decision:
    """Decide ``auto`` (go on to reconciliation) or ``review`` (a person looks first).

    ``vendor`` is the master record that extraction resolved, or None. The reasons list is
    empty exactly when the outcome is ``auto``.
    """
    vendor_id = vendor.vendor_id if vendor else None
    try:
        total = extraction.amount("total")
    except ArithmeticError:
        total = None
    bonus, reasons = _amount_rules(total, policy)
    reasons += _vendor_rules(vendor_id, total, policy)
    reasons += _field_rules(extraction, vendor_id, bonus, policy)
    if vendor is not None and not vendor.active:
        reasons.append(Reason("vendor_inactive", f"vendor {vendor_id} is marked inactive in the vendor master", {"vendor_id": vendor_id}))
    reasons += _warning_rules(extraction)
    return Decision(REVIEW if reasons else AUTO, tuple(reasons), policy.version)
