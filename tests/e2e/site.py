"""A running invoicepipe for browser tests: real services, real PDF reader, a live server.

The App runs on a temporary SQLite file with Dramatiq's StubBroker and an in-process
worker, so a reviewer's correction really goes back through reconciliation. Documents are
small reportlab PDFs fed through the real ingest, parse, route and reconcile steps.
"""

from __future__ import annotations

import io
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import dramatiq
from dramatiq.brokers.stub import StubBroker

from invoicepipe.actors import declare_actors
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.masterdata import load_master_data
from invoicepipe.services.queries import show
from invoicepipe.services.users import add_user
from invoicepipe.web.server import WebServer
from tests.conftest import drain, lenient_policy
from tests.masterdata_samples import invoice_lines, write_master

PASSWORDS = {"anna": "anna-reviews-all-day", "carl": "carl-controls-the-books", "ada": "ada-administers-it-all"}
ROLES = {"anna": "reviewer", "carl": "controller", "ada": "admin"}
SCRIPT_VENDOR = "<script>alert(1)</script> Ltd"


def pdf(lines: list[str]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    y = 800
    for line in lines:
        c.drawString(72, y, line)
        y -= 16
    c.save()
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    url: str
    app: object
    docs: dict[str, int] = field(default_factory=dict)
    stoppers: list = field(default_factory=list)

    def status(self, name: str) -> str:
        return show(self.app, self.docs[name])["status"]

    def wait_for_status(self, name: str, wanted: set[str], timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            current = self.status(name)
            if current in wanted:
                return current
            time.sleep(0.1)
        raise AssertionError(f"{name} stayed {self.status(name)}, expected one of {wanted}")

    def close(self) -> None:
        for stop in reversed(self.stoppers):
            stop()


def _ingest(app, name: str, lines: list[str], channel: str = "portal") -> int:
    return ingest_bytes(app, pdf(lines), f"{name}.pdf", channel, "user:seed").documents[0]["id"]


def start_site(tmp: Path) -> Site:
    settings = Settings.from_env({}, var_dir=tmp / "var", inbox_dir=tmp / "inbox", database_url=f"sqlite:///{tmp / 'var' / 'e2e.db'}",
                                 settle_s=0.0, policy_path=lenient_policy(tmp))
    broker = StubBroker()
    broker.emit_after("process_boot")
    app = bootstrap(settings, broker=broker)
    declare_actors(app)
    for kind, path in write_master(tmp / "master").items():
        load_master_data(app, kind, path, actor="user:seed")
    docs = {"original": _ingest(app, "original", invoice_lines(number="INV-1001"))}
    drain(app)  # the original must be on file before its duplicate arrives
    docs["no_po"] = _ingest(app, "no-po", invoice_lines(number="INV-2002", po=None, day="2026-03-16"))
    docs["over_billed"] = _ingest(app, "over-billed", invoice_lines(number="INV-3003", qty="12"))
    docs["price"] = _ingest(app, "price", invoice_lines(number="INV-4004", price="13.90"))
    docs["team"] = _ingest(app, "team", invoice_lines(number="INV-7007", qty="12", day="2026-03-19"))
    docs["typed"] = _ingest(app, "typed", invoice_lines(number="INV-6006", po=None, day="2026-03-18"))
    docs["unknown_po"] = _ingest(app, "unknown-po", invoice_lines(number="INV-5005", po="4500999", day="2026-03-17"))
    docs["script_vendor"] = _ingest(app, "script-vendor", [SCRIPT_VENDOR, "Invoice No: X-9", "Invoice date: 2026-03-14",
                                                           "Due date: 2026-04-14", "Total: 50.00 EUR"])
    docs["duplicate"] = _ingest(app, "duplicate", invoice_lines(number="INV-1001") + ["Copy sent again by e-mail"], channel="email")
    drain(app)
    for name, password in PASSWORDS.items():
        add_user(app, name, ROLES[name], password, "user:seed")
    worker = dramatiq.Worker(app.broker, worker_threads=2, worker_timeout=100)
    worker.start()
    server = WebServer(app, "127.0.0.1", free_port())
    site = Site(server.start().rstrip("/"), app, docs)
    site.stoppers += [app.close, worker.stop, server.stop]
    return site


def login(page, site: Site, username: str, password: str | None = None) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", password or PASSWORDS[username])
    page.click("#login")
    page.wait_for_url(re.compile(r".*/queue.*"))
