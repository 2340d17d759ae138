"""Ways back for an operator: send a failed document through the pipeline again."""

from __future__ import annotations

from ..domain.models import Status
from ..errors import StateConflict
from .transitions import log_step, move, reason


def retry_document(app, document_id: int, actor: str) -> str:
    """FAILED -> RECEIVED with a fresh attempt budget; audited with who asked."""
    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
        if doc.status is not Status.FAILED:
            raise StateConflict(f"document {document_id} is {doc.status.value}, only failed documents can be retried")
        event = move(tx, doc, Status.RECEIVED, step="retry", actor=actor, outcome="requeued",
                     reasons=[reason("operator_retry", f"retried after: {doc.reason}")], attempts=0, reason=None)
    log_step(app, event)
    app.enqueuer.send("triage", document_id)
    return f"document {document_id} sent back to triage"


def failed_ids(app, limit: int = 10_000) -> list[int]:
    with app.uow.begin() as tx:
        return [d.id for d in tx.documents.in_states([Status.FAILED], limit)]
