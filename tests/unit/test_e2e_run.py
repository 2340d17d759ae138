"""The in-process driver of the end-to-end eval runs whatever steps the services send, in order."""

from __future__ import annotations

from invoicepipe.errors import TransientError
from invoicepipe.evaluation.e2e_run import MAX_STEPS_PER_DOCUMENT, StepRecorder, settle


def test_steps_run_in_the_order_sent_by_the_name_sent():
    recorder, calls = StepRecorder(), []

    def first(doc_id):
        calls.append(("first", doc_id))
        recorder.send("second", doc_id)

    recorder.send("first", 7)
    errors = settle(recorder, {"first": first, "second": lambda d: calls.append(("second", d))})
    assert errors == [] and calls == [("first", 7), ("second", 7)]


def test_a_step_nobody_declared_is_reported_not_dropped_silently():
    recorder = StepRecorder()
    recorder.send("decide", 3)
    assert settle(recorder, {}) == ["no actor for step 'decide'"]


def test_a_transient_failure_is_retried_and_a_crash_is_reported():
    recorder, attempts = StepRecorder(), []

    def flaky(doc_id):
        attempts.append(doc_id)
        if len(attempts) < 2:
            raise TransientError("database busy")

    def broken(doc_id):
        raise ValueError("bad row")

    recorder.send("flaky", 1)
    recorder.send("broken", 1)
    assert settle(recorder, {"flaky": flaky, "broken": broken}) == ["broken: ValueError: bad row"]
    assert attempts == [1, 1]


def test_a_step_that_keeps_sending_itself_is_stopped():
    recorder = StepRecorder()
    recorder.send("loop", 1)
    errors = settle(recorder, {"loop": lambda d: recorder.send("loop", d)})
    assert errors and "stopped" in errors[-1]
    assert len(recorder.sent) == MAX_STEPS_PER_DOCUMENT + 1
