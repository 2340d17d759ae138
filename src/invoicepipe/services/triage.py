"""Triage: cheap facts about the file decide the parse pool (policy, not a constant)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Optional

from ..adapters.broker import step_for_pool
from ..domain.models import Status
from ..domain.triage import choose_pool
from ..errors import PermanentError
from . import decide as decide_service
from .parse import PARSABLE, ParseStart, failure_code, parse, parse_runner, queue_and_start_parse, run_parse
from .parse_work import probe_document
from .transitions import log_step, move, reason


def triage(app, document_id: int, actor: str) -> None:
    """RECEIVED -> QUEUED on a pool (then enqueue its parse), or -> FAILED if unreadable."""
    _triage(app, document_id, actor, parse_fast_here=False)


def triage_and_parse(app, document_id: int, actor: str) -> None:
    """``triage`` in a process that runs the fast pool's parse too (the embedded runtime): a
    document chosen for the fast pool is not sent on, its parse starts in the transaction that
    queues it and runs in this message. A digital invoice's way then takes one message and one
    transaction less; a scan is sent to the slow pool as before.

    A message that comes back (a retry after the parse raised, a duplicate) finds the
    document queued or parsing on the fast pool and goes on with its parse as a
    ``parse_fast`` message would: the parse's own guards (state, lease, attempts) decide."""
    _triage(app, document_id, actor, parse_fast_here=True)


def triage_parse_and_decide(app, document_id: int, actor: str) -> None:
    """``triage_and_parse`` in a process that runs the fast parse but not the decision (the
    production fast pool): once the extraction committed the document is decided in this
    message too (``decide.decide_and_export``: an approval is delivered right after its
    commit) instead of being sent to the pipeline pool, so a digital invoice's way is one
    message, not two. (The embedded runtime sends the decision to its own pipeline threads:
    a hop inside the process costs next to nothing there, and a fast thread that decided
    would leave its parse child idle meanwhile.)

    A message that comes back finds the document queued or parsing (its parse goes on, as
    above) or extracted or approved on the fast pool, and goes on with its decision as a
    ``decide`` message would: each step's own guards (state, lease, attempts, the outbox
    claim) decide what runs."""
    _triage(app, document_id, actor, parse_fast_here=True, decide_here=True)


# The states a fast-pool document reaches through ``triage_parse_and_decide`` after the
# parse: a retry finding one of them goes on where the message left off.
_DECIDED_HERE = frozenset({Status.EXTRACTED, Status.APPROVED})


def _decide_here(app, document_id: int, actor: str) -> None:
    """The decision (and the delivery of an approval) in the fast pool's message; looked up
    at the call, so a test or a benchmark can wrap it."""
    decide_service.decide_and_export(app, document_id, actor)


def _triage(app, document_id: int, actor: str, parse_fast_here: bool, decide_here: bool = False) -> None:
    with app.uow.look() as tx:  # a look, not a claim: the move below is guarded
        doc = tx.documents.get(document_id)
    if doc is None:
        return
    then = _decide_here if decide_here else None
    if doc.status is not Status.RECEIVED:
        # already triaged: at-least-once delivery brought it twice, or a retry of a message
        # whose parse (or decision) raised after the triage committed
        if parse_fast_here and doc.pool == "fast":
            if doc.status in PARSABLE:
                parse(app, document_id, actor, then)
            elif decide_here and doc.status in _DECIDED_HERE:
                _decide_here(app, document_id, actor)
        return
    try:
        # The probe opens the document with PDFium: bounded like a parse (a hostile file can
        # need gigabytes just to count its text).
        facts = parse_runner(app).run(probe_document, app.blobs.get(doc.sha256), doc.media_type, app.policy.limits)
    except PermanentError as exc:
        code = failure_code(exc)
        with app.uow.begin() as tx:
            event = move(tx, doc, Status.FAILED, step="triage", actor=actor, outcome=code,
                         reasons=[reason(code, exc.reason)], reason=exc.reason, policy_version=app.policy.version)
        log_step(app, event)
        return
    pool, why = choose_pool(facts, app.policy.triage)
    start: Optional[ParseStart] = None
    queued = dict(to=Status.QUEUED, step="triage", actor=actor, outcome=pool, reasons=[reason(f"pool_{pool}", why)],
                  inputs=asdict(facts), policy_version=app.policy.version, pool=pool, page_count=facts.page_count)
    with app.uow.begin() as tx:
        if parse_fast_here and pool == "fast":
            # queued and its parse started: one statement on PostgreSQL, two events as ever
            event, start = queue_and_start_parse(app, tx, doc, actor, queued)
        else:
            event = move(tx, doc, **queued)
    log_step(app, event)
    if start is not None:
        run_parse(app, start, actor, then)
    elif event is not None:
        app.enqueuer.send(step_for_pool(pool), document_id)
