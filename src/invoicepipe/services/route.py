"""Route: the confidence router decides auto (reconcile) or review, under a named policy."""

from __future__ import annotations

from ..adapters.db.documents import extraction_from_json, reasons_to_json
from ..domain.models import Status
from ..domain.routing import AUTO, route_invoice
from .transitions import log_step, move


def route(app, document_id: int, actor: str) -> None:
    """EXTRACTED -> RECONCILING (then enqueue reconcile) or -> NEEDS_REVIEW with reasons."""
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status is not Status.EXTRACTED:
            return
        row = tx.documents.latest_extraction(document_id)
        extraction = extraction_from_json(row)
        vendor = tx.master.vendor(extraction.value("vendor_id"))
        decision = route_invoice(extraction, vendor, app.policy)
        to = Status.RECONCILING if decision.outcome == AUTO else Status.NEEDS_REVIEW
        reasons = reasons_to_json(decision.reasons)
        event = move(tx, doc, to, step="route", actor=actor, outcome=decision.outcome, reasons=reasons,
                     inputs={"confidences": {n: round(f.confidence, 3) for n, f in extraction.fields.items()}, "vendor_id": vendor.vendor_id if vendor else None},
                     extractor_version=extraction.extractor_version, policy_version=decision.policy_version,
                     reason="; ".join(r["message"] for r in reasons) or None)
        if event is not None:
            tx.documents.add_decision(doc.id, "route", decision.outcome, decision.reasons, decision.policy_version, actor)
    log_step(app, event)
    if event is not None and to is Status.RECONCILING:
        app.enqueuer.send("reconcile", document_id)
