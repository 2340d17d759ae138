"""Outgoing webhooks on SQLite and PostgreSQL, against real HTTP receivers on 127.0.0.1:
deliveries are written with the state change (or not at all), filtered by state and owner,
signed, retried with back-off, dead after the budget or a refusal, replayable, and never sent
by a pipeline worker."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import create_engine, delete, insert, select, update

from invoicepipe.actors import declare_actors
from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.policy_file import load_schema
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import Status
from invoicepipe.errors import PermanentError, StateConflict
from invoicepipe.services import webhooks
from invoicepipe.services.audit import trail
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.masterdata import load_master_data
from invoicepipe.services.queries import show
from invoicepipe.services.transitions import move
from invoicepipe.services.users import add_user
from tests.conftest import drain, lenient_policy
from tests.fakes import TextReaders, fake_pdf
from tests.http_receiver import Receiver
from tests.masterdata_samples import invoice_lines, write_master

SECRET = "subscriber-secret-0123456789"


@pytest.fixture
def app(database_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url,
                                 policy_path=lenient_policy(tmp_path), webhook_max_attempts=3, webhook_timeout_s=3)
    broker = StubBroker()
    broker.emit_after("process_boot")
    application = bootstrap(settings, broker=broker, readers=TextReaders(), log_level="WARNING")
    declare_actors(application)
    for kind, path in write_master(tmp_path / "master").items():
        load_master_data(application, kind, path)
    add_user(application, "erp-bot", "integrator", None, "user:admin")
    add_user(application, "someone", "integrator", None, "user:admin")
    yield application
    application.close()


def upload(app, actor="user:erp-bot", number="INV-1001"):
    [doc] = ingest_bytes(app, fake_pdf(*invoice_lines(number=number)), f"{number}.pdf", "api", actor).documents
    drain(app)
    return doc["id"]


def rows(app, **where):
    query = select(t.webhook_deliveries).order_by(t.webhook_deliveries.c.id)
    for name, value in where.items():
        query = query.where(t.webhook_deliveries.c[name] == value)
    with app.uow.begin() as tx:
        return [dict(r._mapping) for r in tx.conn.execute(query)]


def due_now(app):
    """Time passes: every pending delivery is due."""
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.webhook_deliveries).where(t.webhook_deliveries.c.state == "pending")
                        .values(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))


def test_state_changes_reach_the_subscribers_that_want_them_signed_and_once(app):
    with Receiver(SECRET) as everything, Receiver(SECRET, offset=1) as mine, Receiver(SECRET, offset=2) as theirs:
        webhooks.add_subscriber(app, "all", everything.url, ["*"], None, "user:admin", SECRET)
        webhooks.add_subscriber(app, "mine", mine.url, ["approved", "exported", "needs_review"], "erp-bot", "user:admin", SECRET)
        webhooks.add_subscriber(app, "theirs", theirs.url, ["*"], "someone", "user:admin", SECRET)
        doc_id = upload(app)
        assert show(app, doc_id)["status"] == "exported"
        # written by the pipeline, sent by nobody yet: a pipeline worker never sends
        assert everything.requests == [] and mine.requests == []
        moves = [e for e in trail(app, doc_id) if e["from_status"] != e["to_status"]]
        assert len(rows(app, subscriber_id=1)) == len(moves) == 5
        assert [r["payload"]["document"]["status"] for r in rows(app, subscriber_id=2)] == ["approved", "exported"]
        assert rows(app, subscriber_id=3) == []

        everything.then((503, {"Retry-After": "1"}, b""))
        outcome = webhooks.deliver_due(app)
        assert outcome == {"delivered": 6, "retry": 1, "dead": 0}
        due_now(app)
        assert webhooks.deliver_due(app) == {"delivered": 1, "retry": 0, "dead": 0}
        assert webhooks.deliver_due(app) == {"delivered": 0, "retry": 0, "dead": 0}

    schema = jsonschema.Draft202012Validator(load_schema(app.settings.schemas_dir, "webhook_event"),
                                             format_checker=jsonschema.FormatChecker())
    for request in everything.requests + mine.requests:
        assert request["verified"]
        body = json.loads(request["body"])
        schema.validate(body)
        assert request["headers"]["idempotency-key"] == body["id"]
        assert request["headers"]["invoicepipe-event"] == "document.state_changed"
    # six events accepted once each; the retried one came with the same key and bytes
    assert len(everything.requests) == 6 and len(everything.accepted) == 5
    assert sorted(b["audit_seq"] for b in everything.accepted.values()) == [e["seq"] for e in moves]
    assert {r["state"] for r in rows(app)} == {"delivered"}
    assert SECRET not in json.dumps(webhooks.list_subscribers(app))


def test_a_delivery_commits_with_its_state_change_or_not_at_all(app):
    webhooks.add_subscriber(app, "all", "http://127.0.0.1:9/hook", ["*"], None, "user:admin", SECRET)
    [doc] = ingest_bytes(app, fake_pdf(*invoice_lines()), "a.pdf", "api", "user:erp-bot").documents
    with pytest.raises(RuntimeError):
        with app.uow.begin() as tx:
            loaded = tx.documents.get(doc["id"])
            assert move(tx, loaded, Status.QUEUED, step="triage", actor="test", outcome="fast") is not None
            assert len(tx.conn.execute(select(t.webhook_deliveries)).all()) == 1  # written in the transaction
            raise RuntimeError("the step crashed before commit")
    assert rows(app) == [] and show(app, doc["id"])["status"] == "received"


def test_retries_end_dead_after_the_budget_and_a_replay_delivers(app):
    with Receiver(SECRET) as receiver:
        webhooks.add_subscriber(app, "mine", receiver.url, ["exported"], "erp-bot", "user:admin", SECRET)
        doc_id = upload(app)
        receiver.then(500, "hang", 503)
        assert webhooks.deliver_due(app)["retry"] == 1
        [row] = rows(app)
        assert row["attempts"] == 1 and row["next_attempt_at"].replace(tzinfo=timezone.utc) > datetime.now(timezone.utc) + timedelta(seconds=10)
        assert webhooks.deliver_due(app) == {"delivered": 0, "retry": 0, "dead": 0}  # backing off
        due_now(app)
        assert webhooks.deliver_due(app)["retry"] == 1  # the hang: timed out
        due_now(app)
        assert webhooks.deliver_due(app)["dead"] == 1  # the third try spends the budget of 3
        [row] = rows(app)
        assert row["state"] == "dead" and "retry budget" in row["last_error"]
        assert webhooks.dead_ids(app) == [row["id"]]
        due_now(app)
        assert webhooks.deliver_due(app) == {"delivered": 0, "retry": 0, "dead": 0}  # dead stays dead

        assert webhooks.replay(app, [row["id"]], "user:ops") == [f"delivery {row['id']}: delivered"]
        with pytest.raises(StateConflict):
            webhooks.replay(app, [row["id"]], "user:ops")
    assert len(set(receiver.keys())) == 1 and len(receiver.accepted) == 1
    replayed = [e for e in trail(app, doc_id) if e["step"] == "webhook_replay"]
    assert replayed[0]["actor"] == "user:ops" and replayed[0]["reasons"][0]["code"] == "webhook_replayed"


def test_a_refusal_is_dead_at_once_with_the_answer(app):
    with Receiver(SECRET).then((410, {}, b"this hook is gone\x00\x1b")) as receiver:
        webhooks.add_subscriber(app, "gone", receiver.url, ["exported"], None, "user:admin", SECRET)
        upload(app)
        assert webhooks.deliver_due(app)["dead"] == 1
    [row] = rows(app)
    assert row["attempts"] == 1 and row["last_error"].endswith("answered HTTP 410: this hook is gone__")


def test_subscribers_are_checked_and_removed_with_their_deliveries(app):
    with pytest.raises(PermanentError, match="http"):
        webhooks.add_subscriber(app, "x", "ftp://example.org/", ["*"], None, "user:admin")
    with pytest.raises(PermanentError, match="unknown state"):
        webhooks.add_subscriber(app, "x", "https://example.org/", ["paid"], None, "user:admin")
    made = webhooks.add_subscriber(app, "x", "https://user:pw@example.org/hook?token=t0p", ["exported"], None, "user:admin")
    assert len(made["secret"]) >= 32 and made["url"] == "https://user:***@example.org/hook"
    with pytest.raises(StateConflict):
        webhooks.add_subscriber(app, "x", "https://example.org/", ["*"], None, "user:admin")
    upload(app)
    assert len(rows(app)) == 1
    webhooks.remove_subscriber(app, "x", "user:admin")
    assert rows(app) == [] and webhooks.list_subscribers(app) == []
    with app.uow.begin() as tx:
        steps = tx.conn.execute(select(t.audit_events.c.step).where(t.audit_events.c.step.like("webhook_%"))).scalars().all()
    assert steps == ["webhook_subscribed", "webhook_unsubscribed"]


def test_a_subscriber_written_by_another_process_is_matched_from_the_next_state_change(app, database_url):
    """Processes keep the subscribers per version of their table; a write from elsewhere (here
    plain SQL on a connection of its own) moves the version, so the next state change sees it."""
    upload(app, number="INV-2001")  # this process now holds the subscribers: none
    assert rows(app) == []
    other = create_engine(database_url)
    try:
        with other.begin() as conn:
            conn.execute(insert(t.webhook_subscribers).values(
                name="late", url="http://127.0.0.1:9/hook", secret=SECRET, events="*", owner=None, created_by="user:admin",
                created_at=datetime.now(timezone.utc)))
        second = upload(app, number="INV-2002")
        assert rows(app) and {r["document_id"] for r in rows(app)} == {second}
        with other.begin() as conn:
            conn.execute(delete(t.webhook_deliveries))
            conn.execute(delete(t.webhook_subscribers))
        upload(app, number="INV-2003")  # a delivery for the removed subscriber would break its foreign key
        assert rows(app) == []
    finally:
        other.dispose()
