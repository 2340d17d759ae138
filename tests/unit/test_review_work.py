"""Who works on which invoice: claims, assignments, take-overs, comments, bulk actions,
sorting and saved filters."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from invoicepipe.adapters.db import tables as t
from invoicepipe.errors import PermanentError, StateConflict
from invoicepipe.services import review, review_work
from invoicepipe.services.audit import trail
from invoicepipe.services.queries import show
from invoicepipe.services.review_queue import QueueFilters, review_queue
from invoicepipe.services.users import Forbidden, User, add_user
from tests.web_helpers import PASSWORD, in_review, load_master, person, version_of

ANNA, BERT, CARL = User(1, "anna", "reviewer"), User(2, "bert", "reviewer"), User(3, "carl", "controller")


@pytest.fixture
def loaded(app, tmp_path):
    load_master(app, tmp_path)
    for u in (ANNA, BERT, CARL):
        add_user(app, u.username, u.role, PASSWORD, "user:test")
    return app


def ids(result):
    return [i["id"] for i in result["items"]]


def test_a_claim_keeps_others_from_acting_until_they_take_over(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    review_work.claim(loaded, ANNA, doc)
    with pytest.raises(StateConflict, match="anna is working on document"):
        review.hold(loaded, BERT, doc, version_of(loaded, doc), "waiting for the vendor")
    with pytest.raises(StateConflict):
        review_work.claim(loaded, BERT, doc)
    review_work.claim(loaded, BERT, doc, take_over=True)
    review.hold(loaded, BERT, doc, version_of(loaded, doc), "waiting for the vendor")
    steps = [e["step"] for e in trail(loaded, doc)]
    assert steps[-3:] == ["review_claim", "review_take_over", "review_hold"]


def test_an_expired_claim_frees_the_document_by_itself(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    review_work.claim(loaded, ANNA, doc)
    with loaded.uow.begin() as tx:
        tx.conn.execute(update(t.review_claims).values(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    review.hold(loaded, BERT, doc, version_of(loaded, doc), "nobody was on it")
    assert review_queue(loaded, QueueFilters(assignee="none"))["total"] == 1


def test_assignments_are_visible_in_the_queue_and_in_my_work(loaded, run_pipeline):
    first = in_review(loaded, run_pipeline, po=None, number="A-1")
    second = in_review(loaded, run_pipeline, po=None, number="A-2", qty="3", day="2026-03-20")
    review_work.assign(loaded, ANNA, first, "@bert")
    assert ids(review_queue(loaded, QueueFilters(assignee="me"), me="bert")) == [first]
    assert ids(review_queue(loaded, QueueFilters(assignee="none"))) == [second]
    row = next(i for i in review_queue(loaded, QueueFilters())["items"] if i["id"] == first)
    assert row["claimed_by"] == "bert"
    with pytest.raises(Forbidden):  # moving bert's work elsewhere is a controller's call
        review_work.assign(loaded, User(4, "dora", "reviewer"), first, "anna")
    review_work.assign(loaded, CARL, first, "anna")
    with pytest.raises(PermanentError, match="not an active reviewer"):
        review_work.assign(loaded, CARL, first, "nobody")
    review.reject(loaded, ANNA, first, version_of(loaded, first), "not ours")
    with loaded.uow.begin() as tx:
        assert review_work.live_claim(tx, first) is None  # a closed document is nobody's work


def test_comments_mention_real_people_and_are_audited(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    done = review_work.comment(loaded, ANNA, doc, "@carl please check the bank details; cc @ghost and @Bert")
    assert done["mentions"] == ["carl", "bert"]
    assert review_work.mentions_of(loaded, CARL)[0]["document_id"] == doc
    assert trail(loaded, doc)[-1]["step"] == "review_comment" and trail(loaded, doc)[-1]["inputs"]["mentions"] == ["carl", "bert"]
    with pytest.raises(PermanentError):
        review_work.comment(loaded, ANNA, doc, "   ")


def test_sorting_keeps_hold_last_and_breaks_ties_by_priority(loaded, run_pipeline):
    small = in_review(loaded, run_pipeline, po=None, number="S-1", qty="1", day="2026-03-01")
    large = in_review(loaded, run_pipeline, po=None, number="L-1", qty="90", day="2026-03-25")
    assert ids(review_queue(loaded, QueueFilters(sort="amount")))[:2] == [large, small]
    assert ids(review_queue(loaded, QueueFilters(sort="age")))[:2] == [small, large]


def test_bulk_actions_and_saved_filters_through_the_page(loaded, run_pipeline):
    first = in_review(loaded, run_pipeline, po=None, number="B-1")
    second = in_review(loaded, run_pipeline, po=None, number="B-2", qty="3", day="2026-03-20")
    anna = person(loaded, "anna2")
    page = anna.get("/queue").text
    boxes = re.findall(r'name="doc" value="(\d+:\d+)"', page)
    assert len(boxes) == 2
    stale = f"{first}:{version_of(loaded, first) - 1}"
    response = anna.post("/queue/bulk", data={"csrf_token": anna.csrf, "bulk_action": "hold", "note": "vendor statement pending",
                                              "doc": [stale, f"{second}:{version_of(loaded, second)}"]}, follow_redirects=False)
    assert response.status_code == 303
    notice = anna.get(response.headers["location"]).text
    assert "hold: 1 of 2 done" in notice and f"#{first}" in notice  # the stale one is refused, not overwritten
    assert show(loaded, second)["status"] == "needs_review" and review_queue(loaded, QueueFilters(held="only"))["total"] == 1
    saved = anna.post("/queue/filters", data={"csrf_token": anna.csrf, "name": "held, by amount",
                                              "query": "held=only&sort=amount&evil=1"}, follow_redirects=False)
    assert saved.status_code == 303 and "evil" not in saved.headers["location"]
    queue = anna.get("/queue").text
    assert "held, by amount" in queue and 'href="/queue?held=only&amp;sort=amount"' in queue


def test_the_document_page_shows_who_works_on_it(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    review_work.claim(loaded, ANNA, doc)
    bert = person(loaded, "bert2")
    page = bert.get(f"/documents/{doc}").text
    assert "<b>anna</b> is working on this" in page and 'id="take-over"' in page
    refused = bert.post(f"/documents/{doc}/hold", data={"csrf_token": bert.csrf, "version": version_of(loaded, doc), "note": "x"})
    assert refused.status_code == 409 and "anna is working on document" in refused.text
    taken = bert.post(f"/documents/{doc}/work/take-over", data={"csrf_token": bert.csrf}, follow_redirects=False)
    assert taken.status_code == 303 and "You are working on this" in bert.get(taken.headers["location"]).text
    bert.post(f"/documents/{doc}/work/comment", data={"csrf_token": bert.csrf, "body": "took it over, @anna"})
    assert "took it over, @anna" in bert.get(f"/documents/{doc}").text
