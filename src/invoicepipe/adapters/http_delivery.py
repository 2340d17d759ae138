"""One signed JSON POST, with its answer turned into delivered / retry later / refused.

Shared by the HTTP export (``exporters.HttpExporter``) and the outgoing webhooks
(``services/webhooks``); the signing and the reading of answers are the pure
``domain/signed_delivery``. httpx rather than urllib: one pooled, thread-safe client keeps
connections to a destination alive across deliveries from every worker thread, its timeouts
cover connect, read, write and pool waits separately, its exceptions separate timeouts from
transport failures, and it streams a response so a huge error body is never read whole.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Mapping, Optional
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..config import redact_url
from ..domain.signed_delivery import (EVENT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, canonical_body,
                                      classify, response_excerpt, retry_after_seconds, signature)
from ..errors import DeliveryRefused, RetryLater
from ..logs import redact_text

if TYPE_CHECKING:
    import httpx

USER_AGENT = "invoicepipe-delivery/1"
# Enough of an error body for its excerpt (EXCERPT_CHARS characters of any UTF-8).
READ_AT_MOST = 4096


def destination_label(url: str) -> str:
    """Where a delivery went, fit for the audit trail and logs: scheme, host and path, no
    password, no query string (which may carry a token)."""
    parts = urlsplit(redact_url(url))
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class SignedPoster:
    """POSTs canonical JSON signed with ``secret``. Raises ``RetryLater`` (with the
    destination's ``Retry-After``) or ``DeliveryRefused`` (with its status and an excerpt);
    returns a one-line description of the accepted answer."""

    def __init__(self, timeout_s: float, client: Optional[httpx.Client] = None, clock: Callable[[], float] = time.time):
        self._client = client
        self._lock = threading.Lock()
        self.timeout_s = timeout_s
        self.clock = clock

    @property
    def client(self) -> httpx.Client:
        """Made on first use (a TLS context costs milliseconds; most processes never send).
        httpx is imported here, not with the module: every process builds a poster, and the
        import is 0.2 CPU s of each ``invoicepipe ingest`` start, which never sends."""
        import httpx

        with self._lock:
            if self._client is None:
                # Redirects are not followed: a signed POST re-sent elsewhere is not what was configured.
                self._client = httpx.Client(timeout=httpx.Timeout(self.timeout_s), follow_redirects=False,
                                            headers={"User-Agent": USER_AGENT})
            return self._client

    def post(self, url: str, secret: str | bytes, idempotency_key: str, payload: Mapping[str, Any],
             event: Optional[str] = None) -> str:
        try:
            body = canonical_body(payload)
        except (TypeError, ValueError) as exc:
            raise DeliveryRefused(f"the record cannot be sent as JSON: {exc}") from None
        timestamp = int(self.clock())
        headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: idempotency_key,
                   TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}
        if event:
            headers[EVENT_HEADER] = event
        where = destination_label(url)
        import httpx

        try:
            with self.client.stream("POST", url, content=body, headers=headers) as response:
                status = response.status_code
                outcome = classify(status)
                head = b"" if outcome in ("delivered", "already") else _read_some(response)
                retry_after = response.headers.get("Retry-After")
        except httpx.TimeoutException as exc:
            raise RetryLater(f"{where} did not answer within {self.timeout_s:g} s ({type(exc).__name__})") from None
        except httpx.TransportError as exc:  # refused, reset, DNS, TLS: the destination may come back
            raise RetryLater(f"{where} cannot be reached ({type(exc).__name__})") from None
        if outcome == "delivered":
            return f"{where} (HTTP {status})"
        if outcome == "already":
            return f"{where} (HTTP 409: the destination already has it)"
        excerpt = redact_text(response_excerpt(head))
        said = f": {excerpt}" if excerpt else ""
        if outcome == "retry":
            wait = retry_after_seconds(retry_after)
            asked = f", Retry-After {wait:g} s" if wait is not None else ""
            raise RetryLater(f"{where} answered HTTP {status}{asked}{said}", retry_after_s=wait)
        raise DeliveryRefused(f"{where} answered HTTP {status}{said}", status=status, excerpt=excerpt)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _read_some(response: httpx.Response) -> bytes:
    """The start of an error body, never more than ``READ_AT_MOST`` bytes; a body that breaks
    off mid-way still gives what came."""
    import httpx

    got = b""
    try:
        for chunk in response.iter_bytes():
            got += chunk
            if len(got) >= READ_AT_MOST:
                break
    except httpx.HTTPError:
        pass
    return got[:READ_AT_MOST]
