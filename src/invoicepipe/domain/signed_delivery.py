"""Signed HTTP deliveries, the pure part: the body we sign, the signature, how an answer is read.

The HTTP export and the outgoing webhooks send the same way (docs/http-delivery.md):

- the body is the payload as canonical JSON (sorted keys, no spaces), so what was signed is
  exactly what was sent;
- ``Invoicepipe-Timestamp`` is the Unix time of this try, and ``Invoicepipe-Signature`` is
  ``v1=`` + hex HMAC-SHA256(secret, ``"<timestamp>." + body``). A receiver recomputes it,
  compares in constant time, and rejects a timestamp older than a few minutes: a captured
  request cannot be replayed later, and the body cannot be changed. The body carries the
  idempotency key too, so it is signed with it;
- an answer is ``delivered`` (2xx), ``already`` (409: the receiver has it under this key),
  ``retry`` (408, 429, 5xx: it may take it later) or ``refused`` (any other status:
  it never will).

Signing is a few lines over the standard library's ``hmac`` (constant-time compare
included); no library adds anything a receiver could not reproduce from this page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Mapping, Optional

from .names import safe_line

TIMESTAMP_HEADER = "Invoicepipe-Timestamp"
SIGNATURE_HEADER = "Invoicepipe-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "Invoicepipe-Event"
SIGNATURE_VERSION = "v1"
# A receiver should refuse a signature whose timestamp is further than this from its clock.
DEFAULT_TOLERANCE_S = 300
# A Retry-After further out than this is taken as this: a garbled date must not park a
# delivery for years (the operator can always replay sooner).
MAX_RETRY_AFTER_S = 24 * 3600
EXCERPT_CHARS = 200
RETRY_STATUSES = frozenset({408, 429})


def canonical_body(payload: Mapping[str, Any]) -> bytes:
    """The payload as the bytes that are sent and signed. Raises ``TypeError`` /
    ``ValueError`` for a payload that is not JSON (NaN, an object)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _as_key(secret: str | bytes) -> bytes:
    return secret if isinstance(secret, bytes) else secret.encode("utf-8")


def signature(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The ``Invoicepipe-Signature`` value of ``body`` sent at ``timestamp``."""
    digest = hmac.new(_as_key(secret), str(int(timestamp)).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(secrets: str | bytes | Iterable[str | bytes], timestamp_header: Optional[str], signature_header: Optional[str],
           body: bytes, now: Optional[float] = None, tolerance_s: float = DEFAULT_TOLERANCE_S) -> bool:
    """What a receiver does: True when ``signature_header`` holds a ``v1=`` signature of
    ``body`` at ``timestamp_header`` made with one of ``secrets`` (several while a secret is
    being changed), and the timestamp is within ``tolerance_s`` of ``now``."""
    if not timestamp_header or not signature_header or not timestamp_header.strip().isdigit():
        return False
    timestamp = int(timestamp_header.strip())
    now = datetime.now(timezone.utc).timestamp() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        return False
    keys = [secrets] if isinstance(secrets, (str, bytes)) else list(secrets)
    offered = [part.strip() for part in signature_header.split(",") if part.strip().startswith(f"{SIGNATURE_VERSION}=")]
    return any(hmac.compare_digest(signature(key, timestamp, body), candidate) for key in keys for candidate in offered)


def classify(status: int) -> str:
    """``delivered``, ``already``, ``retry`` or ``refused`` for an HTTP status."""
    if 200 <= status < 300:
        return "delivered"
    if status == 409:
        return "already"
    if status in RETRY_STATUSES or status >= 500:
        return "retry"
    return "refused"


def retry_after_seconds(value: Optional[str], now: Optional[datetime] = None) -> Optional[float]:
    """Seconds a ``Retry-After`` header asks us to wait (delta-seconds or an HTTP-date,
    RFC 9110 10.2.3), bounded to 0 .. 24 h; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_S))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return min(max(0.0, (when - now).total_seconds()), float(MAX_RETRY_AFTER_S))


def response_excerpt(body: bytes, limit: int = EXCERPT_CHARS) -> str:
    """A short, one-line, printable excerpt of a response body for an operator: decoded
    leniently, control and bidi characters replaced, whitespace collapsed, cut to ``limit``
    characters. (Secrets and IBANs it might echo are masked by the caller, which knows them.)"""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(safe_line(text.replace("\n", " ").replace("\r", " ").replace("\t", " ")).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
