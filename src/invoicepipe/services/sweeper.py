"""The sweeper: finds documents stuck in an in-flight state and sends their step again.

Messages can be lost (broker restart, a worker killed between commit and enqueue, an
in-memory queue that died with its process). The database knows what is unfinished, so
re-sending the step for anything idle past a deadline makes the pipeline lose nothing;
actors are idempotent, so a duplicate message is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from ..adapters.broker import step_for_pool
from ..domain.models import Status
from .transitions import log_step, move, reason, record

NEXT_STEP = {
    Status.RECEIVED: lambda doc: "triage",
    Status.QUEUED: lambda doc: step_for_pool(doc.pool or "slow"),
    Status.PARSING: lambda doc: step_for_pool(doc.pool or "slow"),
    Status.EXTRACTED: lambda doc: "route",
    Status.RECONCILING: lambda doc: "reconcile",
    Status.APPROVED: lambda doc: "export",  # approved but not yet delivered
}


def sweep(app, stuck_after_s: Optional[float] = None, actor: str = "system:sweeper", audit: bool = True, only_new: bool = False) -> int:
    """Re-enqueue every in-flight document idle longer than ``stuck_after_s``; returns the count.

    Each re-send spends one of the document's attempts; a document that keeps getting
    stuck ends in FAILED with the reason, for an operator (runbooks/document-failed.md).
    ``only_new`` limits the sweep to documents never triaged and spends no attempt.
    """
    deadline = datetime.now(timezone.utc) - timedelta(seconds=app.settings.stuck_after_s if stuck_after_s is None else stuck_after_s)
    states = [Status.RECEIVED] if only_new else list(NEXT_STEP)
    with app.uow.begin() as tx:
        stuck = tx.documents.stuck(states, deadline)
    budget = app.policy.max_attempts + 2  # parse spends attempts too; leave room for its own budget check
    for doc in stuck:
        step = NEXT_STEP[doc.status](doc)
        with app.uow.begin() as tx:
            if not only_new and doc.attempts >= budget:
                why = f"stuck in {doc.status.value} after {doc.attempts} attempts; see runbooks/document-failed.md"
                event = move(tx, doc, Status.FAILED, step="sweeper", actor=actor, outcome="retry_budget_exhausted",
                             reasons=[reason("retry_budget_exhausted", why, attempts=doc.attempts)], reason=why)
                step = None
            else:
                # Touching updated_at restarts the deadline so the next sweep does not pile on.
                tx.documents.touch(doc.id, **({} if only_new else {"attempts": doc.attempts + 1}))
                event = record(tx, doc, step="requeued", actor=actor, outcome=step, inputs={"idle_since": str(doc.updated_at)}) if audit else None
        log_step(app, event)
        if step:
            app.enqueuer.send(step, doc.id)
    return len(stuck)
