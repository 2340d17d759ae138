"""The ``invoicepipe user`` and ``invoicepipe token`` commands, and the web start-up line.

A fresh install has no accounts. ``user add NAME --role reviewer|controller|admin`` asks for
a password twice (or reads one line with ``--password-stdin``); ``--role integrator`` makes
an API-only account and prints its token. ``token add NAME`` issues another token.
``user list|disable|enable`` and ``token list|revoke`` manage what exists.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Optional

from ..errors import PermanentError
from ..output import table
from ..services.users import (HUMAN_ROLES, add_user, issue_api_token, list_tokens, list_users, revoke_token, set_active,
                              user_count)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again:    "):
        raise PermanentError("the two passwords differ")
    return first


def user_add(app, username: str, role: str, password_stdin: bool, actor: str) -> str:
    """Create the account and return what to print (an integrator's token is shown once)."""
    password: Optional[str] = _read_password(password_stdin) if role in HUMAN_ROLES else None
    user, token = add_user(app, username, role, password, actor)
    lines = [f"user {user.username} added with role {user.role}"]
    if token:
        lines.append(f"API token (shown once, store it now): {token}")
        lines.append("use it as: Authorization: Bearer <token>   e.g. curl -H 'Authorization: Bearer …' -F file=@inv.pdf URL/api/invoices")
    return "\n".join(lines)


def token_add(app, username: str, label: Optional[str], actor: str) -> str:
    token = issue_api_token(app, username, label, actor)
    return f"API token for {username.lower()} (shown once, store it now): {token}"


def user_list(app, as_json: bool) -> str:
    users = list_users(app)
    if as_json:
        return json.dumps(users, default=str)
    return table(["username", "role", "active", "tokens", "created"],
                 [[u["username"], u["role"], "yes" if u["active"] else "no", u["tokens"], str(u["created_at"])[:19]] for u in users])


def user_set_active(app, username: str, active: bool, actor: str) -> str:
    done = set_active(app, username, active, actor)
    if active:
        return f"user {done['username']} enabled"
    return f"user {done['username']} disabled ({done['sessions_ended']} session(s) ended; API tokens refused until enabled)"


def token_list(app, username: Optional[str], as_json: bool) -> str:
    tokens = list_tokens(app, username)
    if as_json:
        return json.dumps(tokens, default=str)
    return table(["id", "user", "label", "created", "last used"],
                 [[t["id"], t["username"] + ("" if t["active"] else " (disabled)"), t["label"] or "", str(t["created_at"])[:19],
                   str(t["last_used_at"])[:19] if t["last_used_at"] else "never"] for t in tokens])


def token_revoke(app, ident: str, actor: str) -> str:
    done = revoke_token(app, ident, actor)
    return f"API token {done['id']} of {done['username']} revoked"


def web_banner(app, url: str) -> str:
    """The line `up` prints about the web UI, with how to make the first account when none exists."""
    hint = "" if user_count(app) else "  (no accounts yet: invoicepipe user add NAME --role admin)"
    return f"  web UI     {url}{hint}"
