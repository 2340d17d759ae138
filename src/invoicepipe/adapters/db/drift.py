"""Reads for drift detection: the newest reviewed documents, machine extractions and
decided documents, each bounded by a LIMIT on an indexed order (never a full scan)."""

from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import Connection, func, select

from ...domain.models import Status
from . import tables as t

CHUNK = 500
APPROVED = (Status.APPROVED.value, Status.EXPORTED.value, Status.EXPORT_FAILED.value)
DECIDED = APPROVED + (Status.NEEDS_REVIEW.value, Status.REJECTED.value, Status.DUPLICATE.value)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


class DriftRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def reviewed(self, documents: int) -> list[dict]:
        """The newest ``documents`` approved documents a person reviewed, oldest first:
        document id, the approved (review) fields, status. A document corrected twice counts
        once, with its newest review extraction."""
        e, d = t.extractions, t.documents
        rows = self.conn.execute(
            select(e.c.id, e.c.document_id, e.c.fields).join(d, d.c.id == e.c.document_id)
            .where(e.c.source == "review", d.c.status.in_(APPROVED)).order_by(e.c.id.desc()).limit(documents * 3))
        newest: dict[int, dict] = {}
        for r in rows:
            if r.document_id not in newest:
                newest[r.document_id] = {"document_id": int(r.document_id), "review_id": int(r.id), "reviewed": r.fields or {}}
            if len(newest) >= documents:
                break
        return sorted(newest.values(), key=lambda x: x["review_id"])

    def machine_extractions(self, ids: Sequence[int]) -> dict[int, dict]:
        """document id -> its newest machine extraction (fields, pages)."""
        e = t.extractions
        out: dict[int, dict] = {}
        for chunk in _chunks(list(ids)):
            newest = select(func.max(e.c.id)).where(e.c.document_id.in_(chunk), e.c.source == "machine").group_by(e.c.document_id)
            for r in self.conn.execute(select(e.c.document_id, e.c.fields, e.c.pages).where(e.c.id.in_(newest))):
                out[int(r.document_id)] = {"fields": r.fields or {}, "pages": r.pages or []}
        return out

    def newest_machine(self, limit: int) -> list[dict]:
        """The newest ``limit`` machine extractions, oldest first."""
        e = t.extractions
        rows = self.conn.execute(select(e.c.id, e.c.document_id, e.c.fields, e.c.pages).where(e.c.source == "machine")
                                 .order_by(e.c.id.desc()).limit(limit))
        return [{"document_id": int(r.document_id), "fields": r.fields or {}, "pages": r.pages or []} for r in rows][::-1]

    def vendors(self, ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(list(ids)):
            rows = self.conn.execute(select(t.invoices.c.document_id, t.invoices.c.vendor_id)
                                     .where(t.invoices.c.document_id.in_(chunk), t.invoices.c.vendor_id.is_not(None)))
            out.update({int(r[0]): r[1] for r in rows})
        return out

    def decided(self, limit: int) -> list[tuple[int, bool]]:
        """(document id, went straight through) of the newest ``limit`` decided documents,
        oldest first. Straight through = approved with no review extraction."""
        d, e = t.documents, t.extractions
        rows = [(int(r[0]), r[1]) for r in self.conn.execute(
            select(d.c.id, d.c.status).where(d.c.status.in_(DECIDED)).order_by(d.c.id.desc()).limit(limit))]
        reviewed: set[int] = set()
        for chunk in _chunks([i for i, s in rows if s in APPROVED]):
            reviewed.update(int(r[0]) for r in self.conn.execute(
                select(e.c.document_id).where(e.c.document_id.in_(chunk), e.c.source == "review").distinct()))
        return [(i, s in APPROVED and i not in reviewed) for i, s in reversed(rows)]
