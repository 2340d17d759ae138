"""SQLite: a process's writers take turns in a lock before BEGIN IMMEDIATE (engine.WriterTurn),
so a waiting writer starts when the one before commits, not at SQLite's next busy poll."""

import threading
import time

import pytest
from sqlalchemy import event, text

from invoicepipe.adapters.db.engine import writer_turn
from invoicepipe.errors import TransientError


def test_a_second_writer_waits_its_turn_and_starts_once_the_first_has_committed(app):
    # SQLite's own wait is cut to 50 ms here: a writer left to SQLite's busy handler would
    # fail with "database is locked" while the first holds the lock for longer than that
    app.engine.dispose()
    event.listen(app.engine, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout=50"))
    first_in, order, errors = threading.Event(), [], []

    def first():
        with app.uow.begin() as tx:
            tx.conn.execute(text("UPDATE data_versions SET version = version + 1 WHERE 1 = 0"))
            order.append("first in")
            first_in.set()
            time.sleep(0.5)  # the second writer tries meanwhile
            order.append("first commits")

    def second():
        first_in.wait(10)
        try:
            with app.uow.begin():
                order.append("second in")
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert order == ["first in", "first commits", "second in"]


def test_readers_do_not_wait_for_a_writer_s_turn(app):
    with app.uow.begin():
        done = []
        reader = threading.Thread(target=lambda: done.append(app.uow.read().__enter__() is not None))
        reader.start()
        reader.join(10)
        assert done == [True]


def test_no_turn_within_the_timeout_is_a_transient_error_the_step_retries(app, monkeypatch):
    turn = writer_turn(app.engine)
    monkeypatch.setattr(turn, "timeout_s", 0.05)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with turn:
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    try:
        with pytest.raises(TransientError, match="no turn to write"):
            with app.uow.begin():
                pass
    finally:
        release.set()
        holder.join(10)
    with app.uow.begin():  # and the next one gets its turn
        pass


def test_postgresql_has_no_turns():
    from sqlalchemy import create_engine

    assert writer_turn(create_engine("postgresql+psycopg://u@127.0.0.1:1/x")) is None
