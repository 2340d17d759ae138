"""The mailbox poller against a real Dovecot IMAP server on 127.0.0.1 (tests/integration/dovecot.py).

New messages are taken once over IMAPS and over STARTTLS; two pollers at once take each
message once; the server stopped mid-round and started again loses nothing and takes
nothing twice; a message without attachments lands in the rejected folder with its reason;
a forwarded .eml gives its attachment; the certificate is checked unless its CA is named;
the password is in no log line and no error.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
from sqlalchemy import func, select

from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.imap import ImapMailbox, MailboxUnavailable
from invoicepipe.bootstrap import bootstrap
from invoicepipe.cli import main
from invoicepipe.config import Settings
from invoicepipe.logs import configure_logging
from invoicepipe.services.mail_poller import MailPoller
from tests.integration.dovecot import PASSWORD
from tests.mail_samples import invoice_mail

pytestmark = pytest.mark.integration


def make_app(tmp_path, dovecot, database_url=None, security="tls", **env):
    settings = Settings.from_env({**dovecot.env(security), **env}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox",
                                 database_url=database_url or f"sqlite:///{tmp_path / 'var' / 'mail.db'}")
    app = bootstrap(settings, log_level="WARNING")
    app.enqueuer = DeferredEnqueuer()  # parsing is not under test here
    return app


def counts(app) -> dict:
    with app.uow.begin() as tx:
        split = tx.conn.execute(select(func.count()).select_from(t.audit_events).where(
            t.audit_events.c.step == "email_received", t.audit_events.c.outcome == "split")).scalar()
        return {"ledger": tx.mail.counts(), "documents": len(tx.documents.recent(None, 1000)), "split": split}


def run_until(poller: MailPoller, done, timeout: float = 90.0) -> None:
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done():
        time.sleep(0.1)
    poller.stopping.set()
    thread.join(30)
    assert done(), "the poller did not finish in time"


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_new_messages_are_taken_once_and_moved(tmp_path, dovecot, security):
    dovecot.deliver(invoice_mail("INV-1"), invoice_mail("INV-2"), invoice_mail("NOTE-3", attachments=[]))
    app = make_app(tmp_path, dovecot, security=security)
    poller = MailPoller(app, ImapMailbox(app.settings.mail))
    try:
        assert sorted(poller.run_once().outcomes) == ["rejected", "taken", "taken"]
        assert poller.run_once().outcomes == []  # a second round finds nothing new
    finally:
        poller.mailbox.close()
    assert dovecot.messages("INBOX") == []
    assert len(dovecot.messages("Processed")) == 2
    [refused] = dovecot.messages("Rejected")
    assert b"NOTE-3" in refused
    found = counts(app)
    assert found["ledger"] == {"taken": 2, "rejected": 1} and found["split"] == 3
    with app.uow.begin() as tx:
        [row] = tx.mail.recent(10, "rejected")
    assert row["reason"] == "no usable attachment: e-mail has no attachments (nothing to process)"
    app.close()


def test_the_command_takes_new_messages_and_shows_the_ledger(tmp_path, dovecot, monkeypatch, capsys):
    for key, value in {**dovecot.env(), "INVOICEPIPE_VAR_DIR": str(tmp_path / "var"), "INVOICEPIPE_INBOX": str(tmp_path / "inbox")}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    dovecot.deliver(invoice_mail("FWD-4", attachments=[], nested=invoice_mail("INV-4")))
    assert main(["mail", "--once"]) == 0
    assert "taken 1" in capsys.readouterr().out
    assert main(["mail", "status"]) == 0
    out = capsys.readouterr().out
    assert "taken 1" in out and "FWD-4" in out
    assert main(["show", "1"]) == 0
    assert "INV-4.pdf" in capsys.readouterr().out  # the forwarded message's attachment
    assert len(dovecot.messages("Processed")) == 1


def test_two_pollers_at_once_take_each_message_once(tmp_path, dovecot, postgres_url):
    messages = [invoice_mail(f"INV-{n}") for n in range(12)]
    dovecot.deliver(*messages)
    apps = [make_app(tmp_path / name, dovecot, postgres_url) for name in ("a", "b")]
    pollers = [MailPoller(app, ImapMailbox(app.settings.mail)) for app in apps]
    threads = [threading.Thread(target=p.run, daemon=True) for p in pollers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and counts(apps[0])["ledger"].get("taken", 0) < 12:
        time.sleep(0.1)
    for poller, thread in zip(pollers, threads):
        poller.stopping.set()
        thread.join(30)
    found = counts(apps[0])
    assert found == {"ledger": {"taken": 12}, "documents": 12, "split": 12}
    assert dovecot.messages("INBOX") == []
    assert sorted(dovecot.messages("Processed")) == sorted(messages)  # each once, none lost
    for app in apps:
        app.close()


class StopsTheServer(ImapMailbox):
    """Stops the server right after reading the second message: the round breaks off
    between the ledger's record and the move, and while reconnecting."""

    def __init__(self, settings, dovecot):
        super().__init__(settings)
        self.dovecot, self.fetched = dovecot, 0

    def fetch(self, uid):
        data = super().fetch(uid)
        self.fetched += 1
        if self.fetched == 2:
            self.dovecot.stop()
            threading.Timer(1.5, self.dovecot.start).start()
        return data


def test_the_server_stopped_and_started_mid_round_loses_nothing_and_takes_nothing_twice(tmp_path, dovecot, database_url):
    messages = [invoice_mail(f"INV-{n}") for n in range(5)]
    dovecot.deliver(*messages)
    app = make_app(tmp_path, dovecot, database_url)
    poller = MailPoller(app, StopsTheServer(app.settings.mail, dovecot))
    run_until(poller, lambda: counts(app)["ledger"].get("taken", 0) == 5 and poller.failures == 0)
    assert counts(app) == {"ledger": {"taken": 5}, "documents": 5, "split": 5}
    assert dovecot.messages("INBOX") == []
    assert sorted(dovecot.messages("Processed")) == sorted(messages)
    app.close()


def test_the_certificate_is_checked_unless_its_ca_is_named(tmp_path, dovecot):
    app = make_app(tmp_path, dovecot, INVOICEPIPE_IMAP_CA_FILE="")  # the system's CAs do not know the test server
    with pytest.raises(MailboxUnavailable, match="TLS certificate not trusted"):
        ImapMailbox(app.settings.mail).open()
    app.close()


def test_the_password_is_in_no_log_line_and_no_error(tmp_path, dovecot):
    refused_app = make_app(tmp_path / "wrong", dovecot, INVOICEPIPE_IMAP_PASSWORD=PASSWORD + "-wrong")
    app = make_app(tmp_path / "right", dovecot)
    dovecot.deliver(invoice_mail("INV-5"))
    buf = io.StringIO()
    configure_logging("DEBUG", stream=buf)  # after bootstrap, which configures logging itself
    try:
        refusing = MailPoller(refused_app, ImapMailbox(refused_app.settings.mail))
        run_until(refusing, lambda: refusing.failures >= 2)
        poller = MailPoller(app, ImapMailbox(app.settings.mail))
        run_until(poller, lambda: counts(app)["ledger"].get("taken", 0) == 1)
    finally:
        configure_logging("INFO")
        refused_app.close()
        app.close()
    text = buf.getvalue()
    assert "login refused" in text and "mail_taken" in text
    assert PASSWORD not in text
