"""Bad data ends a parse in `failed` with its real reason, never in a retry loop."""

from invoicepipe.adapters.parse_isolation import InlineRunner, Shared, classify_failure
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.errors import LimitExceeded, PermanentError, TransientError, UnreadableDocument
from invoicepipe.services.audit import trail
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.fakes import TextReaders, fake_pdf
from tests.masterdata_samples import invoice_lines


def test_an_arithmetic_error_in_extraction_fails_the_document_at_once_with_its_reason(loaded, run_pipeline, monkeypatch):
    # what bad data once did (a 400-digit "total" overflowed the decimal context): an error no
    # retry can mend ends the document in `failed` with its reason, after one parse
    import decimal

    from invoicepipe.services import parse_work

    def overflowing(*args, **kwargs):
        raise decimal.InvalidOperation([decimal.InvalidOperation])

    monkeypatch.setattr(parse_work, "extract_invoice", overflowing)
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines(number="HUGE-1")), "huge.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] == "failed"
    assert "InvalidOperation" in shown["reason"] and "attempts" not in shown["reason"]
    assert shown["attempts"] == 1  # one parse, no retries
    [failed] = [e for e in trail(loaded, doc["id"]) if e["to_status"] == "failed"]
    assert failed["reasons"][0]["code"] == "unreadable"


def test_a_400_digit_total_is_no_amount_and_the_document_is_read(loaded, run_pipeline):
    lines = invoice_lines(number="HUGE-2")
    lines[-2] = "Total: " + "9" * 400 + ".00 EUR"
    [doc] = ingest_bytes(loaded, fake_pdf(*lines), "huge.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] != "failed"
    assert "9" * 20 not in str(shown)


def test_unexpected_errors_are_classified_by_what_they_mean():
    limits = ParseLimits(parse_memory_mb=512)
    assert isinstance(classify_failure(MemoryError(), limits), LimitExceeded)
    assert classify_failure(MemoryError(), limits).reason == "needs more than 512 MB to parse (limit parse_memory_mb)"
    bad_page = classify_failure(IndexError("list index out of range"), limits)
    assert isinstance(bad_page, UnreadableDocument) and "IndexError: list index out of range" in bad_page.reason


def explode(readers, what):
    raise what


def test_the_inline_runner_raises_permanent_errors_for_bad_data():
    runner = InlineRunner(TextReaders(), ParseLimits())
    for raised in (ValueError("bad date"), MemoryError()):
        try:
            runner.run(explode, raised)
        except PermanentError as exc:
            assert exc.reason
        else:
            raise AssertionError("no error")


def ask_and_return(readers, *, ask):
    return ask("context")


def test_the_inline_runner_passes_a_failed_answer_through_unclassified():
    # a database error while the worker answers is the worker's, not bad data: it must not
    # become UnreadableDocument (a permanent failure of the document)
    def failing(request):
        raise TransientError("database is locked")

    runner = InlineRunner(TextReaders(), ParseLimits())
    assert runner.run(ask_and_return, answer=lambda request: request.upper()) == "CONTEXT"
    try:
        runner.run(ask_and_return, answer=failing)
    except TransientError as exc:
        assert str(exc) == "database is locked"
    else:
        raise AssertionError("no error")


def test_the_default_policy_carries_the_parse_limits(app):
    assert app.policy.limits == ParseLimits(parse_memory_mb=2048, parse_cpu_seconds=120, parse_wall_seconds=300,
                                            max_pages=200, max_pixels_per_page=60_000_000)


class RecordingRunner(InlineRunner):
    """The inline runner, noting each call: its function, the vendor master it carried and
    what came back."""

    def __init__(self, readers, limits):
        super().__init__(readers, limits)
        self.calls: list[tuple[str, int, object]] = []

    def run(self, fn, *args, **kwargs):
        result = super().run(fn, *args, **kwargs)
        vendors = args[4] if fn.__name__ == "parse_document" else ()
        if isinstance(vendors, Shared):  # the master goes as a value a child keeps between calls
            assert vendors.slot == "vendors"
            vendors = vendors.value
        self.calls.append((fn.__name__, len(vendors), result))
        return result


def test_a_parse_is_one_call_to_the_child_and_its_words_do_not_come_back(loaded, run_pipeline):
    # every call to the child pickles its arguments and its result: the vendor master (a
    # master of thousands of vendors is megabytes) goes once, and the words, which only the
    # extraction needs, stay in the child
    runner = loaded.parse_runner = RecordingRunner(loaded.readers, loaded.policy.limits)
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines(number="ONCE-1")), "once.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] in ("exported", "needs_review")
    [(name, vendors, result)] = [c for c in runner.calls if c[0] != "probe_document"]
    assert name == "parse_document" and vendors > 0
    assert not hasattr(result, "text") and result.pages[0]["words"] > 0
    assert shown["pages"] == len(result.pages) and shown["extraction"]["reader"] == result.reader
    assert result.extraction.value("vendor_id")  # resolved: the context was asked for
