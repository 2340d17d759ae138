"""Bad data ends a parse in `failed` with its real reason, never in a retry loop."""

from invoicepipe.adapters.parse_isolation import InlineRunner, classify_failure
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.errors import LimitExceeded, PermanentError, UnreadableDocument
from invoicepipe.services.audit import trail
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.fakes import TextReaders, fake_pdf
from tests.masterdata_samples import invoice_lines


def test_a_400_digit_total_fails_the_document_at_once_with_its_reason(loaded, run_pipeline):
    lines = invoice_lines(number="HUGE-1")
    lines[-2] = "Total: " + "9" * 400 + ".00 EUR"
    [doc] = ingest_bytes(loaded, fake_pdf(*lines), "huge.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] == "failed"
    assert "InvalidOperation" in shown["reason"] and "attempts" not in shown["reason"]
    assert shown["attempts"] == 1  # one parse, no retries
    [failed] = [e for e in trail(loaded, doc["id"]) if e["to_status"] == "failed"]
    assert failed["reasons"][0]["code"] == "unreadable"


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


def test_the_default_policy_carries_the_parse_limits(app):
    assert app.policy.limits == ParseLimits(parse_memory_mb=2048, parse_cpu_seconds=120, parse_wall_seconds=300,
                                            max_pages=200, max_pixels_per_page=60_000_000)


class RecordingRunner(InlineRunner):
    """The inline runner, noting which function each call ran and with what vendor master."""

    def __init__(self, readers, limits):
        super().__init__(readers, limits)
        self.vendors_sent: dict[str, int] = {}

    def run(self, fn, *args, **kwargs):
        if fn.__name__ in ("read_and_extract", "finish_extraction"):
            vendors = args[4] if fn.__name__ == "read_and_extract" else args[2]
            self.vendors_sent[fn.__name__] = len(vendors)
        return super().run(fn, *args, **kwargs)


def test_the_vendor_master_goes_to_the_parse_child_once_without_a_layout_memory(loaded, run_pipeline):
    # every call to the child pickles its arguments: a master of thousands of vendors would
    # cross twice per parse for nothing when no second extraction (layout memory) needs it
    runner = loaded.parse_runner = RecordingRunner(loaded.readers, loaded.policy.limits)
    [doc] = ingest_bytes(loaded, fake_pdf(*invoice_lines(number="ONCE-1")), "once.pdf", "portal", "user:test").documents
    run_pipeline(loaded)
    assert show(loaded, doc["id"])["status"] in ("exported", "needs_review")
    assert runner.vendors_sent["read_and_extract"] > 0
    assert runner.vendors_sent["finish_extraction"] == 0
