"""On PostgreSQL a day of the cost ledger is 16 slot rows: parses of documents on different
slots are granted and closed without waiting for each other, and the day's ceiling still
holds over all slots at once (``adapters/db/costs.py``)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, func, select, text

from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.adapters.cost_meter import ParseCost
from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.costs import SLOTS, slot_of
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.costs import Spend
from invoicepipe.domain.models import Status
from invoicepipe.services import costs

pytestmark = pytest.mark.integration


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    application = bootstrap(settings, log_level="WARNING")
    application.enqueuer = DeferredEnqueuer()
    yield application
    application.close()


def _with_ceilings(app, document: Spend, day: Spend) -> None:
    app.policy = replace(app.policy, costs=replace(app.policy.costs, document=document, day=day))


def _documents(app, n: int) -> list[int]:
    with app.uow.begin() as tx:
        return [tx.documents.add(sha256=f"{i:064x}", filename=f"{i}.pdf", channel="scan", media_type="application/pdf",
                                 size_bytes=1, status=Status.QUEUED) for i in range(n)]


def _ledger_sums(app, day: str) -> dict:
    """What the ledger's rows of ``day`` add up to, read from ``cost_ledger`` alone."""
    with app.engine.connect() as conn:
        rows = conn.execute(select(t.cost_ledger).where(t.cost_ledger.c.day == day)).mappings().all()
    running = [r for r in rows if r["outcome"] == "running"]
    settled = [r for r in rows if r["outcome"] != "running"]
    return {"parses": len(rows),
            "reserved": Spend(sum(r["allowance"]["cpu_seconds"] for r in running), sum(r["allowance"]["calls"] for r in running),
                              sum(r["allowance"]["cost"] for r in running)),
            "spent": Spend(sum(r["cpu_seconds"] for r in settled), sum(r["calls"] for r in settled), sum(r["cost"] for r in settled))}


def test_a_grant_and_a_close_do_not_wait_for_another_slot_s_open_transaction(app):
    """The day's one row was locked by every grant until its commit: a second document's
    grant waited for the first's transaction. With slots it is granted meanwhile (a wait
    would run into the lock timeout), and so is its close."""
    docs = _documents(app, 40)
    first = docs[0]
    other = next(d for d in docs if slot_of(d) != slot_of(first))
    with app.uow.begin() as tx:
        costs.grant(app, tx, docs[-1])  # the day's first grant creates and apportions the day
    with app.uow.begin() as holder:
        costs.grant(app, holder, first)  # open: its slot's row stays locked until this commits
        with app.uow.begin() as tx:
            tx.conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            granted = costs.grant(app, tx, other)
        assert granted.budget.allowance == app.policy.costs.document.floored()
        with app.uow.begin() as tx:
            tx.conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert costs.settle(tx, granted, ParseCost({"tesseract": Spend(0.5, 1, 0.0)})) is not None
    day = costs.day_report(app)["days"][-1]
    assert day["parses"] == 3 and day["spent"]["calls"] == 1


def test_concurrent_grants_across_slots_never_pass_the_day_s_ceiling_and_the_day_is_its_ledger(app):
    """64 documents on all 16 slots granted at once, from their own connections, under a
    day ceiling that covers 33 of them and a bit: the first grants come from the slots'
    shares (two a slot), the later ones lock every slot; together they are granted exactly
    the ceiling, never more. Half of them then close at once: the day (its slots summed) is
    what the ledger's rows add up to."""
    # calls bind: the opener's 4, then 8 a slot (two grants) and 2 left over
    document, day_ceiling = Spend(10.0, 4, 0.5), Spend(1000.0, 4 + 16 * 8 + 2, 100.0)
    _with_ceilings(app, document, day_ceiling)
    docs = _documents(app, 64)
    assert {slot_of(d) for d in docs} == set(range(SLOTS))
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:  # the day exists, apportioned: later grants may take the fast path
        opener = costs.grant(app, tx, docs[0], now)
    assert opener.budget.allowance == document
    granted, errors, start = {docs[0]: opener}, [], threading.Barrier(len(docs) - 1)

    def parse_starts(doc_id):
        try:
            start.wait(30)
            with app.uow.begin() as tx:
                granted[doc_id] = costs.grant(app, tx, doc_id, now)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=parse_starts, args=(d,)) for d in docs[1:]]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == [] and len(granted) == len(docs)
    allowances = [g.budget.allowance for g in granted.values()]
    assert sum(a.calls for a in allowances) == day_ceiling.calls  # all of it handed out, never more
    assert sum(a.cpu_seconds for a in allowances) <= day_ceiling.cpu_seconds
    assert sum(a.cost for a in allowances) <= day_ceiling.cost + 1e-9
    day = costs.day_report(app)["days"][-1]
    assert day["reserved"]["calls"] == day_ceiling.calls and day["parses"] == len(docs)
    # both paths ran: from a share (the day not read, ``before`` has no day) and over every slot
    from_share = [g for g in granted.values() if "day" not in g.budget.before]
    assert 0 < len(from_share) <= 2 * SLOTS and all(g.budget.allowance == document for g in from_share)

    closing = list(granted.values())[::2]
    start = threading.Barrier(len(closing))

    def close(g):
        try:
            start.wait(30)
            with app.uow.begin() as tx:
                costs.settle(tx, g, ParseCost({"tesseract": Spend(0.25 * (g.entry_id % 4), min(1, g.budget.allowance.calls), 0.0)}),
                             now)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=close, args=(g,)) for g in closing]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == []
    day = costs.day_report(app)["days"][-1]
    ledger = _ledger_sums(app, opener.day)
    assert day["parses"] == ledger["parses"] == len(docs)
    assert day["reserved"] == ledger["reserved"].as_dict() and day["spent"] == ledger["spent"].as_dict()
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.cost_days).where(t.cost_days.c.day == opener.day)).scalar() == SLOTS


def test_a_slot_whose_share_ran_short_is_apportioned_again_from_what_the_day_leaves(app):
    """Each slot holds an equal part of what the ceiling leaves; a grant whose slot's share
    does not cover the document's ceiling locks every slot, grants against the day's sum and
    apportions anew: the shares never add up to more than the ceiling."""
    _with_ceilings(app, Spend(10.0, 4, 0.5), Spend(1000.0, 16 * 5, 100.0))  # 5 calls a slot: one grant of 4 fits
    docs = _documents(app, 3 * SLOTS)
    same_slot = [d for d in docs if slot_of(d) == slot_of(docs[0])][:3]
    for doc_id in same_slot:
        with app.uow.begin() as tx:
            g = costs.grant(app, tx, doc_id)
        assert g.budget.allowance.calls == 4  # the day has plenty: the share is topped up from it
        with app.engine.connect() as conn:
            slots = conn.execute(select(t.cost_days)).mappings().all()
        assert sum(r["share_calls"] for r in slots) <= 16 * 5
        assert all(r["share_calls"] >= r["calls"] + r["reserved_calls"] for r in slots)
        assert all(r["share_of_calls"] == 16 * 5 for r in slots)


def test_a_changed_day_ceiling_is_apportioned_before_any_share_is_granted(app):
    """Shares are of the ceiling they were apportioned from: under a new policy's lower
    ceiling a grant does not take the old share but locks the day and grants what is left."""
    _with_ceilings(app, Spend(10.0, 4, 0.5), Spend(1000.0, 1000, 100.0))
    a, b = _documents(app, 2)
    assert slot_of(a) != slot_of(b)
    with app.uow.begin() as tx:
        assert costs.grant(app, tx, a).budget.allowance.calls == 4
    _with_ceilings(app, Spend(10.0, 4, 0.5), Spend(1000.0, 5, 100.0))
    with app.uow.begin() as tx:
        assert costs.grant(app, tx, b).budget.allowance.calls == 1
    assert costs.day_report(app)["days"][-1]["reserved"]["calls"] == 5


def test_a_day_written_before_slots_is_slot_zero_and_still_counts(postgres_url, tmp_path):
    upgrade(postgres_url, "0020_data_versions")
    engine = create_engine(postgres_url)
    day = datetime.now(timezone.utc).date().isoformat()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cost_days (day, cpu_seconds, calls, cost, reserved_cpu_seconds, reserved_calls, "
                          "reserved_cost, parses, ceiling_hits, engines) VALUES "
                          "(:d, 2.5, 3, 0.0, 0.0, 2, 0.0, 4, 1, '{\"tesseract\": {\"cpu_seconds\": 2.5, \"calls\": 3, \"cost\": 0.0}}')"),
                     {"d": day})
    engine.dispose()
    upgrade(postgres_url)
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    application = bootstrap(settings, log_level="WARNING")
    try:
        application.enqueuer = DeferredEnqueuer()
        _with_ceilings(application, Spend(10.0, 4, 0.5), Spend(1000.0, 7, 100.0))
        before = costs.day_report(application)["days"][-1]
        assert (before["spent"]["calls"], before["reserved"]["calls"], before["parses"], before["ceiling_hits"]) == (3, 2, 4, 1)
        assert before["engines"] == {"tesseract": {"cpu_seconds": 2.5, "calls": 3, "cost": 0.0}}
        [doc_id] = _documents(application, 1)
        with application.uow.begin() as tx:  # the day's other slots created, the day apportioned
            assert costs.grant(application, tx, doc_id).budget.allowance.calls == 2  # 7 - 3 spent - 2 reserved
        after = costs.day_report(application)["days"][-1]
        assert after["reserved"]["calls"] == 4 and after["parses"] == 5
    finally:
        application.close()
