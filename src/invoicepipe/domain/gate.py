"""The payment gate: what may pass to the payable export, given a decision and overrides.

A decision with no blocking reason passes. A blocking reason passes only when a person
whose role the registry allows overrode *that* finding with a note: an override names the
reason's code and a digest of its evidence, so it lapses when the finding changes (another
IBAN, another suspected original, more billed on the PO line). A reason nobody may
override (a missing total, a value read with low confidence) is resolved only by better
data: a person confirms or corrects the field and the decision runs again.

Every path to the export (the machine, a reviewer, a controller, a retry) calls ``gate``
with a decision made in the same transaction that writes the outbox row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Optional, Sequence

from .models import Decision, Reason
from .reasons import may_override, spec


@dataclass(frozen=True)
class Override:
    """A person's release of one finding, with the role they held and why."""

    code: str
    digest: str
    role: str
    actor: str
    note: str


@dataclass(frozen=True)
class GateResult:
    open: tuple[Reason, ...]  # blocking reasons still in the way
    overridden: tuple[tuple[Reason, Override], ...]
    refused: tuple[tuple[Override, str], ...]  # overrides that could not apply, and why

    @property
    def passes(self) -> bool:
        return not self.open


def reason_digest(reason: Reason) -> str:
    """A short fingerprint of a finding: its code and evidence, not its wording."""
    payload = json.dumps({"code": reason.code, "evidence": reason.evidence}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _why_not(reason: Optional[Reason], override: Override) -> Optional[str]:
    if reason is None:
        return f"{override.code} is not open on this invoice"
    needed = spec(override.code).override_role
    if needed is None:
        return f"{spec(override.code).title.lower()} cannot be overridden: {spec(override.code).resolve}"
    if not may_override(override.code, override.role):
        return f"only a {needed} may override {override.code} ({override.actor} is a {override.role})"
    if override.digest != reason_digest(reason):
        return f"the {override.code} finding changed since it was overridden; look at it again"
    if not override.note.strip():
        return f"an override of {override.code} needs a note"
    return None


def gate(decision: Decision, overrides: Sequence[Override] = ()) -> GateResult:
    """Which blocking reasons stay open once every valid override is applied."""
    blocking = {r.code: r for r in decision.reasons if r.blocks_payment}
    applied: dict[str, Override] = {}
    refused = []
    for override in overrides:
        why = _why_not(blocking.get(override.code), override)
        if why is None:
            applied.setdefault(override.code, override)
        else:
            refused.append((override, why))
    still_open = tuple(r for code, r in blocking.items() if code not in applied)
    return GateResult(still_open, tuple((blocking[c], o) for c, o in applied.items()), tuple(refused))
