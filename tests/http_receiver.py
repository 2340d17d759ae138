"""A real HTTP receiver on 127.0.0.1 for delivery tests: a threaded ``http.server`` that
answers POSTs from a script (fail, hang, rate-limit, accept, accept and drop the answer) and
keeps what a careful receiver keeps: every request, whether its signature verified, and the
bodies it accepted by ``Idempotency-Key`` (a key it already has is answered 409).

The port is ``INVOICEPIPE_TEST_HTTP_PORT`` (+ an offset per receiver), or any free one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from invoicepipe.domain.signed_delivery import verify

HANG_S = 6.0  # longer than the tests' client timeout (3 s), which a loaded machine still meets


class Receiver:
    def __init__(self, secret: str, offset: int = 0):
        base = int(os.environ.get("INVOICEPIPE_TEST_HTTP_PORT") or 0)
        self.secret = secret
        self.script: deque = deque()
        self.requests: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", base + offset if base else 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/invoices"

    def then(self, *actions) -> "Receiver":
        """Queue answers: an int status, (status, headers, body), "hang" (answer after the
        client gave up), "drop" (accept, then close without answering). When the script is
        empty a request is accepted (201), or answered 409 when its key is known."""
        self.script.extend(actions)
        return self

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    receiver.requests.append({"headers": headers, "body": body, "at": time.time(), "path": self.path,
                                              "verified": verify(receiver.secret, headers.get("invoicepipe-timestamp"),
                                                                 headers.get("invoicepipe-signature"), body)})
                    action = receiver.script.popleft() if receiver.script else None
                key = headers.get("idempotency-key", "")
                if action == "hang":
                    time.sleep(HANG_S)
                    try:
                        return self._answer(503)
                    except OSError:  # the client gave up long ago, as intended
                        return None
                if action == "drop":
                    receiver._accept(key, body)
                    self.close_connection = True
                    self.connection.shutdown(2)  # the client sees the connection end with no answer
                    return None
                if action is None:
                    if receiver._accept(key, body):
                        return self._answer(201, body=b'{"status":"created"}')
                    return self._answer(409, body=b'{"status":"already have it"}')
                status, extra, text = action if isinstance(action, tuple) else (action, {}, b"")
                return self._answer(status, extra, text)

            def _answer(self, status: int, extra: Optional[dict] = None, body: bytes = b""):
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def _accept(self, key: str, body: bytes) -> bool:
        with self.lock:
            if key in self.accepted:
                return False
            self.accepted[key] = json.loads(body)
            return True

    def keys(self) -> list[str]:
        return [r["headers"].get("idempotency-key") for r in self.requests]
