"""The one decision: every check on all the evidence, every reason at once.

Extraction confidence, arithmetic, the amount policy, vendor status, duplicates, bank
details and the PO match all run on every invoice, whatever any of them finds: a reviewer
must see the duplicate warning behind a low-confidence date, and a person confirming that
date must not skip the match. The result lists each reason code once (findings of one code
are merged, with all their evidence) in the order the review screen explains them, and
names the policy version. ``approved`` means no reason blocks payment; the payment gate
(``domain/gate.py``) decides what overrides may release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from .costs import ceiling_reason
from .drift import audit_sampled
from .evidence import Evidence
from .matching import MatchResult
from .models import Decision, Reason
from .policy import Policy
from .reasons import GROUPS, spec
from .reconcile import APPROVED, NEEDS_REVIEW, reconcile_findings
from .routing import amount_reasons, field_reasons, own_checks, warning_reasons

MAX_MERGED_MESSAGES = 5


@dataclass(frozen=True)
class DecisionReport:
    decision: Decision
    match: Optional[MatchResult] = None
    original_id: Optional[int] = None  # the suspected original, when a duplicate is suspected


def merge_reasons(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """Each code once, grouped as the review screen lists them; findings of one code are
    joined into one reason whose evidence keeps every finding (``items``)."""
    by_code: dict[str, list[Reason]] = {}
    for r in reasons:
        by_code.setdefault(r.code, []).append(r)
    merged = []
    for code, found in by_code.items():
        if len(found) == 1:
            merged.append(found[0])
            continue
        shown = "; ".join(r.message for r in found[:MAX_MERGED_MESSAGES])
        more = f"; and {len(found) - MAX_MERGED_MESSAGES} more" if len(found) > MAX_MERGED_MESSAGES else ""
        merged.append(Reason(code, f"{len(found)} findings: {shown}{more}", {"count": len(found), "items": [dict(r.evidence) for r in found]}))
    order = {g: i for i, g in enumerate(GROUPS)}
    return tuple(sorted(merged, key=lambda r: order[spec(r.code).group]))  # stable: first-found order within a group


def _sampled(ev: Evidence, policy: Policy) -> bool:
    """Drift labels come from reviews; without a sample of what goes straight through they
    would describe only the hard cases. Once a person confirmed the values, it is done."""
    machine_only = any(f.by is None for f in ev.extraction.fields.values())
    return machine_only and audit_sampled(ev.document_id, policy.drift.audit_sample_rate)


def _cost_reasons(ev: Evidence) -> list[Reason]:
    """``cost_ceiling`` while the machine's reading was cut short by a cost ceiling; once a
    person confirmed every field off the pages, what was not read no longer matters."""
    fields = ev.extraction.fields
    if ev.cost_ceiling is None or (fields and all(f.by for f in fields.values())):
        return []
    return [ceiling_reason(ev.cost_ceiling)]


def decide(ev: Evidence, policy: Policy) -> DecisionReport:
    """``approved`` when no reason blocks payment, else ``needs_review`` with every reason."""
    ext = ev.extraction
    vendor_id = ev.vendor.vendor_id if ev.vendor else None
    arithmetic, corroborated = own_checks(ext, ev.vendor, policy)
    bonus, amount = amount_reasons(ext, vendor_id, policy)
    found = reconcile_findings(ev, policy)
    reasons = merge_reasons(field_reasons(ext, vendor_id, bonus, policy, corroborated) + warning_reasons(ext)
                            + _cost_reasons(ev) + list(arithmetic.reasons) + amount + list(found.reasons))
    if not any(r.blocks_payment for r in reasons) and _sampled(ev, policy):
        rate = policy.drift.audit_sample_rate
        reasons += (Reason("audit_sample", f"picked for a quality check ({rate:.1%} of invoices that would go straight through)",
                           {"rate": rate}),)
    outcome = NEEDS_REVIEW if any(r.blocks_payment for r in reasons) else APPROVED
    return DecisionReport(Decision(outcome, reasons, policy.version), found.match, found.original_id)
