"""Decide: every check on all the evidence, then the payment gate, in one transaction.

Runs after extraction (EXTRACTED) and after a reviewer's correction (RECONCILING). The
document ends APPROVED with its outbox row (then export is sent) or NEEDS_REVIEW with every
open reason; see ``services/gate.settle``.

A process that runs the export step as well (its pool consumes the export's queue) decides
with ``decide_and_export``: an approval is delivered in the same message, not in a second
one through the broker that the same pool would take anyway.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Optional

from ..adapters.db.documents import extraction_from_json
from ..domain.models import Document, Status
from .export import claim_until, deliver_claimed, export
from .gate import Settled, settle
from .transitions import log_step

DECIDABLE = frozenset({Status.EXTRACTED, Status.RECONCILING})


def decide_document(app, document_id: int, actor: str, today: Optional[date] = None) -> None:
    """EXTRACTED/RECONCILING -> APPROVED (then enqueue export) or -> NEEDS_REVIEW.

    ``today`` (default: the current UTC date) is the day the bank-change window counts back from.
    """
    _, settled = _decide(app, document_id, actor, today)
    if _approved(settled):
        app.enqueuer.send("export", document_id)


def decide_and_export(app, document_id: int, actor: str, today: Optional[date] = None) -> None:
    """``decide_document``, then the export of an approval in this same call.

    The outbox row is written claimed for a lease in the transaction that approves (so no
    sweeper re-send delivers it meanwhile) and delivered right after the commit, without
    the export message, its document read and its claim. The guarantees are the export
    step's: the row commits with the approval; a worker that dies before delivering leaves
    the row claimed, and the sweeper sends the export once the lease is over, as after a
    death inside ``export``. A document found APPROVED already (this message retried after
    a delivery that raised, or sent twice) goes through ``export``, whose claim lets one
    delivery through."""
    now = datetime.now(timezone.utc)
    found, settled = _decide(app, document_id, actor, today, claim=claim_until(app, now))
    if _approved(settled):
        deliver_claimed(app, replace(found, status=Status.APPROVED), settled.outbox, actor, now=now)
    elif settled is None and found is not None and found.status is Status.APPROVED:
        export(app, document_id, actor)


def _approved(settled: Optional[Settled]) -> bool:
    return settled is not None and settled.event is not None and settled.to is Status.APPROVED


def _decide(app, document_id: int, actor: str, today: Optional[date],
            claim: Optional[datetime] = None) -> tuple[Optional[Document], Optional[Settled]]:
    """The document as found and the decision (None when it was not decidable)."""
    with app.uow.begin() as tx:
        # the document, its newest reading, its content print and whether overrides are
        # stored: one statement (``for_decision``) where it was four
        found = tx.documents.for_decision(document_id)
        doc = found.document if found is not None else None
        if doc is None or doc.status not in DECIDABLE:
            return doc, None
        row = found.extraction
        if row is None:
            return doc, None  # nothing extracted yet: the sweeper re-sends the parse, not this step
        # The newest reading is the machine's own unless a person corrected it: then the
        # machine's reading is the same row and need not be read a second time.
        settled = settle(app, tx, doc, extraction_from_json(row), step="decide", actor=actor, expected={doc.status}, today=today,
                         is_machine_reading=row["source"] == "machine", claim_until=claim, read=found)
    log_step(app, settled.event)
    return doc, settled
