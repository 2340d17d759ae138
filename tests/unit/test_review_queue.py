"""The queue: priority order, filters, counts per reason, SLA, holds, and the read model."""

import pytest

from invoicepipe.services import review
from invoicepipe.services.review_queue import QueueFilters, neighbours, queue_row, review_queue
from invoicepipe.services.users import User
from tests.web_helpers import in_review, load_master, person, version_of

ANNA = User(1, "anna", "reviewer")


@pytest.fixture
def queue_docs(app, tmp_path, run_pipeline):
    load_master(app, tmp_path)
    return {
        "small": in_review(app, run_pipeline, po=None, number="Q-1", qty="2"),
        "large": in_review(app, run_pipeline, po=None, number="Q-2", qty="20"),
        "unknown_po": in_review(app, run_pipeline, po="4500999", number="Q-3"),
        "emailed": in_review(app, run_pipeline, po=None, number="Q-4", qty="5", channel="email"),
    }


def ids(result):
    return [item["id"] for item in result["items"]]


def test_priority_is_due_date_then_amount_then_age_with_held_last(app, queue_docs):
    docs = queue_docs
    result = review_queue(app, QueueFilters())
    # All share invoice date + 30-day terms as due date, so the larger amount comes first.
    assert ids(result)[:2] == [docs["large"], docs["unknown_po"]]
    assert ids(result)[-1] == docs["small"]
    assert result["items"][0]["due_date"] == "2026-04-13"
    review.hold(app, ANNA, docs["large"], version_of(app, docs["large"]), "waiting for credit note")
    result = review_queue(app, QueueFilters())
    assert ids(result)[-1] == docs["large"] and result["items"][-1]["on_hold"] and result["on_hold"] == 1
    assert ids(review_queue(app, QueueFilters(held="none"))) == [d for d in ids(result) if d != docs["large"]]


def test_filters_and_counts_per_reason(app, queue_docs):
    docs = queue_docs
    result = review_queue(app, QueueFilters())
    assert {c["code"]: c["count"] for c in result["counts"]} == {"no_po": 3, "po_unknown": 1}
    assert result["counts"][0]["title"] == "No purchase order quoted"
    assert ids(review_queue(app, QueueFilters(reason="po_unknown"))) == [docs["unknown_po"]]
    assert ids(review_queue(app, QueueFilters(channel="email"))) == [docs["emailed"]]
    assert len(ids(review_queue(app, QueueFilters(vendor="acme industrial")))) == 4
    assert len(ids(review_queue(app, QueueFilters(vendor="V100")))) == 4
    assert ids(review_queue(app, QueueFilters(vendor="globex"))) == []


def test_age_is_measured_against_the_review_sla(app, queue_docs):
    assert not any(i["over_sla"] for i in review_queue(app, QueueFilters(), sla_hours=48)["items"])
    assert all(i["over_sla"] for i in review_queue(app, QueueFilters(), sla_hours=0)["items"])


def test_documents_leave_the_queue_once_decided_and_paging_works(app, queue_docs):
    docs = queue_docs
    review.reject(app, ANNA, docs["small"], version_of(app, docs["small"]), "not ours")
    result = review_queue(app, QueueFilters(), page_size=2)
    assert docs["small"] not in ids(result) and result["total"] == 3 and result["pages"] == 2
    assert len(ids(review_queue(app, QueueFilters(), page=2, page_size=2))) == 1


def test_neighbours_follow_the_filtered_order(app, queue_docs):
    order = ids(review_queue(app, QueueFilters()))
    nav = neighbours(app, order[1], QueueFilters())
    assert (nav["previous"], nav["next"], nav["position"], nav["total"]) == (order[0], order[2], 2, len(order))
    assert neighbours(app, order[0], QueueFilters(channel="email"))["next"] == queue_docs["emailed"]


def test_queue_row_derives_due_date_from_terms_when_none_is_printed():
    class Terms:
        name, payment_terms_days = "Acme", 14

    fields = {"invoice_date": {"value": "2026-03-01", "confidence": 0.9}, "total": {"value": "10.5", "confidence": 0.4}}
    doc = {"id": 7, "version": 3, "filename": "a.pdf", "channel": "scan", "created_at": None}
    row = queue_row(doc, fields, [{"code": "no_po"}, {"code": "no_po"}], Terms())
    assert (row["due_date"], str(row["total"]), row["min_confidence"], row["reason_codes"]) == ("2026-03-15", "10.50", 0.4, ["no_po"])


def test_the_queue_page_and_api(app, queue_docs):
    anna = person(app, "anna", "reviewer")
    page = anna.get("/queue?reason=po_unknown")
    assert page.status_code == 200 and f'data-id="{queue_docs["unknown_po"]}"' in page.text
    api = anna.get("/api/queue", params={"channel": "email"}).json()
    assert [i["id"] for i in api["items"]] == [queue_docs["emailed"]]
    doc = anna.get(f"/api/documents/{queue_docs['large']}").json()
    assert doc["fields"][0]["confidence"] <= doc["fields"][-1]["confidence"]
    assert doc["reasons"][0]["title"] == "No purchase order quoted"
