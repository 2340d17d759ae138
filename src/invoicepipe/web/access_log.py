"""Access log: one line per request with the route's template (never the query string),
status, duration, user and the request's correlation id, which is also bound for every
line the request writes and returned in ``X-Request-ID``.

A caller's own ``X-Request-ID`` is kept when it is a plain token (an integrator can then
find its upload in our logs); anything else is replaced. An upload's documents keep the id
(services/ingest.py), so the request line and the whole document trail share it.
"""

from __future__ import annotations

import time

from ..logs import correlation, new_correlation_id, safe_correlation_id

HEADER = b"x-request-id"


class AccessLogMiddleware:
    def __init__(self, app, log):
        self.app = app
        self.log = log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == HEADER), None)
        cid = safe_correlation_id(given) or new_correlation_id()
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (HEADER, cid.encode())]}
            await send(message)

        with correlation(cid, request_id=cid):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._line(scope, status[0], time.perf_counter() - started, cid)

    def _line(self, scope, status: int, seconds: float, cid: str) -> None:
        route = scope.get("route")
        user = (scope.get("state") or {}).get("user")
        fields = dict(method=scope.get("method"), path=getattr(route, "path", None) or _unmatched(scope), status=status,
                      duration_ms=round(seconds * 1000, 1), user=getattr(user, "username", None), correlation_id=cid,
                      request_id=cid)
        # 5xx: the service failed; 4xx: the caller did (bad input, no login) and is routine.
        emit = self.log.error if status >= 500 else self.log.info
        emit("http_request", **fields)


def _unmatched(scope) -> str:
    """No route matched (404, static files): the path's first segment only, so a probe for
    random URLs cannot write arbitrary text (or a token in the path) into the log."""
    parts = [p for p in (scope.get("path") or "/").split("/") if p]
    return "/" + (parts[0][:40] + "/…" if parts else "")
