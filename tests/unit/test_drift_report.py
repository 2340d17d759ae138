"""The drift report from real review actions on SQLite: service, CLI and metrics agree."""

import json
from dataclasses import replace

import pytest
import yaml

from invoicepipe.domain.drift import DriftPolicy
from invoicepipe.observability.drift_metrics import DriftCollector, register
from invoicepipe.services import review
from invoicepipe.services.drift import drift_report
from invoicepipe.services.review_view import document_view
from invoicepipe.services.users import User
from tests.web_helpers import in_review, version_of

ANNA = User(1, "anna", "reviewer")
# Tiny traffic: with the baseline's own uncertainty (baseline_z) three documents could not
# show a drop; test_drift.py covers that term.
POLICY = DriftPolicy(window_documents=3, baseline_documents=4, min_baseline_labels=20, min_psi_samples=3, min_stp_documents=3,
                     baseline_z=0.0)


def approve(app, doc_id):
    digest = next(r["digest"] for r in document_view(app, doc_id)["reasons"] if r["code"] == "no_po")
    review.approve(app, ANNA, doc_id, version_of(app, doc_id), {"no_po": (digest, "small order, no PO by agreement")})


def reviewed(app, run_pipeline, n, start, corrections=None):
    for i in range(n):
        doc_id = in_review(app, run_pipeline, po=None, number=f"INV-{start + i}", qty=str(start + i), day=f"2026-03-{i + 1:02d}")
        if corrections:
            review.correct(app, ANNA, doc_id, version_of(app, doc_id), corrections(i))
            run_pipeline(app)
        approve(app, doc_id)
    run_pipeline(app)


@pytest.fixture
def traffic(loaded, run_pipeline):
    loaded.policy = replace(loaded.policy, drift=POLICY)
    reviewed(loaded, run_pipeline, 4, 100)  # the baseline: every field the machine read was right
    return loaded


def test_reviewers_changing_fields_is_drift_and_leaving_them_is_not(traffic, run_pipeline):
    stable = drift_report(traffic, window=2, baseline=2)
    assert not stable.drifted and stable.findings[0].segment == "all"
    assert stable.findings[0].detail["window_accuracy"] == 1.0 and stable.findings[0].detail["baseline_labels"] >= 20
    reviewed(traffic, run_pipeline, 3, 200, corrections=lambda i: {"invoice_number": f"CORR-{i}", "invoice_date": "2026-04-01"})
    report = drift_report(traffic)  # policy window 3 (corrected) vs baseline 4 (unchanged)
    drifted = {(f.check, f.segment) for f in report.drifted}
    assert {("accuracy", "all"), ("accuracy", "form:digital")} <= drifted
    by_segment = {f.segment: f for f in report.findings if f.check == "accuracy"}
    # one field has 4 baseline labels, under min_baseline_labels: shown, never alarmed
    assert by_segment["field:invoice_number"].detail["window_accuracy"] == 0.0 and not by_segment["field:invoice_number"].drifted
    assert by_segment["field:total"].detail["window_accuracy"] == 1.0
    overall = report.findings[0]
    assert overall.detail["baseline_accuracy"] == 1.0 and overall.detail["window_accuracy"] < 0.9
    stp = next(f for f in report.findings if f.check == "stp")
    assert stp.detail["window_documents"] == 3 and stp.detail["window_rate"] == 0.0  # every one went through review


def test_the_cli_exits_1_on_drift_and_prints_json(traffic, run_pipeline, capsys, monkeypatch, tmp_path):
    from invoicepipe.cli import EXIT_NOT_OK, EXIT_OK, main

    # The command bootstraps its own App from the environment: the same database, key and policy.
    raw = yaml.safe_load(traffic.settings.policy_path.read_text())
    raw["drift"] = {k: getattr(POLICY, k) for k in ("window_documents", "baseline_documents", "min_baseline_labels",
                                                     "min_psi_samples", "min_stp_documents", "baseline_z")}
    (tmp_path / "drift-policy.yaml").write_text(yaml.safe_dump(raw))
    for name, value in (("INVOICEPIPE_DATABASE_URL", traffic.settings.database_url), ("INVOICEPIPE_VAR_DIR", str(traffic.settings.var_dir)),
                        ("INVOICEPIPE_POLICY", str(tmp_path / "drift-policy.yaml")), ("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    assert main(["drift", "--window", "2", "--baseline", "2"]) == EXIT_OK
    assert "no drift" in capsys.readouterr().out
    reviewed(traffic, run_pipeline, 3, 300, corrections=lambda i: {"invoice_number": f"X-{i}", "due_date": "2026-05-01"})
    assert main(["drift", "--json"]) == EXIT_NOT_OK
    report = json.loads(capsys.readouterr().out)
    overall = next(f for f in report["drifted"] if f["segment"] == "all")
    assert report["drift"] and overall["check"] == "accuracy" and overall["window_accuracy"] < overall["baseline_accuracy"] == 1.0
    assert main(["drift"]) == EXIT_NOT_OK
    assert "DRIFT accuracy" in capsys.readouterr().out


def test_metrics_show_the_same_report(traffic):
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    register(registry, traffic)
    text = generate_latest(registry).decode()
    assert 'invoicepipe_drift_detected{check="accuracy",segment="all"} 0.0' in text
    assert 'invoicepipe_drift_field_accuracy{segment="all",window="recent"} 1.0' in text
    assert f'invoicepipe_drift_threshold{{check="accuracy",segment="all"}} {POLICY.cusum_h}' in text


def test_the_collector_reuses_a_report_between_scrapes_and_survives_a_failing_one():
    now = [0.0]
    calls = []

    def report():
        calls.append(now[0])
        if len(calls) == 2:
            raise RuntimeError("database away")
        return {"findings": [{"check": "stp", "segment": "all", "drifted": True, "statistic": 4.0, "threshold": 3.5,
                              "baseline_rate": 0.6, "window_rate": 0.3}]}

    collector = DriftCollector(report, min_interval=60, clock=lambda: now[0])
    names = lambda: {s.name: s for m in collector.collect() for s in m.samples}  # noqa: E731
    assert names()["invoicepipe_drift_detected"].value == 1.0
    now[0] = 30
    names()
    assert calls == [0.0]  # within the interval: no query
    now[0] = 61
    got = names()
    assert got["invoicepipe_drift_report_errors_total"].value == 1 and got["invoicepipe_drift_detected"].value == 1.0  # last good one
