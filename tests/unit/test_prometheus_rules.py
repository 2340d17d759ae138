"""The rules file is valid, every alert has a promtool unit test and a runbook page, and
every metric the rules and the dashboard use is one the code exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.requirements import require
from tests.web_helpers import client_for

REPO = Path(__file__).resolve().parents[2]
OPS = REPO / "ops"
RULES = OPS / "prometheus" / "rules.yml"
RULE_TESTS = OPS / "prometheus" / "rules.test.yml"
DASHBOARD = OPS / "grafana" / "invoicepipe.json"
NAME = re.compile(r"\b((?:invoicepipe|dramatiq)_[a-z0-9_]+|invoicepipe:[a-z0-9_:]+)\b")
# Dramatiq's Prometheus middleware, served by every worker pool (not by the web service).
DRAMATIQ = {"dramatiq_messages_total", "dramatiq_message_errors_total", "dramatiq_message_retries_total",
            "dramatiq_message_rejects_total", "dramatiq_messages_inprogress", "dramatiq_delayed_messages_inprogress",
            "dramatiq_message_duration_milliseconds_bucket", "dramatiq_message_duration_milliseconds_sum",
            "dramatiq_message_duration_milliseconds_count"}


def rules() -> list[dict]:
    return [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]


def promtool(*args: str) -> subprocess.CompletedProcess:
    require(shutil.which("promtool") is not None, "promtool (Debian package prometheus)")
    return subprocess.run(["promtool", *args], cwd=RULES.parent, capture_output=True, text=True, timeout=300)


def test_promtool_checks_the_rules():
    result = promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass():
    result = promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_unit_tested_firing():
    fired = {t["alertname"] for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
             for t in test.get("alert_rule_test", []) if t.get("exp_alerts")}
    alerts = {r["alert"] for r in rules() if "alert" in r}
    assert alerts and alerts <= fired, f"alerts without a firing test: {sorted(alerts - fired)}"


def test_every_alert_links_an_existing_runbook_page():
    for rule in (r for r in rules() if "alert" in r):
        url = rule["annotations"].get("runbook_url", "")
        assert url.startswith("runbooks/") and (REPO / url).is_file(), f"{rule['alert']}: runbook_url {url!r}"
        assert rule["labels"]["severity"] in ("page", "warning")


def exported_names(app) -> set[str]:
    """Every sample name the web service's /metrics can show (families are listed before
    their first sample), plus the worker pools' Dramatiq metrics and the recording rules."""
    text = client_for(app).get("/metrics").text
    names = set(DRAMATIQ) | {r["record"] for r in rules() if "record" in r}
    for family in text_string_to_metric_families(text):
        base = family.name
        names |= {base, f"{base}_total", f"{base}_bucket", f"{base}_sum", f"{base}_count", f"{base}_created"}
    return names


def used_names(text: str) -> set[str]:
    return set(NAME.findall(text))


def test_rules_use_only_exported_metrics(app):
    used = set().union(*(used_names(r["expr"]) for r in rules()))
    missing = used - exported_names(app)
    assert not missing, f"rules use metrics nobody exports: {sorted(missing)}"


def test_the_dashboard_parses_and_its_panels_use_exported_metrics(app):
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert len(exprs) >= 10 and all(exprs)
    used = set().union(*(used_names(e) for e in exprs))
    missing = used - exported_names(app)
    assert not missing, f"dashboard panels use metrics nobody exports: {sorted(missing)}"
    assert {p["title"] for p in dashboard["panels"]} and len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
