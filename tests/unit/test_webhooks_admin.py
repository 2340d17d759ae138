"""Webhook subscribers through the admin API and the CLI: admins only, the secret shown once."""

from __future__ import annotations

from invoicepipe.cli import main
from invoicepipe.cli_common import EXIT_NOT_FOUND
from tests.web_helpers import client_for, person


def test_admins_manage_subscribers_over_the_api_and_the_secret_is_shown_once(app):
    admin = person(app, "ada", "admin")
    made = admin.post("/api/admin/webhooks", json={"name": "erp-status", "url": "https://erp.example/hooks", "events": ["exported"]},
                      headers={"X-CSRF-Token": admin.csrf})
    assert made.status_code == 201 and len(made.json()["secret"]) >= 32 and made.headers["cache-control"] == "no-store"
    listed = admin.get("/api/admin/webhooks").json()
    assert [s["name"] for s in listed] == ["erp-status"] and "secret" not in listed[0]
    assert made.json()["secret"] not in admin.get("/api/admin/webhooks").text
    bad = admin.post("/api/admin/webhooks", json={"name": "x", "url": "file:///etc/passwd"}, headers={"X-CSRF-Token": admin.csrf})
    assert bad.status_code == 422
    again = admin.post("/api/admin/webhooks", json={"name": "erp-status", "url": "https://erp.example/x"}, headers={"X-CSRF-Token": admin.csrf})
    assert again.status_code == 409
    assert admin.get("/api/admin/webhooks/deliveries?state=dead").json() == []
    assert admin.post("/api/admin/webhooks/deliveries/99/replay", headers={"X-CSRF-Token": admin.csrf}).status_code == 404
    assert admin.delete("/api/admin/webhooks/erp-status", headers={"X-CSRF-Token": admin.csrf}).status_code == 204
    assert admin.get("/api/admin/webhooks").json() == []


def test_a_reviewer_or_an_anonymous_caller_cannot(app):
    reviewer = person(app, "rita", "reviewer")
    assert reviewer.get("/api/admin/webhooks").status_code == 403
    assert client_for(app).get("/api/admin/webhooks", headers={"Accept": "application/json"}).status_code == 401


def test_the_cli_adds_lists_and_removes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    monkeypatch.setenv("HOOK_SECRET", "from-the-environment-0123")
    assert main(["webhooks", "add", "erp", "https://erp.example/hooks", "--events", "exported,export_failed",
                 "--secret-env", "HOOK_SECRET"]) == 0
    assert main(["webhooks", "list"]) == 0
    out = capsys.readouterr().out
    assert "events=export_failed,exported" in out and "from-the-environment-0123" not in out
    assert main(["webhooks", "deliveries", "--state", "dead"]) == 0
    assert main(["webhooks", "replay", "--all-dead"]) == 0 and "nothing to replay" in capsys.readouterr().out
    assert main(["webhooks", "deliver"]) == 0
    assert main(["webhooks", "remove", "erp"]) == 0
    assert main(["webhooks", "remove", "erp"]) == EXIT_NOT_FOUND
