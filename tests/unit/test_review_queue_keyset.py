"""The queue at any size: keyset pages walk the exact sort order forwards and backwards,
next/previous are the document's neighbours in that order, counts are kept, not counted."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db import review as rq_repo
from invoicepipe.adapters.db.review import (ALL, CHANNEL, NO_AMOUNT, NO_DUE_DATE, SEP, SORT_KEYS, VENDOR, ReviewRepository,
                                            vendor_key)
from invoicepipe.services import review_queue as rq
from invoicepipe.services.review_queue import QueueFilters, SORTS, neighbours, review_queue

DOCUMENTS = 90
PAGE = 7


def _fill():
    spec = importlib.util.spec_from_file_location("bench_review_queue", Path(__file__).parents[2] / "benchmarks" / "review_queue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fill


@pytest.fixture
def big_queue(app, monkeypatch):
    _fill()(app, DOCUMENTS)
    rq._scanned_until.pop(app.engine, None)
    monkeypatch.setattr(rq, "REBUILD_BATCH", 16)  # the first build spans several transactions
    rq.refresh_queue(app)
    with app.uow.begin() as tx:  # ties on every key but the id, and some holds
        q = t.review_queue
        tx.conn.execute(update(q).where(q.c.document_id <= 12).values(due_key="2026-01-01", amount_key=-100, vendor_sort="Same",
                                                                       vendor_name="Same", vendor_missing=0, confidence_key=0.5))
        ReviewRepository(tx.conn).recount()  # the kept counts per vendor name follow the renamed rows
        for doc in random.Random(3).sample(range(1, DOCUMENTS + 1), 9):
            tx.conn.execute(t.review_holds.insert().values(document_id=doc, note="waiting", actor="user:test",
                                                           created_at=func.now()))
    return app


def expected(app, sort: str, held: str = "", reason: str = None, vendor: str = None) -> list[int]:
    with app.uow.read() as tx:
        names = SORT_KEYS[sort]
        rows = tx.conn.execute(select(t.review_queue)).mappings().all()
        holds = {r[0] for r in tx.conn.execute(select(t.review_holds.c.document_id))}
        reasons = {(r[0], r[1]) for r in tx.conn.execute(select(t.review_queue_reasons))}
    rows = [r for r in rows if (not reason or (r["document_id"], reason) in reasons)
            and (not vendor or r["vendor_id"] == vendor or vendor.lower() in (r["vendor_name"] or "").lower())
            and {"only": r["document_id"] in holds, "none": r["document_id"] not in holds}.get(held, True)]
    rows.sort(key=lambda r: (r["document_id"] in holds, *[r[n] for n in names]))
    return [r["document_id"] for r in rows]


def walk(app, filters: QueueFilters) -> tuple[list[int], list[int]]:
    """Every id, following ``next`` cursors to the end, then ``previous`` cursors back."""
    forwards, page = [], review_queue(app, filters, page_size=PAGE)
    pages = [page]
    while True:
        forwards += [i["id"] for i in page["items"]]
        if not page["next"]:
            break
        page = review_queue(app, filters, page=page["page"] + 1, page_size=PAGE, after=page["next"])
        pages.append(page)
    backwards = [i["id"] for i in page["items"]]
    while page["previous"]:
        page = review_queue(app, filters, page=page["page"] - 1, page_size=PAGE, before=page["previous"])
        backwards = [i["id"] for i in page["items"]] + backwards
    return forwards, backwards


@pytest.mark.parametrize("sort", SORTS)
def test_cursor_pages_walk_every_sort_exactly_both_ways(big_queue, sort):
    want = expected(big_queue, sort)
    forwards, backwards = walk(big_queue, QueueFilters(sort=sort))
    assert forwards == want and backwards == want


@pytest.mark.parametrize("held", ["only", "none"])
def test_held_filters_and_a_reason_filter_page_the_same_way(big_queue, held):
    assert walk(big_queue, QueueFilters(held=held, sort="amount"))[0] == expected(big_queue, "amount", held=held)
    assert walk(big_queue, QueueFilters(reason="no_po"))[0] == expected(big_queue, "priority", reason="no_po")


def test_page_numbers_without_a_cursor_match_the_cursor_pages(big_queue):
    want = expected(big_queue, "vendor")
    for page in (1, 2, 9, 12, 13, 14):
        got = [i["id"] for i in review_queue(big_queue, QueueFilters(sort="vendor"), page=page, page_size=PAGE)["items"]]
        assert got == want[(page - 1) * PAGE:page * PAGE]


def test_next_and_previous_are_the_neighbours_in_the_filtered_order(big_queue):
    for sort in ("priority", "age", "confidence"):
        want = expected(big_queue, sort)
        for doc in random.Random(sort).sample(want, 12) + [want[0], want[-1]]:
            i = want.index(doc)
            nav = neighbours(big_queue, doc, QueueFilters(sort=sort))
            assert (nav["previous"], nav["next"], nav["position"], nav["total"]) == (
                want[i - 1] if i else None, want[i + 1] if i + 1 < len(want) else None, i + 1, len(want))
    outside = expected(big_queue, "priority", held="only")[0]
    nav = neighbours(big_queue, outside, QueueFilters(held="none"))
    assert nav["position"] is None and nav["next"] == expected(big_queue, "priority", held="none")[0]


def test_the_position_is_counted_up_to_its_cap_and_the_neighbours_beyond_it(big_queue, monkeypatch):
    monkeypatch.setattr(rq, "POSITION_CAP", 5)
    for filters in (QueueFilters(sort="age"), QueueFilters(reason="no_po")):
        want = expected(big_queue, filters.sort, reason=filters.reason)
        for i in (0, 4, 5, len(want) - 1):
            nav = neighbours(big_queue, want[i], filters)
            assert (nav["previous"], nav["next"], nav["position"]) == (
                want[i - 1] if i else None, want[i + 1] if i + 1 < len(want) else None, i + 1 if i < 5 else None)


def test_counts_are_kept_through_changes_and_match_a_fresh_count(big_queue):
    def counted():
        with big_queue.uow.read() as tx:
            r = t.review_queue_reasons
            q = t.review_queue
            fresh = {c: n for c, n in tx.conn.execute(select(r.c.code, func.count()).group_by(r.c.code))}
            fresh.update({CHANNEL + c: n for c, n in tx.conn.execute(select(q.c.channel, func.count()).group_by(q.c.channel))})
            fresh.update({CHANNEL + ch + SEP + c: n for ch, c, n in tx.conn.execute(
                select(q.c.channel, r.c.code, func.count()).join(r, r.c.document_id == q.c.document_id).group_by(q.c.channel, r.c.code))})
            fresh[ALL] = tx.conn.execute(select(func.count()).select_from(t.review_queue)).scalar_one()
            fresh.update({vendor_key(v, name): n for v, name, n in tx.conn.execute(
                select(q.c.vendor_id, q.c.vendor_name, func.count()).group_by(q.c.vendor_id, q.c.vendor_name))})
            kept = {c: n for c, n in tx.conn.execute(select(t.review_queue_counts)) if n}
            return fresh, kept

    fresh, kept = counted()
    assert kept == fresh and kept[ALL] == DOCUMENTS
    with big_queue.uow.begin() as tx:  # five leave review, three change: the refresh rebuilds their rows
        d = t.documents
        tx.conn.execute(update(d).where(d.c.id <= 5).values(status="rejected", version=d.c.version + 1, updated_at=func.now()))
        tx.conn.execute(update(d).where(d.c.id.between(6, 8)).values(version=d.c.version + 1, updated_at=func.now()))
    page = review_queue(big_queue, QueueFilters())
    fresh, kept = counted()
    assert kept == fresh and page["total"] == DOCUMENTS - 5 and not page["total_capped"]
    assert {c["code"]: c["count"] for c in page["counts"]} == {c: n for c, n in fresh.items()
                                                              if c != ALL and not c.startswith((CHANNEL, VENDOR))}
    for filters in (QueueFilters(channel="email"), QueueFilters(reason="no_po", held="none"), QueueFilters(held="only"),
                    QueueFilters(reason="no_po", channel="scan"), QueueFilters(vendor="vendor 1"), QueueFilters(vendor="V0007", held="none")):
        page = review_queue(big_queue, filters)
        assert page["total"] == len(walk(big_queue, filters)[0]) and not page["total_capped"]


def test_a_filtered_total_stops_counting_at_the_cap(big_queue, monkeypatch):
    monkeypatch.setattr(rq, "COUNT_CAP", 10)
    combined = QueueFilters(vendor="industrial", reason="no_po", sort="age")  # no kept count for a vendor with a reason
    page = review_queue(big_queue, combined, page_size=PAGE)
    assert page["total_capped"] and page["total"] == 10
    assert len(walk(big_queue, combined)[0]) > 10
    assert review_queue(big_queue, QueueFilters(), page_size=PAGE)["total"] == DOCUMENTS  # kept count: exact


def test_a_stale_or_edited_cursor_starts_from_the_top(big_queue):
    first = review_queue(big_queue, QueueFilters(), page_size=PAGE)
    for token in ("garbage", first["next"][:-3], rq.encode_cursor(rq.Cursor(0, ("x",)))):
        assert [i["id"] for i in review_queue(big_queue, QueueFilters(), page=4, page_size=PAGE, after=token)["items"]] == \
            [i["id"] for i in first["items"]]


@pytest.fixture
def vendor_queue(big_queue):
    """Vendors sharing a name, a name shared by two ids, one without a name, ties on every
    key but the id and unknown due dates and amounts (sentinels), across many pages."""
    q = t.review_queue
    groups = [(range(13, 25), "V9001", "Acme North", {"due_key": "2026-02-01", "amount_key": -50}),  # ties
              (range(25, 33), "V9002", "Acme South", {"due_key": NO_DUE_DATE, "amount_key": NO_AMOUNT}),  # unknown
              (range(33, 38), "V9001", None, {"vendor_missing": 1, "vendor_sort": ""}),  # no name: the id matches
              (range(38, 42), "V9003", "Acme North", {})]  # the same name, another id
    with big_queue.uow.begin() as tx:
        for ids, vendor_id, name, keys in groups:
            values = {"vendor_id": vendor_id, "vendor_name": name, "vendor_missing": 0, "vendor_sort": name or "", **keys}
            tx.conn.execute(update(q).where(q.c.document_id.in_(list(ids))).values(**values))
        ReviewRepository(tx.conn).recount()
    return big_queue



@pytest.mark.parametrize("sorted_rows", [rq_repo.MAX_SORTED_VENDOR_ROWS, 0])  # 0: other sorts walk their own index
@pytest.mark.parametrize("sort", ["priority", "vendor", "amount", "age", "confidence"])
@pytest.mark.parametrize("vendor", ["acme", "V9001", "acme south", "Same", "nobody"])
def test_a_vendor_filter_pages_by_vendor_range_exactly_both_ways(vendor_queue, sort, vendor, sorted_rows, monkeypatch):
    monkeypatch.setattr(rq_repo, "MAX_SORTED_VENDOR_ROWS", sorted_rows)
    want = expected(vendor_queue, sort, vendor=vendor)
    forwards, backwards = walk(vendor_queue, QueueFilters(vendor=vendor, sort=sort))
    assert forwards == want and backwards == want
    assert review_queue(vendor_queue, QueueFilters(vendor=vendor, sort=sort))["total"] == len(want)
    for page in range(1, len(want) // PAGE + 2):  # page numbers without a cursor: an offset into the merged ranges
        got = review_queue(vendor_queue, QueueFilters(vendor=vendor, sort=sort), page=page, page_size=PAGE)["items"]
        assert [i["id"] for i in got] == want[(page - 1) * PAGE:page * PAGE]
    assert bool(want) == (vendor != "nobody")


@pytest.mark.parametrize("filters", [QueueFilters(sort="age"), QueueFilters(vendor="acme"), QueueFilters(held="none", reason="no_po")])
def test_next_is_offered_exactly_when_a_row_follows_the_page(vendor_queue, filters):
    """The row read beyond a page decides ``next``: a page ending on the queue's last row
    has none, one row short has one, and it leads to that last row (phases included)."""
    want = expected(vendor_queue, filters.sort, held=filters.held, reason=filters.reason, vendor=filters.vendor)
    whole = review_queue(vendor_queue, filters, page_size=len(want))
    assert [i["id"] for i in whole["items"]] == want and whole["next"] is None
    short = review_queue(vendor_queue, filters, page_size=len(want) - 1)
    assert short["next"] is not None
    rest = review_queue(vendor_queue, filters, page=2, page_size=len(want) - 1, after=short["next"])
    assert [i["id"] for i in rest["items"]] == want[-1:] and rest["next"] is None


def test_a_rare_vendor_reads_its_own_index_range_not_the_sort_order(vendor_queue):
    seen = []

    def record(conn, cursor, sql, params, context, many):
        seen.append((sql, params))

    event.listen(vendor_queue.engine, "before_cursor_execute", record)
    try:
        page = review_queue(vendor_queue, QueueFilters(vendor="acme south"), page_size=PAGE)
    finally:
        event.remove(vendor_queue.engine, "before_cursor_execute", record)
    assert [i["id"] for i in page["items"]] == expected(vendor_queue, "priority", vendor="acme south")[:PAGE]
    pages = [(sql, params) for sql, params in seen if "review_queue.vendor_sort = " in sql and "LIMIT" in sql]
    assert pages, "the page was not read by vendor range"
    with vendor_queue.engine.connect() as conn:
        for sql, params in pages:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "ix_review_queue_vendor" in plan and "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


@pytest.mark.parametrize("sort", ["amount", "age", "confidence"])
def test_a_rare_vendor_is_read_from_its_ranges_in_any_sort(vendor_queue, sort):
    """A sort the vendor index does not give still reads the vendor's few rows from its
    ranges (and sorts them), not the sort order's whole index filtered row by row."""
    seen = []

    def record(conn, cursor, sql, params, context, many):
        seen.append((sql, params))

    event.listen(vendor_queue.engine, "before_cursor_execute", record)
    try:
        page = review_queue(vendor_queue, QueueFilters(vendor="acme", sort=sort), page_size=PAGE)
    finally:
        event.remove(vendor_queue.engine, "before_cursor_execute", record)
    assert [i["id"] for i in page["items"]] == expected(vendor_queue, sort, vendor="acme")[:PAGE]
    pages = [(sql, params) for sql, params in seen if "review_queue.vendor_sort = " in sql and "LIMIT" in sql]
    assert pages, "the page was not read by vendor range"
    with vendor_queue.engine.connect() as conn:
        for sql, params in pages:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "ix_review_queue_vendor" in plan, plan
