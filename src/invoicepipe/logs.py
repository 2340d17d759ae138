"""structlog set-up: one JSON line per pipeline step, carrying the same ids as the audit event."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "INFO", stream=None) -> None:
    """Configure structlog to write JSON lines (to stderr by default). Safe to call twice."""
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), stream=stream or sys.stderr, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        cache_logger_on_first_use=False,
    )
    # Library chatter (Alembic's per-migration lines, Dramatiq's worker start/stop) would
    # drown the one-line-per-step JSON log; their warnings and errors still come through.
    for noisy in ("alembic", "dramatiq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for broker_logger in ("dramatiq.broker.StubBroker", "dramatiq.broker.RedisBroker"):
        logging.getLogger(broker_logger).addFilter(_SharedBrokerFilter())


class _SharedBrokerFilter(logging.Filter):
    """Embedded mode runs one dramatiq.Worker per pool on one broker, by design; Dramatiq
    warns that each adds its own worker middleware. That warning is expected here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "adding a middleware of the same type twice" not in record.getMessage()


def get_logger(name: str = "invoicepipe"):
    return structlog.get_logger(name)
