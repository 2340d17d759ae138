"""The command's exit codes and output, on the embedded default in a temporary folder."""

import json

import pytest

from invoicepipe.cli import EXIT_CONFIG, EXIT_NOT_FOUND, EXIT_NOT_OK, EXIT_OK, main
from tests.masterdata_samples import write_master


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    return tmp_path


def digital_invoice(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    y = 800
    for line in ["Acme Industrial Supplies GmbH", "VAT ID: DE123456789", "Invoice No: INV-77", "Invoice date: 2026-03-14",
                 "Subtotal: 100.00 EUR", "VAT 19%: 19.00 EUR", "Total: 119.00 EUR"]:
        c.drawString(72, y, line)
        y -= 16
    c.save()


def test_ingest_wait_reports_each_document_and_exits_1_on_a_rejection(env, capsys):
    digital_invoice(env / "good.pdf")
    (env / "bad.pdf").write_text("<html>nope</html>")
    code = main(["ingest", str(env / "good.pdf"), str(env / "bad.pdf"), "--wait", "--json", "--timeout", "120"])
    docs = {d["filename"]: d for d in json.loads(capsys.readouterr().out)["documents"]}
    assert code == EXIT_NOT_OK
    assert docs["bad.pdf"]["status"] == "rejected"
    assert docs["good.pdf"]["status"] in ("needs_review", "approved")


def test_show_status_and_audit_on_the_result(env, capsys):
    digital_invoice(env / "good.pdf")
    assert main(["ingest", str(env / "good.pdf"), "--wait"]) == EXIT_OK
    capsys.readouterr()
    assert main(["show", "1", "--json"]) == EXIT_OK
    shown = json.loads(capsys.readouterr().out)
    assert shown["extraction"]["fields"]["invoice_number"]["value"] == "INV-77"
    assert shown["extraction"]["fields"]["invoice_number"]["box"]
    assert main(["status", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["total"] == 1
    assert main(["audit", "trail", "1"]) == EXIT_OK
    assert "extracted" in capsys.readouterr().out
    assert main(["audit", "verify"]) == EXIT_OK


def test_unknown_document_exits_3(env, capsys):
    assert main(["show", "999"]) == EXIT_NOT_FOUND
    assert "no document 999" in capsys.readouterr().err


def test_invalid_policy_exits_4(env, monkeypatch, capsys):
    bad = env / "policy.yaml"
    bad.write_text("version: 1\n")
    monkeypatch.setenv("INVOICEPIPE_POLICY", str(bad))
    assert main(["status"]) == EXIT_CONFIG
    assert "policy" in capsys.readouterr().err


def test_load_exits_1_when_rows_are_quarantined(env, capsys):
    paths = write_master(env / "master")
    assert main(["load", "vendors", str(paths["vendors"])]) == EXIT_OK
    (env / "bad.json").write_text('[{"vendor_id": "X"}]')
    assert main(["load", "vendors", str(env / "bad.json")]) == EXIT_NOT_OK
    assert "quarantined" in capsys.readouterr().out


def test_retry_brings_a_failed_document_back(env, capsys):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(env / "locked.pdf"), encrypt="secret")
    c.drawString(72, 800, "Invoice")
    c.save()
    assert main(["ingest", str(env / "locked.pdf"), "--wait", "--json"]) == EXIT_NOT_OK
    out = json.loads(capsys.readouterr().out)["documents"][0]
    assert out["status"] == "failed" and "encrypted" in out["reason"]
    assert main(["retry", str(out["id"])]) == EXIT_OK
    assert main(["retry", str(out["id"])]) == EXIT_NOT_OK  # no longer failed


def test_audit_checkpoint_then_a_truncated_log_exits_5(env, capsys):
    """The embedded default (SQLite) detects what the owner of the file can do: empty the log, reset the heads."""
    import sqlite3

    from invoicepipe.cli import EXIT_AUDIT

    digital_invoice(env / "good.pdf")
    assert main(["ingest", str(env / "good.pdf"), "--wait"]) == EXIT_OK
    assert main(["audit", "checkpoint"]) == EXIT_OK
    capsys.readouterr()
    assert main(["audit", "verify"]) == EXIT_OK
    assert "intact" in capsys.readouterr().out
    db = sqlite3.connect(env / "var" / "invoicepipe.db")
    db.executescript("DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_heads_forward_only; DELETE FROM audit_events; "
                     "UPDATE audit_heads SET chain_position = 0, hash = '" + "0" * 64 + "';")
    db.close()
    assert main(["audit", "verify"]) == EXIT_AUDIT
    assert "truncated:" in capsys.readouterr().out
    assert main(["audit", "checkpoint"]) == EXIT_AUDIT
    assert "not sealing" in capsys.readouterr().err


def test_grant_app_role_is_for_postgresql_only(env, capsys):
    assert main(["db", "grant-app-role", "invoicepipe_app"]) == EXIT_CONFIG
    assert "PostgreSQL" in capsys.readouterr().err
