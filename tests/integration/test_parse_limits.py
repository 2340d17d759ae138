"""Parses run in child processes under the policy's limits: a document that needs more ends
in `failed` naming the limit, alone, and the worker (this process) carries on."""

from __future__ import annotations

import os
import signal
import time

import pytest
import yaml
from dramatiq.brokers.stub import StubBroker

from invoicepipe.actors import declare_actors
from invoicepipe.adapters.parse_isolation import ChildProcessRunner
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.errors import LimitExceeded, ReaderCrashed, TransientError
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.conftest import drain, lenient_policy
from tests.hostile_pdfs import enormous_page, huge_content_stream, many_pages, text_page

pytestmark = pytest.mark.integration

LIMITS = {"parse_memory_mb": 400, "parse_cpu_seconds": 60, "parse_wall_seconds": 120, "max_pages": 20,
          "max_pixels_per_page": 60_000_000}


@pytest.fixture
def bounded_app(tmp_path):
    path = lenient_policy(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["limits"] = LIMITS
    path.write_text(yaml.safe_dump(raw))
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", settle_s=0.0,
                                 database_url=f"sqlite:///{tmp_path / 'var' / 'limits.db'}", policy_path=path)
    broker = StubBroker()
    broker.emit_after("process_boot")
    app = bootstrap(settings, broker=broker)
    assert isinstance(app.parse_runner, ChildProcessRunner)
    declare_actors(app)
    yield app
    app.close()


def ingest(app, data, name):
    [doc] = ingest_bytes(app, data, name, "portal", "user:test").documents
    return doc["id"]


def good_invoice() -> bytes:
    return text_page(["ACME Industrial Supplies GmbH", "Invoice No: INV-77", "Invoice date: 2026-03-14",
                      "Total: 148.75 EUR", "Thank you for your business, payable within thirty days."])


def test_a_document_that_needs_too_much_memory_fails_alone_naming_the_limit(bounded_app):
    hungry = ingest(bounded_app, huge_content_stream(1_000_000), "hungry.pdf")
    fine = ingest(bounded_app, good_invoice(), "fine.pdf")
    drain(bounded_app)
    shown = show(bounded_app, hungry)
    assert shown["status"] == "failed", shown
    assert shown["reason"] == "needs more than 400 MB to parse (limit parse_memory_mb)"
    assert shown["attempts"] <= 1  # never retried
    assert show(bounded_app, fine)["status"] not in ("failed", "parsing", "queued")


def test_an_enormous_page_fails_before_it_is_rendered(bounded_app):
    doc = ingest(bounded_app, enormous_page(), "poster.pdf")
    drain(bounded_app)
    shown = show(bounded_app, doc)
    assert shown["status"] == "failed"
    assert shown["reason"].endswith("(limit max_pixels_per_page)") and "1,600 million pixels at 200 dpi" in shown["reason"]


def test_too_many_pages_fails_at_triage(bounded_app):
    doc = ingest(bounded_app, many_pages(21), "long.pdf")
    drain(bounded_app)
    shown = show(bounded_app, doc)
    assert shown["status"] == "failed" and shown["reason"] == "has 21 pages, more than 20 (limit max_pages)"


# Run inside the child: the first argument is the child's readers.
def burn_cpu(readers):
    while True:
        pass


def sleep_long(readers):
    time.sleep(3600)


def crash(readers):
    os.kill(os.getpid(), signal.SIGSEGV)


def answer(readers, value):
    return value


_KEPT: list = []  # what ``hoard`` keeps, in the child that ran it


def hoard(readers, megabytes):
    """A reader that keeps what it allocated (a leak): the child's address space grows."""
    _KEPT.append(bytearray(megabytes * 1024 * 1024))
    return len(_KEPT)


@pytest.mark.parametrize("fn, limits, limit", [
    (burn_cpu, ParseLimits(parse_cpu_seconds=1), "parse_cpu_seconds"),
    (sleep_long, ParseLimits(parse_wall_seconds=1), "parse_wall_seconds"),
])
def test_cpu_and_wall_limits_kill_the_child_and_a_fresh_one_takes_over(fn, limits, limit):
    runner = ChildProcessRunner(limits)
    try:
        # the first call imports this module in the child: not under the 1 s being tested
        answered = runner.run(answer, 1, deadline=time.monotonic() + 600)
        assert answered == 1
        with pytest.raises(LimitExceeded) as raised:
            runner.run(fn)
        assert raised.value.limit == limit and f"(limit {limit})" in raised.value.reason
        answered = runner.run(answer, 2, deadline=time.monotonic() + 600)
        assert answered == 2
        assert runner.started == 2  # the killed child was replaced
    finally:
        runner.close()


def test_a_crashing_reader_ends_the_document_not_the_worker():
    runner = ChildProcessRunner(ParseLimits())
    try:
        with pytest.raises(ReaderCrashed, match="SIGSEGV"):
            runner.run(crash)
        assert runner.run(answer, 3) == 3
    finally:
        runner.close()


def test_a_child_killed_while_idle_is_replaced_without_failing_anything():
    runner = ChildProcessRunner(ParseLimits())
    try:
        answered = runner.run(answer, 1, deadline=time.monotonic() + 600)
        assert answered == 1
        [child] = list(runner._all)
        os.kill(child.process.pid, signal.SIGKILL)  # the OOM killer, an operator
        child.process.join(10)
        answered = runner.run(answer, 2, deadline=time.monotonic() + 600)
        assert answered == 2
        assert runner.started == 2
    finally:
        runner.close()


def test_a_child_that_kept_memory_is_replaced_after_its_call_and_one_that_did_not_is_kept():
    # 600 MB per document: a child that kept more than a quarter of it (RECYCLE_GROWTH_SHARE)
    # would leave the next documents less than their allowance (the first call's import of
    # this test module maps some tens of MB too)
    runner = ChildProcessRunner(ParseLimits(parse_memory_mb=600))
    try:
        assert runner.run(answer, 1, deadline=time.monotonic() + 600) == 1
        for value in range(2, 6):
            assert runner.run(answer, value) == value
        assert runner.started == 1  # no growth, no restart however many calls
        assert runner.run(hoard, 10) == 1  # 10 MB kept: under the share, the child stays
        assert runner.run(hoard, 10) == 2
        assert runner.started == 1
        assert runner.run(hoard, 200) == 3  # the call succeeds; the child is replaced after it
        assert runner.run(hoard, 10, deadline=time.monotonic() + 600) == 1  # a fresh child, nothing kept
        assert runner.started == 2
    finally:
        runner.close()


def child_pid(readers):
    return os.getpid()


def ask_twice(readers, value, *, ask):
    return [ask(value), ask(value + 1), os.getpid()]


def ask_then_burn(readers, *, ask):
    ask("anything")
    while True:
        pass


def test_a_call_asks_the_worker_half_way_and_calls_made_while_answering_run_in_the_child_that_asked():
    runner = ChildProcessRunner(ParseLimits())
    try:
        seen = []

        def answer(value):
            seen.append(runner.run(child_pid))  # a nested read, as learning a vendor's layout does
            return value * 10

        first, second, pid = runner.run(ask_twice, 1, deadline=time.monotonic() + 600, answer=answer)
        assert (first, second) == (10, 20)
        assert seen == [pid, pid] and runner.started == 1  # no second child for the nested calls
        assert runner.run(child_pid) == pid  # the child went back to the pool, free
    finally:
        runner.close()


def test_an_answer_that_fails_replaces_the_waiting_child_and_its_error_stays_what_it_was():
    runner = ChildProcessRunner(ParseLimits())
    try:
        def failing(value):
            raise TransientError("database is locked")  # a retry may succeed: not the document's fault

        with pytest.raises(TransientError, match="database is locked"):
            runner.run(ask_twice, 1, deadline=time.monotonic() + 600, answer=failing)
        assert runner.run(answer, 5) == 5
        assert runner.started == 2  # the child left waiting for an answer was replaced
    finally:
        runner.close()


def test_the_cpu_allowance_holds_after_a_question_answered_with_a_nested_call():
    runner = ChildProcessRunner(ParseLimits(parse_cpu_seconds=1))
    try:
        assert runner.run(answer, 1, deadline=time.monotonic() + 600) == 1  # imports this module
        with pytest.raises(LimitExceeded) as raised:
            runner.run(ask_then_burn, answer=lambda request: runner.run(answer, 2))
        assert raised.value.limit == "parse_cpu_seconds"
    finally:
        runner.close()


_LAST: list = []  # the value ``same_as_before`` got last, in the child that ran it


def same_as_before(readers, value):
    """(the value, whether it is the very object the previous call got)."""
    same = bool(_LAST) and _LAST[-1] is value
    _LAST[:] = [value]
    return value, same


def test_a_shared_argument_is_sent_to_a_child_once_per_object_and_reaches_the_work_as_its_value():
    from invoicepipe.adapters.parse_isolation import InlineRunner, Shared

    runner = ChildProcessRunner(ParseLimits())
    try:
        master = (("V1", "ACME"), ("V2", "Globex"))
        assert runner.run(same_as_before, Shared("vendors", master)) == (master, False)
        assert runner.run(same_as_before, Shared("vendors", master)) == (master, True)  # kept: not sent again
        changed = (("V1", "ACME"), ("V2", "Globex"), ("V3", "Initech"))
        assert runner.run(same_as_before, Shared("vendors", changed)) == (changed, False)  # a new version: sent
        equal = tuple(master)  # an equal master in another object is sent too: identity, not equality
        assert runner.run(same_as_before, Shared("vendors", list(equal))) == (list(equal), False)
        assert runner.started == 1
    finally:
        runner.close()
    assert InlineRunner(None, ParseLimits()).run(same_as_before, Shared("vendors", master))[0] is master


def collector_state(readers):
    import gc
    return gc.get_freeze_count(), gc.get_threshold()[0], gc.isenabled()


def test_a_child_keeps_the_collector_off_its_loaded_libraries_and_still_collects():
    from invoicepipe.adapters.parse_isolation import CHILD_GC_THRESHOLD

    runner = ChildProcessRunner(ParseLimits())
    try:
        frozen, first_generation, enabled = runner.run(collector_state, deadline=time.monotonic() + 600)
        assert frozen > 10_000  # the imports (pdfplumber, numpy, the extraction rules) are never walked again
        assert first_generation == CHILD_GC_THRESHOLD > 700
        assert enabled  # cycles a parse leaves are still collected
    finally:
        runner.close()


def test_a_thread_gets_the_child_of_its_last_call_back_when_it_is_idle():
    # triage's probe leaves a document's pages loaded in its child (adapters/pdf_held) for the
    # parse the same thread asks for next: a child another thread put back since must not
    # be taken instead
    import threading

    runner = ChildProcessRunner(ParseLimits())
    try:
        first = runner.run(child_pid, deadline=time.monotonic() + 600)
        release = threading.Event()
        seen: list = []

        def hold(_request):
            release.wait(600)
            return 0

        other = threading.Thread(target=lambda: seen.append(runner.run(ask_twice, 1, answer=hold)[2]))
        other.start()  # takes the idle child (its first call) and keeps it busy
        for _ in range(600):
            if runner._idle or not runner._all:  # noqa: SLF001 - waiting until the other thread holds the child
                time.sleep(0.05)
                continue
            break
        mine = runner.run(child_pid, deadline=time.monotonic() + 600)  # none idle: a second child
        release.set()
        other.join(600)
        assert seen == [first] and mine != first and runner.started == 2
        # the other thread put its child back after this thread's: this thread still gets its own
        assert [runner.run(child_pid) for _ in range(3)] == [mine] * 3
    finally:
        runner.close()
