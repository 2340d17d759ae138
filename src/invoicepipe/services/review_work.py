"""Who works on which invoice: claims and assignments, comments with @mentions, saved filters.

Two reviewers must not work the same invoice and find out only when the second save is
refused. A person *claims* a document (it is theirs for ``CLAIM_FOR``, renewed while they
act on it) or someone *assigns* it to them (``ASSIGN_FOR``). Everyone sees the claim in the
queue and on the page; while it is live, the review actions of anyone else are refused until
they take it over, which is recorded. A claim that expires frees the document by itself, so
a reviewer who goes home leaves nothing locked.

Every claim, assignment, take-over and comment is an audit event.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Optional
from urllib.parse import parse_qsl, urlencode

from ..adapters.db.accounts import AccountRepository
from ..adapters.db.review_work import ReviewWorkRepository
from ..domain.models import Status
from ..errors import PermanentError, StateConflict
from .transitions import record
from .users import HUMAN_ROLES, User, require_role

CLAIM_FOR = timedelta(minutes=30)
ASSIGN_FOR = timedelta(hours=8)
MAX_COMMENT = 4000
MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]{1,63})")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def live_claim(tx, document_id: int) -> Optional[dict]:
    """The claim on a document if it has not expired."""
    claim = ReviewWorkRepository(tx.conn).claim(document_id)
    if claim is None or _aware(claim["expires_at"]) <= _now():
        return None
    return {**claim, "expires_at": _aware(claim["expires_at"])}


def guard(tx, document_id: int, user: User) -> None:
    """Refuse a review action on a document someone else is working on (StateConflict)."""
    claim = live_claim(tx, document_id)
    if claim is not None and claim["username"] != user.username:
        raise StateConflict(f"{claim['username']} is working on document {document_id} (until {claim['expires_at']:%H:%M} UTC); "
                            "take it over first if it is yours to finish")


def renew(tx, document_id: int, user: User) -> None:
    """An action by the claimant keeps their claim alive."""
    repo = ReviewWorkRepository(tx.conn)
    claim = repo.claim(document_id)
    if claim is not None and claim["username"] == user.username:
        repo.set_claim(document_id, user.username, claim["assigned_by"], max(_aware(claim["expires_at"]), _now() + CLAIM_FOR))


def release_on_close(tx, document_id: int) -> None:
    """A document that left review is nobody's work any more."""
    ReviewWorkRepository(tx.conn).clear_claim(document_id)


def _in_review(tx, document_id: int):
    doc = tx.documents.require(document_id)
    if doc.status is not Status.NEEDS_REVIEW:
        raise StateConflict(f"document {document_id} is {doc.status.value.replace('_', ' ')}; only documents in review are claimed")
    return doc


def claim(app, user: User, document_id: int, take_over: bool = False) -> dict:
    """Claim a document for ``CLAIM_FOR``; a live claim of someone else needs ``take_over``."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = _in_review(tx, document_id)
        current = live_claim(tx, document_id)
        if current is not None and current["username"] != user.username and not take_over:
            raise StateConflict(f"{current['username']} is working on document {document_id} until {current['expires_at']:%H:%M} UTC")
        expires = _now() + CLAIM_FOR
        ReviewWorkRepository(tx.conn).set_claim(doc.id, user.username, user.actor, expires)
        taken = current is not None and current["username"] != user.username
        record(tx, doc, step="review_take_over" if taken else "review_claim", actor=user.actor, outcome="claimed",
               inputs={"username": user.username, "expires_at": expires.isoformat(timespec="seconds"),
                       **({"from": current["username"]} if taken else {})})
    return {"document_id": document_id, "username": user.username, "expires_at": expires.isoformat(timespec="seconds")}


def unclaim(app, user: User, document_id: int) -> None:
    """Give a document back: the claimant, or a controller for anyone's claim."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
        current = live_claim(tx, document_id)
        if current is None:
            return
        if current["username"] != user.username:
            require_role(user, "controller")
        ReviewWorkRepository(tx.conn).clear_claim(document_id)
        record(tx, doc, step="review_unclaim", actor=user.actor, outcome="released", inputs={"username": current["username"]})


def assign(app, user: User, document_id: int, username: str) -> dict:
    """Give a document to a person for ``ASSIGN_FOR`` (visible to everyone, audited)."""
    require_role(user, *HUMAN_ROLES)
    name = (username or "").strip().lower().lstrip("@")
    with app.uow.begin() as tx:
        doc = _in_review(tx, document_id)
        account = AccountRepository(tx.conn).user_by_name(name)
        if account is None or not account["active"] or account["role"] not in HUMAN_ROLES:
            raise PermanentError(f"{name or 'nobody'} is not an active reviewer, controller or admin")
        current = live_claim(tx, document_id)
        if current is not None and current["username"] not in (user.username, name):
            require_role(user, "controller")  # moving someone else's work is a controller's call
        expires = _now() + ASSIGN_FOR
        ReviewWorkRepository(tx.conn).set_claim(doc.id, name, user.actor, expires)
        record(tx, doc, step="review_assign", actor=user.actor, outcome="assigned",
               inputs={"username": name, "expires_at": expires.isoformat(timespec="seconds"),
                       **({"from": current["username"]} if current else {})})
    return {"document_id": document_id, "username": name, "expires_at": expires.isoformat(timespec="seconds")}


def mentions_in(body: str, known: set[str]) -> list[str]:
    """The @usernames in a comment that name real accounts, in order, once each."""
    return list(dict.fromkeys(m for m in MENTION.findall(body.lower()) if m in known))


def comment(app, user: User, document_id: int, body: str) -> dict:
    """A comment on a document in any state; @name mentions reach that person's "my work"."""
    require_role(user, *HUMAN_ROLES)
    text = (body or "").strip()
    if not text:
        raise PermanentError("a comment needs some text")
    if len(text) > MAX_COMMENT:
        raise PermanentError(f"a comment is limited to {MAX_COMMENT} characters")
    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
        known = {u["username"] for u in AccountRepository(tx.conn).users() if u["active"]}
        mentioned = mentions_in(text, known)
        comment_id = ReviewWorkRepository(tx.conn).add_comment(doc.id, user.actor, text, mentioned)
        record(tx, doc, step="review_comment", actor=user.actor, outcome="commented",
               inputs={"comment_id": comment_id, "mentions": mentioned, "text": text[:500]})
    return {"id": comment_id, "mentions": mentioned}


def comments(app, document_id: int) -> list[dict]:
    with app.uow.begin() as tx:
        rows = ReviewWorkRepository(tx.conn).comments(document_id)
    return [{"id": r["id"], "actor": r["actor"], "body": r["body"], "mentions": r["mentions"], "at": str(r["created_at"])[:19]}
            for r in rows]


def mentions_of(app, user: User, limit: int = 20) -> list[dict]:
    """Recent comments that mention ``user`` (their inbox beside the queue)."""
    with app.uow.begin() as tx:
        rows = ReviewWorkRepository(tx.conn).recent_comments()
    out = [{"document_id": r["document_id"], "actor": r["actor"], "body": r["body"][:200], "status": r["status"],
            "at": str(r["created_at"])[:19]} for r in rows if user.username in (r["mentions"] or [])]
    return out[:limit]


# -- saved filters ------------------------------------------------------------------------------
FILTER_KEYS = ("reason", "vendor", "channel", "held", "assignee", "sort")


def clean_query(query: str) -> str:
    """Only known queue parameters survive: a saved filter cannot smuggle anything else."""
    pairs = [(k, v[:100]) for k, v in parse_qsl((query or "").lstrip("?"), keep_blank_values=False) if k in FILTER_KEYS]
    return urlencode(pairs)


def save_filter(app, user: User, name: str, query: str) -> None:
    label = (name or "").strip()[:100]
    if not label:
        raise PermanentError("give the filter a name")
    with app.uow.begin() as tx:
        ReviewWorkRepository(tx.conn).save_filter(user.id, label, clean_query(query))


def saved_filters(app, user: User) -> list[dict]:
    with app.uow.begin() as tx:
        return [{"id": f["id"], "name": f["name"], "query": f["query"]} for f in ReviewWorkRepository(tx.conn).saved_filters(user.id)]


def delete_filter(app, user: User, filter_id: int) -> None:
    with app.uow.begin() as tx:
        ReviewWorkRepository(tx.conn).delete_filter(user.id, filter_id)
