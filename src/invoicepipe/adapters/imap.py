"""An IMAP mailbox over TLS (IMAPS) or STARTTLS, through IMAPClient.

IMAPClient (a well-kept wrapper of the standard ``imaplib``) parses FETCH responses, speaks
UID commands throughout and knows MOVE; the standard library alone would leave response
parsing to us. Every failure leaves here as ``MailboxUnavailable`` (transient: the poller
reconnects with back-off), described by the mailbox's name and the error's kind only: a
server's or library's message may quote the command that failed, and LOGIN carries the
password.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from typing import Optional

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ..config_mail import MailSettings
from ..errors import TransientError


class MailboxUnavailable(TransientError):
    """The mailbox cannot be reached, refuses the login, or broke off mid-command."""


@dataclass(frozen=True)
class Waiting:
    """A message in the polled folder: its UID and size (RFC822.SIZE)."""

    uid: int
    size: int


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """Certificates and host names are always checked: against the system's CAs, or only
    against ``INVOICEPIPE_IMAP_CA_FILE`` when it is set (a private CA, a self-signed server)."""
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate not trusted (INVOICEPIPE_IMAP_CA_FILE names the CA to trust)"
    if isinstance(exc, LoginError):
        return "login refused (check INVOICEPIPE_IMAP_USER and INVOICEPIPE_IMAP_PASSWORD)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return type(exc).__name__


class ImapMailbox:
    """One connection to one folder; ``open`` (re)connects when there is none."""

    def __init__(self, settings: MailSettings, client_factory=IMAPClient):
        self.settings = settings
        self.client_factory = client_factory
        self.client: Optional[IMAPClient] = None
        self.uidvalidity: Optional[int] = None

    @property
    def name(self) -> str:
        return self.settings.mailbox

    def open(self) -> int:
        """Connect, log in, make sure the processed and rejected folders exist, select the
        polled folder; returns its UIDVALIDITY (UIDs are only unique within one)."""
        if self.client is not None:
            try:
                return self._guard(self._noop)
            except MailboxUnavailable:
                pass  # the server dropped the connection between rounds (idle timeout): connect anew
        s = self.settings
        try:
            client = self.client_factory(s.host, port=s.port, ssl=s.security == "tls", ssl_context=tls_context(s),
                                         timeout=s.timeout_s)
        except (OSError, IMAPClientError, socket.timeout) as exc:
            raise MailboxUnavailable(f"mailbox {self.name}: cannot connect ({_describe(exc)})") from None
        self.client = client
        return self._guard(self._start)

    def _start(self) -> int:
        s, client = self.settings, self.client
        if s.security == "starttls":
            client.starttls(tls_context(s))
        client.login(s.user, s.password)
        for folder in (s.processed_folder, s.rejected_folder):
            if not client.folder_exists(folder):
                client.create_folder(folder)
        selected = client.select_folder(s.folder)
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        return self.uidvalidity

    def _noop(self) -> int:
        self.client.noop()
        return self.uidvalidity

    def waiting(self) -> list[Waiting]:
        """Every message in the polled folder, oldest UID first (taken ones were moved out)."""
        def run():
            uids = sorted(self.client.search("ALL"))
            sizes = self.client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
            return [Waiting(uid, int(sizes[uid][b"RFC822.SIZE"])) for uid in uids if uid in sizes]
        return self._guard(run)

    def fetch(self, uid: int) -> Optional[bytes]:
        """The whole message (without setting \\Seen), or None when it is gone."""
        return self._fetch(uid, b"BODY.PEEK[]", b"BODY[]")

    def fetch_header(self, uid: int) -> Optional[bytes]:
        return self._fetch(uid, b"BODY.PEEK[HEADER]", b"BODY[HEADER]")

    def _fetch(self, uid: int, item: bytes, key: bytes) -> Optional[bytes]:
        found = self._guard(lambda: self.client.fetch([uid], [item]))
        return found.get(uid, {}).get(key)

    def move(self, uid: int, folder: str) -> None:
        """Move one message (MOVE where the server has it, else COPY, flag and expunge).
        A message another poller moved already is gone: nothing to do."""
        def run():
            if self.client.has_capability("MOVE"):
                self.client.move([uid], folder)
            else:
                self.client.copy([uid], folder)
                self.client.delete_messages([uid])
                self.client.uid_expunge([uid]) if self.client.has_capability("UIDPLUS") else self.client.expunge()
        self._guard(run)

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.logout()
            except Exception:  # noqa: BLE001 - the connection may be gone already; dropping it is all we want
                try:
                    client.shutdown()
                except Exception:  # noqa: BLE001
                    pass

    def _guard(self, fn):
        try:
            return fn()
        except (OSError, IMAPClientError, socket.timeout) as exc:
            self.close()  # a broken connection is never used again; open() makes a new one
            raise MailboxUnavailable(f"mailbox {self.name}: {_describe(exc)}") from None
