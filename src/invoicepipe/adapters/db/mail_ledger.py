"""Repository for the IMAP poller's ledger (``mail_messages``): claim, finish, look up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import Connection, func, insert, or_, select, update

from . import tables as t
from .documents import utcnow

CLAIMED, TAKEN, REJECTED = "claimed", "taken", "rejected"


class MailLedgerRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def find(self, *, message_key: Optional[str], sha256: Optional[str], mailbox: str, uidvalidity: int, uid: int) -> Optional[dict]:
        """The row that already stands for this message: same Message-ID, same bytes, or the
        same UID of the same mailbox generation (oldest first when several match)."""
        c = t.mail_messages.c
        same = [(c.mailbox == mailbox) & (c.uidvalidity == uidvalidity) & (c.uid == uid)]
        if message_key:
            same.append(c.message_key == message_key)
        if sha256:
            same.append(c.sha256 == sha256)
        row = self.conn.execute(select(t.mail_messages).where(or_(*same)).order_by(c.id).limit(1)).first()
        return dict(row._mapping) if row else None

    def claim(self, *, poller: str, lease_s: float, **values) -> int:
        """Insert a claimed row; raises IntegrityError when another row has the same keys."""
        now = utcnow()
        result = self.conn.execute(insert(t.mail_messages).values(
            outcome=CLAIMED, claimed_by=poller, claimed_until=now + timedelta(seconds=lease_s), first_seen_at=now, **values))
        return int(result.inserted_primary_key[0])

    def take_over(self, row_id: int, poller: str, lease_s: float) -> bool:
        """Claim a row whose claim is ours or has expired (its poller died half-way)."""
        c, now = t.mail_messages.c, utcnow()
        result = self.conn.execute(
            update(t.mail_messages)
            .where(c.id == row_id, c.outcome == CLAIMED, or_(c.claimed_by == poller, c.claimed_until < now))
            .values(claimed_by=poller, claimed_until=now + timedelta(seconds=lease_s)))
        return result.rowcount == 1

    def finish(self, row_id: int, poller: str, outcome: str, reason: Optional[str], message_db_id: Optional[int]) -> bool:
        """Record the outcome, if the claim is still ours (guarded update)."""
        c = t.mail_messages.c
        result = self.conn.execute(
            update(t.mail_messages).where(c.id == row_id, c.outcome == CLAIMED, c.claimed_by == poller)
            .values(outcome=outcome, reason=reason, message_db_id=message_db_id, claimed_until=None, finished_at=utcnow()))
        return result.rowcount == 1

    def recent(self, limit: int = 20, outcome: Optional[str] = None) -> list[dict]:
        query = select(t.mail_messages).order_by(t.mail_messages.c.id.desc()).limit(limit)
        if outcome:
            query = query.where(t.mail_messages.c.outcome == outcome)
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def counts(self) -> dict[str, int]:
        c = t.mail_messages.c
        return {r[0]: int(r[1]) for r in self.conn.execute(select(c.outcome, func.count()).group_by(c.outcome))}


def is_expired(row: dict, now: Optional[datetime] = None) -> bool:
    until = row.get("claimed_until")
    if until is None:
        return True
    if until.tzinfo is None:  # SQLite gives naive datetimes back; everything we write is UTC
        until = until.replace(tzinfo=(now or utcnow()).tzinfo)
    return until < (now or utcnow())


def moving_elsewhere(row: dict, poller: str, grace_s: float, now: Optional[datetime] = None) -> bool:
    """Whether another poller finished this message less than ``grace_s`` ago and is still
    to move it itself. Two IMAP sessions moving one message at once can each copy it before
    either expunges it, so only the poller that finished it moves it, until the grace (its
    claim's length) has passed: then it has surely stopped, and anyone finishes the move."""
    finished = row.get("finished_at")
    if row.get("claimed_by") == poller or finished is None:
        return False
    now = now or utcnow()
    if finished.tzinfo is None:  # SQLite gives naive datetimes back; everything we write is UTC
        finished = finished.replace(tzinfo=now.tzinfo)
    return (now - finished).total_seconds() < grace_s
