"""``invoicepipe eval e2e`` on a handful of generated digital invoices, through the real pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from invoicepipe.cli import EXIT_NOT_OK, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "fixtures" / "e2e_dev" / "generate.py"


@pytest.fixture(scope="module")
def dev_set(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("e2e-set") / "set"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), "--rounds", "1", "--forms", "digital"],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture
def env(tmp_path, monkeypatch):
    # The eval must never touch the configured database: point it somewhere that would show.
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    return tmp_path


def run(argv, capsys) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_copies_arriving_as_the_same_or_appended_bytes_are_caught_and_paid_once(dev_set, env, capsys):
    code, report = run(["eval", "e2e", str(dev_set), "--json", "--limit", "4", "--fail-on-unsafe"], capsys)
    assert code == EXIT_OK
    assert report["documents"] == 4
    detail = {d["name"]: d for d in report["documents_detail"]}
    same = detail["pdf/0003-copy_same_bytes-digital.pdf"]
    assert same["actual"][0] == "re_arrival" and same["linked"] == "pdf/0001-clean-digital.pdf"
    appended = detail["pdf/0004-copy_appended_bytes-digital.pdf"]
    assert appended["actual"][0] == "needs_review" and "duplicate_suspected" in appended["actual"][1]
    assert appended["linked"] == "pdf/0001-clean-digital.pdf"
    assert report["duplicates"]["tp"] == 2 and report["duplicates"]["fp"] == 0
    assert report["paid_twice"] == 0 and report["unsafe_total"] == 0
    assert report["by"]["scenario"]["copy_appended_bytes"]["duplicates"]["recall"] == 1.0
    # the labelled reviewer approval of the held price variance went through review.approve and export
    assert report["reviewer_actions"] == [{"name": "pdf/0002-price_variance-digital.pdf", "review": "approve"}]
    assert detail["pdf/0002-price_variance-digital.pdf"]["final_status"] == "exported"
    assert not (env / "var").exists()


def test_a_payment_the_labels_call_unsafe_fails_the_run_when_asked(dev_set, env, capsys, tmp_path):
    relabelled = tmp_path / "relabelled"
    subprocess.run(["cp", "-r", str(dev_set), str(relabelled)], check=True)
    gt_path = relabelled / "gt" / "0001-clean-digital.json"
    gt = json.loads(gt_path.read_text())
    gt.update(expected_outcome="needs_review", expected_reasons=["price_variance"])
    gt_path.write_text(json.dumps(gt))
    code, report = run(["eval", "e2e", str(relabelled), "--json", "--limit", "1", "--fail-on-unsafe"], capsys)
    assert [r["name"] for r in report["unsafe"]["paid_should_be_held"]] == ["pdf/0001-clean-digital.pdf"]
    assert code == EXIT_NOT_OK
    assert main(["eval", "e2e", str(relabelled), "--limit", "1"]) == EXIT_OK
    assert "UNSAFE: paid but should have been held 1" in capsys.readouterr().out
