"""What a webhook subscriber receives: one event per document state change
(schemas/webhook_event.schema.json).

The event's id is its audit event's sequence number, so it is stable across every retry of
its delivery (it is also the ``Idempotency-Key``), and a receiver can order events of one
document by ``audit_seq`` however the deliveries arrive.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

STATE_CHANGED = "document.state_changed"


def event_key(audit_seq: int) -> str:
    return f"invoicepipe-event-{audit_seq}"


def state_change_payload(event: Mapping[str, Any], filename: str, channel: str, reason: Optional[str]) -> dict:
    """The webhook body for the audit ``event`` of a state change: the document, where it
    was and is, the step and outcome, and the reasons (codes and messages) it recorded."""
    inputs = event.get("inputs") or {}
    return {
        "id": event_key(event["seq"]),
        "type": STATE_CHANGED,
        "occurred_at": event["created_at"],
        "audit_seq": event["seq"],
        "document": {
            "id": event["document_id"],
            "filename": filename,
            "channel": channel,
            "status": event["to_status"],
            "previous_status": event["from_status"],
            "reason": reason,
            "correlation_id": inputs.get("correlation_id"),
        },
        "step": event["step"],
        "outcome": event["outcome"],
        "policy_version": event.get("policy_version"),
        "reasons": [{"code": r.get("code"), "message": r.get("message")} for r in event.get("reasons") or []],
    }
