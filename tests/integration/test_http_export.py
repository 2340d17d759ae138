"""The HTTP export against a real HTTP server on 127.0.0.1 that fails, hangs, rate-limits,
loses an answer and accepts: from the receiver's side every invoice arrives signed, under one
idempotency key across all its tries, and is accepted exactly once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import jsonschema
import pytest

from invoicepipe.adapters.exporters import HttpExporter, make_exporter
from invoicepipe.adapters.http_delivery import SignedPoster
from invoicepipe.adapters.policy_file import load_schema
from invoicepipe.services.audit import trail
from invoicepipe.services.export import export, replay_export
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.fakes import DelayedSendsKept, fake_pdf
from tests.http_receiver import Receiver
from tests.masterdata_samples import invoice_lines

SECRET = "test-export-secret-6f1d"


def approve_one(app, run_pipeline, receiver, **lines):
    app.exporter = HttpExporter(receiver.url, SECRET, SignedPoster(timeout_s=3))
    app.enqueuer = DelayedSendsKept(app.enqueuer)
    [doc] = ingest_bytes(app, fake_pdf(*invoice_lines(**lines)), "a.pdf", "portal", "user:test").documents
    run_pipeline(app)
    return doc["id"]


def outbox(app, doc_id):
    with app.uow.begin() as tx:
        return tx.documents.outbox_entry(doc_id)


def next_try(app, doc_id):
    return outbox(app, doc_id)["next_attempt_at"].replace(tzinfo=timezone.utc)


def test_retries_honour_retry_after_and_the_receiver_accepts_exactly_once(loaded, run_pipeline):
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    with Receiver(SECRET).then((503, {"Retry-After": "7"}, b"maintenance"), "hang",
                               (429, {"Retry-After": format_datetime(later, usegmt=True)}, b"slow down"),
                               500, 408, "drop") as receiver:
        doc_id = approve_one(loaded, run_pipeline, receiver)
        # 503 with Retry-After: 7 -> the next try is 7 s out, and the delayed message says so
        first = outbox(loaded, doc_id)
        assert show(loaded, doc_id)["status"] == "approved" and first["attempts"] == 1
        assert "HTTP 503, Retry-After 7 s: maintenance" in first["last_error"]
        assert loaded.enqueuer.delayed[-1][2] == 7000
        assert 0 < (next_try(loaded, doc_id) - datetime.now(timezone.utc)).total_seconds() <= 8
        assert export(loaded, doc_id, "worker:test") == "not due"

        # a hang: the client gives up after its timeout; back-off from 30 s
        at = next_try(loaded, doc_id) + timedelta(seconds=1)
        assert export(loaded, doc_id, "worker:test", now=at).startswith("retry at")
        assert "did not answer within 3 s" in outbox(loaded, doc_id)["last_error"]
        assert 15 <= (next_try(loaded, doc_id) - at).total_seconds() <= 60

        # 429 with an HTTP-date: wait until that date, not the back-off
        at = next_try(loaded, doc_id) + timedelta(seconds=1)
        export(loaded, doc_id, "worker:test", now=at)
        assert abs((next_try(loaded, doc_id) - (at + (later - datetime.now(timezone.utc)))).total_seconds()) < 60

        for expected in ("HTTP 500", "HTTP 408", "cannot be reached"):  # then 500, 408, and an answer lost after storing it
            at = next_try(loaded, doc_id) + timedelta(seconds=1)
            assert export(loaded, doc_id, "worker:test", now=at).startswith("retry at")
            assert expected in outbox(loaded, doc_id)["last_error"]

        # the receiver has it already (the dropped answer): 409 counts as delivered
        at = next_try(loaded, doc_id) + timedelta(seconds=1)
        assert export(loaded, doc_id, "worker:test", now=at) == "delivered"
        assert show(loaded, doc_id)["status"] == "exported"
        assert outbox(loaded, doc_id)["attempts"] == 7

    key = outbox(loaded, doc_id)["idempotency_key"]
    assert receiver.keys() == [key] * 7  # one key across every try
    assert all(r["verified"] for r in receiver.requests)
    assert list(receiver.accepted) == [key]  # accepted exactly once
    bodies = {r["body"] for r in receiver.requests}
    assert len(bodies) == 1  # the same signed bytes every time (the signature differs by timestamp)
    delivered = [e for e in trail(loaded, doc_id) if e["step"] == "export"][-1]
    assert "409" in delivered["inputs"]["destination"] and SECRET not in json.dumps(delivered)


def test_the_payload_is_the_documented_schema(loaded, run_pipeline):
    with Receiver(SECRET) as receiver:
        doc_id = approve_one(loaded, run_pipeline, receiver)
    assert show(loaded, doc_id)["status"] == "exported"
    [request] = receiver.requests
    assert request["headers"]["content-type"] == "application/json"
    payload = json.loads(request["body"])
    schema = load_schema(loaded.settings.schemas_dir, "invoice")
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(payload)
    assert payload["idempotency_key"] == request["headers"]["idempotency-key"] and payload["document_id"] == doc_id


def test_a_refusal_ends_in_export_failed_with_the_answer_and_replay_delivers(loaded, run_pipeline):
    body = b'{"error": "unknown vendor V100", "iban": "DE89370400440532013000"}\n\x1b[31m' + b"x" * 5000
    with Receiver(SECRET).then((422, {"Content-Type": "application/json"}, body)) as receiver:
        doc_id = approve_one(loaded, run_pipeline, receiver)
        shown = show(loaded, doc_id)
        assert shown["status"] == "export_failed" and "HTTP 422" in shown["reason"]
        refused = trail(loaded, doc_id)[-1]
        evidence = refused["reasons"][0]["evidence"]
        assert refused["reasons"][0]["code"] == "delivery_refused" and evidence["status"] == 422
        assert evidence["response"].startswith('{"error": "unknown vendor V100"')
        assert len(evidence["response"]) <= 200 and "\x1b" not in evidence["response"]
        assert "DE89370400440532013000" not in json.dumps(refused)  # the IBAN it echoed is masked
        assert export(loaded, doc_id, "worker:test") == "nothing to do"  # terminal until replayed

        assert replay_export(loaded, doc_id, "user:ops") == f"document {doc_id}: delivered"
    assert show(loaded, doc_id)["status"] == "exported"
    assert len(set(receiver.keys())) == 1 and len(receiver.accepted) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413, 422])
def test_other_4xx_answers_are_refusals(loaded, run_pipeline, status):
    with Receiver(SECRET).then(status) as receiver:
        doc_id = approve_one(loaded, run_pipeline, receiver)
    assert show(loaded, doc_id)["status"] == "export_failed"
    assert outbox(loaded, doc_id)["last_error"].endswith(f"answered HTTP {status}")


def test_a_receiver_that_already_has_it_is_a_delivery(loaded, run_pipeline):
    with Receiver(SECRET).then((409, {}, b"duplicate")) as receiver:
        doc_id = approve_one(loaded, run_pipeline, receiver)
    assert show(loaded, doc_id)["status"] == "exported" and len(receiver.requests) == 1


def test_a_forged_or_stale_request_does_not_verify(loaded, run_pipeline):
    with Receiver("another-secret-entirely") as receiver:
        approve_one(loaded, run_pipeline, receiver)
    assert receiver.requests and not any(r["verified"] for r in receiver.requests)


def test_the_url_setting_chooses_the_exporter(settings, tmp_path):
    from dataclasses import replace

    from invoicepipe.adapters.exporters import FileDropExporter
    from invoicepipe.errors import ConfigError

    assert isinstance(make_exporter(settings), FileDropExporter)
    assert make_exporter(replace(settings, export_url=f"file://{tmp_path}/drop")).folder == tmp_path / "drop"
    http = make_exporter(replace(settings, export_url="https://erp.example/api/invoices?token=abc", export_secret="k" * 32))
    assert isinstance(http, HttpExporter) and "abc" not in repr(http) and "k" * 32 not in repr(http)
    with pytest.raises(ConfigError, match="INVOICEPIPE_EXPORT_SECRET"):
        make_exporter(replace(settings, export_url="https://erp.example/api/invoices"))
