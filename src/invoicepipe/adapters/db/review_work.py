"""Repository for who works on what: claims and assignments, comments, saved filters."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Connection, delete, insert, select

from . import tables as t
from .documents import utcnow


class ReviewWorkRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- claims ------------------------------------------------------------------------------
    def claim(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.review_claims).where(t.review_claims.c.document_id == doc_id)).first()
        return dict(row._mapping) if row else None

    def set_claim(self, doc_id: int, username: str, assigned_by: str, expires_at: datetime) -> None:
        self.clear_claim(doc_id)
        self.conn.execute(insert(t.review_claims).values(document_id=doc_id, username=username, assigned_by=assigned_by,
                                                         created_at=utcnow(), expires_at=expires_at))

    def clear_claim(self, doc_id: int) -> None:
        self.conn.execute(delete(t.review_claims).where(t.review_claims.c.document_id == doc_id))

    # -- comments ----------------------------------------------------------------------------
    def add_comment(self, doc_id: int, actor: str, body: str, mentions: list[str]) -> int:
        result = self.conn.execute(insert(t.review_comments).values(document_id=doc_id, actor=actor, body=body, mentions=mentions,
                                                                    created_at=utcnow()))
        return int(result.inserted_primary_key[0])

    def comments(self, doc_id: int) -> list[dict]:
        c = t.review_comments
        return [dict(r._mapping) for r in self.conn.execute(select(c).where(c.c.document_id == doc_id).order_by(c.c.id))]

    def recent_comments(self, limit: int = 500) -> list[dict]:
        """The newest comments (the mentions of one person are picked from these)."""
        c, d = t.review_comments, t.documents
        rows = self.conn.execute(select(c, d.c.status, d.c.filename).join(d, d.c.id == c.c.document_id).order_by(c.c.id.desc()).limit(limit))
        return [dict(r._mapping) for r in rows]

    # -- saved filters -----------------------------------------------------------------------
    def saved_filters(self, user_id: int) -> list[dict]:
        f = t.saved_filters
        return [dict(r._mapping) for r in self.conn.execute(select(f).where(f.c.user_id == user_id).order_by(f.c.name))]

    def save_filter(self, user_id: int, name: str, query: str) -> None:
        f = t.saved_filters
        self.conn.execute(delete(f).where(f.c.user_id == user_id, f.c.name == name))
        self.conn.execute(insert(f).values(user_id=user_id, name=name, query=query, created_at=utcnow()))

    def delete_filter(self, user_id: int, filter_id: int) -> int:
        f = t.saved_filters
        return self.conn.execute(delete(f).where(f.c.user_id == user_id, f.c.id == filter_id)).rowcount or 0
