"""Work in progress holds a lease: the sweeper and a second message leave it alone."""

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from invoicepipe.adapters.db import tables as t
from invoicepipe.services.audit import trail
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.leases import Heartbeat, keeper
from invoicepipe.services.parse import parse
from invoicepipe.services.queries import show
from invoicepipe.services.sweeper import sweep
from invoicepipe.services.triage import triage
from tests.fakes import TextReaders, fake_pdf
from tests.masterdata_samples import invoice_lines


class SlowReaders(TextReaders):
    """Reads the text layer only once the test lets it: a parse as long as the test wants."""

    def __init__(self):
        super().__init__()
        self.reading, self.go_on = threading.Event(), threading.Event()

    def read_text_layer(self, data):
        self.reading.set()
        assert self.go_on.wait(30)
        return super().read_text_layer(data)


def queued_document(app):
    return queued_document_of(app, "a.pdf")


def queued_document_of(app, name):
    [doc] = ingest_bytes(app, fake_pdf(*invoice_lines(), name), name, "portal", "user:test").documents
    triage(app, doc["id"], "worker:test/triage")
    for queue in app.broker.queues.values():  # the parse message was taken by "a worker"
        while queue.qsize():
            queue.get_nowait()
            queue.task_done()
    return doc["id"]


def parse_starts(app, doc_id):
    return [e for e in trail(app, doc_id) if e["step"] == "parse_started"]


def test_a_parse_longer_than_stuck_after_runs_once_despite_the_sweeper(loaded):
    loaded.readers = readers = SlowReaders()
    loaded.settings = type(loaded.settings)(**{**loaded.settings.__dict__, "lease_s": 1})  # several heartbeats
    doc_id = queued_document(loaded)
    first = threading.Thread(target=parse, args=(loaded, doc_id, "worker:a/1"))
    first.start()
    try:
        assert readers.reading.wait(30)
        for _ in range(3):  # STUCK_AFTER = 0: everything is "stuck" by the clock, and queues are empty
            assert sweep(loaded, stuck_after_s=0) == 0
            readers.go_on.wait(0.5)  # let the lease outlive its first term: the heartbeat renews it
        parse(loaded, doc_id, "worker:b/2")  # a second delivery of the message meanwhile
        assert show(loaded, doc_id)["status"] == "parsing"
    finally:
        readers.go_on.set()
        first.join(30)
    assert show(loaded, doc_id)["status"] == "extracted"
    assert readers.reads == ["text"]
    assert len(parse_starts(loaded, doc_id)) == 1
    assert "requeued" not in [e["step"] for e in trail(loaded, doc_id)]
    with loaded.uow.begin() as tx:
        finished = tx.documents.get(doc_id)
    assert finished.lease_owner is None and finished.lease_expires_at is None  # released by the commit


def test_an_expired_lease_is_re_sent_and_taken_over(app):
    doc_id = queued_document(app)
    past = datetime.now(timezone.utc) - timedelta(seconds=5)
    with app.uow.begin() as tx:  # a worker took it and died: its lease ran out
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id)
                        .values(status="parsing", attempts=1, lease_owner="worker:dead/1#x", lease_expires_at=past))
    assert sweep(app, stuck_after_s=3600) == 1  # not idle long by the clock, but its lease expired
    parse(app, doc_id, "worker:c/3")
    assert show(app, doc_id)["status"] == "extracted"
    assert len(parse_starts(app, doc_id)) == 1


def test_a_live_lease_is_not_re_sent_even_with_a_backlog_gone(app):
    doc_id = queued_document(app)
    future = datetime.now(timezone.utc) + timedelta(minutes=5)
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id)
                        .values(status="parsing", attempts=1, lease_owner="worker:busy/1#y", lease_expires_at=future,
                                updated_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    assert sweep(app, stuck_after_s=0) == 0
    parse(app, doc_id, "worker:d/4")  # a redelivered message returns without doing anything
    assert show(app, doc_id)["status"] == "parsing" and show(app, doc_id)["attempts"] == 1


def _lease_of(app, doc_id):
    with app.uow.begin() as tx:
        doc = tx.documents.get(doc_id)
    return doc.lease_owner, doc.lease_expires_at


def _take_lease(app, doc_id, owner, seconds=1):
    with app.uow.begin() as tx:
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id)
                        .values(status="parsing", lease_owner=owner,
                                lease_expires_at=datetime.now(timezone.utc) + timedelta(seconds=seconds)))


def _short_leases(app):
    app.settings = type(app.settings)(**{**app.settings.__dict__, "lease_s": 1})  # a beat every third of a second


def test_one_keeper_thread_renews_every_lease_of_the_process(app):
    """Two parses at once in one process: one keeper thread, each lease renewed on its own
    clock, and no thread left per lease once both ended."""
    _short_leases(app)
    first, second = queued_document(app), queued_document_of(app, "b.pdf")
    _take_lease(app, first, "w#1")
    _take_lease(app, second, "w#2")
    taken = [_lease_of(app, d)[1] for d in (first, second)]
    with Heartbeat(app, first, "w#1"), Heartbeat(app, second, "w#2"):
        assert keeper().held() == 2
        threading.Event().wait(1.6)  # past the first term of both leases
        renewed = [_lease_of(app, d) for d in (first, second)]
        names = [th.name for th in threading.enumerate() if th.name.startswith("lease-")]
    assert names == ["lease-keeper"]
    assert keeper().held() == 0
    for owner, was, (held_by, expires) in zip(("w#1", "w#2"), taken, renewed):
        assert held_by == owner and expires > was


def test_a_lost_lease_is_logged_and_no_longer_renewed(app, monkeypatch):
    _short_leases(app)
    doc_id = queued_document(app)
    _take_lease(app, doc_id, "w#gone")
    with app.uow.begin() as tx:  # the sweeper gave the work to another worker meanwhile
        tx.conn.execute(update(t.documents).where(t.documents.c.id == doc_id).values(lease_owner="w#other"))
    warnings = []
    monkeypatch.setattr(app, "log", type("Log", (), {"warning": lambda self, event, **kw: warnings.append((event, kw))})())
    with Heartbeat(app, doc_id, "w#gone"):
        threading.Event().wait(0.8)
        assert keeper().held() == 0  # dropped at its first beat
    assert warnings == [("lease_lost", {"document_id": doc_id, "owner": "w#gone"})]
    assert _lease_of(app, doc_id)[0] == "w#other"


def test_leaving_the_block_waits_for_a_renewal_in_flight(app, monkeypatch):
    """The commit that releases a lease comes after the block: a renewal still running then
    would find the lease gone and log it lost."""
    _short_leases(app)
    doc_id = queued_document(app)
    _take_lease(app, doc_id, "w#1")
    renewing, finish = threading.Event(), threading.Event()
    real = Heartbeat.renew

    def slow_renew(self, tx):
        renewing.set()
        assert finish.wait(10)
        return real(self, tx)

    monkeypatch.setattr(Heartbeat, "renew", slow_renew)
    left = threading.Event()
    beat = Heartbeat(app, doc_id, "w#1")
    beat.__enter__()
    assert renewing.wait(5)
    leaving = threading.Thread(target=lambda: (beat.__exit__(None, None, None), left.set()))
    leaving.start()
    assert not left.wait(0.3)  # held while the renewal runs
    finish.set()
    assert left.wait(5)
    leaving.join()
    assert keeper().held() == 0
