"""Helpers for web tests: accounts, a logged-in TestClient, and documents in review."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.masterdata import load_master_data
from invoicepipe.services.users import add_user
from invoicepipe.web.app import create_app
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines, write_master

PASSWORD = "a-long-enough-password"


def client_for(app, base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(app), base_url=base_url)


def login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD):
    """Log in through the form; returns the response (a 303 to the queue when it worked)."""
    token = login_form_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False)


def session_csrf(client: TestClient) -> str:
    return client.get("/api/me").json()["csrf_token"]


def person(app, username: str, role: str = "reviewer") -> TestClient:
    """A logged-in browser-like client for a new account with ``role``."""
    add_user(app, username, role, PASSWORD, "user:test")
    client = client_for(app)
    assert log_in(client, username).status_code == 303
    client.csrf = session_csrf(client)
    return client


def load_master(app, tmp_path) -> None:
    for kind, path in write_master(tmp_path / "master").items():
        load_master_data(app, kind, path)


def in_review(app, run_pipeline, **invoice) -> int:
    """Ingest one fake invoice and run the pipeline; returns its id (it should end in review)."""
    channel = invoice.pop("channel", "portal")
    lines = invoice.pop("lines", None) or invoice_lines(**invoice)
    [doc] = ingest_bytes(app, fake_pdf(*lines), "invoice.pdf", channel, "user:test").documents
    run_pipeline(app)
    return doc["id"]


def version_of(app, doc_id: int) -> int:
    with app.uow.begin() as tx:
        return tx.documents.get(doc_id).version
