"""E-mails to feed the mailbox poller, and a mailbox in memory (the port without a server)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from typing import Optional

from invoicepipe.adapters.imap import MailboxUnavailable, Waiting
from tests.fakes import fake_pdf


def invoice_mail(number: str, *, message_id: Optional[str] = None, attachments: Optional[list] = None,
                 nested: Optional[bytes] = None, received: str = "from mx1.example.net") -> bytes:
    """A vendor's e-mail: a body, the invoice PDF (unless ``attachments`` says otherwise),
    and optionally a forwarded message attached as ``message/rfc822``."""
    msg = EmailMessage()
    msg["Received"] = received
    msg["From"] = "billing@vendor.example"
    msg["To"] = "ap@buyer.example"
    msg["Subject"] = f"Invoice {number}"
    msg["Message-ID"] = message_id if message_id is not None else make_msgid(idstring=number, domain="vendor.example")
    msg.set_content(f"Please find invoice {number} attached.")
    for filename, data, (maintype, subtype) in ([(f"{number}.pdf", fake_pdf(f"Invoice No: {number}", "Total: 119.00 EUR"),
                                                  ("application", "pdf"))] if attachments is None else attachments):
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if nested is not None:
        from email import message_from_bytes, policy

        msg.add_attachment(message_from_bytes(nested, policy=policy.default), filename="forwarded.eml")
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


class MemoryMailbox:
    """``services.mail_intake.Mailbox`` over a dict of folders; ``fail_on`` makes one call
    raise MailboxUnavailable once (a server going away at that point)."""

    name = "ap@memory:993/INBOX"

    def __init__(self, *messages: bytes, uidvalidity: int = 7):
        self.uidvalidity, self.next_uid = uidvalidity, 1
        self.folders: dict[str, dict[int, bytes]] = {"INBOX": {}, "Processed": {}, "Rejected": {}}
        self.fail_on: dict[str, int] = {}
        self.opened = 0
        for raw in messages:
            self.deliver(raw)

    def deliver(self, raw: bytes) -> int:
        uid, self.next_uid = self.next_uid, self.next_uid + 1
        self.folders["INBOX"][uid] = raw
        return uid

    def _maybe_fail(self, call: str) -> None:
        if self.fail_on.get(call):
            self.fail_on[call] -= 1
            raise MailboxUnavailable(f"mailbox {self.name}: ConnectionResetError: Connection reset by peer")

    def open(self) -> int:
        self._maybe_fail("open")
        self.opened += 1
        return self.uidvalidity

    def waiting(self) -> list[Waiting]:
        return [Waiting(uid, len(raw)) for uid, raw in sorted(self.folders["INBOX"].items())]

    def fetch(self, uid: int) -> Optional[bytes]:
        self._maybe_fail("fetch")
        return self.folders["INBOX"].get(uid)

    def fetch_header(self, uid: int) -> Optional[bytes]:
        raw = self.folders["INBOX"].get(uid)
        return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0] if raw is not None else None

    def move(self, uid: int, folder: str) -> None:
        self._maybe_fail("move")
        raw = self.folders["INBOX"].pop(uid, None)
        if raw is not None:
            self.folders[folder][uid] = raw

    def close(self) -> None:
        pass
