"""Signing and reading answers, the pure part shared by the HTTP export and webhooks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest

from invoicepipe.config import Settings
from invoicepipe.domain.signed_delivery import (MAX_RETRY_AFTER_S, canonical_body, classify, response_excerpt, retry_after_seconds,
                                                signature, verify)
from invoicepipe.errors import ConfigError

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_and_a_receiver_can_recompute_it():
    body = canonical_body({"b": 1, "a": "ü"})
    assert body == '{"a":"ü","b":1}'.encode()
    expected = hmac.new(b"k" * 20, b"1764644400." + body, hashlib.sha256).hexdigest()
    assert signature("k" * 20, 1764644400, body) == f"v1={expected}"
    header = signature("k" * 20, 1764644400, body)
    assert verify("k" * 20, "1764644400", header, body, now=1764644400 + 10)
    assert verify(["old-secret", "k" * 20], "1764644400", f"v1=00, {header}", body, now=1764644400)  # while a secret changes


@pytest.mark.parametrize("change", ["body", "timestamp", "secret", "stale", "missing"])
def test_anything_changed_or_replayed_later_does_not_verify(change):
    body, ts = b'{"a":1}', 1764644400
    header = signature("secret-0123456789", ts, body)
    args = {"secrets": "secret-0123456789", "timestamp_header": str(ts), "signature_header": header, "body": body, "now": ts}
    args.update({"body": {"body": b'{"a":2}'}, "timestamp": {"timestamp_header": str(ts + 1)}, "secret": {"secrets": "another"},
                 "stale": {"now": ts + 301}, "missing": {"signature_header": None}}[change])
    assert not verify(**args)


def test_a_payload_that_is_not_json_is_refused():
    with pytest.raises(ValueError):
        canonical_body({"a": float("nan")})


@pytest.mark.parametrize("status,kind", [(200, "delivered"), (201, "delivered"), (204, "delivered"), (409, "already"),
                                         (408, "retry"), (425, "refused"), (429, "retry"), (500, "retry"), (503, "retry"),
                                         (302, "refused"), (400, "refused"), (401, "refused"), (404, "refused"), (422, "refused")])
def test_answers_are_classified(status, kind):
    assert classify(status) == kind


def test_retry_after_in_seconds_or_as_an_http_date():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Wed, 02 Dec 2026 03:05:00 GMT", NOW) == 300
    assert retry_after_seconds("Wed, 02 Dec 2026 02:00:00 GMT", NOW) == 0  # in the past: now
    assert retry_after_seconds("99999999", NOW) == MAX_RETRY_AFTER_S
    assert retry_after_seconds((NOW + timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S GMT"), NOW) == MAX_RETRY_AFTER_S
    for unreadable in (None, "", "soon", "-5", "1.5"):
        assert retry_after_seconds(unreadable, NOW) is None


def test_the_excerpt_is_one_bounded_printable_line():
    text = response_excerpt(b"line one\r\nline\ttwo \x1b[31m\xe2\x80\xaeevil" + b"x" * 1000)
    assert text.startswith("line one line two _[31m_evil") and len(text) == 200 and text.endswith("…")
    assert response_excerpt(b"\xff\xfe bad utf-8") == "�� bad utf-8"


def test_export_and_webhook_settings():
    s = Settings.from_env({"INVOICEPIPE_EXPORT_URL": "https://erp.example/in", "INVOICEPIPE_EXPORT_SECRET": "s" * 20,
                           "INVOICEPIPE_WEBHOOK_MAX_ATTEMPTS": "5"})
    assert s.export_url == "https://erp.example/in" and s.webhook_max_attempts == 5 and "s" * 20 not in repr(s)
    assert Settings.from_env({}).export_url is None
    with pytest.raises(ConfigError, match="EXPORT_URL"):
        Settings.from_env({"INVOICEPIPE_EXPORT_URL": "ftp://erp.example/in"})
    with pytest.raises(ConfigError, match="at least 1"):
        Settings.from_env({"INVOICEPIPE_WEBHOOK_MAX_ATTEMPTS": "0"})
