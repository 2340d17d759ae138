"""Repository for web accounts: users, sessions, API tokens and failed logins.

Secrets never reach the database in clear: sessions and API tokens are stored as the
sha256 of the random value the client holds, passwords as argon2id hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Connection, delete, func, insert, select, update

from . import tables as t
from .documents import utcnow


class AccountRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- users -----------------------------------------------------------------------------
    def add_user(self, username: str, role: str, password_hash: Optional[str]) -> int:
        result = self.conn.execute(insert(t.users).values(username=username, role=role, password_hash=password_hash,
                                                          active=1, created_at=utcnow()))
        return int(result.inserted_primary_key[0])

    def user_by_name(self, username: str) -> Optional[dict]:
        row = self.conn.execute(select(t.users).where(t.users.c.username == username)).first()
        return dict(row._mapping) if row else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(password_hash=password_hash))

    def count_users(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.users)).scalar_one())

    def users(self) -> list[dict]:
        """Every account with its number of API tokens (no hashes)."""
        tokens = select(t.api_tokens.c.user_id, func.count().label("tokens")).group_by(t.api_tokens.c.user_id).subquery()
        rows = self.conn.execute(
            select(t.users.c.username, t.users.c.role, t.users.c.active, t.users.c.created_at,
                   func.coalesce(tokens.c.tokens, 0).label("tokens"))
            .outerjoin(tokens, tokens.c.user_id == t.users.c.id).order_by(t.users.c.username))
        return [dict(r._mapping) for r in rows]

    def set_active(self, user_id: int, active: bool) -> None:
        self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(active=1 if active else 0))

    def delete_sessions_of(self, user_id: int, keep: Optional[str] = None) -> int:
        """End every session of the user (but ``keep``, a token hash: the one changing its password)."""
        query = delete(t.sessions).where(t.sessions.c.user_id == user_id)
        if keep:
            query = query.where(t.sessions.c.token_hash != keep)
        return self.conn.execute(query).rowcount or 0

    def set_role(self, user_id: int, role: str) -> None:
        self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(role=role))

    def active_admins(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.users)
                                     .where(t.users.c.role == "admin", t.users.c.active == 1)).scalar_one())

    # -- sessions --------------------------------------------------------------------------
    def add_session(self, token_hash: str, user_id: int, csrf_token: str, expires_at: datetime) -> None:
        self.conn.execute(insert(t.sessions).values(token_hash=token_hash, user_id=user_id, csrf_token=csrf_token,
                                                    created_at=utcnow(), expires_at=expires_at))

    def session(self, token_hash: str) -> Optional[dict]:
        """The session joined with its (active) user, or None."""
        row = self.conn.execute(
            select(t.sessions.c.csrf_token, t.sessions.c.expires_at, t.users.c.id, t.users.c.username, t.users.c.role)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == token_hash, t.users.c.active == 1)
        ).first()
        return dict(row._mapping) if row else None

    def delete_session(self, token_hash: str) -> None:
        self.conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash))

    def delete_expired_sessions(self, now: datetime) -> None:
        self.conn.execute(delete(t.sessions).where(t.sessions.c.expires_at < now))

    # -- API tokens ------------------------------------------------------------------------
    def add_token(self, token_hash: str, user_id: int, label: Optional[str]) -> None:
        self.conn.execute(insert(t.api_tokens).values(token_hash=token_hash, user_id=user_id, label=label, created_at=utcnow()))

    def tokens(self, user_id: Optional[int] = None) -> list[dict]:
        """API tokens with their owner; ``token_hash`` is the sha256 of the secret, never the secret."""
        query = (select(t.api_tokens.c.token_hash, t.api_tokens.c.label, t.api_tokens.c.created_at, t.api_tokens.c.last_used_at,
                        t.users.c.username, t.users.c.role, t.users.c.active)
                 .join(t.users, t.users.c.id == t.api_tokens.c.user_id).order_by(t.users.c.username, t.api_tokens.c.created_at))
        if user_id is not None:
            query = query.where(t.api_tokens.c.user_id == user_id)
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def delete_token(self, token_hash: str) -> None:
        self.conn.execute(delete(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash))

    def user_for_token(self, token_hash: str) -> Optional[dict]:
        row = self.conn.execute(
            select(t.users.c.id, t.users.c.username, t.users.c.role)
            .join(t.api_tokens, t.api_tokens.c.user_id == t.users.c.id)
            .where(t.api_tokens.c.token_hash == token_hash, t.users.c.active == 1)
        ).first()
        if row is None:
            return None
        self.conn.execute(update(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash).values(last_used_at=utcnow()))
        return dict(row._mapping)

    # -- failed logins ---------------------------------------------------------------------
    def add_login_failure(self, username: str, ip: str) -> None:
        self.conn.execute(insert(t.login_failures).values(username=username, ip=ip, failed_at=utcnow()))

    def login_failures_since(self, username: str, ip: str, since: datetime) -> int:
        return int(self.conn.execute(
            select(func.count()).select_from(t.login_failures)
            .where(t.login_failures.c.username == username, t.login_failures.c.ip == ip, t.login_failures.c.failed_at >= since)
        ).scalar_one())

    def clear_login_failures(self, username: str, ip: str) -> None:
        self.conn.execute(delete(t.login_failures).where(t.login_failures.c.username == username, t.login_failures.c.ip == ip))
