"""The sweeper: finds documents stuck in an in-flight state and sends their step again.

Messages can be lost (broker restart, a worker killed between commit and enqueue, an
in-memory queue that died with its process). The database knows what is unfinished, so
re-sending the step for anything idle past a deadline makes the pipeline lose nothing;
actors are idempotent, so a duplicate message is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from ..adapters.broker import STEP_QUEUES, step_for_pool
from ..domain.models import Status
from ..logs import correlation
from .export import is_due
from .queries import queue_depths
from .transitions import log_step, move, reason, record

NEXT_STEP = {
    Status.RECEIVED: lambda doc: "triage",
    Status.QUEUED: lambda doc: step_for_pool(doc.pool or "slow"),
    Status.PARSING: lambda doc: step_for_pool(doc.pool or "slow"),
    Status.EXTRACTED: lambda doc: "decide",
    Status.RECONCILING: lambda doc: "decide",
    Status.APPROVED: lambda doc: "export",  # approved but not yet delivered
}


def sweep(app, stuck_after_s: Optional[float] = None, actor: str = "system:sweeper", audit: bool = True, only_new: bool = False) -> int:
    """Re-send the next step of every in-flight document idle longer than ``stuck_after_s``.

    A document whose lease is alive is never re-sent, whatever the queue depth: a worker is
    on it (``services/leases.py``); one whose lease expired is re-sent at once (its worker
    died). A document holding no lease whose step's queue still has messages waiting is left
    alone: its message is most likely in that backlog (workers down or busy), and re-sending
    would only pile up duplicates. A document re-sent ``requeue_budget`` times without moving ends in FAILED
    for an operator (runbooks/document-failed.md). ``only_new`` limits the sweep to
    documents never triaged and writes no audit event (the embedded pickup loop).
    Returns how many documents were re-sent.
    """
    deadline = datetime.now(timezone.utc) - timedelta(seconds=app.settings.stuck_after_s if stuck_after_s is None else stuck_after_s)
    states = [Status.RECEIVED] if only_new else list(NEXT_STEP)
    with app.uow.begin() as tx:
        stuck = tx.documents.stuck(states, deadline)
    if not stuck:
        return 0
    depths = queue_depths(app.broker)
    if app.settings.redis_url and all(d is None for d in depths.values()):
        app.log.warning("sweep_skipped", reason="broker unreachable", stuck=len(stuck))
        return 0
    sent = 0
    for doc in stuck:
        # The re-sent message and every line about it carry the document's own correlation id.
        with correlation(doc.correlation_id, document_id=doc.id):
            step = NEXT_STEP[doc.status](doc)
            if depths.get(STEP_QUEUES[step]) and doc.lease_expires_at is None:
                continue
            if doc.status is Status.APPROVED and not _export_due(app, doc.id):
                continue  # backing off after a failed delivery: the outbox row says when to try again
            with app.uow.begin() as tx:
                requeues = 0 if only_new else tx.audit.requeues_since_last_move(doc.id)
                # An approved invoice waits for its destination however long it is down: the
                # approval stands and nothing is lost, so it never fails; past the budget its
                # re-sends are only logged, to keep the trail readable.
                waiting_export = doc.status is Status.APPROVED
                over_budget = requeues >= requeue_budget(app)
                if over_budget and not waiting_export:
                    why = f"no progress in {doc.status.value} after {requeues} re-sends; see runbooks/document-failed.md"
                    event = move(tx, doc, Status.FAILED, step="sweeper", actor=actor, outcome="retry_budget_exhausted",
                                 reasons=[reason("retry_budget_exhausted", why, requeues=requeues)], reason=why)
                    step = None
                else:
                    # Restarting the idle deadline (and dropping the expired lease) keeps the next
                    # sweep from piling on.
                    tx.documents.mark_requeued(doc.id)
                    event = record(tx, doc, step="requeued", actor=actor, outcome=step, inputs={"idle_since": str(doc.updated_at)}) if audit and not over_budget else None
            if event is None and over_budget and step:
                app.log.warning("requeued", document_id=doc.id, outcome=step, requeues=requeues, audited=False)
            log_step(app, event)
            if step:
                app.enqueuer.send(step, doc.id)
                sent += 1
    return sent


def _export_due(app, document_id: int) -> bool:
    with app.uow.begin() as tx:
        entry = tx.documents.outbox_entry(document_id)
    return entry is None or is_due(entry)


def requeue_budget(app) -> int:
    """Re-sends allowed without progress: twice the parse attempt budget."""
    return 2 * app.policy.max_attempts
