"""structlog set-up: JSON lines with levels that mean something, one correlation id, no secrets.

- **Levels.** info: routine steps; warning: a document failed, a retry, a re-send, anything
  an operator may have to look at; error: the system cannot do its work (storage full, a
  step crashed). ``debug`` is off unless ``INVOICEPIPE_LOG_LEVEL=DEBUG``.
- **Correlation id.** Upload, drop and API ingest bind one (``correlation``); ingest stores
  it on the document row, the Enqueuer carries it in each message's options, every actor
  binds it for the message it runs, and every audit event records it in its inputs, up to
  export. Every line carries whatever is bound (``merge_contextvars``).
- **Redaction.** The last processor before rendering (for our lines and for every library's
  through the stdlib handler) masks values of secret-named keys, passwords in URLs and DSNs,
  bearer tokens, registered secret values (the audit key), and IBANs down to their last 4.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, get_contextvars

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|api[_-]?key|authori[sz]ation|cookie|credential|private[_-]?key|"
                         r"hmac|audit[_-]?key|dsn|signature)", re.IGNORECASE)
# scheme://user:password@host -> scheme://user:***@host (DSNs, broker URLs, webhook URLs)
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@\s/]+)(?P<at>@)")
# libpq key=value DSNs and query strings: password=..., token=...
_KV_SECRET = re.compile(r"(?P<key>\b(?:password|passwd|pwd|token|access_token|api_key|apikey|secret|sig|signature)=)(?P<secret>[^\s&;'\"]+)",
                        re.IGNORECASE)
_BEARER = re.compile(r"(?P<key>\b(?:Bearer|Basic)\s+)(?P<secret>[A-Za-z0-9._~+/=\-]{8,})")
# An IBAN: country, check digits, 11-30 letters/digits, printed compact or in groups of four
# (the grouped form takes one short last group, so "… 0130 00 EUR" keeps its "EUR").
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)\b")
_SECRETS: set[str] = set()
_MARK = "_invoicepipe_handler"


def register_secret(value: Optional[str | bytes]) -> None:
    """A value that must never appear in a log line (the audit key, a password from the
    environment): every occurrence is replaced, whatever key or message it appears in."""
    if isinstance(value, bytes):
        for form in (value.hex(), value.decode("utf-8", "ignore")):
            register_secret(form)
        return
    if value and len(value) >= 6:
        _SECRETS.add(value)


def mask_iban(match: re.Match) -> str:
    compact = match.group(0).replace(" ", "")
    return "****" + compact[-4:]


def redact_text(text: str) -> str:
    """``text`` with every secret and IBAN masked (the IBAN's last 4 kept)."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _URL_PASSWORD.sub(lambda m: m["head"] + "***" + m["at"], text)
    text = _KV_SECRET.sub(lambda m: m["key"] + "***", text)
    text = _BEARER.sub(lambda m: m["key"] + "***", text)
    return _IBAN.sub(mask_iban, text)


def redact_value(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [redact_value(v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return redact_text(str(value))  # exceptions, paths, anything rendered as text


def redact(logger, method_name: str, event_dict: dict) -> dict:
    """structlog processor: every key and value of the line, nested ones too."""
    return {k: (v if k in ("level", "timestamp", "logger") else redact_value(v, k)) for k, v in event_dict.items()}


# -- correlation ids ------------------------------------------------------------------------
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def safe_correlation_id(value: Optional[str]) -> Optional[str]:
    """A caller's id (X-Request-ID) if it is a plain token of at most 64 characters, else None:
    a header must not write arbitrary text into every log line and audit event."""
    return value if value and _SAFE_ID.match(value) else None


def current_correlation_id() -> Optional[str]:
    return get_contextvars().get("correlation_id")


@contextmanager
def correlation(correlation_id: Optional[str] = None, **extra: Any) -> Iterator[str]:
    """Bind ``correlation_id`` (or the one already bound, or a new one) for the block; the
    previous binding comes back afterwards."""
    cid = correlation_id or current_correlation_id() or new_correlation_id()
    with bound_contextvars(correlation_id=cid, **extra):
        yield cid


def adopt_correlation_id(correlation_id: Optional[str]) -> None:
    """Inside a scope that bound an id (a web request, an actor's message, an ingest, a
    sweep of one document), lines from here on carry the document's id: a review action in a
    request continues the document's trail. Outside any scope (a command's main thread)
    nothing is bound, so nothing can leak from one document into the next; the message then
    goes without an id and the actor reads the document's from its row."""
    if correlation_id and current_correlation_id() is not None:
        bind_contextvars(correlation_id=correlation_id)


# -- configuration --------------------------------------------------------------------------
def configure_logging(level: str = "INFO", stream=None) -> None:
    """Configure structlog and the stdlib root logger to write redacted JSON lines (to stderr
    by default). Safe to call twice: the handler this installed is replaced, not added to."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    out = stream or sys.stderr
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            timestamper,
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=out),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=False,
    )
    # Libraries (Dramatiq's retries and crashes, uvicorn, Alembic) log through the stdlib:
    # the same JSON, the same correlation id, the same redaction.
    handler = logging.StreamHandler(out)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.contextvars.merge_contextvars, structlog.stdlib.add_log_level,
                           structlog.stdlib.add_logger_name, timestamper],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, structlog.processors.format_exc_info,
                    redact, structlog.processors.JSONRenderer(sort_keys=True)]))
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # Library chatter (Alembic's per-migration lines, Dramatiq's worker start/stop) would
    # drown the one-line-per-step JSON log; their warnings and errors still come through.
    # httpx logs every request with its full URL (a query string may carry a token).
    for noisy in ("alembic", "dramatiq", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for broker_logger in ("dramatiq.broker.StubBroker", "dramatiq.broker.RedisBroker"):
        logger = logging.getLogger(broker_logger)
        if not any(isinstance(f, _SharedBrokerFilter) for f in logger.filters):
            logger.addFilter(_SharedBrokerFilter())


class _SharedBrokerFilter(logging.Filter):
    """Embedded mode runs one dramatiq.Worker per pool on one broker, by design; Dramatiq
    warns that each adds its own worker middleware. That warning is expected here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "adding a middleware of the same type twice" not in record.getMessage()


def get_logger(name: str = "invoicepipe"):
    return structlog.get_logger(name)
