"""Accounts, roles, logins and sessions for the web UI and the HTTP API.

A fresh install has no users and therefore no default password: the first account is
made with ``invoicepipe user add``. Passwords are hashed with argon2id (memory-hard);
failed logins are counted in the database per username and client address, so the rate
limit holds across processes. Sessions are server-side rows keyed by the sha256 of a
random cookie value, each with its own CSRF token. Systems use API tokens instead.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..adapters.db.accounts import AccountRepository
from ..errors import InvoicepipeError, NotFound, PermanentError, StateConflict
from .passwords import check_password
from .transitions import record

ROLES = ("reviewer", "controller", "admin", "integrator")
HUMAN_ROLES = ("reviewer", "controller", "admin")
# Higher rank may do everything a lower rank may (integrators only ingest).
ROLE_RANK = {"integrator": 0, "reviewer": 1, "controller": 2, "admin": 3}
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=10)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AuthError(InvoicepipeError):
    """Base of the authentication and authorisation refusals (mapped to 401/403/429)."""


class NotAuthenticated(AuthError):
    """No valid session or token, or a wrong username/password."""


class Forbidden(AuthError):
    """Authenticated, but the role does not allow this action."""


class TooManyAttempts(AuthError):
    """Too many failed logins for this username from this address; wait and retry."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of ``roles`` or outranks them (admin covers controller)."""
        if self.role == "integrator":
            return "integrator" in roles
        return any(ROLE_RANK[self.role] >= ROLE_RANK[r] for r in roles if r != "integrator")


@dataclass(frozen=True)
class Session:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    user: User


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, 64 MiB, 3 passes: the library's RFC 9106 profile


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verifying against this when the user does not exist keeps timing the same either way.
    return _hasher().hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require_role(user: User, *roles: str) -> None:
    """Raise Forbidden unless ``user`` holds (or outranks) one of ``roles``."""
    if not user.has_role(*roles):
        raise Forbidden(f"{user.username} ({user.role}) may not do this; it needs the {' or '.join(roles)} role")


def add_user(app, username: str, role: str, password: Optional[str], actor: str) -> tuple[User, Optional[str]]:
    """Create an account. People get a password; integrators get an API token (returned once)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise PermanentError("username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise PermanentError(f"role must be one of {', '.join(ROLES)}")
    if role in HUMAN_ROLES:
        check_password(password)
    password_hash = _hasher().hash(password) if password else None
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        if accounts.user_by_name(username):
            raise StateConflict(f"user {username} already exists")
        user = User(accounts.add_user(username, role, password_hash), username, role)
        record(tx, None, step="user_added", actor=actor, outcome=role, inputs={"username": username, "role": role})
    token = issue_api_token(app, username, "created with the account", actor) if role == "integrator" else None
    return user, token


def issue_api_token(app, username: str, label: Optional[str], actor: str) -> str:
    """A new API token for ``username``; only its hash is kept, so this is the one chance to copy it."""
    token = "ipt_" + secrets.token_urlsafe(32)
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        row = accounts.user_by_name(username.strip().lower())
        if row is None:
            raise NotFound(f"no user {username}")
        accounts.add_token(_digest(token), row["id"], label)
        record(tx, None, step="api_token_issued", actor=actor, outcome=row["role"], inputs={"username": row["username"], "label": label})
    return token


def login(app, username: str, password: str, ip: str) -> Session:
    """Check the password (argon2) under the rate limit and open a session."""
    username = (username or "").strip().lower()[:64]
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        if accounts.login_failures_since(username, ip, now - FAILURE_WINDOW) >= MAX_FAILURES:
            raise TooManyAttempts(f"too many failed logins for {username}; try again in {FAILURE_WINDOW.seconds // 60} minutes")
        row = accounts.user_by_name(username)
    stored = row["password_hash"] if row and row["active"] and row["role"] in HUMAN_ROLES else None
    if not _password_matches(stored, password or ""):
        with app.uow.begin() as tx:
            AccountRepository(tx.conn).add_login_failure(username, ip)
        raise NotAuthenticated("wrong username or password")
    session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), User(row["id"], row["username"], row["role"]))
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        accounts.clear_login_failures(username, ip)
        accounts.delete_expired_sessions(now)
        accounts.add_session(_digest(session.token), row["id"], session.csrf_token, now + SESSION_LIFETIME)
        if _hasher().check_needs_rehash(stored):
            accounts.set_password_hash(row["id"], _hasher().hash(password))
    return session


def _password_matches(stored: Optional[str], password: str) -> bool:
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def session_user(app, token: Optional[str]) -> Optional[tuple[User, str]]:
    """(user, csrf token) of a live session cookie value, or None."""
    if not token:
        return None
    with app.uow.begin() as tx:
        row = AccountRepository(tx.conn).session(_digest(token))
    if row is None:
        return None
    expires = row["expires_at"] if row["expires_at"].tzinfo else row["expires_at"].replace(tzinfo=timezone.utc)
    if expires < datetime.now(timezone.utc):
        return None
    return User(row["id"], row["username"], row["role"]), row["csrf_token"]


def token_user(app, token: Optional[str]) -> Optional[User]:
    """The user an API token belongs to, or None."""
    if not token:
        return None
    with app.uow.begin() as tx:
        row = AccountRepository(tx.conn).user_for_token(_digest(token))
    return User(row["id"], row["username"], row["role"]) if row else None


def logout(app, token: Optional[str]) -> None:
    if token:
        with app.uow.begin() as tx:
            AccountRepository(tx.conn).delete_session(_digest(token))


def user_count(app) -> int:
    with app.uow.begin() as tx:
        return AccountRepository(tx.conn).count_users()


TOKEN_ID_LENGTH = 12  # a token is named by the start of its hash: enough to tell tokens apart, useless to an attacker


def token_id(token_hash: str) -> str:
    return "tok_" + token_hash[:TOKEN_ID_LENGTH]


def list_users(app) -> list[dict]:
    with app.uow.begin() as tx:
        return [{**u, "active": bool(u["active"])} for u in AccountRepository(tx.conn).users()]


def _account(accounts: AccountRepository, username: str) -> dict:
    row = accounts.user_by_name((username or "").strip().lower())
    if row is None:
        raise NotFound(f"no user {username}")
    return row


def _keep_an_admin(accounts: AccountRepository, row: dict, what: str) -> None:
    """Nobody may lock the installation out of its own administration."""
    if row["role"] == "admin" and row["active"] and accounts.active_admins() <= 1:
        raise StateConflict(f"{row['username']} is the last active admin and cannot be {what}; make another admin first")


def set_active(app, username: str, active: bool, actor: str) -> dict:
    """Disable or re-enable an account. Disabling ends its sessions at once; its API tokens
    stop working because only active accounts' tokens are accepted (they work again on enable)."""
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        row = _account(accounts, username)
        if not active:
            _keep_an_admin(accounts, row, "disabled")
        accounts.set_active(row["id"], active)
        ended = 0 if active else accounts.delete_sessions_of(row["id"])
        record(tx, None, step="user_enabled" if active else "user_disabled", actor=actor, outcome=row["role"],
               inputs={"username": row["username"], "sessions_ended": ended})
    return {"username": row["username"], "role": row["role"], "active": active, "sessions_ended": ended}


def list_tokens(app, username: Optional[str] = None) -> list[dict]:
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        user_id = None
        if username:
            row = accounts.user_by_name(username.strip().lower())
            if row is None:
                raise NotFound(f"no user {username}")
            user_id = row["id"]
        rows = accounts.tokens(user_id)
    return [{"id": token_id(r.pop("token_hash")), **r, "active": bool(r["active"])} for r in rows]


def revoke_token(app, ident: str, actor: str) -> dict:
    """Delete the API token named ``ident`` (as ``token list`` shows it)."""
    prefix = ident.strip().removeprefix("tok_")
    if len(prefix) < 8 or not all(c in "0123456789abcdef" for c in prefix):
        raise PermanentError("give the token id as token list shows it (tok_ and at least 8 hex digits)")
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        matches = [r for r in accounts.tokens() if r["token_hash"].startswith(prefix)]
        if not matches:
            raise NotFound(f"no API token {ident}")
        if len(matches) > 1:
            raise PermanentError(f"{ident} names {len(matches)} tokens; give more of the id")
        token = matches[0]
        accounts.delete_token(token["token_hash"])
        record(tx, None, step="api_token_revoked", actor=actor, outcome=token["role"],
               inputs={"username": token["username"], "token": token_id(token["token_hash"]), "label": token["label"]})
    return {"id": token_id(token["token_hash"]), "username": token["username"], "label": token["label"]}


def set_role(app, username: str, role: str, actor: str) -> dict:
    """Change a person's role (reviewer, controller, admin). Sessions read the role from the
    account on every request, so the change holds at once. People and integration accounts
    do not turn into each other: one logs in with a password, the other holds tokens."""
    if role not in HUMAN_ROLES:
        raise PermanentError(f"role must be one of {', '.join(HUMAN_ROLES)}")
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        row = _account(accounts, username)
        if row["role"] not in HUMAN_ROLES:
            raise PermanentError(f"{row['username']} is an integration account; make a new account for a person")
        if role != "admin":
            _keep_an_admin(accounts, row, "demoted")
        accounts.set_role(row["id"], role)
        record(tx, None, step="user_role_changed", actor=actor, outcome=role,
               inputs={"username": row["username"], "from": row["role"], "to": role})
    return {"username": row["username"], "role": role, "was": row["role"]}


def reset_password(app, username: str, actor: str) -> str:
    """A new random password for a person who lost theirs (shown once to the admin, who hands
    it over); every session of the account ends."""
    password = secrets.token_urlsafe(12)
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        row = _account(accounts, username)
        if row["role"] not in HUMAN_ROLES:
            raise PermanentError(f"{row['username']} is an integration account: it has API tokens, not a password")
        accounts.set_password_hash(row["id"], _hasher().hash(password))
        ended = accounts.delete_sessions_of(row["id"])
        record(tx, None, step="user_password_reset", actor=actor, outcome=row["role"],
               inputs={"username": row["username"], "sessions_ended": ended})
    return password


def change_password(app, user: User, current: str, new: str, session_token: Optional[str] = None) -> int:
    """The person's own password change: the current password is checked, the new one must
    pass the password rules, and every other session of the account ends. Returns how many."""
    check_password(new)
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        row = _account(accounts, user.username)
    if not _password_matches(row["password_hash"] if row["active"] else None, current or ""):
        raise NotAuthenticated("the current password is wrong")
    with app.uow.begin() as tx:
        accounts = AccountRepository(tx.conn)
        accounts.set_password_hash(row["id"], _hasher().hash(new))
        ended = accounts.delete_sessions_of(row["id"], keep=_digest(session_token) if session_token else None)
        record(tx, None, step="user_password_changed", actor=user.actor, outcome=row["role"],
               inputs={"username": row["username"], "other_sessions_ended": ended})
    return ended

