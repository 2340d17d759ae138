"""The payment gate in the service layer: the only way into the export outbox.

``settle`` gathers the evidence, makes the one decision, applies the overrides people
recorded (and any given with this call) through ``domain/gate.gate``, and moves the document
in one transaction: to APPROVED with its outbox row, or to NEEDS_REVIEW with every open
reason. The machine's decide step, a reviewer's approval and a controller's override all
come through here, so duplicates are checked against every other live document and
cumulative billing against every commitment on the PO line in the very transaction that
writes the outbox row. Nothing else calls ``add_outbox`` (a test reads the source to prove it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Optional, Sequence

from ..adapters.db.documents import DecisionRead, reasons_to_json
from ..domain.decide import DecisionReport, decide
from ..domain.evidence import Evidence
from ..domain.gate import GateResult, Override, gate, reason_digest
from ..domain.models import Document, Extraction, Status
from ..domain.reasons import spec
from .evidence import gather_evidence
from .export import outbox_payload
from .transitions import move


@dataclass(frozen=True)
class Settled:
    event: Optional[dict]  # None: another worker or person moved the document first
    to: Status
    report: DecisionReport
    result: GateResult
    evidence: Evidence
    outbox: Optional[dict] = None  # the outbox row written on approval (key, attempts, payload)


def stored_overrides(tx, document_id: int) -> list[Override]:
    return [Override(r["code"], r["digest"], r["role"], r["actor"], r["note"]) for r in tx.documents.overrides(document_id)]


def _reasons_json(report: DecisionReport, result: GateResult) -> list[dict]:
    released = {reason.code: o for reason, o in result.overridden}
    out = []
    for item in reasons_to_json(report.decision.reasons):
        item["digest"] = reason_digest(next(r for r in report.decision.reasons if r.code == item["code"]))
        override = released.get(item["code"])
        if override is not None:
            item["override"] = {"actor": override.actor, "role": override.role, "note": override.note}
        out.append(item)
    return out


def _inputs(report: DecisionReport, evidence: Evidence, result: GateResult, extra: Optional[dict]) -> dict:
    lines = [{"invoice": m.invoice_line.description, "po_line": m.po_line.line_no if m.po_line else None, "paired_by": m.how,
              "received": str(m.received), "billed_before": str(m.previously_billed), "explanation": m.explanation}
             for m in (report.match.lines if report.match else ())]
    return {
        "po_number": evidence.po.po_number if evidence.po else evidence.extraction.value("po_number"),
        "receipts": [r.receipt_id for r in evidence.receipts],
        "duplicates_checked": list(evidence.checked_documents),
        "commitments": [{"document_id": c.document_id, "status": c.status, "lines": {k: str(v) for k, v in c.lines.items()},
                         "counted": not c.suspected_copy} for c in evidence.commitments],
        "lines": lines,
        "overridden": [{"code": r.code, "actor": o.actor, "role": o.role, "note": o.note} for r, o in result.overridden],
        "overrides_refused": [{"code": o.code, "actor": o.actor, "why": why} for o, why in result.refused],
        "open": [r.code for r in result.open],
        **(extra or {}),
    }


def settle(app, tx, doc: Document, extraction: Extraction, *, step: str, actor: str, expected: Iterable[Status],
           overrides: Sequence[Override] = (), expected_version: Optional[int] = None, today: Optional[date] = None,
           inputs: Optional[dict] = None, extra_reasons: Sequence[dict] = (), is_machine_reading: bool = False,
           claim_until: Optional[datetime] = None, read: Optional[DecisionRead] = None) -> Settled:
    """Decide ``doc`` as ``extraction`` reads it and move it to APPROVED (outbox row written)
    or NEEDS_REVIEW; the overrides given here are recorded when they apply.
    ``is_machine_reading``: ``extraction`` is the machine's newest reading (see gather_evidence).
    ``claim_until``: the caller delivers an approval itself after the commit; its outbox row
    is written claimed until then (``DocumentRepository.add_outbox``).
    ``read``: what ``DocumentRepository.for_decision`` read with the document (its content
    print, whether overrides are stored, its newest metered parse's ceiling), not read again here."""
    evidence = gather_evidence(app, tx, doc, extraction, today, is_machine_reading, read)
    report = decide(evidence, app.policy)
    stored = stored_overrides(tx, doc.id) if read is None or read.has_overrides else []
    result = gate(report.decision, stored + list(overrides))
    to = Status.APPROVED if result.passes else Status.NEEDS_REVIEW
    outcome = "approved" if result.passes else "needs_review"
    reasons = _reasons_json(report, result)
    summary = "; ".join(f"{spec(r.code).title}: {r.message}" for r in result.open) or None
    # the decision row is written with the move (in its statement on PostgreSQL), only if it moves
    decision = {"stage": "decide", "outcome": outcome, "reasons": report.decision.reasons,
                "policy_version": report.decision.policy_version, "actor": actor}
    event = move(tx, doc, to, step=step, actor=actor, outcome=outcome, expected=expected, expected_version=expected_version,
                 reasons=list(extra_reasons) + reasons, inputs=_inputs(report, evidence, result, inputs),
                 extractor_version=extraction.extractor_version, policy_version=report.decision.policy_version, reason=summary,
                 decision=decision)
    if event is None:
        return Settled(None, to, report, result, evidence)
    given = {id(o) for o in overrides}
    for reason, override in result.overridden:
        if id(override) in given:
            tx.documents.add_override(doc.id, reason.code, override.digest, override.role, override.actor, override.note)
    outbox = None
    if result.passes:
        key, payload = outbox_payload(doc.id, doc.sha256, extraction, report.decision.policy_version)
        outbox = tx.documents.add_outbox(doc.id, key, payload, result, claimed_until=claim_until)
    return Settled(event, to, report, result, evidence, outbox)
