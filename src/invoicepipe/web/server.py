"""Run the web app with uvicorn: in a thread beside the workers (``up``, ``serve``)."""

from __future__ import annotations

import threading
import time

import uvicorn

from .app import create_app


class WebServer:
    """uvicorn in a daemon thread; ``start`` returns the URL once it listens."""

    def __init__(self, app, host: str, port: int):
        self.host, self.port = host, port
        self.banner = ""  # what `up` / `serve` print about it, set once it listens
        config = uvicorn.Config(create_app(app), host=host, port=port, log_level="warning", access_log=False,
                                lifespan="off", server_header=False,
                                # uvicorn would trust X-Forwarded-* from 127.0.0.1 by default; the app
                                # applies INVOICEPIPE_TRUSTED_PROXIES itself (web/app.py), nobody else.
                                proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="web", daemon=True)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}/"

    def start(self, timeout: float = 15.0) -> str:
        """Start listening; RuntimeError when the port cannot be bound (uvicorn has said why)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server could not listen on {self.host}:{self.port}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
