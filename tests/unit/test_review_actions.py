"""Each review action: its state change, its audit event, and optimistic locking."""

import re

import pytest

from invoicepipe.adapters.db.review import ReviewRepository
from invoicepipe.domain.models import Reason
from invoicepipe.errors import GateRefused, PermanentError, StateConflict
from invoicepipe.services import review
from invoicepipe.services.audit import trail, verify
from invoicepipe.services.queries import show
from invoicepipe.services.users import Forbidden, User
from tests.web_helpers import in_review, load_master, person, version_of

ANNA = User(1, "anna", "reviewer")
CARL = User(2, "carl", "controller")


@pytest.fixture
def loaded(app, tmp_path):
    load_master(app, tmp_path)
    return app


def last_event(app, doc_id):
    return trail(app, doc_id)[-1]


def digest_of(app, doc_id, code):
    from invoicepipe.services.review_view import document_view

    return next(r["digest"] for r in document_view(app, doc_id)["reasons"] if r["code"] == code)


def test_approve_moves_to_approved_writes_the_outbox_and_exports(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    with pytest.raises(GateRefused, match="No purchase order quoted"):  # an open reason is resolved or overridden, never skipped
        review.approve(loaded, ANNA, doc_id, version_of(loaded, doc_id))
    assert show(loaded, doc_id)["status"] == "needs_review"
    override = {"no_po": (digest_of(loaded, doc_id, "no_po"), "office supplies, approved by the budget owner")}
    result = review.approve(loaded, ANNA, doc_id, version_of(loaded, doc_id), override)
    assert result["status"] == "approved"
    event = last_event(loaded, doc_id)
    assert (event["step"], event["actor"], event["from_status"], event["to_status"]) == ("review_approve", "user:anna", "needs_review", "approved")
    assert event["reasons"][0]["evidence"]["overridden"] == ["no_po"]
    assert event["inputs"]["overridden"] == [{"code": "no_po", "actor": "user:anna", "role": "reviewer",
                                              "note": "office supplies, approved by the budget owner"}]
    with loaded.uow.begin() as tx:
        assert tx.documents.outbox_entry(doc_id)["payload"]["invoice_number"] == "INV-1001"
    run_pipeline(loaded)
    assert show(loaded, doc_id)["status"] == "exported"
    assert verify(loaded)["ok"]


def test_correct_stores_a_review_extraction_that_reconcile_then_uses(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po="4500999")  # a mistyped PO: po_unknown
    assert show(loaded, doc_id)["status"] == "needs_review"
    result = review.correct(loaded, ANNA, doc_id, version_of(loaded, doc_id), {"po_number": "4500123", "invoice_number": "INV-1001"})
    assert result["status"] == "reconciling" and result["changes"] == {"po_number": {"from": "4500999", "to": "4500123"}}
    with loaded.uow.begin() as tx:
        latest = tx.documents.latest_extraction(doc_id)
    assert latest["source"] == "review" and latest["fields"]["po_number"] == {
        "value": "4500123", "confidence": 1.0, "method": "review", "page": 1, "box": latest["fields"]["po_number"]["box"], "by": "reviewer"}
    assert last_event(loaded, doc_id)["step"] == "review_correct"
    run_pipeline(loaded)
    shown = show(loaded, doc_id)
    assert shown["status"] == "exported", shown["decisions"]
    assert [d["outcome"] for d in shown["decisions"]][-2:] == ["corrected", "approved"]


def test_a_correction_is_validated_before_anything_is_stored(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    version = version_of(loaded, doc_id)
    for values, message in (({"invoice_date": "next Friday"}, "not a date"), ({"invoice_date": "03/04/2026"}, "could be 03 Apr 2026 or 04 Mar 2026"),
                            ({"total": "1.234"}, "ambiguous"), ({"total": "lots"}, "not an amount"),
                            ({"vendor_id": "V999"}, "not in the vendor master"), ({"colour": "red"}, "unknown field")):
        with pytest.raises(PermanentError, match=message):
            review.correct(loaded, ANNA, doc_id, version, values)
    assert version_of(loaded, doc_id) == version and show(loaded, doc_id)["status"] == "needs_review"


def test_amounts_and_dates_are_read_the_way_a_person_types_them(loaded, run_pipeline):
    """ "12,50" is twelve fifty, not 1250.00; "1.234,50" is 1234.50, not 1.23; written dates are dates."""
    doc_id = in_review(loaded, run_pipeline, po=None)
    result = review.correct(loaded, ANNA, doc_id, version_of(loaded, doc_id),
                            {"total": "1.234,50", "tax": "12,50", "net": "1 222,00", "due_date": "4. März 2026"})
    assert {k: v["to"] for k, v in result["changes"].items()} == {"total": "1234.50", "tax": "12.50", "net": "1222.00",
                                                                  "due_date": "2026-03-04"}


def test_an_amount_that_reads_two_ways_takes_the_persons_convention(loaded, run_pipeline):
    from invoicepipe.domain.typed_input import Convention

    doc_id = in_review(loaded, run_pipeline, po=None)
    german = Convention(decimal_sep=",", date_order="dmy")
    result = review.correct(loaded, ANNA, doc_id, version_of(loaded, doc_id), {"total": "1.234", "due_date": "03/04/2026"}, german)
    assert result["changes"]["total"]["to"] == "1234.00" and result["changes"]["due_date"]["to"] == "2026-04-03"


def test_read_back_lists_only_inputs_whose_stored_form_differs(loaded, run_pipeline):
    from invoicepipe.adapters.db.documents import extraction_from_json

    doc_id = in_review(loaded, run_pipeline, po=None)
    with loaded.uow.begin() as tx:
        extraction = extraction_from_json(tx.documents.latest_extraction(doc_id))
    shown_total = extraction.value("total")
    readings = review.read_back(extraction, {"total": shown_total, "tax": "12,50", "net": "99.00", "vendor": "Other"})
    assert readings == [{"field": "tax", "label": "Tax", "typed": "12,50", "read": "12.50"}]


def test_reject_needs_a_reason_and_records_it(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    with pytest.raises(PermanentError, match="reason"):
        review.reject(loaded, ANNA, doc_id, version_of(loaded, doc_id), "  ")
    review.reject(loaded, ANNA, doc_id, version_of(loaded, doc_id), "not addressed to us")
    shown = show(loaded, doc_id)
    assert shown["status"] == "rejected" and shown["reason"] == "rejected by anna: not addressed to us"
    assert last_event(loaded, doc_id)["reasons"][0] == {"code": "reviewer_rejected", "message": "not addressed to us", "evidence": {}}


def test_mark_duplicate_links_the_original(loaded, run_pipeline):
    original = in_review(loaded, run_pipeline)  # clean: exported
    doc_id = in_review(loaded, run_pipeline, lines=["Acme Industrial Supplies GmbH", "VAT ID: DE123456789", "Invoice No: INV-1001",
                                                    "Invoice date: 2026-03-14", "Total: 148.75 EUR", "resent"])
    version = version_of(loaded, doc_id)
    with pytest.raises(PermanentError):
        review.mark_duplicate(loaded, ANNA, doc_id, version, doc_id)
    review.mark_duplicate(loaded, ANNA, doc_id, version, original)
    assert show(loaded, doc_id)["status"] == "duplicate"
    assert last_event(loaded, doc_id)["reasons"][0]["evidence"] == {"original_id": original}


def test_hold_keeps_the_document_in_review_flagged_and_release_clears_it(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    version = version_of(loaded, doc_id)
    review.hold(loaded, ANNA, doc_id, version, "waiting for the vendor's credit note")
    assert show(loaded, doc_id)["status"] == "needs_review" and version_of(loaded, doc_id) == version + 1
    with loaded.uow.begin() as tx:
        assert ReviewRepository(tx.conn).hold(doc_id)["note"] == "waiting for the vendor's credit note"
    assert last_event(loaded, doc_id)["step"] == "review_hold"
    review.release(loaded, ANNA, doc_id, version + 1)
    with loaded.uow.begin() as tx:
        assert ReviewRepository(tx.conn).hold(doc_id) is None
    with pytest.raises(StateConflict, match="not on hold"):
        review.release(loaded, ANNA, doc_id, version + 2)


def test_two_reviewers_cannot_overwrite_each_other(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    seen = version_of(loaded, doc_id)
    review.hold(loaded, CARL, doc_id, seen, "checking with purchasing")
    with pytest.raises(StateConflict, match=r"changed since you opened it .*review_hold by user:carl"):
        review.approve(loaded, ANNA, doc_id, seen)
    anna = person(loaded, "anna", "reviewer")
    response = anna.post(f"/api/documents/{doc_id}/reject", json={"version": seen, "reason": "no"}, headers={"X-CSRF-Token": anna.csrf})
    assert response.status_code == 409 and "changed since you opened it" in response.json()["detail"]
    page = anna.post(f"/documents/{doc_id}/approve", data={"version": seen, "csrf_token": anna.csrf})
    assert page.status_code == 409 and "Reload it to see the current state" in page.text
    assert show(loaded, doc_id)["status"] == "needs_review"


def test_a_bank_mismatch_is_released_only_by_a_controller_with_a_note(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, number="INV-77", iban="GB82 WEST 1234 5698 7654 32")
    digest = digest_of(loaded, doc_id, "bank_mismatch")
    anna = person(loaded, "anna", "reviewer")
    response = anna.post(f"/api/documents/{doc_id}/approve", headers={"X-CSRF-Token": anna.csrf},
                         json={"version": version_of(loaded, doc_id), "overrides": {"bank_mismatch": {"digest": digest, "note": "looks fine"}}})
    assert response.status_code == 409 and "only a controller may override bank_mismatch" in response.json()["detail"]
    page = anna.get(f"/documents/{doc_id}").text
    assert "A controller may override it with a note." in page
    assert re.search(r'<button type="button" disabled data-override="bank_mismatch"', page)  # shown, but not usable
    assert re.search(r'id="approve" disabled', page) and "Waiting for a controller: Bank details" in page
    with pytest.raises(Forbidden):
        review.override(loaded, ANNA, doc_id, version_of(loaded, doc_id), "bank_mismatch", digest, "looks fine")
    carl = person(loaded, "carl", "controller")
    assert 'data-override="bank_mismatch"' in carl.get(f"/documents/{doc_id}").text
    response = carl.post(f"/api/documents/{doc_id}/approve", headers={"X-CSRF-Token": carl.csrf},
                         json={"version": version_of(loaded, doc_id), "overrides": {"bank_mismatch": {"digest": digest, "note": ""}}})
    assert response.status_code == 422  # a note is required
    for note, confirm, refusal in (("ok", True, "at least 15 characters"), ("new account confirmed by phone", False, "confirm that you checked")):
        response = carl.post(f"/api/documents/{doc_id}/approve", headers={"X-CSRF-Token": carl.csrf}, json={
            "version": version_of(loaded, doc_id), "overrides": {"bank_mismatch": {"digest": digest, "note": note, "confirm": confirm}}})
        assert response.status_code == 422 and refusal in response.json()["detail"]
    carl_page = carl.get(f"/documents/{doc_id}").text
    assert 'data-confirm="bank_mismatch"' in carl_page and 'minlength="15"' in carl_page
    response = carl.post(f"/api/documents/{doc_id}/approve", headers={"X-CSRF-Token": carl.csrf}, json={
        "version": version_of(loaded, doc_id),
        "overrides": {"bank_mismatch": {"digest": digest, "note": "new account confirmed by phone", "confirm": True}}})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    with loaded.uow.begin() as tx:
        [stored] = tx.documents.overrides(doc_id)
    assert (stored["code"], stored["role"], stored["actor"], stored["note"]) == ("bank_mismatch", "controller", "user:carl",
                                                                                  "new account confirmed by phone")


def test_a_controller_reopens_a_rejected_document_and_it_is_checked_again(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None, number="R-1")
    review.reject(loaded, ANNA, doc_id, version_of(loaded, doc_id), "looked like spam")
    anna = person(loaded, "anna2", "reviewer")
    page = anna.get(f"/documents/{doc_id}").text
    assert 'id="reopen" disabled' in page and "only a controller may reopen" in page and 'id="closed-why"' in page
    with pytest.raises(Forbidden):
        review.reopen(loaded, ANNA, doc_id, version_of(loaded, doc_id), "mistake")
    with pytest.raises(PermanentError):
        review.reopen(loaded, CARL, doc_id, version_of(loaded, doc_id), " ")
    result = review.reopen(loaded, CARL, doc_id, version_of(loaded, doc_id), "the vendor confirmed it is a real invoice")
    assert result["status"] == "reconciling"
    event = last_event(loaded, doc_id)
    assert (event["step"], event["actor"], event["from_status"]) == ("review_reopen", "user:carl", "rejected")
    run_pipeline(loaded)
    assert show(loaded, doc_id)["status"] == "needs_review"  # no PO: the decision holds it again; nothing skipped
    with pytest.raises(StateConflict, match="only rejected or duplicate"):
        review.reopen(loaded, CARL, doc_id, version_of(loaded, doc_id), "again please")


def test_actions_through_the_pages_redirect_to_the_next_document(loaded, run_pipeline):
    first = in_review(loaded, run_pipeline, po=None, number="A-1")
    second = in_review(loaded, run_pipeline, po=None, number="A-2")
    anna = person(loaded, "anna", "reviewer")
    response = anna.post(f"/documents/{first}/reject", data={"version": version_of(loaded, first), "csrf_token": anna.csrf, "reason": "dup"},
                         follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(f"/documents/{second}?")
    assert f"Document {first} rejected." in anna.get(response.headers["location"]).text
    for action, extra in (("duplicate", {"original_id": "abc"}), ("hold", {"note": ""}), ("frobnicate", {})):
        response = anna.post(f"/documents/{second}/{action}", data={"version": version_of(loaded, second), "csrf_token": anna.csrf, **extra})
        assert response.status_code in (404, 422), action
