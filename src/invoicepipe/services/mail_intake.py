"""Take new messages from a mailbox: each once, its attachments stored as documents.

For each message in the polled folder: read it (unless it is over the size limit), claim it
in the ledger (``mail_messages``: unique by Message-ID and by content hash, so a second
delivery or a second poller finds the claim), ingest it through the same code as a dropped
``.eml`` (``ingest_bytes``: one place splits a message), record the outcome, then move it
to the processed or rejected folder. The move comes last: a poller that stops anywhere
before it leaves the message in the folder, and the next round finds the ledger row and
only finishes the move, so nothing is lost and nothing is taken twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol

from sqlalchemy.exc import IntegrityError

from ..adapters.blobs import sha256_of
from ..adapters.db.mail_ledger import CLAIMED, REJECTED, TAKEN, is_expired, moving_elsewhere
from ..domain.mail_keys import message_key, read_message_id
from ..domain.names import safe_name
from ..errors import TransientError, UnsupportedInput
from ..observability.events import mail_message
from .ingest import ingest_bytes
from .transitions import log_step, reason, record

ACTOR = "system:mail"


class Mailbox(Protocol):
    """The port the poller needs; ``adapters.imap.ImapMailbox`` is the IMAP implementation."""

    name: str

    def open(self) -> int: ...  # connect if needed; the polled folder's UIDVALIDITY
    def waiting(self) -> list: ...  # [Waiting(uid, size)], oldest first
    def fetch(self, uid: int) -> Optional[bytes]: ...
    def fetch_header(self, uid: int) -> Optional[bytes]: ...
    def move(self, uid: int, folder: str) -> None: ...
    def close(self) -> None: ...


@dataclass
class PollReport:
    """What one round did, message by message (outcome: taken, rejected, again, busy, gone)."""

    outcomes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return self.outcomes.count(outcome)


def poll_mailbox(app, mailbox: Mailbox, poller: str) -> PollReport:
    """One round over every message waiting in the folder. Raises TransientError when the
    mailbox or the database goes away mid-round; what was done so far stays done."""
    uidvalidity = mailbox.open()
    report = PollReport()
    for waiting in mailbox.waiting():
        report.outcomes.append(take_message(app, mailbox, uidvalidity, waiting.uid, waiting.size, poller))
    return report


def take_message(app, mailbox: Mailbox, uidvalidity: int, uid: int, size: int, poller: str) -> str:
    settings = app.settings.mail
    with app.uow.begin() as tx:  # this UID seen before: no need to download it again
        seen = tx.mail.find(message_key=None, sha256=None, mailbox=mailbox.name, uidvalidity=uidvalidity, uid=uid)
    if seen is not None and seen["outcome"] != CLAIMED:
        return _again(app, mailbox, uid, seen, poller)
    if seen is not None and seen["claimed_by"] != poller and not is_expired(seen):
        return "busy"  # another poller is on it; it moves the message when done
    too_big = size > settings.max_message_bytes
    data = None if too_big else mailbox.fetch(uid)
    head = mailbox.fetch_header(uid) if too_big else data
    if head is None:
        return "gone"  # another poller moved it between our listing and our fetch
    message_id = read_message_id(head)
    keys = dict(message_key=message_key(message_id), sha256=sha256_of(data) if data is not None else None,
                mailbox=mailbox.name, uidvalidity=uidvalidity, uid=uid)
    row_id, state, row = _claim(app, poller, settings.claim_s, keys, message_id, size)
    if state == "busy":
        return "busy"
    if state == "done":
        return _again(app, mailbox, uid, row, poller)
    if too_big:
        outcome, why, message_db_id = REJECTED, (f"message is {size} bytes, over the limit of {settings.max_message_bytes} "
                                                  "(INVOICEPIPE_IMAP_MAX_MESSAGE_BYTES)"), None
    else:
        outcome, why, message_db_id = _ingest(app, data, uid)
    _finish(app, row_id, poller, outcome, why, message_db_id, refused_unread=too_big,
            inputs={"mailbox": mailbox.name, "uid": uid, "message_id": message_id, "size_bytes": size})
    mailbox.move(uid, _folder(settings, outcome))
    mail_message(outcome)
    return outcome


def _again(app, mailbox: Mailbox, uid: int, row: dict, poller: str) -> str:
    """A message taken (or refused) before: a second delivery, a copy moved back into the
    folder, or one whose move a stopped poller did not finish. It is only moved on, and
    not while the poller that finished it a moment ago is moving it itself."""
    if moving_elsewhere(row, poller, app.settings.mail.claim_s):
        return "busy"
    mailbox.move(uid, _folder(app.settings.mail, row["outcome"]))
    mail_message("again")
    app.log.info("mail_again", mailbox=mailbox.name, uid=uid, ledger_id=row["id"], outcome=row["outcome"])
    return "again"


def _folder(settings, outcome: str) -> str:
    return settings.rejected_folder if outcome == REJECTED else settings.processed_folder


def _claim(app, poller: str, claim_s: float, keys: dict, message_id: Optional[str], size: int):
    """(row id, "mine" | "busy" | "done", the row that was there)."""
    for _ in range(2):  # a concurrent poller wins the insert; we then find its row
        try:
            with app.uow.begin() as tx:
                row = tx.mail.find(**keys)
                if row is None:
                    return tx.mail.claim(poller=poller, lease_s=claim_s, message_id_header=message_id, size_bytes=size, **keys), "mine", None
                if row["outcome"] != CLAIMED:
                    return row["id"], "done", row
                return row["id"], "mine" if tx.mail.take_over(row["id"], poller, claim_s) else "busy", row
        except IntegrityError:
            continue
    raise TransientError("mail ledger: concurrent claims kept conflicting")


def _ingest(app, data: bytes, uid: int) -> tuple[str, Optional[str], Optional[int]]:
    """Store the message and its attachments as documents; rejected when none is usable."""
    try:
        result = ingest_bytes(app, data, f"mail-{uid}.eml", "email", ACTOR)
    except UnsupportedInput as exc:  # the message cannot be parsed at all
        return REJECTED, exc.reason, None
    with app.uow.begin() as tx:
        stored = tx.documents.message_by_sha256(sha256_of(data))
    message_db_id = stored["id"] if stored else None
    if result.rejected:
        why = "; ".join(dict.fromkeys(result.reasons)) or "no usable attachment"
        return REJECTED, f"no usable attachment: {why}", message_db_id
    return TAKEN, None, message_db_id


def _finish(app, row_id: int, poller: str, outcome: str, why: Optional[str], message_db_id: Optional[int], *,
            refused_unread: bool, inputs: dict) -> None:
    """The outcome in the ledger; a message refused unread (too big) gets its own audit
    event, since ingest never saw it (every other message has its ``email_received``)."""
    event = None
    with app.uow.begin() as tx:
        if not tx.mail.finish(row_id, poller, outcome, why, message_db_id):
            raise TransientError("mail ledger: the claim expired and another poller took the message over")
        if refused_unread:
            inputs = {**inputs, "message_id": safe_name(inputs.get("message_id") or "", "")}
            event = record(tx, None, step="email_received", actor=ACTOR, outcome="refused",
                           reasons=[reason("unsupported_input", why)], inputs=inputs)
    log_step(app, event, mailbox=inputs["mailbox"], uid=inputs["uid"])
    emit = app.log.warning if outcome == REJECTED else app.log.info
    emit("mail_" + outcome, mailbox=inputs["mailbox"], uid=inputs["uid"], ledger_id=row_id, message_db_id=message_db_id,
         reason=why)
