"""The mailbox poller on a mailbox in memory: each message once, its attachments documents,
refused messages moved aside with a reason, nothing lost when the mailbox goes away."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.documents import utcnow
from invoicepipe.adapters.imap import MailboxUnavailable
from invoicepipe.config import Settings
from invoicepipe.config_mail import MailSettings
from invoicepipe.domain.models import Status
from invoicepipe.errors import ConfigError
from invoicepipe.logs import configure_logging
from invoicepipe.services.mail_intake import poll_mailbox
from invoicepipe.services.mail_poller import MailPoller
from tests.fakes import fake_pdf
from tests.mail_samples import MemoryMailbox, invoice_mail

PASSWORD = "s3cret-imap-pass"


@pytest.fixture
def mail_app(app):
    app.settings = dataclasses.replace(app.settings, mail=MailSettings(
        host="imap.example", user="ap", password=PASSWORD, max_message_bytes=200_000, poll_interval_s=0.01,
        backoff_base_s=0.01, backoff_cap_s=0.02))
    return app


def ledger(app) -> list[dict]:
    with app.uow.begin() as tx:
        return list(reversed(tx.mail.recent(100)))


def documents(app) -> list:
    with app.uow.begin() as tx:
        return tx.documents.recent(None, 100)


def events(app, step: str) -> list[dict]:
    with app.uow.begin() as tx:
        rows = tx.conn.execute(select(t.audit_events).where(t.audit_events.c.step == step).order_by(t.audit_events.c.seq)).all()
    return [dict(r._mapping) for r in rows]


def test_a_new_message_is_taken_once_and_its_attachment_becomes_a_document(mail_app):
    box = MemoryMailbox(invoice_mail("INV-1"))
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["taken"]
    assert poll_mailbox(mail_app, box, "p1").outcomes == []  # moved out: nothing waits any more
    assert list(box.folders["Processed"]) == [1] and not box.folders["INBOX"]
    [row] = ledger(mail_app)
    [doc] = documents(mail_app)
    assert row["outcome"] == "taken" and row["uid"] == 1 and row["uidvalidity"] == 7 and row["message_key"] and row["sha256"]
    assert doc.filename == "INV-1.pdf" and doc.status == Status.RECEIVED and doc.channel == "email"
    assert doc.message_db_id == row["message_db_id"] is not None
    assert [e["outcome"] for e in events(mail_app, "email_received")] == ["split"]


def test_a_second_delivery_of_the_same_message_is_not_taken_again(mail_app):
    """Same Message-ID with other relay headers (other bytes), and the very same bytes again."""
    first = invoice_mail("INV-2", message_id="<inv-2@vendor.example>")
    box = MemoryMailbox(first)
    poll_mailbox(mail_app, box, "p1")
    box.deliver(invoice_mail("INV-2", message_id="<inv-2@vendor.example>", received="from mx2.example.net"))
    box.deliver(first)
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["again", "again"]
    assert sorted(box.folders["Processed"]) == [1, 2, 3]
    assert len(ledger(mail_app)) == 1 and len(documents(mail_app)) == 1
    assert len(events(mail_app, "email_received")) == 1


def test_a_message_without_a_message_id_is_known_by_its_bytes(mail_app):
    raw = invoice_mail("INV-3", message_id="")
    box = MemoryMailbox(raw)
    poll_mailbox(mail_app, box, "p1")
    box.deliver(raw)
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["again"]
    assert ledger(mail_app)[0]["message_key"] is None and len(documents(mail_app)) == 1


def test_a_message_without_attachments_is_rejected_with_its_reason(mail_app):
    box = MemoryMailbox(invoice_mail("INV-4", attachments=[]))
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["rejected"]
    assert list(box.folders["Rejected"]) == [1]
    [row] = ledger(mail_app)
    assert row["outcome"] == "rejected" and row["reason"] == "no usable attachment: e-mail has no attachments (nothing to process)"
    [doc] = documents(mail_app)  # the message itself, visible in `rejected`
    assert doc.status == Status.REJECTED


def test_a_message_whose_attachments_are_all_unusable_is_rejected(mail_app):
    box = MemoryMailbox(invoice_mail("INV-5", attachments=[("terms.docx", b"PK\x03\x04 office", ("application", "octet-stream"))]))
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["rejected"]
    assert "ZIP archive or Office document" in ledger(mail_app)[0]["reason"]


def test_a_message_over_the_size_limit_is_rejected_unread(mail_app):
    big = invoice_mail("INV-6", attachments=[("scan.pdf", b"%PDF-1.7\n" + b"0" * 300_000, ("application", "pdf"))])
    box = MemoryMailbox(big)
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["rejected"]
    [row] = ledger(mail_app)
    assert row["sha256"] is None and row["message_key"] and "over the limit of 200000" in row["reason"]
    assert documents(mail_app) == []
    [event] = events(mail_app, "email_received")
    assert event["outcome"] == "refused" and event["reasons"][0]["code"] == "unsupported_input"
    assert list(box.folders["Rejected"]) == [1]


def test_a_forwarded_message_attached_as_eml_gives_its_attachments(mail_app):
    inner = invoice_mail("INV-7")
    box = MemoryMailbox(invoice_mail("FWD-7", attachments=[], nested=inner))
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["taken"]
    [doc] = documents(mail_app)
    assert doc.filename == "INV-7.pdf" and doc.message_db_id == ledger(mail_app)[0]["message_db_id"]


def test_an_xml_attachment_is_stored_as_a_document_like_any_other(mail_app):
    xml = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    box = MemoryMailbox(invoice_mail("INV-8", attachments=[("INV-8.pdf", fake_pdf("Invoice No: INV-8"), ("application", "pdf")),
                                                           ("INV-8.xml", xml, ("application", "xml"))]))
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["taken"]
    assert sorted(d.filename for d in documents(mail_app)) == ["INV-8.pdf", "INV-8.xml"]


def test_a_mailbox_gone_before_the_move_loses_nothing_and_takes_nothing_twice(mail_app):
    box = MemoryMailbox(invoice_mail("INV-9"), invoice_mail("INV-10"))
    box.fail_on["move"] = 1
    with pytest.raises(MailboxUnavailable):
        poll_mailbox(mail_app, box, "p1")
    assert len(box.folders["INBOX"]) == 2 and ledger(mail_app)[0]["outcome"] == "taken"
    assert poll_mailbox(mail_app, box, "p1").outcomes == ["again", "taken"]
    assert sorted(box.folders["Processed"]) == [1, 2] and len(documents(mail_app)) == 2
    assert [e["outcome"] for e in events(mail_app, "email_received")] == ["split", "split"]


def test_a_live_claim_of_another_poller_is_left_alone_and_an_expired_one_taken_over(mail_app):
    box = MemoryMailbox(invoice_mail("INV-11"))
    box.fail_on["move"] = 1
    with pytest.raises(MailboxUnavailable):  # p1 took it; pretend it died before finishing
        poll_mailbox(mail_app, box, "p1")
    with mail_app.uow.begin() as tx:
        tx.conn.execute(update(t.mail_messages).values(outcome="claimed", claimed_until=utcnow() + timedelta(minutes=5)))
    assert poll_mailbox(mail_app, box, "p2").outcomes == ["busy"]
    with mail_app.uow.begin() as tx:
        tx.conn.execute(update(t.mail_messages).values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert poll_mailbox(mail_app, box, "p2").outcomes == ["taken"]
    assert ledger(mail_app)[0]["claimed_by"] == "p2" and len(documents(mail_app)) == 1


def test_a_message_another_poller_just_finished_is_left_for_it_to_move(mail_app):
    """Two IMAP sessions moving one message at once can each copy it (seen with Dovecot):
    only the poller that finished it moves it, until its claim's length has passed."""
    box = MemoryMailbox(invoice_mail("INV-12"))
    box.fail_on["move"] = 1
    with pytest.raises(MailboxUnavailable):  # p1 recorded it and is about to move it
        poll_mailbox(mail_app, box, "p1")
    assert poll_mailbox(mail_app, box, "p2").outcomes == ["busy"]
    assert len(box.folders["INBOX"]) == 1
    with mail_app.uow.begin() as tx:  # p1 never came back
        tx.conn.execute(update(t.mail_messages).values(finished_at=utcnow() - timedelta(seconds=mail_app.settings.mail.claim_s + 1)))
    assert poll_mailbox(mail_app, box, "p2").outcomes == ["again"]
    assert sorted(box.folders["Processed"]) == [1] and len(documents(mail_app)) == 1


def test_the_poller_backs_off_and_carries_on_when_the_mailbox_is_away(mail_app):
    box = MemoryMailbox(invoice_mail("INV-12"))
    box.fail_on["open"] = 3
    poller = MailPoller(mail_app, box, on_round=lambda report: poller.stopping.set() if report.outcomes else None)
    buf = io.StringIO()
    configure_logging("DEBUG", stream=buf)
    try:
        poller.run()
    finally:
        configure_logging("INFO")
    assert box.folders["Processed"] and poller.failures == 0
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    failed = [line for line in lines if line["event"] == "mail_poll_failed"]
    assert [line["failures"] for line in failed] == [1, 2, 3] and all(line["level"] == "warning" for line in failed)
    assert PASSWORD not in buf.getvalue()


def test_mail_settings_need_user_and_password_and_never_show_the_password(tmp_path):
    env = {"INVOICEPIPE_IMAP_HOST": "imap.example", "INVOICEPIPE_IMAP_USER": "ap", "INVOICEPIPE_IMAP_PASSWORD": PASSWORD}
    mail = Settings.from_env(env).mail
    assert mail.port == 993 and mail.security == "tls" and mail.ca_file is None
    assert PASSWORD not in repr(mail) and PASSWORD not in repr(Settings.from_env(env)) and PASSWORD not in mail.mailbox
    assert Settings.from_env({**env, "INVOICEPIPE_IMAP_SECURITY": "starttls"}).mail.port == 143
    assert Settings.from_env({}).mail is None
    for bad in ({"INVOICEPIPE_IMAP_PASSWORD": ""}, {"INVOICEPIPE_IMAP_SECURITY": "none"},
                {"INVOICEPIPE_IMAP_CA_FILE": str(tmp_path / "missing.pem")}, {"INVOICEPIPE_IMAP_REJECTED_FOLDER": "INBOX"}):
        with pytest.raises(ConfigError) as err:
            Settings.from_env({**env, **bad})
        assert PASSWORD not in str(err.value)


def test_up_and_serve_start_no_poller_without_a_mailbox(app):
    from invoicepipe.services.mail_poller import start_mail_poller

    assert app.settings.mail is None and start_mail_poller(app) is None
