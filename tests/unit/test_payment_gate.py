"""The holes a new user and an auditor found, each closed through the real services on SQLite.

Documents are stored the way the parse step leaves them (extraction and invoice row) so a
scenario can say exactly what was read and with which confidence; the decide step, the
review actions and the payment gate then run for real.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from invoicepipe.domain.models import ExtractedField, Status
from invoicepipe.errors import GateRefused
from invoicepipe.services import review
from invoicepipe.services.decide import decide_document
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.parse import invoice_columns
from invoicepipe.services.queries import show
from invoicepipe.services.review_view import document_view
from invoicepipe.services.users import User
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines
from tests.reconcile_builders import line
from tests.reconcile_builders import invoice as extracted

ANNA = User(1, "anna", "reviewer")
CARL = User(2, "carl", "controller")
WORKER = "worker:test"


@pytest.fixture
def strict(loaded):
    """The loaded app under the shipped policy (thresholds as in production)."""
    from invoicepipe.adapters.policy_file import load_policy
    from invoicepipe.config import PROJECT_ROOT

    loaded.policy = load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")
    return loaded


def store(app, extraction, channel="portal", name=None) -> int:
    """A document in EXTRACTED with ``extraction`` saved, as parse leaves it; then decided."""
    number = extraction.value("invoice_number") or "none"
    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256=f"{number}-{channel}-{name}".encode().hex()[:64].ljust(64, "0"), filename=name or f"{number}.pdf",
                                  channel=channel, media_type="application/pdf", size_bytes=1, status=Status.EXTRACTED)
        tx.documents.save_extraction(doc_id, extraction, "test", [])
        tx.documents.upsert_invoice(doc_id, **invoice_columns(extraction, channel))
    decide_document(app, doc_id, WORKER)
    return doc_id


def unsure(extraction, **confidences):
    fields = dict(extraction.fields)
    for name, conf in confidences.items():
        fields[name] = replace(fields[name], confidence=conf)
    return replace(extraction, fields=fields)


def open_codes(app, doc_id):
    return [r["code"] for r in document_view(app, doc_id)["reasons"]]


def digest(app, doc_id, code):
    return next(r["digest"] for r in document_view(app, doc_id)["reasons"] if r["code"] == code)


def outbox(app, doc_id):
    with app.uow.begin() as tx:
        return tx.documents.outbox_entry(doc_id)


def version(app, doc_id):
    with app.uow.begin() as tx:
        return tx.documents.get(doc_id).version


def status(app, doc_id):
    return show(app, doc_id)["status"]


def over_received(qty="12"):
    """Vendor V100's PO 4500123 line 1: 10 widgets received; this bills ``qty``."""
    return extracted(lines=[line("Widget standard", qty, "12.50", sku="W-1", po_line="1")], vendor_id="V100")


def test_a_low_confidence_hold_shows_the_match_too_and_approving_it_does_not_skip_the_match(strict):
    doc = store(strict, unsure(over_received("12"), invoice_date=0.80))
    assert open_codes(strict, doc) == ["low_confidence", "quantity_over_received"]  # every reason, not the first gate only
    with pytest.raises(GateRefused, match="More billed than received"):
        review.approve(strict, ANNA, doc, version(strict, doc))
    assert status(strict, doc) == "needs_review" and outbox(strict, doc) is None
    # the reviewer's confirmation of the date stands; the match finding is what is left
    assert open_codes(strict, doc) == ["quantity_over_received"]
    with pytest.raises(GateRefused, match="only a controller may override quantity_over_received"):
        review.approve(strict, ANNA, doc, version(strict, doc), {"quantity_over_received": (digest(strict, doc, "quantity_over_received"), "ok")})
    assert outbox(strict, doc) is None


def test_a_non_po_invoice_held_for_its_date_is_not_paid_by_confirming_the_date(strict):
    doc = store(strict, unsure(extracted(po=None, vendor_id="V100"), invoice_date=0.80))
    assert open_codes(strict, doc) == ["low_confidence", "no_po"]
    with pytest.raises(GateRefused, match="No purchase order quoted"):
        review.approve(strict, ANNA, doc, version(strict, doc))
    assert outbox(strict, doc) is None and open_codes(strict, doc) == ["no_po"]


def test_blanking_the_iban_of_a_bank_mismatch_adds_a_gate_instead_of_removing_one(strict, run_pipeline):
    doc = store(strict, extracted(vendor_id="V100", iban="GB82WEST12345698765432"))
    assert open_codes(strict, doc) == ["bank_mismatch"]
    review.correct(strict, ANNA, doc, version(strict, doc), {"iban": ""})
    run_pipeline(strict)
    assert status(strict, doc) == "needs_review" and outbox(strict, doc) is None
    assert open_codes(strict, doc) == ["bank_mismatch", "bank_details_edited"]
    # a reviewer who types the master's IBAN over it does not release it either
    review.correct(strict, ANNA, doc, version(strict, doc), {"iban": "DE89 3704 0044 0532 0130 00"})
    run_pipeline(strict)
    assert open_codes(strict, doc) == ["bank_mismatch", "bank_details_edited"] and outbox(strict, doc) is None
    # a controller's correction is trusted: the bank check runs on the value they confirmed
    review.correct(strict, CARL, doc, version(strict, doc), {"iban": "DE89 3704 0044 0532 0130 01"})  # one digit off: fails mod 97
    run_pipeline(strict)
    assert open_codes(strict, doc) == ["bank_mismatch"]
    review.correct(strict, CARL, doc, version(strict, doc), {"iban": "DE89 3704 0044 0532 0130 00"})
    run_pipeline(strict)
    assert status(strict, doc) == "exported"


def test_a_vendor_changed_by_a_reviewer_needs_a_controller(strict, run_pipeline):
    doc = store(strict, extracted(vendor_id="V100", iban=None, po=None))
    review.correct(strict, ANNA, doc, version(strict, doc), {"vendor_id": "V200"})
    run_pipeline(strict)
    assert "vendor_changed" in open_codes(strict, doc)


def test_a_pdf_with_one_byte_appended_is_a_duplicate_even_when_held_for_confidence(loaded, run_pipeline):
    data = fake_pdf(*invoice_lines(number="INV-4711"))
    [first] = ingest_bytes(loaded, data, "a.pdf", "email", "user:test").documents
    run_pipeline(loaded)
    assert status(loaded, first["id"]) == "exported"
    [again] = ingest_bytes(loaded, data + b"\n", "a.pdf", "portal", "user:test").documents
    assert again["id"] != first["id"]
    run_pipeline(loaded)
    assert status(loaded, again["id"]) == "needs_review"
    reasons = document_view(loaded, again["id"])["reasons"]
    dup = next(r for r in reasons if r["code"] == "duplicate_suspected")
    assert dup["evidence"]["original_id"] == first["id"]
    # a reviewer who overrides the duplicate finding still cannot pay the goods twice
    with pytest.raises(GateRefused, match="More billed than received, counting other invoices"):
        review.approve(loaded, ANNA, again["id"], version(loaded, again["id"]), {"duplicate_suspected": (dup["digest"], "different invoice")})
    assert outbox(loaded, again["id"]) is None


def test_cumulative_billing_counts_an_earlier_invoice_still_in_review(strict):
    first = store(strict, unsure(over_received("6"), invoice_date=0.80), name="first")
    assert status(strict, first) == "needs_review"
    second = store(strict, extracted(number="INV-1002", day="2026-03-16", vendor_id="V100",
                                     lines=[line("Widget standard", "6", "12.50", sku="W-1", po_line="1")]), name="second")
    assert status(strict, second) == "needs_review" and open_codes(strict, second) == ["cumulative_overbilling"]
    # once the first is rejected it commits nothing, and a re-check of the second passes
    review.reject(strict, ANNA, first, version(strict, first), "sent back to the vendor")
    review.approve(strict, ANNA, second, version(strict, second))
    assert status(strict, second) == "approved" and outbox(strict, second) is not None


def test_the_gate_at_approval_sees_a_copy_paid_since_the_decision(strict):
    held = store(strict, unsure(extracted(vendor_id="V100"), invoice_date=0.80), name="held")
    assert open_codes(strict, held) == ["low_confidence"]
    copy = store(strict, extracted(vendor_id="V100"), channel="email", name="copy")
    assert "duplicate_suspected" in open_codes(strict, copy)  # the earlier one in review counts
    with pytest.raises(GateRefused, match="counting other invoices"):  # its goods are billed by the one in review as well
        review.approve(strict, ANNA, copy, version(strict, copy), {"duplicate_suspected": (digest(strict, copy, "duplicate_suspected"), "ok")})
    with strict.uow.begin() as tx:  # suppose the copy got paid anyway (an older version, a manual fix)
        tx.documents.transition(copy, [Status.NEEDS_REVIEW], Status.EXPORTED)
    with pytest.raises(GateRefused, match="Possible duplicate"):
        review.approve(strict, ANNA, held, version(strict, held))
    assert outbox(strict, held) is None


def test_a_total_with_nothing_to_confirm_it_never_goes_straight_through(strict):
    lonely = extracted(vendor_id="V100", lines=[])
    fields = {k: v for k, v in lonely.fields.items() if k not in ("net", "tax")}
    fields["total"] = ExtractedField("total", "2.00", 0.99, "label_right")
    doc = store(strict, replace(lonely, fields=fields))
    assert "total_uncorroborated" in open_codes(strict, doc) and outbox(strict, doc) is None


def test_amounts_that_do_not_add_up_hold_the_invoice(strict):
    doc = store(strict, extracted(vendor_id="V100", total="1148.75"))  # net 125.00 + tax 23.75 is 148.75
    reasons = document_view(strict, doc)["reasons"]
    assert [r["code"] for r in reasons] == ["totals_inconsistent"] and "difference +1000.00" in reasons[0]["message"]


def test_amount_limits_are_judged_in_the_base_currency(strict):
    rupees = extracted(vendor_id="V100", po=None, currency="INR", lines=[], net="5000000.00")
    doc = store(strict, rupees)
    [limit] = [r for r in document_view(strict, doc)["reasons"] if r["code"] == "amount_above_review_limit"]
    assert "INR" in limit["message"] and "EUR" in limit["message"] and Decimal(limit["evidence"]["total_base"]) > 50000
    small = store(strict, extracted(number="INV-9", vendor_id="V100", po=None, currency="INR", lines=[], net="100000.00"))
    assert "amount_above_review_limit" not in open_codes(strict, small)  # 1.2 lakh rupees is far below 50,000 EUR
    unknown = store(strict, extracted(number="INV-10", vendor_id="V100", po=None, currency="XAF", lines=[], net="100.00"))
    assert "fx_rate_missing" in open_codes(strict, unknown)


def test_an_override_lapses_when_the_finding_changes(strict):
    doc = store(strict, extracted(vendor_id="V100", po=None))
    stale = digest(strict, doc, "no_po")
    review.override(strict, ANNA, doc, version(strict, doc), "no_po", stale, "budget owner approved by mail")
    assert document_view(strict, doc)["reasons"][0]["overridden"]["actor"] == "user:anna"
    assert status(strict, doc) == "needs_review"  # an override alone releases nothing
    result = review.approve(strict, ANNA, doc, version(strict, doc))
    assert result["status"] == "approved" and outbox(strict, doc) is not None


def test_the_number_is_looked_up_across_vendors_when_one_copy_is_unresolved(strict):
    original = store(strict, extracted(vendor_id="V100"), name="original")
    copy = store(strict, extracted(vendor_id=None, vendor="ACME lNDUSTRlAL"), channel="scan", name="copy")
    dup = next(r for r in document_view(strict, copy)["reasons"] if r["code"] == "duplicate_suspected")
    assert dup["evidence"]["original_id"] == original


def test_a_copy_whose_fields_were_misread_is_found_by_its_content(loaded, run_pipeline):
    original = invoice_lines(number="INV-5001")
    [first] = ingest_bytes(loaded, fake_pdf(*original), "mail.pdf", "email", "user:test").documents
    run_pipeline(loaded)
    assert status(loaded, first["id"]) == "exported"
    # The same page read badly: the vendor's name and VAT id garbled (no vendor resolved), the
    # number mangled beyond any rule, the total's leading digit lost.
    garbled = [ln.replace("Acme Industrial Supplies GmbH", "Acrne lndustrial Suppiies GrnbH").replace("DE123456789", "DE1Z3456789")
               .replace("INV-5001", "1NV-5O0l7").replace("Total: 148.75", "Total: 48.75") for ln in original]
    [copy] = ingest_bytes(loaded, fake_pdf(*garbled, "scanned"), "scan.pdf", "scan", "user:test").documents
    run_pipeline(loaded)
    dup = next(r for r in document_view(loaded, copy["id"])["reasons"] if r["code"] == "duplicate_suspected")
    assert dup["evidence"]["original_id"] == first["id"] and dup["evidence"]["kind"] == "content"
    assert "misread" in dup["message"]


def test_an_override_of_an_unknown_code_is_a_bad_request(strict):
    from invoicepipe.errors import PermanentError

    doc = store(strict, extracted(vendor_id="V100", po=None))
    with pytest.raises(PermanentError, match="not a reason code"):
        review.approve(strict, ANNA, doc, version(strict, doc), {"looks_fine": ("", "trust me")})
    with pytest.raises(PermanentError, match="not a reason code"):
        review.override(strict, ANNA, doc, version(strict, doc), "looks_fine", "", "trust me")


def test_dates_the_vendors_payment_terms_confirm_need_no_threshold(strict):
    # V100 pays at 30 days: an invoice date read with 0.80 is confirmed by a due date 30 days on.
    terms = replace(over_received("10"), fields={**over_received("10").fields,
                                                 "due_date": ExtractedField("due_date", "2026-04-13", 0.9, "label_right")})
    assert open_codes(strict, store(strict, unsure(terms, invoice_date=0.80), name="terms")) == []
    other = replace(terms, fields={**terms.fields, "due_date": ExtractedField("due_date", "2026-04-20", 0.9, "label_right")})
    assert open_codes(strict, store(strict, unsure(other, invoice_date=0.80), name="other-terms"))[0] == "low_confidence"
