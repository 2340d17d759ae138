"""The IMAP adapter without a server: TLS checked by default, errors that never quote the
server or the password, and a connection dropped between rounds replaced at once."""

from __future__ import annotations

import ssl

import pytest
from imapclient.exceptions import IMAPClientAbortError, LoginError

from invoicepipe.adapters.imap import ImapMailbox, MailboxUnavailable, tls_context
from invoicepipe.config_mail import MailSettings

PASSWORD = "pw-never-shown-41"


def settings(**kw) -> MailSettings:
    return MailSettings(host="imap.example", user="ap", password=PASSWORD, **kw)


class FakeClient:
    """Just enough of IMAPClient; ``script`` says what goes wrong."""

    made: list["FakeClient"] = []

    def __init__(self, host, port, ssl, ssl_context, timeout, script=()):
        self.script, self.folders, self.calls = set(script), {"INBOX"}, []
        self.tls = ssl
        FakeClient.made.append(self)

    def starttls(self, context):
        self.calls.append("starttls")

    def login(self, user, password):
        if "login" in self.script:
            raise LoginError(f"b'[AUTHENTICATIONFAILED] Authentication failed for {user} {password}'")
        self.calls.append("login")

    def folder_exists(self, folder):
        return folder in self.folders

    def create_folder(self, folder):
        self.folders.add(folder)

    def select_folder(self, folder):
        return {b"UIDVALIDITY": 42}

    def noop(self):
        if "noop" in self.script:
            raise IMAPClientAbortError("command: NOOP => socket error: EOF")

    def logout(self):
        pass


def factory(script=()):
    FakeClient.made = []
    return lambda *a, **kw: FakeClient(*a, script=script, **kw)


def test_certificates_and_host_names_are_checked_by_default():
    context = tls_context(settings())
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_open_makes_the_folders_and_returns_the_uidvalidity():
    box = ImapMailbox(settings(), client_factory=factory())
    assert box.open() == 42
    assert {"Processed", "Rejected"} <= FakeClient.made[0].folders and FakeClient.made[0].tls


def test_starttls_comes_before_the_login():
    box = ImapMailbox(settings(security="starttls", port=143), client_factory=factory())
    box.open()
    assert FakeClient.made[0].calls[:2] == ["starttls", "login"] and not FakeClient.made[0].tls


def test_a_connection_dropped_between_rounds_is_replaced_at_once():
    box = ImapMailbox(settings(), client_factory=factory(script={"noop"}))
    box.open()
    assert box.open() == 42 and len(FakeClient.made) == 2


def test_a_refused_login_names_neither_the_server_text_nor_the_password():
    box = ImapMailbox(settings(), client_factory=factory(script={"login"}))
    with pytest.raises(MailboxUnavailable) as refused:
        box.open()
    text = str(refused.value)
    assert "login refused" in text and PASSWORD not in text and "AUTHENTICATIONFAILED" not in text
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert box.client is None  # never used again
