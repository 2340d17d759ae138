"""Dramatiq actors: thin wrappers that name the actor and call the step's service.

Actors are declared on a given broker by ``declare_actors`` (never at import time), and
only for the queues a process consumes; enqueueing goes through ``Enqueuer`` and needs no
local actor, so the fast pool can hand work to the pipeline pool and back.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import dramatiq
from dramatiq.middleware import CurrentMessage

from .adapters.broker import DEFAULT_TIME_LIMIT, LEGACY_STEP_QUEUES, STEP_QUEUES, STEP_TIME_LIMITS
from .errors import PermanentError
from .logs import correlation
from .services.decide import decide_and_export, decide_document
from .services.export import export
from .services.parse import parse
from .services.triage import triage, triage_and_parse, triage_parse_and_decide

STEPS: dict[str, Callable] = {
    "triage": triage,
    "parse_fast": parse,
    "parse_slow": parse,
    "decide": decide_document,
    "export": export,
    # Earlier versions routed and reconciled in two steps; messages of theirs still in a
    # queue after an upgrade land on the one decision.
    "route": decide_document,
    "reconcile": decide_document,
}
# In a process that consumes the export's queue too, a decision delivers its approval itself
# (services/decide.decide_and_export): one message per approved invoice, not two.
WITH_EXPORT = {decide_document: decide_and_export}
# In a process that consumes the fast parse's queue, a triage that chooses the fast pool
# parses the document itself (services/triage.triage_and_parse): one message less; and where
# that process does not take the decision's queue (the production fast pool), it decides
# what it parsed too (triage_parse_and_decide): one message per digital invoice.
WITH_FAST_PARSE = {triage: triage_and_parse}
WITH_FAST_PARSE_AND_DECIDE = {triage: triage_parse_and_decide}
MAX_MESSAGE_RETRIES = 3


def _retry_when(retries_so_far: int, exc: BaseException) -> bool:
    # Bad input is handled inside the services; if it escapes anyway, retrying cannot help.
    return retries_so_far < MAX_MESSAGE_RETRIES and not isinstance(exc, PermanentError)


def time_limit_ms(app, step: str) -> int:
    """Dramatiq's time limit for a step. A parse is bounded by the policy's wall-clock limit
    in its child process, which must fire first so the document fails naming the limit; this
    is only the backstop (a parse makes up to two bounded calls)."""
    limit = STEP_TIME_LIMITS.get(step, DEFAULT_TIME_LIMIT)
    if step in STEP_TIME_LIMITS:
        limit = max(limit, (2 * app.policy.limits.parse_wall_seconds + 60) * 1000)
    return limit


def _stored_correlation_id(app, document_id: int):
    """The document's id from its row, for a message sent without one (the sweeper's re-send
    of a document from before correlation ids, or an older version's message)."""
    try:
        with app.uow.read() as tx:
            doc = tx.documents.get(document_id)
    except Exception:  # the step itself will meet (and report) the same database problem
        return None
    return doc.correlation_id if doc else None


def declare_actors(app, queues: Optional[Iterable[str]] = None) -> dict[str, dramatiq.Actor]:
    """Declare the actors whose queue is in ``queues`` (all when None) on ``app.broker``."""
    wanted = set(queues) if queues is not None else None
    exports_here = wanted is None or STEP_QUEUES["export"] in wanted
    parses_fast_here = wanted is None or STEP_QUEUES["parse_fast"] in wanted
    decides_here = wanted is None or STEP_QUEUES["decide"] in wanted
    declared = {}
    for step, service in STEPS.items():
        queue = STEP_QUEUES[step]
        if wanted is not None and queue not in wanted:
            queue = LEGACY_STEP_QUEUES.get(step)  # an older version's messages still queued there
            if queue not in wanted:
                continue
        if exports_here:
            service = WITH_EXPORT.get(service, service)
        if parses_fast_here:
            service = (WITH_FAST_PARSE if decides_here else WITH_FAST_PARSE_AND_DECIDE).get(service, service)

        def handler(document_id: int, _service=service, _step=step) -> None:
            message = CurrentMessage.get_current_message()
            cid = (message.options.get("correlation_id") if message else None) or _stored_correlation_id(app, document_id)
            # Every line the step writes carries the document and the id its upload started.
            with correlation(cid, document_id=document_id, step=_step):
                try:
                    _service(app, document_id, f"worker:{app.host}/{message.message_id if message else '-'}")
                except PermanentError as exc:
                    app.log.error("step_failed", error=f"{exc.__class__.__name__}: {exc}")
                    raise
                except Exception as exc:  # Dramatiq retries it (with its own warning); say which document and why
                    app.log.warning("step_will_retry", error=f"{exc.__class__.__name__}: {exc}",
                                    retries=message.options.get("retries", 0) if message else None)
                    raise

        handler.__name__ = step
        declared[step] = dramatiq.actor(
            handler, broker=app.broker, actor_name=step, queue_name=queue, retry_when=_retry_when,
            min_backoff=500, max_backoff=30_000, time_limit=time_limit_ms(app, step),
        )
    return declared
