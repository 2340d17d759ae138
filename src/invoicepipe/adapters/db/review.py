"""Repository for review holds and the review queue's read model.

``review_queue`` holds one row per document in review with the columns the queue sorts and
filters on (due date, amount, vendor, channel, reasons). A row is valid for one document
version; ``changed_since`` finds the documents whose row may be missing, old or no longer
wanted, and the service rebuilds or drops them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional, Sequence

from sqlalchemy import Connection, case, delete, func, insert, select

from ...domain.models import Status
from . import tables as t
from .documents import utcnow

REVIEW = Status.NEEDS_REVIEW.value
CHUNK = 500  # keeps IN lists well under every driver's parameter limit


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


class ReviewRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- holds -----------------------------------------------------------------------------
    def hold(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.review_holds).where(t.review_holds.c.document_id == doc_id)).first()
        return dict(row._mapping) if row else None

    def set_hold(self, doc_id: int, note: str, actor: str) -> None:
        self.clear_hold(doc_id)
        self.conn.execute(insert(t.review_holds).values(document_id=doc_id, note=note, actor=actor, created_at=utcnow()))

    def clear_hold(self, doc_id: int) -> None:
        self.conn.execute(delete(t.review_holds).where(t.review_holds.c.document_id == doc_id))

    # -- read model maintenance --------------------------------------------------------------
    def changed_since(self, since: Optional[datetime]) -> list[tuple[int, int, str]]:
        """(id, version, status) of documents updated at or after ``since`` (all in review when None).

        With ``since`` the (status, updated_at) index answers with a range scan per status,
        so a refresh costs what changed, not the size of the queue.
        """
        d = t.documents
        query = select(d.c.id, d.c.version, d.c.status)
        if since is None:
            query = query.where(d.c.status == REVIEW)
        else:
            query = query.where(d.c.status.in_([s.value for s in Status]), d.c.updated_at >= since)
        return [(int(r[0]), int(r[1]), r[2]) for r in self.conn.execute(query)]

    def indexed_versions(self, ids: Optional[Sequence[int]] = None) -> dict[int, int]:
        """document id -> version its queue row was built from (every row when ``ids`` is None)."""
        q = t.review_queue
        if ids is None:
            return {int(r[0]): int(r[1]) for r in self.conn.execute(select(q.c.document_id, q.c.doc_version))}
        out: dict[int, int] = {}
        for chunk in _chunks(list(ids)):
            out.update({int(r[0]): int(r[1]) for r in self.conn.execute(select(q.c.document_id, q.c.doc_version).where(q.c.document_id.in_(chunk)))})
        return out

    def documents(self, ids: Sequence[int]) -> dict[int, dict]:
        d = t.documents
        out: dict[int, dict] = {}
        for chunk in _chunks(list(ids)):
            rows = self.conn.execute(select(d.c.id, d.c.version, d.c.filename, d.c.channel, d.c.created_at).where(d.c.id.in_(chunk)))
            out.update({int(r[0]): dict(r._mapping) for r in rows})
        return out

    def delete_rows(self, ids: Sequence[int]) -> None:
        for chunk in _chunks(list(ids)):
            self.conn.execute(delete(t.review_queue_reasons).where(t.review_queue_reasons.c.document_id.in_(chunk)))
            self.conn.execute(delete(t.review_queue).where(t.review_queue.c.document_id.in_(chunk)))

    def insert_rows(self, rows: Sequence[dict]) -> None:
        if not rows:
            return
        for start in range(0, len(rows), CHUNK):
            batch = list(rows[start:start + CHUNK])
            self.conn.execute(insert(t.review_queue), batch)
            reasons = [{"document_id": r["document_id"], "code": c} for r in batch for c in r["reason_codes"]]
            if reasons:
                self.conn.execute(insert(t.review_queue_reasons), reasons)

    def latest_fields(self, ids: Sequence[int]) -> dict[int, dict]:
        """document id -> fields JSON of its newest extraction."""
        out: dict[int, dict] = {}
        e = t.extractions
        for chunk in _chunks(list(ids)):
            newest = select(func.max(e.c.id)).where(e.c.document_id.in_(chunk)).group_by(e.c.document_id)
            for r in self.conn.execute(select(e.c.document_id, e.c.fields).where(e.c.id.in_(newest))):
                out[int(r[0])] = r[1] or {}
        return out

    def open_reasons(self, ids: Sequence[int]) -> dict[int, list]:
        """document id -> reasons of its newest machine decision (route or reconcile)."""
        out: dict[int, list] = {}
        dc = t.decisions
        for chunk in _chunks(list(ids)):
            newest = select(func.max(dc.c.id)).where(dc.c.document_id.in_(chunk), dc.c.stage != "review").group_by(dc.c.document_id)
            for r in self.conn.execute(select(dc.c.document_id, dc.c.reasons).where(dc.c.id.in_(newest))):
                out[int(r[0])] = r[1] or []
        return out

    # -- queue reads (the read model only: kept in step with documents by the refresh) ----------
    def _queue_select(self, columns, reason: Optional[str], vendor: Optional[str], channel: Optional[str], held: str,
                      assignee: Optional[str] = None):
        q, h, c = t.review_queue, t.review_holds, t.review_claims
        query = select(*columns).select_from(q.outerjoin(h, h.c.document_id == q.c.document_id)
                                             .outerjoin(c, (c.c.document_id == q.c.document_id) & (c.c.expires_at > utcnow())))
        if assignee == "none":
            query = query.where(c.c.document_id.is_(None))
        elif assignee:
            query = query.where(c.c.username == assignee)
        if reason:
            query = query.where(q.c.document_id.in_(select(t.review_queue_reasons.c.document_id).where(t.review_queue_reasons.c.code == reason)))
        if vendor:
            query = query.where((q.c.vendor_id == vendor) | func.lower(q.c.vendor_name).contains(vendor.lower(), autoescape=True))
        if channel:
            query = query.where(q.c.channel == channel)
        if held == "only":
            query = query.where(h.c.document_id.is_not(None))
        elif held == "none":
            query = query.where(h.c.document_id.is_(None))
        return query

    def _priority(self, sort: str = "priority"):
        """On hold last; then the chosen key; then earliest due date (unknown last), largest
        amount, oldest: a sort by vendor or amount still breaks ties the way a clerk would."""
        q, h = t.review_queue, t.review_holds
        base = (case((q.c.due_date.is_(None), 1), else_=0), q.c.due_date, case((q.c.total.is_(None), 1), else_=0), q.c.total.desc(),
                q.c.received_at, q.c.document_id)
        first = {"due": (), "priority": (), "amount": (case((q.c.total.is_(None), 1), else_=0), q.c.total.desc()),
                 "age": (q.c.received_at,), "vendor": (case((q.c.vendor_name.is_(None), 1), else_=0), q.c.vendor_name),
                 "confidence": (case((q.c.min_confidence.is_(None), 1), else_=0), q.c.min_confidence)}.get(sort, ())
        return (case((h.c.document_id.is_(None), 0), else_=1), *first, *base)

    def queue_page(self, reason, vendor, channel, held, assignee, limit: int, offset: int, sort: str = "priority") -> list[dict]:
        c = t.review_claims
        columns = (t.review_queue, t.review_holds.c.note.label("hold_note"), c.c.username.label("claimed_by"),
                   c.c.expires_at.label("claim_expires"))
        query = (self._queue_select(columns, reason, vendor, channel, held, assignee).order_by(*self._priority(sort))
                 .limit(limit).offset(offset))
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def queue_ids(self, reason, vendor, channel, held, assignee=None, sort: str = "priority") -> list[int]:
        query = self._queue_select((t.review_queue.c.document_id,), reason, vendor, channel, held, assignee).order_by(*self._priority(sort))
        return [int(r[0]) for r in self.conn.execute(query)]

    def queue_count(self, reason, vendor, channel, held, assignee=None) -> int:
        return int(self.conn.execute(self._queue_select((func.count(),), reason, vendor, channel, held, assignee)).scalar_one())

    def reason_counts(self) -> dict[str, int]:
        r = t.review_queue_reasons
        rows = self.conn.execute(select(r.c.code, func.count()).group_by(r.c.code).order_by(func.count().desc(), r.c.code))
        return {row[0]: int(row[1]) for row in rows}

    def held_count(self) -> int:
        q, h = t.review_queue, t.review_holds
        return int(self.conn.execute(select(func.count()).select_from(h.join(q, q.c.document_id == h.c.document_id))).scalar_one())

    def vendor_choices(self, limit: int = 500) -> list[dict]:
        """Vendor ids and names for the correction form's suggestions."""
        v = t.vendors
        rows = self.conn.execute(select(v.c.vendor_id, v.c.name).where(v.c.active == 1).order_by(v.c.vendor_id).limit(limit))
        return [{"vendor_id": r[0], "name": r[1]} for r in rows]

    # -- history for the document and "why" views ------------------------------------------------
    def extractions(self, doc_id: int) -> list[dict]:
        rows = self.conn.execute(select(t.extractions).where(t.extractions.c.document_id == doc_id).order_by(t.extractions.c.id))
        return [dict(r._mapping) for r in rows]
