"""Accounts, logins, sessions and API tokens (FastAPI TestClient on a temporary SQLite)."""

import io

import pytest
from sqlalchemy import select

from invoicepipe.adapters.db import tables as t
from invoicepipe.cli import EXIT_OK, main
from invoicepipe.errors import PermanentError, StateConflict
from invoicepipe.services.users import MAX_FAILURES, TooManyAttempts, add_user, login, user_count
from tests.fakes import fake_pdf
from tests.web_helpers import PASSWORD, client_for, log_in


def test_a_fresh_install_has_no_users_and_no_login_works(app):
    assert user_count(app) == 0
    client = client_for(app)
    for username, password in (("admin", "admin"), ("admin", ""), ("root", "password"), ("", "")):
        response = log_in(client, username, password)
        assert response.status_code == 401 and "wrong username or password" in response.text
    queue = client.get("/queue", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"].startswith("/login?next=")


def test_passwords_are_stored_as_argon2id_and_must_be_long(app):
    with pytest.raises(PermanentError, match="at least 12"):
        add_user(app, "anna", "reviewer", "short", "user:test")
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    with pytest.raises(StateConflict):
        add_user(app, "Anna", "controller", PASSWORD, "user:test")
    with app.uow.begin() as tx:
        stored = tx.conn.execute(select(t.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_sets_an_httponly_samesite_cookie_and_logout_ends_the_session(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    client = client_for(app)
    response = log_in(client, "anna")
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"].lower()
    assert "invoicepipe_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/queue").status_code == 200
    token = client.get("/api/me").json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_secure_over_https(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    response = log_in(client_for(app, base_url="https://testserver"), "anna")
    assert "secure" in response.headers["set-cookie"].lower()


def test_login_open_redirects_are_refused(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    client = client_for(app)
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/queue"


def test_wrong_passwords_are_rate_limited_per_username_and_address(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    client = client_for(app)
    for _ in range(MAX_FAILURES):
        assert log_in(client, "anna", "wrong-password-guess").status_code == 401
    blocked = log_in(client, "anna")  # even the right password waits out the window
    assert blocked.status_code == 429 and "too many failed logins" in blocked.text
    with pytest.raises(TooManyAttempts):
        login(app, "anna", PASSWORD, "testclient")
    assert login(app, "anna", PASSWORD, "10.0.0.9").user.username == "anna"  # another address is not blocked
    with app.uow.begin() as tx:
        assert len(tx.conn.execute(select(t.login_failures)).all()) == MAX_FAILURES  # refused attempts are not verified


def test_the_login_form_needs_its_csrf_cookie(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    response = client_for(app).post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "forged"},
                                    follow_redirects=False)
    assert response.status_code == 403 and "invoicepipe_session" not in response.headers.get("set-cookie", "")


def test_integrators_use_api_tokens_for_ingest_only(app):
    _, token = add_user(app, "erp", "integrator", None, "user:test")
    assert token.startswith("ipt_")
    client = client_for(app)
    auth = {"Authorization": f"Bearer {token}"}
    sent = client.post("/api/invoices", headers=auth, files={"file": ("inv.pdf", fake_pdf("Invoice No: 1"), "application/pdf")})
    assert sent.status_code == 201 and sent.json()[0]["status"] == "received"
    assert client.post("/api/invoices", files={"file": ("inv.pdf", b"%PDF-x", "application/pdf")}).status_code == 401
    assert client.post("/api/invoices", headers={"Authorization": "Bearer ipt_nope"},
                       files={"file": ("a.pdf", b"%PDF-x", "application/pdf")}).status_code == 401
    assert client.get("/api/queue", headers=auth).status_code == 403
    assert log_in(client, "erp", "").status_code == 401  # no password: no UI login


def test_cli_user_add_and_token_add(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "Carl", "--role", "controller", "--password-stdin"]) == EXIT_OK
    assert "user carl added with role controller" in capsys.readouterr().out
    assert main(["token", "add", "carl", "--label", "scripts"]) == EXIT_OK
    assert "ipt_" in capsys.readouterr().out
