"""Logs an engineer can debug with: levels, the access log, one correlation id, no secrets."""

import io
import json
import logging

import pytest
import structlog

from invoicepipe.logs import configure_logging, correlation, redact_text, register_secret
from invoicepipe.services import review
from invoicepipe.services.audit import trail
from invoicepipe.services.queries import show
from invoicepipe.services.transitions import log_step
from invoicepipe.services.users import User, add_user
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines
from tests.web_helpers import client_for, version_of

IBAN = "DE89370400440532013000"


@pytest.fixture
def captured(app):
    """Every line (ours and the libraries') written while the test runs, parsed."""
    buf = io.StringIO()
    configure_logging("DEBUG", stream=buf)
    yield lambda: [json.loads(line) for line in buf.getvalue().splitlines()]
    configure_logging("INFO")


def test_secrets_and_ibans_are_masked_in_every_shape():
    register_secret("k3y-material-0123456789")
    cases = {
        "postgresql+psycopg://app:hunter2@db:5432/ap": "postgresql+psycopg://app:***@db:5432/ap",
        "redis://:s3cret-pass@redis:6379/0": "redis://:***@redis:6379/0",
        "host=db user=app password=hunter2 dbname=ap": "host=db user=app password=*** dbname=ap",
        "Authorization: Bearer ipt_abcdefghijklmnop": "Authorization: Bearer ***",
        "GET /api/queue?token=abc123&x=1": "GET /api/queue?token=***&x=1",
        f"bank {IBAN} changed": "bank ****3000 changed",
        "IBAN: DE89 3704 0044 0532 0130 00 EUR": "IBAN: ****3000 EUR",
        "the key is k3y-material-0123456789": "the key is [redacted]",
        "VAT DE123456789, invoice INV-1001, PO 4500123": "VAT DE123456789, invoice INV-1001, PO 4500123",  # not secrets
    }
    for raw, shown in cases.items():
        assert redact_text(raw) == shown


def test_our_lines_and_library_lines_are_json_redacted_and_carry_the_correlation_id(captured):
    log = structlog.get_logger("invoicepipe")
    with correlation("abc-123"):
        log.info("connected", database_url="postgresql://app:hunter2@db/ap", password="hunter2", nested={"api_token": "ipt_x1"},
                 iban=IBAN)
        logging.getLogger("dramatiq.worker").error("lost postgresql://app:hunter2@db/ap while paying %s", IBAN)
        try:
            raise ConnectionError("could not connect to postgresql://app:hunter2@db/ap")
        except ConnectionError:
            log.exception("step_crashed")
    ours, library, crashed = captured()
    assert ours["correlation_id"] == library["correlation_id"] == crashed["correlation_id"] == "abc-123"
    assert ours["database_url"] == "postgresql://app:***@db/ap" and ours["password"] == "[redacted]"
    assert ours["nested"] == {"api_token": "[redacted]"} and ours["iban"] == "****3000"
    assert library["level"] == "error" and library["event"] == "lost postgresql://app:***@db/ap while paying ****3000"
    assert crashed["level"] == "error" and "ConnectionError" in crashed["exception"] and "***@db" in crashed["exception"]
    assert "hunter2" not in json.dumps([ours, library, crashed]) and IBAN not in json.dumps([ours, library, crashed])


def test_a_failed_document_is_a_warning_a_routine_step_is_info(app, captured):
    base = {"document_id": 1, "seq": 5, "actor": "worker:x", "outcome": "x", "from_status": "parsing", "reasons": [],
            "policy_version": None, "extractor_version": None}
    log_step(app, {**base, "step": "parse", "to_status": "failed"})
    log_step(app, {**base, "step": "export", "from_status": "approved", "to_status": "export_failed"})
    log_step(app, {**base, "step": "extracted", "to_status": "extracted"})
    log_step(app, {**base, "step": "requeued", "from_status": "queued", "to_status": "queued"})
    assert [line["level"] for line in captured()] == ["warning", "warning", "info", "warning"]


def test_one_correlation_id_from_api_upload_through_review_to_export(loaded, run_pipeline, captured):
    _, token = add_user(loaded, "erp", "integrator", None, "user:test")
    client = client_for(loaded)
    pdf = fake_pdf(*invoice_lines(po=None))
    sent = client.post("/api/invoices?token=leaked-in-a-query", files={"file": ("inv.pdf", pdf, "application/pdf")},
                       headers={"Authorization": f"Bearer {token}", "X-Request-ID": "erp-batch-42"})
    assert sent.status_code == 201 and sent.headers["x-request-id"] == "erp-batch-42"
    doc_id = sent.json()[0]["id"]
    run_pipeline(loaded)
    from invoicepipe.services.review_view import document_view

    digest = next(r["digest"] for r in document_view(loaded, doc_id)["reasons"] if r["code"] == "no_po")
    with correlation("a-reviewers-request"):  # the reviewer works in a request of her own
        review.approve(loaded, User(9, "anna", "reviewer"), doc_id, version_of(loaded, doc_id), {"no_po": (digest, "agreed")})
    run_pipeline(loaded)
    assert show(loaded, doc_id)["status"] == "exported"

    lines = captured()
    mine = [line for line in lines if line.get("document_id") == doc_id]
    steps = [line["event"] for line in mine]
    for step in ("received", "triage", "parse_started", "extracted", "decide", "review_approve", "export"):
        assert step in steps
    assert {line["correlation_id"] for line in mine} == {"erp-batch-42"}, [(x["event"], x.get("correlation_id")) for x in mine]
    assert {e["inputs"]["correlation_id"] for e in trail(loaded, doc_id)} == {"erp-batch-42"}
    [upload] = [line for line in lines if line["event"] == "http_request" and line["method"] == "POST"]
    assert (upload["path"], upload["status"], upload["user"], upload["correlation_id"]) == ("/api/invoices", 201, "erp", "erp-batch-42")
    assert upload["level"] == "info" and upload["duration_ms"] >= 0
    everything = "\n".join(json.dumps(line) for line in lines)
    assert token not in everything and "leaked-in-a-query" not in everything
    assert IBAN not in everything and "DE89 3704" not in everything


def test_a_callers_request_id_is_kept_only_when_it_is_a_plain_token(app, captured):
    client = client_for(app)
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    odd = client.get("/healthz", headers={"X-Request-ID": "x\" injected=1 " + "y" * 80}).headers["x-request-id"]
    assert len(odd) == 32 and "injected" not in odd
    client.get("/nowhere/ipt_secret_in_path")
    lines = [line for line in captured() if line["event"] == "http_request"]
    assert [line["path"] for line in lines] == ["/healthz", "/healthz", "/nowhere/…"]
    assert lines[2]["status"] == 404 and "ipt_secret_in_path" not in json.dumps(lines)


def test_a_document_id_never_leaks_out_of_its_scope_into_the_next_ingest(loaded, run_pipeline):
    from invoicepipe.logs import current_correlation_id
    from invoicepipe.services.ingest import ingest_bytes
    from tests.web_helpers import in_review

    first = in_review(loaded, run_pipeline, po=None)
    review.reject(loaded, User(9, "anna", "reviewer"), first, version_of(loaded, first), "not ours")  # no scope bound here
    assert current_correlation_id() is None
    [second] = ingest_bytes(loaded, fake_pdf(*invoice_lines(number="INV-2", po=None)), "b.pdf", "portal", "user:test").documents
    with loaded.uow.begin() as tx:
        ids = {tx.documents.get(d).correlation_id for d in (first, second["id"])}
    assert len(ids) == 2 and None not in ids
