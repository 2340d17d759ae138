"""Decide: every check on all the evidence, then the payment gate, in one transaction.

Runs after extraction (EXTRACTED) and after a reviewer's correction (RECONCILING). The
document ends APPROVED with its outbox row (then export is sent) or NEEDS_REVIEW with every
open reason; see ``services/gate.settle``.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from ..adapters.db.documents import extraction_from_json
from ..domain.models import Status
from .gate import settle
from .transitions import log_step

DECIDABLE = frozenset({Status.EXTRACTED, Status.RECONCILING})


def decide_document(app, document_id: int, actor: str, today: Optional[date] = None) -> None:
    """EXTRACTED/RECONCILING -> APPROVED (then enqueue export) or -> NEEDS_REVIEW.

    ``today`` (default: the current UTC date) is the day the bank-change window counts back from.
    """
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status not in DECIDABLE:
            return
        row = tx.documents.latest_extraction(document_id)
        if row is None:
            return  # nothing extracted yet: the sweeper re-sends the parse, not this step
        # The newest reading is the machine's own unless a person corrected it: then the
        # machine's reading is the same row and need not be read a second time.
        settled = settle(app, tx, doc, extraction_from_json(row), step="decide", actor=actor, expected={doc.status}, today=today,
                         is_machine_reading=row["source"] == "machine")
    log_step(app, settled.event)
    if settled.event is not None and settled.to is Status.APPROVED:
        app.enqueuer.send("export", document_id)
