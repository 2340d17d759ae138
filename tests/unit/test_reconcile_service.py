"""The decision through the whole pipeline on SQLite: ordering, channels, links, evidence."""


from invoicepipe.domain.models import Status
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.fakes import SCANNED, fake_pdf
from tests.masterdata_samples import invoice_lines


def ingest(app, data, name="a.pdf", channel="portal"):
    [doc] = ingest_bytes(app, data, name, channel, "user:test").documents
    return doc["id"]


def reconcile_decision(app, doc_id):
    shown = show(app, doc_id)
    decision = [d for d in shown["decisions"] if d["stage"] == "decide"][-1]
    return shown["status"], decision


def test_second_invoice_on_the_same_po_line_after_the_first_was_approved(loaded, run_pipeline):
    first = ingest(loaded, fake_pdf(*invoice_lines(number="INV-3001", qty="6")))
    run_pipeline(loaded)
    assert show(loaded, first)["status"] == "exported"
    second = ingest(loaded, fake_pdf(*invoice_lines(number="INV-3002", qty="6", day="2026-03-18")))
    run_pipeline(loaded)
    status, decision = reconcile_decision(loaded, second)
    assert status == "needs_review"
    assert [r["code"] for r in decision["reasons"]] == ["cumulative_overbilling"]
    assert decision["reasons"][0]["message"] == ("qty 6 billed now plus 6 billed before is 12, 10 received on PO 4500123 line 1 "
                                                 "(tolerance 0.0% and at most 0)")


def test_the_rest_of_a_partly_billed_line_is_approved(loaded, run_pipeline):
    ingest(loaded, fake_pdf(*invoice_lines(number="INV-4001", qty="6")))
    run_pipeline(loaded)
    second = ingest(loaded, fake_pdf(*invoice_lines(number="INV-4002", qty="4")))
    run_pipeline(loaded)
    assert show(loaded, second)["status"] == "exported"


def test_same_invoice_by_email_then_scanned_is_flagged_with_a_link_to_the_original(loaded, run_pipeline):
    original = ingest(loaded, fake_pdf(*invoice_lines(number="INV-5001")), "mail.pdf", "email")
    run_pipeline(loaded)
    rescanned = fake_pdf(*invoice_lines(number="INV-5OO1"), "Page 1 of 1", header=SCANNED)  # other bytes, OCR'd number
    copy = ingest(loaded, rescanned, "scan.pdf", "scan")
    assert copy != original
    run_pipeline(loaded)
    status, decision = reconcile_decision(loaded, copy)
    assert status == "needs_review"
    assert [r["code"] for r in decision["reasons"]] == ["duplicate_suspected", "cumulative_overbilling"]
    evidence = decision["reasons"][0]["evidence"]
    assert evidence["original_id"] == original and evidence["original_channel"] == "email" and evidence["exact"] is False
    assert "arrived by scan, the original by email" in decision["reasons"][0]["message"]


def test_a_corrected_invoice_after_a_rejection_is_not_a_duplicate(loaded, run_pipeline):
    wrong = ingest(loaded, fake_pdf(*invoice_lines(number="INV-6001", qty="12")))
    run_pipeline(loaded)
    assert show(loaded, wrong)["status"] == "needs_review"
    with loaded.uow.begin() as tx:
        assert tx.documents.transition(wrong, [Status.NEEDS_REVIEW], Status.REJECTED, reason="quantity wrong, sent back to vendor")
    corrected = ingest(loaded, fake_pdf(*invoice_lines(number="INV-6001", qty="10"), "corrected"))
    run_pipeline(loaded)
    assert show(loaded, corrected)["status"] == "exported"


def test_bank_mismatch_is_held_for_a_controller(loaded, run_pipeline):
    doc = ingest(loaded, fake_pdf(*invoice_lines(number="INV-7001", iban="GB82 WEST 1234 5698 7654 32")))
    run_pipeline(loaded)
    status, decision = reconcile_decision(loaded, doc)
    assert status == "needs_review" and [r["code"] for r in decision["reasons"]] == ["bank_mismatch"]
    assert decision["reasons"][0]["evidence"]["requires_role"] == "controller"


def test_reconcile_audit_event_carries_every_line_explained(loaded, run_pipeline):
    from invoicepipe.services.audit import trail

    doc = ingest(loaded, fake_pdf(*invoice_lines(number="INV-8001")))
    run_pipeline(loaded)
    [event] = [e for e in trail(loaded, doc) if e["step"] == "decide"]
    [explained] = event["inputs"]["lines"]
    assert explained["po_line"] == "1" and "qty 10 billed, 10 received on PO 4500123 line 1: ok" in explained["explanation"]


def stored(app, number: str, channel: str, parsed: bool = True) -> int:
    """A document as the parse step leaves it: extraction and invoice row saved, in RECONCILING
    (or, not ``parsed``, still in PARSING with nothing extracted yet)."""
    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256=f"{number}-{channel}".encode().hex().ljust(64, "0"), filename=f"{number}.pdf", channel=channel,
                                  media_type="application/pdf", size_bytes=1, status=Status.RECONCILING if parsed else Status.PARSING)
    if parsed:
        finish_parse(app, doc_id, number, channel)
    return doc_id


def finish_parse(app, doc_id: int, number: str, channel: str) -> None:
    from invoicepipe.services.parse import invoice_columns
    from tests.reconcile_builders import invoice

    extraction = invoice(number=number, vendor_id="V100")
    with app.uow.begin() as tx:
        tx.documents.save_extraction(doc_id, extraction, "test", [])
        tx.documents.upsert_invoice(doc_id, **invoice_columns(extraction, channel))
        tx.documents.transition(doc_id, [Status.PARSING, Status.RECONCILING], Status.RECONCILING)


def test_a_copy_approved_first_on_the_fast_pool_still_catches_its_slower_original(loaded):
    from invoicepipe.services.decide import decide_document as reconcile

    scanned_first = stored(loaded, "INV-9001", "scan", parsed=False)  # arrived first, still being OCR'd
    digital_copy = stored(loaded, "INV-9001", "email")
    reconcile(loaded, digital_copy, "worker:test")
    finish_parse(loaded, scanned_first, "INV-9001", "scan")
    reconcile(loaded, scanned_first, "worker:test")
    assert reconcile_decision(loaded, digital_copy)[0] == "approved"
    status, decision = reconcile_decision(loaded, scanned_first)
    # The copy's billing counts against the original too: one of them is not to be paid.
    assert status == "needs_review" and [r["code"] for r in decision["reasons"]] == ["duplicate_suspected", "cumulative_overbilling"]
    assert decision["reasons"][0]["evidence"]["original_id"] == digital_copy


def test_a_copy_waiting_in_review_is_not_held_against_its_original(loaded):
    from invoicepipe.services.decide import decide_document as reconcile

    original = stored(loaded, "INV-9101", "portal")
    copy = stored(loaded, "INV-9101", "scan")
    with loaded.uow.begin() as tx:  # the original was held and sent back into reconcile after review
        tx.documents.transition(original, [Status.RECONCILING], Status.PARSING)
    reconcile(loaded, copy, "worker:test")
    with loaded.uow.begin() as tx:
        tx.documents.transition(original, [Status.PARSING], Status.RECONCILING)
    reconcile(loaded, original, "worker:test")
    assert reconcile_decision(loaded, copy)[1]["reasons"][0]["evidence"]["original_id"] == original
    assert reconcile_decision(loaded, original)[0] == "approved"
