"""ASGI middleware for every response: security headers, a body-size limit and the
``Server-Timing`` header (how long the server took until the response started).

The size limit holds for bodies without ``Content-Length`` too (chunked uploads): the body
is counted as it streams in and the request is answered 413 the moment it passes the
limit, so the rest is never read, let alone held in memory.
"""

from __future__ import annotations

import json
import time

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

# No inline script or style anywhere, so the policy can forbid both: injected markup that
# escaped autoescaping still could not run.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
)
# Sent only on responses served over https (directly, or per a trusted proxy): over plain
# http a browser ignores it, and a development server on http must stay reachable.
HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")


class BodyTooLarge(HTTPException):
    """The request body passed the limit while it streamed in."""

    def __init__(self, limit: int):
        super().__init__(413, f"upload larger than {limit // (1024 * 1024)} MB")


class SecurityMiddleware:
    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(send)
            return
        received = 0
        response_started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def send_with_headers(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                headers = MutableHeaders(scope=message)
                headers.append("server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
                extra = HEADERS + ((HSTS,) if scope.get("scheme") == "https" else ())
                for name, value in extra:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLarge:
            # Raised from inside a body parser that did not turn it into a response itself.
            if not response_started:
                await self._too_large(send)

    async def _too_large(self, send) -> None:
        body = json.dumps({"detail": f"upload larger than {self.max_body // (1024 * 1024)} MB"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
