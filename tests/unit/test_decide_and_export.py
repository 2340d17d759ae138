"""A process that runs both the decision and the export (the pipeline pool, the embedded
runtime) delivers an approval in the decide message: no export message, and the outbox's
guarantees unchanged (the row commits with the approval, claimed; a delivery that did not
finish comes back through the claim, once)."""

from datetime import datetime, timedelta, timezone

import pytest

from invoicepipe import actors
from invoicepipe.actors import declare_actors
from invoicepipe.adapters.broker import POOL_QUEUES
from invoicepipe.services.audit import trail
from invoicepipe.services.decide import decide_and_export, decide_document
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from invoicepipe.services.sweeper import sweep
from tests.fakes import backoff_passes, fake_pdf
from tests.masterdata_samples import invoice_lines


class Recorder:
    """The enqueue port, keeping what is sent."""

    def __init__(self):
        self.sent = []

    def send(self, step, document_id, delay_ms=None):
        self.sent.append((step, document_id, delay_ms))


class Exporter:
    def __init__(self, *outcomes):
        self.outcomes, self.keys = list(outcomes), []

    def deliver(self, key, payload):
        self.keys.append(key)
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, BaseException):
            raise outcome
        return f"fake://{key}"


def extracted(loaded, number="INV-1001", qty="10"):
    """A document parsed up to EXTRACTED by the real steps, its decision not yet run."""
    from invoicepipe.services.parse import parse
    from invoicepipe.services.triage import triage

    loaded.enqueuer = Recorder()
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines(number=number, qty=qty)), f"{number}.pdf", "portal", "user:t").documents
    triage(loaded, doc["id"], "worker:t")
    parse(loaded, doc["id"], "worker:t")
    assert show(loaded, doc["id"])["status"] == "extracted"
    loaded.enqueuer.sent.clear()
    return doc["id"]


def outbox(app, doc_id):
    with app.uow.begin() as tx:
        return tx.documents.outbox_entry(doc_id)


def declared_decision(app, monkeypatch, queues):
    """The service the decide actor runs in a process consuming ``queues``."""
    from dramatiq.brokers.stub import StubBroker

    monkeypatch.setattr(app, "broker", StubBroker())
    return declare_actors(app, queues)["decide"].fn.__defaults__[0]


def test_a_process_consuming_the_export_queue_decides_with_the_export(app, monkeypatch):
    assert declared_decision(app, monkeypatch, POOL_QUEUES["pipeline"]) is decide_and_export
    assert declared_decision(app, monkeypatch, None) is decide_and_export  # embedded: every queue here
    # were the export on a queue of its own, the decision would send it there
    monkeypatch.setitem(actors.STEP_QUEUES, "export", "export")
    assert declared_decision(app, monkeypatch, POOL_QUEUES["pipeline"]) is decide_document


def test_an_approval_is_delivered_in_the_decide_message_with_no_export_message(loaded):
    doc_id = extracted(loaded)
    loaded.exporter = Exporter()
    decide_and_export(loaded, doc_id, "worker:t")
    assert show(loaded, doc_id)["status"] == "exported"
    assert loaded.enqueuer.sent == []
    assert [e["step"] for e in trail(loaded, doc_id)][-2:] == ["decide", "export"]
    entry = outbox(loaded, doc_id)
    assert entry["attempts"] == 1 and entry["delivered_at"] is not None and loaded.exporter.keys == [entry["idempotency_key"]]


def test_a_review_is_not_exported(loaded):
    doc_id = extracted(loaded, number="INV-2", qty="12")  # over-billed: needs review
    loaded.exporter = Exporter()
    decide_and_export(loaded, doc_id, "worker:t")
    assert show(loaded, doc_id)["status"] == "needs_review"
    assert loaded.exporter.keys == [] and loaded.enqueuer.sent == [] and outbox(loaded, doc_id) is None


def test_the_outbox_row_is_claimed_from_the_approval_until_the_delivery_ends(loaded):
    """A worker that dies between the approval's commit and the delivery leaves the row
    claimed: the sweeper leaves it alone for the lease, then sends the export (once)."""
    doc_id = extracted(loaded)

    class Dies(BaseException):  # the process going away mid-delivery, not an error a step handles
        pass

    loaded.exporter = Exporter(Dies())
    with pytest.raises(Dies):
        decide_and_export(loaded, doc_id, "worker:t")
    assert show(loaded, doc_id)["status"] == "approved"
    entry = outbox(loaded, doc_id)
    claimed_for = entry["next_attempt_at"].replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(seconds=loaded.settings.lease_s - 30) < claimed_for <= timedelta(seconds=loaded.settings.lease_s)
    assert entry["attempts"] == 0 and entry["delivered_at"] is None
    # the message comes back (a retry, a redelivery): the claim holds, nothing is delivered twice
    decide_and_export(loaded, doc_id, "worker:t")
    assert loaded.exporter.keys == [entry["idempotency_key"]] and show(loaded, doc_id)["status"] == "approved"
    assert sweep(loaded, stuck_after_s=0) == 0
    backoff_passes(loaded, doc_id)  # the lease is over
    assert sweep(loaded, stuck_after_s=0) == 1 and loaded.enqueuer.sent[-1][:2] == ("export", doc_id)
    # or the decide message's retry arrives first: it exports the approved document
    decide_and_export(loaded, doc_id, "worker:t")
    assert show(loaded, doc_id)["status"] == "exported" and loaded.exporter.keys == [entry["idempotency_key"]] * 2


def test_a_destination_that_is_down_backs_off_with_a_delayed_export_message(loaded):
    from invoicepipe.errors import TransientError

    doc_id = extracted(loaded)
    loaded.exporter = Exporter(TransientError("ERP down"))
    decide_and_export(loaded, doc_id, "worker:t")
    entry = outbox(loaded, doc_id)
    assert show(loaded, doc_id)["status"] == "approved" and entry["attempts"] == 1 and entry["last_error"] == "ERP down"
    [(step, sent_id, delay_ms)] = loaded.enqueuer.sent
    assert (step, sent_id) == ("export", doc_id) and delay_ms >= 15_000


def test_decide_alone_still_sends_the_export(loaded):
    doc_id = extracted(loaded)
    loaded.exporter = Exporter()
    decide_document(loaded, doc_id, "worker:t")
    assert show(loaded, doc_id)["status"] == "approved" and loaded.exporter.keys == []
    assert loaded.enqueuer.sent == [("export", doc_id, None)]
    assert outbox(loaded, doc_id)["next_attempt_at"].replace(tzinfo=timezone.utc) <= datetime.now(timezone.utc)
