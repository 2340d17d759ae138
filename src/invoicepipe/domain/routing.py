"""Confidence and amount rules: what the extraction and the policy say before any matching.

Thresholds depend on what a mistake costs: per field, per vendor, and per amount band (a
higher total, converted into the policy's base currency, raises every threshold or forces
review outright). A value a person confirmed needs no threshold; amounts the arithmetic
confirms (net + tax = total and the lines add up to the net), dates the vendor's
payment terms confirm (due date = invoice date + terms), and a currency printed nowhere that
the vendor master and the page's countries both name, count as read with confidence
``CORROBORATED_CONFIDENCE``.

``decide`` (``domain/decide.py``) applies these rules together with every other check.
``route_invoice`` is the same rules with the extraction's own arithmetic and nothing that
needs other records (POs, receipts, prior invoices, bank details): what the extraction
alone would send straight through, which is what ``eval extraction`` measures. It takes the
arithmetic exactly as ``decide`` does, lift and reasons both, so the eval neither holds
amounts production would pass nor passes amounts production would hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from .arithmetic import ArithmeticFindings, check_arithmetic
from .extraction.currency_evidence import AGREED_METHOD, COUNTRY_WITNESS
from .models import DERIVED_DUE_METHOD, DERIVED_ISSUE_METHOD, Decision, Extraction, Reason, Vendor
from .policy import Policy

AUTO = "auto"
REVIEW = "review"
# Confidence of amounts confirmed by the arithmetic: misreads that satisfy both identities
# at once are rarer than one in a hundred (the eval's reliability table shows it per field).
CORROBORATED_CONFIDENCE = 0.99


def _total(extraction: Extraction) -> Optional[Decimal]:
    try:
        return extraction.amount("total")
    except ArithmeticError:
        return None


def _money(amount: Decimal, currency: Optional[str]) -> str:
    return f"{amount:,.2f} {currency or ''}".rstrip()


def amount_reasons(extraction: Extraction, vendor_id: Optional[str], policy: Policy) -> tuple[float, list[Reason]]:
    """The threshold bonus of the amount band and the amount-policy reasons, in the base currency."""
    total, currency = _total(extraction), extraction.value("currency")
    if total is None:
        return 0.0, []
    amounts = policy.amounts
    base = amounts.to_base(abs(total), currency)
    if base is None:
        if not currency:
            return 0.0, []  # missing_field holds it; no rate can be chosen for an unknown currency
        return 0.0, [Reason("fx_rate_missing", f"the policy has no exchange rate for {currency}: the amount limits "
                            f"(in {amounts.base_currency}) cannot be applied to {_money(total, currency)}",
                            {"currency": currency, "base_currency": amounts.base_currency, "total": str(total)})]
    shown = _money(abs(total), currency) + ("" if currency == amounts.base_currency else f" (about {_money(base, amounts.base_currency)})")
    bonus, reasons = 0.0, []
    for band in policy.routing.amount_bands:
        if base > band.above:
            bonus = max(bonus, band.threshold_bonus)
            if band.always_review:
                reasons.append(Reason("amount_above_review_limit",
                                      f"total {shown} is above the review limit of {_money(band.above, amounts.base_currency)}",
                                      {"total": str(total), "currency": currency, "total_base": str(base),
                                       "base_currency": amounts.base_currency, "limit": str(band.above)}))
    override = policy.routing.vendor_overrides.get(vendor_id or "")
    if override is not None and override.always_review:
        reasons.append(Reason("vendor_always_review", f"policy sends every invoice of vendor {vendor_id} to review", {"vendor_id": vendor_id}))
    if override is not None and override.max_auto_amount is not None and base > override.max_auto_amount:
        reasons.append(Reason("amount_above_vendor_limit",
                              f"total {shown} is above the automatic limit of {_money(override.max_auto_amount, amounts.base_currency)} "
                              f"for vendor {vendor_id}",
                              {"total": str(total), "currency": currency, "total_base": str(base), "limit": str(override.max_auto_amount)}))
    return bonus, reasons


def _unknown_vendor(extraction: Extraction) -> Reason:
    printed = extraction.value("vendor")
    message = f"vendor {printed!r} is not in the vendor master" if printed else "no vendor could be identified"
    return Reason("unknown_vendor", message, {"printed_vendor": printed})


def dates_agree_with_terms(extraction: Extraction, vendor: Optional[Vendor]) -> frozenset[str]:
    """The two dates, when the due date is the invoice date plus the vendor's payment terms
    from the master: two dates read apart that differ by exactly the agreed terms are very
    unlikely to be misread, whatever confidence each was read with on its own. A due date
    computed from the invoice date and the printed terms agrees by construction: no evidence."""
    terms = vendor.payment_terms_days if vendor else None
    due_field, issue_field = extraction.fields.get("due_date"), extraction.fields.get("invoice_date")
    if due_field is not None and due_field.method == DERIVED_DUE_METHOD:
        return frozenset()  # computed from the invoice date itself: it agrees whatever that date is
    if issue_field is not None and issue_field.method == DERIVED_ISSUE_METHOD:
        return frozenset()  # counted back from the due date: the same
    try:
        issued, due = extraction.date("invoice_date"), extraction.date("due_date")
    except ValueError:
        return frozenset()
    if terms and issued and due and (due - issued).days == terms:
        return frozenset({"invoice_date", "due_date"})
    return frozenset()


def currency_agrees_with_master(extraction: Extraction, vendor: Optional[Vendor]) -> frozenset[str]:
    """The currency, when the page prints none clearly and the vendor master's currency is
    the one domestic currency of every country whose tax ids and IBANs (check digits valid)
    the page carries. An invoice in a currency other than the vendor's usual one and its
    country's names that currency: an issuer who prints no currency at all bills in the one
    its books and its buyer take for granted. A sign read on the page (method
    ``symbol_count``, ``code_beside_total`` ...) is judged by its own confidence instead."""
    field = extraction.fields.get("currency")
    if field is None or vendor is None or not vendor.currency or field.by:
        return frozenset()
    if field.method == AGREED_METHOD and field.value == vendor.currency and COUNTRY_WITNESS in field.evidence:
        return frozenset({"currency"})
    return frozenset()


def own_checks(extraction: Extraction, vendor: Optional[Vendor], policy: Policy) -> tuple[ArithmeticFindings, frozenset[str]]:
    """The extraction's own evidence, as ``decide`` and ``route_invoice`` both take it: the
    arithmetic findings, and the fields they, the payment terms and the vendor master's
    currency confirm."""
    vendor_id = vendor.vendor_id if vendor else None
    arithmetic = check_arithmetic(extraction, policy.reconcile.tolerances_for(vendor_id))
    return arithmetic, (arithmetic.corroborated | dates_agree_with_terms(extraction, vendor)
                        | currency_agrees_with_master(extraction, vendor))


def field_reasons(extraction: Extraction, vendor_id: Optional[str], bonus: float, policy: Policy,
                  corroborated: frozenset[str] = frozenset()) -> list[Reason]:
    """Required fields missing, or read below their threshold and not confirmed by a person."""
    reasons = []
    for name in policy.routing.required_fields:
        field = extraction.fields.get(name)
        if field is None or field.value in ("", None):
            reasons.append(_unknown_vendor(extraction) if name == "vendor_id" else
                           Reason("missing_field", f"{name.replace('_', ' ')} was not found", {"field": name}))
            continue
        if field.by:
            continue  # a person read it off the page
        threshold = min(1.0, policy.routing.threshold(name, vendor_id) + bonus)
        conflict = conflicting_evidence(field.evidence)
        # a lost thousands group can leave net, tax, total and lines all adding up: the
        # arithmetic does not outvote another printed amount that ends in the same digits
        lifted = name in corroborated and conflict is None
        confidence = max(field.confidence, CORROBORATED_CONFIDENCE) if lifted else field.confidence
        if confidence < threshold:
            why = f" ({conflict})" if conflict else ""
            reasons.append(Reason(
                "low_confidence",
                f"{name.replace('_', ' ')} {field.value!r} read with confidence {confidence:.2f}, below the threshold {threshold:.2f}{why}",
                {"field": name, "value": field.value, "confidence": round(confidence, 4), "threshold": round(threshold, 4),
                 **({"evidence": list(field.evidence)} if field.evidence else {})}))
    return reasons


def conflicting_evidence(evidence: tuple[str, ...]) -> Optional[str]:
    """A sentence for a reviewer when an amount's digits conflict with the page, else None."""
    for tag in evidence:
        if tag.startswith("suffix_of:"):
            return f"its digits end the printed amount {tag.split(':', 1)[1]}: a digit group may be lost"
        if tag == "fragment":
            return "a digit group stands just before it: a digit group may be lost"
    return None


def warning_reasons(extraction: Extraction) -> list[Reason]:
    """Extraction warnings (``code`` or ``code:detail``) as reasons; the code must be registered."""
    reasons = []
    for warning in extraction.warnings:
        code, _, detail = warning.partition(":")
        if code == "einvoice_text_mismatch":
            field = extraction.fields.get(detail)
            if field is not None and field.by:
                continue  # a person chose between the XML and the print
            reasons.append(Reason(code, f"the embedded e-invoice XML and the printed text disagree on {detail.replace('_', ' ')}", {"field": detail}))
        elif code == "iban_unreadable":
            field = extraction.fields.get("iban")
            if field is not None and field.by:
                continue  # a person read the IBAN off the page; the bank check judges what they entered
            reasons.append(Reason(code, f"an IBAN is printed on page {detail or '?'} but cannot be read (its check digits fail): "
                                  "the bank check could not compare it with the vendor master", {"page": detail}))
        elif code in ("einvoice_rule", "einvoice_line_amount"):
            # the XML's own arithmetic: a person confirming fields does not make it add up
            what = "breaks an EN 16931 rule" if code == "einvoice_rule" else "has a line amount that is not quantity × price"
            reasons.append(Reason(code, f"the e-invoice XML {what}: {detail}", {"rule": detail.split(":", 1)[0]}))
        elif extraction.fields and all(f.by for f in extraction.fields.values()):
            continue  # a person read the pages and confirmed every field
        elif code == "ocr_unreadable":
            reasons.append(Reason(code, f"no OCR engine could read page(s) {detail or '?'}: a person must read them", {"pages": detail}))
        else:
            reasons.append(Reason(code, detail or code.replace("_", " "), {}))
    return reasons


def route_invoice(extraction: Extraction, vendor: Optional[Vendor], policy: Policy) -> Decision:
    """What the extraction alone says: ``auto`` when nothing in it needs a person, else ``review``.

    The full decision (``decide``) adds duplicates, matching, bank and cost checks; this is
    the extraction's share of it (its fields, warnings and arithmetic), used to measure
    extraction on its own.
    """
    vendor_id = vendor.vendor_id if vendor else None
    arithmetic, corroborated = own_checks(extraction, vendor, policy)
    bonus, reasons = amount_reasons(extraction, vendor_id, policy)
    reasons += field_reasons(extraction, vendor_id, bonus, policy, corroborated)
    reasons += list(arithmetic.reasons)
    if vendor is not None and not vendor.active:
        reasons.append(Reason("vendor_inactive", f"vendor {vendor_id} is marked inactive in the vendor master", {"vendor_id": vendor_id}))
    reasons += warning_reasons(extraction)
    return Decision(REVIEW if reasons else AUTO, tuple(reasons), policy.version)
