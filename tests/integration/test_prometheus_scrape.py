"""A real Prometheus (Debian's package) on 127.0.0.1 scrapes a running pipeline, loads
ops/prometheus/rules.yml, and sees the values move when documents are processed."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.requirements import require

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PDFS = sorted((REPO / "fixtures" / "sample" / "pdf").glob("*.pdf"))[:4]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prometheus_port() -> int:
    return int(os.environ.get("INVOICEPIPE_TEST_PROMETHEUS_PORT") or 9390)


def start_prometheus(tmp_path: Path, jobs: dict[str, list[tuple[str, dict]]]) -> tuple[subprocess.Popen, str]:
    """Prometheus scraping ``jobs`` every second with the project's rules; returns (process, base URL)."""
    require(shutil.which("prometheus") is not None, "prometheus (Debian package prometheus)")
    shutil.copy(REPO / "ops" / "prometheus" / "rules.yml", tmp_path / "rules.yml")
    scrape = [{"job_name": job, "static_configs": [{"targets": [target], "labels": labels} for target, labels in targets]}
              for job, targets in jobs.items()]
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"}, "rule_files": ["rules.yml"],
              "scrape_configs": scrape}
    (tmp_path / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML
    port = prometheus_port()
    log = open(tmp_path / "prometheus.log", "w")
    proc = subprocess.Popen(["prometheus", f"--config.file={tmp_path / 'prometheus.yml'}",
                             f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _get(f"{base}/-/ready") is not None, 60, "Prometheus ready", tmp_path / "prometheus.log")
    return proc, base


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def query(base: str, expr: str) -> list[dict]:
    raw = _get(f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    return json.loads(raw)["data"]["result"] if raw else []


def scalar(base: str, expr: str) -> float:
    result = query(base, expr)
    return float(result[0]["value"][1]) if result else 0.0


def wait_for(check, timeout: float, what: str, log: Path = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def test_prometheus_scrapes_the_embedded_pipeline_and_sees_documents_processed(tmp_path):
    web_port = free_port()
    env = {**os.environ, "INVOICEPIPE_VAR_DIR": str(tmp_path / "var"), "INVOICEPIPE_INBOX": str(tmp_path / "inbox"),
           "INVOICEPIPE_WEB_PORT": str(web_port), "INVOICEPIPE_SWEEP_INTERVAL": "2"}
    for name in ("INVOICEPIPE_DATABASE_URL", "INVOICEPIPE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    log = open(tmp_path / "up.log", "w")
    up = subprocess.Popen([str(REPO / ".venv" / "bin" / "invoicepipe"), "up"], cwd=tmp_path, env=env, stdout=log,
                          stderr=subprocess.STDOUT, start_new_session=True)
    prometheus = None
    try:
        wait_for(lambda: _get(f"http://127.0.0.1:{web_port}/metrics") is not None, 120, "invoicepipe up", tmp_path / "up.log")
        prometheus, base = start_prometheus(tmp_path, {"invoicepipe-web": [(f"127.0.0.1:{web_port}", {})]})
        wait_for(lambda: scalar(base, 'up{job="invoicepipe-web"}') == 1, 60, "the first scrape")
        wait_for(lambda: query(base, "invoicepipe_database_up == 1"), 60, "the database gauges")
        before = scalar(base, 'sum(invoicepipe_document_transitions_total{step="extracted"})')
        assert before == 0

        for pdf in SAMPLE_PDFS:  # dropped like a portal upload
            shutil.copy(pdf, tmp_path / "inbox" / "portal" / pdf.name)
        wait_for(lambda: scalar(base, 'sum(invoicepipe_document_transitions_total{step="extracted"})') >= len(SAMPLE_PDFS),
                 300, "Prometheus to see the documents extracted", tmp_path / "up.log")
        assert scalar(base, 'sum(invoicepipe_step_duration_seconds_count{queue="parse.fast"})') >= len(SAMPLE_PDFS)
        assert scalar(base, 'sum(invoicepipe_field_confidence_ratio_count{field="total"})') >= len(SAMPLE_PDFS)
        wait_for(lambda: scalar(base, "invoicepipe:transitions:rate5m") > 0, 60, "the recording rule")
        wait_for(lambda: scalar(base, 'invoicepipe_audit_chain_ok{checker="sweeper"}') == 1, 60, "an audit checkpoint")

        rules = json.loads(_get(f"{base}/api/v1/rules"))["data"]["groups"]
        assert {g["name"] for g in rules} == {"invoicepipe.recording", "invoicepipe.alerts"}
        assert all(r["health"] == "ok" for g in rules for r in g["rules"]), [r for g in rules for r in g["rules"] if r["health"] != "ok"]
        firing = {a["labels"]["alertname"] for a in json.loads(_get(f"{base}/api/v1/alerts"))["data"]["alerts"]
                  if a["state"] == "firing"}
        assert not firing & {"InvoicepipeWebDown", "InvoicepipeDatabaseUnreachable", "InvoicepipeAuditChainBroken"}
    finally:
        if prometheus is not None:
            stop(prometheus)
        stop(up)


def test_prometheus_scrapes_each_worker_pool_and_sees_a_pool_go_down(tmp_path, clean_redis):
    """Production topology: each pool (`invoicepipe worker POOL`) serves its own /metrics,
    the sum of its worker processes, on its own port."""
    ports = {"fast": free_port(), "pipeline": free_port()}
    env = {**os.environ, "INVOICEPIPE_VAR_DIR": str(tmp_path / "var"), "INVOICEPIPE_INBOX": str(tmp_path / "inbox"),
           "INVOICEPIPE_REDIS_URL": clean_redis, "INVOICEPIPE_DATABASE_URL": f"sqlite:///{tmp_path / 'pipeline.db'}"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = str(REPO / ".venv" / "bin" / "invoicepipe")
    subprocess.run([command, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    pools, prometheus = {}, None
    try:
        for pool, port in ports.items():
            log = open(tmp_path / f"{pool}.log", "w")
            pools[pool] = subprocess.Popen([command, "worker", pool, "--processes", "1", "--threads", "1", "--metrics-port", str(port)],
                                           cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for pool, port in ports.items():
            wait_for(lambda: _get(f"http://127.0.0.1:{port}/metrics") is not None, 120, f"the {pool} pool's /metrics",
                     tmp_path / f"{pool}.log")
        prometheus, base = start_prometheus(tmp_path, {"invoicepipe-worker": [(f"127.0.0.1:{p}", {"pool": pool}) for pool, p in ports.items()]})
        wait_for(lambda: scalar(base, 'sum(up{job="invoicepipe-worker"})') == 2, 60, "both pools scraped")

        docs = SAMPLE_PDFS[:2]
        subprocess.run([command, "ingest", *map(str, docs)], env=env, check=True, capture_output=True, timeout=120)
        wait_for(lambda: scalar(base, 'sum(invoicepipe_document_transitions_total{pool="fast",step="extracted"})') >= len(docs),
                 300, "the fast pool's extractions", tmp_path / "fast.log")
        # a digital invoice is decided in the fast pool's message that parsed it
        wait_for(lambda: scalar(base, 'sum(invoicepipe_document_transitions_total{pool="fast",step="decide"})') >= len(docs),
                 120, "the fast pool's decisions", tmp_path / "fast.log")
        assert scalar(base, 'sum(dramatiq_messages_total{pool="fast",queue_name="parse.fast"})') >= len(docs)
        assert scalar(base, 'sum(invoicepipe_step_duration_seconds_count{pool="fast",step="triage"})') >= len(docs)

        stop(pools.pop("fast"))  # the supervisor and its pool: the target goes down
        wait_for(lambda: scalar(base, 'up{job="invoicepipe-worker",pool="fast"}') == 0 and
                 query(base, 'up{job="invoicepipe-worker",pool="fast"} == 0'), 60, "the fast pool seen down")
    finally:
        if prometheus is not None:
            stop(prometheus)
        for proc in pools.values():
            stop(proc)
