"""Accounts, logins, sessions and API tokens (FastAPI TestClient on a temporary SQLite)."""

import io
import json
import re

import pytest
from sqlalchemy import select

from invoicepipe.adapters.db import tables as t
from invoicepipe.cli import EXIT_NOT_FOUND, EXIT_OK, main
from invoicepipe.errors import PermanentError, StateConflict
from invoicepipe.services.users import MAX_FAILURES, TooManyAttempts, add_user, login, user_count
from tests.fakes import fake_pdf
from tests.web_helpers import PASSWORD, client_for, log_in, person


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


def test_an_integrator_follows_its_own_uploads_and_only_those(app, run_pipeline):
    _, token = add_user(app, "erp", "integrator", None, "user:test")
    _, other = add_user(app, "shop", "integrator", None, "user:test")
    client = client_for(app)
    auth, other_auth = {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {other}"}
    pdf = fake_pdf("Invoice No: 77", "Total: 100.00 EUR")
    sent = client.post("/api/invoices", headers=auth, files={"file": ("inv.pdf", pdf, "application/pdf")})
    assert sent.status_code == 201 and sent.headers["location"] == sent.json()[0]["href"]
    doc_id = sent.json()[0]["id"]
    again = client.post("/api/invoices", headers=auth, files={"file": ("inv-again.pdf", pdf, "application/pdf")})
    assert again.status_code == 200 and again.json()[0]["id"] == doc_id and again.json()[0]["new"] is False
    run_pipeline(app)
    status = client.get(f"/api/invoices/{doc_id}", headers=auth)
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["status"] == "needs_review" and body["arrivals"] == 2
    assert body["decision"]["outcome"] == "needs_review" and body["decision"]["reasons"]
    assert all({"code", "message", "blocks_payment"} <= set(r) for r in body["decision"]["reasons"])
    # another integrator cannot learn that the document exists
    assert client.get(f"/api/invoices/{doc_id}", headers=other_auth).status_code == 404
    assert client.get("/api/invoices/999999", headers=auth).status_code == 404


def test_disabling_an_account_ends_its_sessions_and_refuses_its_tokens_until_enabled(app):
    from invoicepipe.services.users import list_tokens, revoke_token, set_active

    anna = person(app, "anna")
    assert anna.get("/api/me").status_code == 200
    _, token = add_user(app, "erp", "integrator", None, "user:test")
    auth = {"Authorization": f"Bearer {token}"}
    api = client_for(app)
    assert api.get("/api/me", headers=auth).status_code == 200
    assert set_active(app, "anna", False, "user:admin")["sessions_ended"] == 1
    assert anna.get("/api/me").status_code == 401
    set_active(app, "erp", False, "user:admin")
    assert api.get("/api/me", headers=auth).status_code == 401
    set_active(app, "erp", True, "user:admin")
    assert api.get("/api/me", headers=auth).status_code == 200
    [listed] = list_tokens(app, "erp")
    assert listed["id"].startswith("tok_") and token not in str(listed) and listed["last_used_at"] is not None
    revoke_token(app, listed["id"], "user:admin")
    assert api.get("/api/me", headers=auth).status_code == 401


def test_cli_lists_disables_and_revokes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    assert main(["user", "add", "erp", "--role", "integrator"]) == EXIT_OK
    capsys.readouterr()
    assert main(["user", "list"]) == EXIT_OK
    assert re.search(r"erp\s+integrator\s+yes\s+1", capsys.readouterr().out)
    assert main(["user", "disable", "erp"]) == EXIT_OK and "disabled" in capsys.readouterr().out
    assert main(["token", "list", "--json"]) == EXIT_OK
    [token] = json.loads(capsys.readouterr().out)
    assert token["username"] == "erp" and token["active"] is False
    assert main(["token", "revoke", token["id"]]) == EXIT_OK
    assert main(["token", "list"]) == EXIT_OK and "(none)" in capsys.readouterr().out
    assert main(["token", "revoke", "tok_0123456789ab"]) == EXIT_NOT_FOUND


def test_cli_output_into_a_closed_pipe_ends_without_a_traceback(tmp_path, monkeypatch):
    """`invoicepipe show 3 | head`: the reader goes away, the command ends quietly."""
    import os
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    closed = os.fdopen(write_end, "w")
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        assert main(["reasons"]) == EXIT_OK
    finally:
        closed.close()
