"""Triage on the fast pool parses the digital document it chooses in the same message, and
(in the production fast pool, which takes no decision messages) decides it there once
extracted, delivering an approval; a scan is still sent to the slow pool, and a process
without the fast parse sends every parse."""

from __future__ import annotations

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import update

from invoicepipe.actors import declare_actors
from invoicepipe.adapters.db import tables as t
from invoicepipe.bootstrap import bootstrap
from invoicepipe.services.audit import trail
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.parse import parse
from invoicepipe.services.queries import show
from invoicepipe.services.triage import triage, triage_and_parse, triage_parse_and_decide
from tests.fakes import SCANNED, TextReaders, fake_pdf
from tests.masterdata_samples import invoice_lines


class SendsSeen:
    """The app's enqueuer, keeping the step of every message sent."""

    def __init__(self, enqueuer):
        self.enqueuer, self.steps = enqueuer, []

    def send(self, step, document_id, delay_ms=None):
        self.steps.append(step)
        self.enqueuer.send(step, document_id, delay_ms)


def new_document(app, data) -> int:
    [doc] = ingest_bytes(app, data, "a.pdf", "portal", "user:test").documents
    return doc["id"]


class Exporter:
    """The payable destination, keeping the idempotency key of every delivery."""

    def __init__(self):
        self.keys = []

    def deliver(self, key, payload):
        self.keys.append(key)
        return f"fake://{key}"


def test_a_digital_document_is_triaged_and_parsed_in_one_message(app):
    # the embedded runtime: its own pipeline threads take the decision
    doc_id = new_document(app, fake_pdf(*invoice_lines()))
    app.enqueuer = sent = SendsSeen(app.enqueuer)
    triage_and_parse(app, doc_id, "worker:test")
    assert show(app, doc_id)["status"] == "extracted"
    assert sent.steps == ["decide"]  # no parse_fast message
    events = trail(app, doc_id)
    assert [e["step"] for e in events] == ["received", "triage", "parse_started", "extracted"]
    assert [(e["from_status"], e["to_status"]) for e in events[1:3]] == [("received", "queued"), ("queued", "parsing")]


def test_a_digital_document_is_triaged_parsed_and_decided_in_one_message(app):
    doc_id = new_document(app, fake_pdf(*invoice_lines()))
    app.enqueuer = sent = SendsSeen(app.enqueuer)
    triage_parse_and_decide(app, doc_id, "worker:test")
    assert show(app, doc_id)["status"] == "needs_review"  # no master data: unknown vendor
    assert sent.steps == []  # no parse_fast message, no decide message
    events = trail(app, doc_id)
    assert [e["step"] for e in events] == ["received", "triage", "parse_started", "extracted", "decide"]
    assert [(e["from_status"], e["to_status"]) for e in events[1:3]] == [("received", "queued"), ("queued", "parsing")]
    assert events[-1]["actor"] == "worker:test"


def test_an_approval_is_delivered_in_the_fast_pool_message(loaded):
    loaded.exporter = exporter = Exporter()
    doc_id = new_document(loaded, fake_pdf(*invoice_lines()))
    loaded.enqueuer = sent = SendsSeen(loaded.enqueuer)
    triage_parse_and_decide(loaded, doc_id, "worker:test")
    assert show(loaded, doc_id)["status"] == "exported"
    assert sent.steps == [] and len(exporter.keys) == 1
    assert [e["step"] for e in trail(loaded, doc_id)][-3:] == ["extracted", "decide", "export"]


def test_a_triage_message_that_comes_back_after_the_extraction_goes_on_with_the_decision(loaded):
    # the parse committed, then the decision raised (or the worker died before it): the
    # retried triage message decides the extracted document, once
    loaded.exporter = exporter = Exporter()
    doc_id = new_document(loaded, fake_pdf(*invoice_lines()))
    loaded.enqueuer = SendsSeen(loaded.enqueuer)
    triage(loaded, doc_id, "worker:test")  # queued on the fast pool
    parse(loaded, doc_id, "worker:test")  # as a parse_fast message would: extracted, its decide sent
    assert show(loaded, doc_id)["status"] == "extracted"
    triage_and_parse(loaded, doc_id, "worker:test/retry")  # the embedded runtime's: its decide was sent
    assert show(loaded, doc_id)["status"] == "extracted"
    triage_parse_and_decide(loaded, doc_id, "worker:test/retry")
    assert show(loaded, doc_id)["status"] == "exported" and len(exporter.keys) == 1
    triage_parse_and_decide(loaded, doc_id, "worker:test/again")  # delivered twice over, done once
    assert show(loaded, doc_id)["status"] == "exported" and len(exporter.keys) == 1
    assert [e["step"] for e in trail(loaded, doc_id)].count("decide") == 1


def test_a_scan_is_still_sent_to_the_slow_pool(app):
    doc_id = new_document(app, SCANNED)
    app.enqueuer = sent = SendsSeen(app.enqueuer)
    triage_and_parse(app, doc_id, "worker:test")
    assert show(app, doc_id)["status"] == "queued"
    assert sent.steps == ["parse_slow"]


def test_without_the_fast_parse_here_triage_sends_the_parse(app):
    doc_id = new_document(app, fake_pdf(*invoice_lines()))
    app.enqueuer = sent = SendsSeen(app.enqueuer)
    triage(app, doc_id, "worker:test")
    assert show(app, doc_id)["status"] == "queued"
    assert sent.steps == ["parse_fast"]


@pytest.mark.parametrize("status", ["queued", "parsing"])
def test_a_triage_message_that_comes_back_goes_on_with_the_parse(app, status):
    # the triage committed, then its parse raised (or the worker died): Dramatiq's retry
    # brings the same triage message again
    doc_id = new_document(app, fake_pdf(*invoice_lines()))
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id).values(status=status, pool="fast"))
    triage_and_parse(app, doc_id, "worker:test/retry")
    assert show(app, doc_id)["status"] == "extracted"


def test_a_triage_message_that_comes_back_leaves_a_slow_pool_document_to_its_pool(app):
    doc_id = new_document(app, SCANNED)
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id).values(status="queued", pool="slow"))
    triage_and_parse(app, doc_id, "worker:test/retry")
    assert show(app, doc_id)["status"] == "queued"


def process_app(settings, queues):
    """An App whose broker declares only ``queues``' actors, as a pool's worker process does."""
    broker = StubBroker()
    broker.emit_after("process_boot")
    application = bootstrap(settings, broker=broker, readers=TextReaders())
    declared = declare_actors(application, queues)
    for queue in ("parse.fast", "parse.slow", "pipeline"):  # Redis takes a send to any queue
        broker.declare_queue(queue)
    return application, declared


def consume(application, queue: str) -> None:
    """Run ``queue``'s messages to the end with a real worker, as that pool's process would."""
    worker = dramatiq.Worker(application.broker, queues={queue}, worker_timeout=50)
    worker.start()
    try:
        application.broker.join(queue, fail_fast=True)
        worker.join()
    finally:
        worker.stop()


def test_the_fast_pool_takes_triage_and_parses_and_decides_what_it_chooses(settings):
    application, declared = process_app(settings, {"parse.fast"})
    try:
        assert declared["triage"].queue_name == "parse.fast"
        doc_id = new_document(application, fake_pdf(*invoice_lines()))
        consume(application, "parse.fast")
        assert show(application, doc_id)["status"] == "needs_review"  # decided in the same message
        assert application.broker.queues["pipeline"].qsize() == 0  # no decide message
    finally:
        application.close()


def test_a_process_that_takes_decisions_too_sends_them_to_its_own_queue(settings):
    application, declared = process_app(settings, {"parse.fast", "pipeline"})
    try:
        doc_id = new_document(application, fake_pdf(*invoice_lines()))
        consume(application, "parse.fast")
        assert show(application, doc_id)["status"] == "extracted"
        assert application.broker.queues["pipeline"].qsize() == 1  # its decide
    finally:
        application.close()


def test_a_pipeline_process_still_takes_triage_messages_an_older_version_queued_there(settings):
    application, declared = process_app(settings, {"pipeline"})
    try:
        assert declared["triage"].queue_name == "pipeline"
        assert "parse_fast" not in declared
        doc_id = new_document(application, fake_pdf(*invoice_lines()))
        application.broker.queues["parse.fast"].get_nowait()  # this version's triage message: not ours
        application.broker.queues["parse.fast"].task_done()
        application.broker.enqueue(dramatiq.Message(queue_name="pipeline", actor_name="triage", args=(doc_id,), kwargs={}, options={}))
        consume(application, "pipeline")
        assert show(application, doc_id)["status"] == "queued"
        assert application.broker.queues["parse.fast"].qsize() == 1  # its parse, sent on
    finally:
        application.close()
