"""The mailbox poller's loop: a round every poll interval, and when the mailbox (or the
database) goes away, reconnect after an exponential back-off with jitter until it is back.

The loop itself never gives up: an operator learns of a mailbox that cannot be read from
the ``invoicepipe_mail_*`` metrics and the InvoicepipeMailboxUnreadable alert
(runbooks/mailbox-unreadable.md), and from the ``mail_poll_failed`` log lines.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Callable, Optional

from ..errors import TransientError
from ..observability.events import mail_poll
from .export import backoff_delay
from .mail_intake import Mailbox, PollReport, poll_mailbox


def poller_id() -> str:
    """Names this poller's claims in the ledger: host, process and a random part, so two
    pollers in one process (or a restarted one with a reused pid) never share claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200]


class MailPoller:
    """``run()`` until ``stop()``; usable as a thread's target (``start``/``stop`` like the
    other background loops of ``runtime.py``)."""

    def __init__(self, app, mailbox: Mailbox, *, on_round: Optional[Callable[[PollReport], None]] = None):
        self.app, self.mailbox = app, mailbox
        self.settings = app.settings.mail
        self.poller = poller_id()
        self.stopping = threading.Event()
        self.on_round = on_round
        self.failures = 0
        self.thread: Optional[threading.Thread] = None

    def run_once(self) -> PollReport:
        """One round, counted; raises when the mailbox or the database failed."""
        try:
            report = poll_mailbox(self.app, self.mailbox, self.poller)
        except Exception:
            mail_poll(False)
            raise
        mail_poll(True)
        return report

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                report = self.run_once()
            except Exception as exc:  # noqa: BLE001 - the loop outlives any one failure; the next round may succeed
                self._failed(exc)
                continue
            self.failures = 0
            if report.outcomes:
                self.app.log.info("mail_polled", mailbox=self.mailbox.name, **{o: report.count(o) for o in set(report.outcomes)})
            if self.on_round:
                self.on_round(report)
            self.stopping.wait(self.settings.poll_interval_s)
        self.mailbox.close()

    def _failed(self, exc: Exception) -> None:
        self.mailbox.close()
        delay = backoff_delay(self.failures, base_s=self.settings.backoff_base_s, cap_s=self.settings.backoff_cap_s)
        self.failures += 1
        # Our own errors carry a message made to be shown (never a password); anything else
        # is named by its kind only, since its text may quote what it choked on.
        error = str(exc) if isinstance(exc, TransientError) else type(exc).__name__
        emit = self.app.log.warning if isinstance(exc, TransientError) else self.app.log.error
        emit("mail_poll_failed", mailbox=self.mailbox.name, error=error, failures=self.failures, retry_in_s=round(delay, 2))
        self.stopping.wait(delay)

    def start(self) -> "MailPoller":
        self.thread = threading.Thread(target=self.run, name="mail", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=self.settings.timeout_s + 5)


def start_mail_poller(app) -> Optional[MailPoller]:
    """The poller of the configured mailbox in a thread, or None when none is configured."""
    if app.settings.mail is None:
        return None
    from ..adapters.imap import ImapMailbox

    return MailPoller(app, ImapMailbox(app.settings.mail)).start()
