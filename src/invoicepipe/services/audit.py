"""Audit queries: a document's trail and the chain verification."""

from __future__ import annotations

from ..domain.audit import verify_chain


def trail(app, document_id: int) -> list[dict]:
    with app.uow.begin() as tx:
        tx.documents.require(document_id)
        return tx.audit.trail(document_id)


def verify(app) -> dict:
    """Walk the whole chain; ``ok`` is False with every problem listed when it does not hold."""
    with app.uow.begin() as tx:
        head_seq, head_hash = tx.audit.head()
        problems = verify_chain(tx.audit.chain(), head_seq, head_hash)
    return {"ok": not problems, "events": head_seq, "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems]}
