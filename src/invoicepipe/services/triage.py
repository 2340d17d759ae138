"""Triage: cheap facts about the file decide the parse pool (policy, not a constant)."""

from __future__ import annotations

from dataclasses import asdict

from ..adapters.broker import step_for_pool
from ..domain.models import Status
from ..domain.triage import choose_pool
from ..errors import PermanentError
from .parse import failure_code, parse_runner
from .parse_work import probe_document
from .transitions import log_step, move, reason


def triage(app, document_id: int, actor: str) -> None:
    """RECEIVED -> QUEUED on a pool (then enqueue its parse), or -> FAILED if unreadable."""
    with app.uow.look() as tx:  # a look, not a claim: the move below is guarded
        doc = tx.documents.get(document_id)
    if doc is None or doc.status is not Status.RECEIVED:
        return  # already triaged: at-least-once delivery brought it twice
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
    with app.uow.begin() as tx:
        event = move(tx, doc, Status.QUEUED, step="triage", actor=actor, outcome=pool, reasons=[reason(f"pool_{pool}", why)],
                     inputs=asdict(facts), policy_version=app.policy.version, pool=pool, page_count=facts.page_count)
    log_step(app, event)
    if event is not None:
        app.enqueuer.send(step_for_pool(pool), document_id)
