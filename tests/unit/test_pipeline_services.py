"""The pipeline's use cases on SQLite with Dramatiq's StubBroker and a fake reader."""

import json
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update

from invoicepipe.adapters.db import tables as t
from invoicepipe.services.audit import trail, verify
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from invoicepipe.services.sweeper import sweep
from invoicepipe.services.triage import triage
from tests.fakes import ENCRYPTED, SCANNED, DelayedSendsKept, backoff_passes, fake_pdf
from tests.masterdata_samples import invoice_lines


def ingest(app, data, name="a.pdf", channel="portal"):
    return ingest_bytes(app, data, name, channel, "user:test").documents


def status_of(app, doc_id):
    return show(app, doc_id)["status"]


def test_clean_po_invoice_is_approved_and_exported_with_a_complete_trail(loaded, run_pipeline):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] == "exported", shown["decisions"]
    assert [(d["stage"], d["outcome"]) for d in shown["decisions"]] == [("decide", "approved")]
    assert shown["pool"] == "fast"
    assert shown["extraction"]["fields"]["vendor_id"]["value"] == "V100"
    steps = [e["step"] for e in trail(loaded, doc["id"])]
    assert steps == ["received", "triage", "parse_started", "extracted", "decide", "export"]
    [exported] = list(loaded.settings.outbox_dir.glob("*.json"))
    assert json.loads(exported.read_text())["invoice_number"] == "INV-1001"
    assert all(e["actor"].startswith("worker:") for e in trail(loaded, doc["id"])[1:])
    assert verify(loaded)["ok"]


def test_over_billed_quantity_ends_in_review_with_the_reason(loaded, run_pipeline):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines(number="INV-2", qty="12")))
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] == "needs_review"
    codes = [r["code"] for d in shown["decisions"] for r in d["reasons"]]
    assert "quantity_over_received" in codes


def test_same_bytes_twice_is_one_document_with_a_recorded_re_arrival(loaded, run_pipeline):
    data = fake_pdf(*invoice_lines())
    [first] = ingest(loaded, data, "a.pdf", "email")
    [second] = ingest(loaded, data, "copy.pdf", "portal")
    assert first["id"] == second["id"] and second["new"] is False
    run_pipeline(loaded)
    shown = show(loaded, first["id"])
    assert [a["channel"] for a in shown["arrivals"]] == ["email", "portal"]
    assert "re_arrival" in [e["step"] for e in trail(loaded, first["id"])]


def test_not_a_pdf_is_rejected_with_a_reason_and_never_queued(app):
    [doc] = ingest(app, b"<html><body>hello</body></html>", "invoice.pdf")
    assert doc["status"] == "rejected"
    assert doc["reason"] == "not a PDF, image or e-invoice XML (looks like HTML)"
    assert all(q.qsize() == 0 for q in app.broker.queues.values())


def test_encrypted_pdf_fails_at_triage_with_its_reason(app, run_pipeline):
    [doc] = ingest(app, ENCRYPTED + b"secret")
    run_pipeline(app)
    shown = show(app, doc["id"])
    assert shown["status"] == "failed" and shown["reason"] == "PDF is encrypted"


def test_scan_goes_to_the_slow_pool_and_is_read_by_ocr(loaded, run_pipeline):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines(number="S-1"), header=SCANNED), "scan.pdf", "scan")
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["pool"] == "slow"
    assert shown["extraction"]["reader"] == "fake-ocr"
    assert loaded.readers.reads == ["text", "ocr"]


def test_email_attachments_become_documents_linked_to_their_message(loaded, run_pipeline):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "ap@vendor.example", "invoices@buyer.example", "Invoices", "<m1@vendor.example>"
    msg.set_content("Please find our invoices attached.")
    msg.add_attachment(fake_pdf(*invoice_lines(number="E-1")), maintype="application", subtype="pdf", filename="e1.pdf")
    msg.add_attachment(fake_pdf(*invoice_lines(number="E-2")), maintype="application", subtype="pdf", filename="e2.pdf")
    docs = ingest(loaded, msg.as_bytes(), "mail.eml", "email")
    assert len(docs) == 2
    run_pipeline(loaded)
    with loaded.uow.begin() as tx:
        message_ids = {tx.documents.get(d["id"]).message_db_id for d in docs}
    assert len(message_ids) == 1 and None not in message_ids
    assert {show(loaded, d["id"])["filename"] for d in docs} == {"e1.pdf", "e2.pdf"}


def test_email_without_attachments_is_rejected_visibly(app):
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "someone@example.com", "hello"
    msg.set_content("no invoice here")
    [doc] = ingest(app, msg.as_bytes(), "empty.eml", "email")
    assert doc["status"] == "rejected" and "no attachments" in doc["reason"]


def test_actors_are_idempotent_a_second_message_changes_nothing(loaded, run_pipeline):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    before = trail(loaded, doc["id"])
    triage(loaded, doc["id"], "worker:test/duplicate-delivery")
    for step in ("parse_fast", "decide", "route", "reconcile"):
        loaded.enqueuer.send(step, doc["id"])
    run_pipeline(loaded)
    assert trail(loaded, doc["id"]) == before


def test_sweeper_resends_a_document_whose_message_was_lost(loaded, run_pipeline):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    for queue in loaded.broker.queues.values():  # the broker forgot everything
        while queue.qsize():
            queue.get_nowait()
            queue.task_done()
    assert status_of(loaded, doc["id"]) == "received"
    assert sweep(loaded, stuck_after_s=0) == 1
    run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "exported"
    assert "requeued" in [e["step"] for e in trail(loaded, doc["id"])]


def drop_all_messages(app):
    for queue in app.broker.queues.values():
        while queue.qsize():
            queue.get_nowait()
            queue.task_done()


def test_a_document_that_never_moves_ends_in_failed_after_its_requeue_budget(app):
    from invoicepipe.services.sweeper import requeue_budget

    [doc] = ingest(app, fake_pdf(*invoice_lines()))
    for _ in range(requeue_budget(app)):
        drop_all_messages(app)  # every message is lost again
        assert sweep(app, stuck_after_s=0) == 1
        assert status_of(app, doc["id"]) == "received"
    drop_all_messages(app)
    sweep(app, stuck_after_s=0)
    shown = show(app, doc["id"])
    assert shown["status"] == "failed" and "re-sends" in shown["reason"]


def test_sweeper_leaves_documents_alone_while_their_queue_has_a_backlog(app):
    [doc] = ingest(app, fake_pdf(*invoice_lines()))  # its triage message is waiting in the queue
    assert sweep(app, stuck_after_s=0) == 0
    assert "requeued" not in [e["step"] for e in trail(app, doc["id"])]


def test_parse_retry_budget_ends_in_failed_not_a_loop(app, run_pipeline):
    [doc] = ingest(app, fake_pdf(*invoice_lines()))
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc["id"]).values(status="queued", pool="fast", attempts=app.policy.max_attempts))
    for queue in app.broker.queues.values():
        while queue.qsize():
            queue.get_nowait()
            queue.task_done()
    app.enqueuer.send("parse_fast", doc["id"])
    run_pipeline(app)
    shown = show(app, doc["id"])
    assert shown["status"] == "failed" and "retry budget" in shown["reason"]


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_last", "insert"])
def test_audit_verify_detects_tampering_in_the_database(loaded, run_pipeline, tamper):
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    assert verify(loaded)["ok"]
    with loaded.uow.begin() as tx:
        # Someone with DDL rights removes the append-only triggers first.
        tx.conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        tx.conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        rows = tx.conn.execute(select(t.audit_events).order_by(t.audit_events.c.seq)).all()
        middle = rows[len(rows) // 2]._mapping
        if tamper == "edit":
            tx.conn.execute(update(t.audit_events).where(t.audit_events.c.seq == middle["seq"]).values(outcome="approved"))
        elif tamper == "delete_middle":
            tx.conn.execute(t.audit_events.delete().where(t.audit_events.c.seq == middle["seq"]))
        elif tamper == "delete_last":
            tx.conn.execute(t.audit_events.delete().where(t.audit_events.c.seq == rows[-1]._mapping["seq"]))
        else:
            # A copy of a real event added after the end of its partition's chain (a copy in
            # the middle would collide with the unique chain position).
            same = [r._mapping for r in rows if r._mapping["chain_partition"] == middle["chain_partition"]]
            forged = dict(middle, seq=rows[-1]._mapping["seq"] + 1, chain_position=same[-1]["chain_position"] + 1)
            tx.conn.execute(t.audit_events.insert().values(**forged))
    result = verify(loaded)
    assert not result["ok"] and result["problems"]


class DownDestination:
    def __init__(self):
        self.up = False
        self.delivered = []

    def deliver(self, key, payload):
        from invoicepipe.errors import TransientError

        if not self.up:
            raise TransientError("destination down")
        self.delivered.append(key)
        return "memory"


def test_export_waits_while_the_destination_is_down_and_delivers_once_back(loaded, run_pipeline):
    loaded.exporter = DownDestination()
    loaded.enqueuer = DelayedSendsKept(loaded.enqueuer)
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "approved"
    with loaded.uow.begin() as tx:
        entry = tx.documents.outbox_entry(doc["id"])
    assert entry["attempts"] == 1 and "destination down" in entry["last_error"] and entry["delivered_at"] is None
    assert [s[:2] for s in loaded.enqueuer.delayed] == [("export", doc["id"])]  # it sends itself again, later
    loaded.exporter.up = True
    assert sweep(loaded, stuck_after_s=0) == 0  # backing off: not re-sent before next_attempt_at
    backoff_passes(loaded, doc["id"])
    assert sweep(loaded, stuck_after_s=0) == 1
    run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "exported"
    assert loaded.exporter.delivered == [entry["idempotency_key"]]


def test_the_database_refuses_to_edit_or_delete_audit_events(loaded):
    from sqlalchemy.exc import IntegrityError, OperationalError

    ingest(loaded, fake_pdf(*invoice_lines()))
    for statement in (update(t.audit_events).values(outcome="approved"), t.audit_events.delete()):
        with pytest.raises((IntegrityError, OperationalError), match="append-only"):
            with loaded.uow.begin() as tx:
                tx.conn.execute(statement)


def test_an_approved_invoice_waits_for_a_long_destination_outage_and_never_fails(loaded, run_pipeline):
    from invoicepipe.services.sweeper import requeue_budget

    loaded.exporter = DownDestination()
    loaded.enqueuer = DelayedSendsKept(loaded.enqueuer)
    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    for _ in range(requeue_budget(loaded) + 3):
        backoff_passes(loaded, doc["id"])
        assert sweep(loaded, stuck_after_s=0) == 1
        run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "approved"
    requeued = [e for e in trail(loaded, doc["id"]) if e["step"] == "requeued"]
    assert len(requeued) == requeue_budget(loaded)  # later re-sends are logged, not audited
    waits = [delay for _, _, delay in loaded.enqueuer.delayed]
    assert len(waits) == requeue_budget(loaded) + 4 and waits[-1] > waits[0]  # the backoff grew
    loaded.exporter.up = True
    backoff_passes(loaded, doc["id"])
    sweep(loaded, stuck_after_s=0)
    run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "exported"


def test_a_document_approved_again_after_a_retry_reuses_its_outbox_row(loaded, run_pipeline):
    from invoicepipe.services.recovery import retry_document

    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    with loaded.uow.begin() as tx:
        key = tx.documents.outbox_entry(doc["id"])["idempotency_key"]
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc["id"]).values(status="failed", reason="test"))
    retry_document(loaded, doc["id"], "user:ops")
    run_pipeline(loaded)
    assert status_of(loaded, doc["id"]) == "exported"
    with loaded.uow.begin() as tx:
        assert tx.documents.outbox_entry(doc["id"])["idempotency_key"] == key


def test_audit_events_and_the_exported_invoice_follow_their_published_schemas(loaded, run_pipeline):
    import jsonschema

    from invoicepipe.adapters.policy_file import load_schema

    [doc] = ingest(loaded, fake_pdf(*invoice_lines()))
    run_pipeline(loaded)
    checker = jsonschema.FormatChecker()
    events = jsonschema.Draft202012Validator(load_schema(loaded.settings.schemas_dir, "audit_event"), format_checker=checker)
    for event in trail(loaded, doc["id"]):
        events.validate(json.loads(json.dumps(event, default=str)))
    [exported] = list(loaded.settings.outbox_dir.glob("*.json"))
    invoice = jsonschema.Draft202012Validator(load_schema(loaded.settings.schemas_dir, "invoice"), format_checker=checker)
    invoice.validate(json.loads(exported.read_text()))
