"""What an integrator may know about the invoices it submitted: state, decision and reasons.

An integration token can upload; it must also be able to follow what became of its upload
without seeing anyone else's invoices. A document is the caller's when the caller's actor
recorded its arrival (``received`` or ``re_arrival`` in the audit trail): the trail is the
one record of who delivered what, so no second ownership table can disagree with it. Anyone
else gets "not found" rather than "forbidden", so ids of other parties' documents are not
confirmed to exist.
"""

from __future__ import annotations

from ..domain.models import SETTLED, TERMINAL
from ..domain.reasons import REGISTRY
from ..errors import NotFound
from .users import HUMAN_ROLES, User

ARRIVAL_STEPS = ("received", "re_arrival")
INVOICE_FIELDS = ("vendor", "vendor_id", "invoice_number", "invoice_date", "due_date", "po_number", "currency", "net", "tax", "total")


def submission_status(app, user: User, document_id: int) -> dict:
    """The state of one submitted document as the submitter sees it."""
    with app.uow.read() as tx:
        doc = tx.documents.get(document_id)
        trail = tx.audit.trail(document_id) if doc else []
        if doc is None or not _visible_to(user, trail):
            raise NotFound(f"no document {document_id} submitted by you")
        extraction = tx.documents.latest_extraction(document_id)
        decisions = tx.documents.decisions(document_id)
        outbox = tx.documents.outbox_entry(document_id)
    latest = decisions[-1] if decisions else None
    fields = (extraction or {}).get("fields") or {}
    return {
        "id": doc.id,
        "filename": doc.filename,
        "status": doc.status.value,
        "final": doc.status in TERMINAL,
        "settled": doc.status in SETTLED,
        "reason": doc.reason,
        "decision": None if latest is None else {
            "stage": latest["stage"], "outcome": latest["outcome"], "policy_version": latest["policy_version"],
            "at": str(latest["created_at"]),
            "reasons": [{"code": r["code"], "message": r["message"],
                         "blocks_payment": bool(REGISTRY[r["code"]].blocks_payment) if r["code"] in REGISTRY else None}
                        for r in latest["reasons"]],
        },
        "invoice": {name: (fields.get(name) or {}).get("value") for name in INVOICE_FIELDS},
        "export": None if outbox is None else {"delivered": outbox["delivered_at"] is not None,
                                               "delivered_at": str(outbox["delivered_at"]) if outbox["delivered_at"] else None,
                                               "attempts": outbox["attempts"], "last_error": outbox["last_error"]},
        "arrivals": sum(1 for e in trail if e["step"] in ARRIVAL_STEPS),
    }


def _visible_to(user: User, trail: list[dict]) -> bool:
    if user.role in HUMAN_ROLES:
        return True
    return any(e["step"] in ARRIVAL_STEPS and e["actor"] == user.actor for e in trail)
