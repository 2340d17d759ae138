"""Embedded pickup of documents another process committed, the bounded ingest pool, and
the connection settings."""

from __future__ import annotations

import threading

import dramatiq
import pytest

from invoicepipe.adapters.inbox import DropFolder
from invoicepipe.config import Settings
from invoicepipe.errors import ConfigError
from invoicepipe.runtime import NewDocuments
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.parallel import map_bounded
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines


class Sent:
    def __init__(self):
        self.steps: list[tuple[str, int]] = []

    def send(self, step, document_id, delay_ms=None):
        self.steps.append((step, document_id))


def test_pickup_sends_each_new_document_once_whatever_the_queue_holds(app):
    deferred = Sent()
    app.enqueuer = deferred  # as `invoicepipe ingest` in another process: rows only
    ids = [ingest_bytes(app, fake_pdf(f"INVOICE {n}"), f"{n}.pdf", "portal", "test").documents[0]["id"] for n in range(5)]
    deferred.steps.clear()
    pickup = NewDocuments(app)
    app.enqueuer = sent = Sent()
    # a busy pipeline queue (another document's decision waiting) must not hold new ones back
    app.broker.enqueue(dramatiq.Message(queue_name="pipeline", actor_name="decide", args=(10_000,), kwargs={}, options={}))
    assert pickup() == 5
    assert pickup() == 0  # sent already: not again while their triage waits in the queue
    assert sorted(i for _, i in sent.steps) == sorted(ids) and {s for s, _ in sent.steps} == {"triage"}


def test_map_bounded_keeps_order_and_tries_every_item():
    seen, lock = [], threading.Lock()

    def work(x):
        with lock:
            seen.append(x)
        if x == 3:
            raise ValueError("three")
        return x * 2

    assert map_bounded(lambda x: x * 2, range(10), workers=4) == [x * 2 for x in range(10)]
    with pytest.raises(ValueError):
        map_bounded(work, range(8), workers=3)
    assert sorted(seen) == list(range(8))


def test_parallel_drop_folder_same_bytes_twice_is_one_document(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    for n in range(12):
        (folder.root / "portal" / f"inv-{n}.pdf").write_bytes(fake_pdf(*invoice_lines(), f"ref {n}"))
    for n in range(3):  # the same bytes again under other names, in another channel
        (folder.root / "email" / f"copy-{n}.pdf").write_bytes(fake_pdf(*invoice_lines(), f"ref {n}"))
    results = process_inbox(app, folder)
    ids = [r.documents[0]["id"] for r in results]
    assert len(results) == 15 and len(set(ids)) == 12
    assert not list((folder.root / "portal").iterdir()) and not list((folder.root / "email").iterdir())
    archived = list((folder.root / "processed").rglob("*.pdf"))
    assert len(archived) == 15


def test_connection_settings_are_read_and_checked(tmp_path):
    env = {"INVOICEPIPE_DB_POOL_SIZE": "3", "INVOICEPIPE_DB_MAX_OVERFLOW": "0", "INVOICEPIPE_DB_PREPARE_THRESHOLD": "none",
           "INVOICEPIPE_REDIS_MAX_CONNECTIONS": "8", "INVOICEPIPE_INGEST_WORKERS": "2"}
    s = Settings.from_env(env, var_dir=tmp_path)
    assert (s.db_pool_size, s.db_max_overflow, s.db_prepare_threshold, s.redis_max_connections, s.ingest_workers) == (3, 0, None, 8, 2)
    assert Settings.from_env({}, var_dir=tmp_path).db_prepare_threshold == 5
    with pytest.raises(ConfigError):
        Settings.from_env({"INVOICEPIPE_DB_POOL_SIZE": "0"}, var_dir=tmp_path)
    with pytest.raises(ConfigError):
        Settings.from_env({"INVOICEPIPE_DB_PREPARE_THRESHOLD": "often"}, var_dir=tmp_path)
