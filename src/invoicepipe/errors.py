"""The one error hierarchy of invoicepipe.

Every error the pipeline raises on purpose derives from ``InvoicepipeError``. The split that
matters operationally is ``TransientError`` (retry with backoff: a database, broker or
destination hiccup) versus ``PermanentError`` (bad input: end in a terminal state with a
reason a person understands, never retry). HTTP mapping lives only in ``web/``.
"""


class InvoicepipeError(Exception):
    """Base of every deliberate invoicepipe error."""


class ConfigError(InvoicepipeError):
    """Settings or policy are missing or invalid; the process should not start."""


class PolicyError(ConfigError):
    """The policy file does not validate against schemas/policy.schema.json."""


class TransientError(InvoicepipeError):
    """Something outside us hiccupped; the same work may succeed if retried."""


class PermanentError(InvoicepipeError):
    """The input itself is bad; retrying cannot help. ``reason`` is shown to people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnsupportedInput(PermanentError):
    """The bytes are not a PDF, image or e-mail we accept (ends in ``rejected``)."""


class UnreadableDocument(PermanentError):
    """A supported type that cannot be read: encrypted, corrupt, empty (ends in ``failed``)."""


class LimitExceeded(PermanentError):
    """A parse needed more than a policy limit allows (``limits`` in the policy: memory, CPU
    time, wall time, pages, pixels): the document ends in ``failed`` with a reason naming the
    limit, never a retry. ``limit`` is the policy key."""

    def __init__(self, reason: str, limit: str):
        super().__init__(reason)
        self.limit = limit

    def __reduce__(self):  # raised inside the parse's child process and sent back pickled
        return (type(self), (self.reason, self.limit))


class ReaderCrashed(PermanentError):
    """The parse's child process died of a signal no limit explains (a crash inside PDFium
    or another native reader on this input): the document ends in ``failed``; the worker
    and other documents carry on with a fresh child."""


class RetryBudgetExhausted(PermanentError):
    """A document used up its attempts; it goes to ``failed`` for an operator."""


class DeliveryRefused(PermanentError):
    """The payable destination refused an approved invoice for good (a rejected record, a
    destination that will never accept it): it ends in ``export_failed`` with the reason
    until an operator fixes the cause and replays it. An HTTP destination's answer is kept
    as ``status`` and a short sanitised ``excerpt`` of its body."""

    def __init__(self, reason: str, status: "int | None" = None, excerpt: "str | None" = None):
        super().__init__(reason)
        self.status = status
        self.excerpt = excerpt


class RetryLater(TransientError):
    """A destination that is busy or down for now (timeout, connection refused, 429, 5xx).
    ``retry_after_s`` is how long it asked us to wait (its ``Retry-After``), if it said."""

    def __init__(self, message: str, retry_after_s: "float | None" = None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StorageUnavailable(TransientError):
    """Our own storage refused a write (disk full, read-only, permission): nothing was
    stored, the caller may try again once an operator has freed or remounted it."""


class BlobCorrupt(PermanentError):
    """A stored blob whose bytes no longer hash to its name (a damaged disk, a row edited by
    hand): reading it again cannot help. The reason names the sha256, never the content."""


class NotFound(InvoicepipeError):
    """An id that names nothing."""


class StateConflict(InvoicepipeError):
    """A guarded update found the row in another state or version than expected."""


class GateRefused(StateConflict):
    """The payment gate found blocking reasons still open: the document stays in review (with
    its reasons as they are now) and nothing reaches the export."""

    def __init__(self, reason: str, open_codes: list[str]):
        super().__init__(reason)
        self.reason = reason
        self.open_codes = open_codes


class MasterDataError(InvoicepipeError):
    """A vendor / PO / receipt file cannot be loaded at all (unreadable, wrong kind)."""


class AuditChainBroken(InvoicepipeError):
    """``audit verify`` found an edited, inserted or deleted event."""
