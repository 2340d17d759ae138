"""Shared fixtures: an App on a temporary SQLite database with Dramatiq's StubBroker."""

from __future__ import annotations

from pathlib import Path

import dramatiq
import pytest
import yaml
from dramatiq.brokers.stub import StubBroker

from invoicepipe.actors import declare_actors
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from tests.fakes import TextReaders

REPO = Path(__file__).resolve().parents[1]


def lenient_policy(tmp_path: Path) -> Path:
    """The default policy with low thresholds, so pipeline-mechanics tests do not depend on
    how confident the extractor is (extraction quality has its own tests and eval)."""
    raw = yaml.safe_load((REPO / "policy" / "default.yaml").read_text())
    raw["version"] = "test-lenient"
    raw["routing"]["default_threshold"] = 0.3
    raw["routing"]["thresholds"] = {k: 0.3 for k in raw["routing"]["thresholds"]}
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox",
                             database_url=f"sqlite:///{tmp_path / 'var' / 'test.db'}", settle_s=0.0,
                             policy_path=lenient_policy(tmp_path))


@pytest.fixture
def app(settings):
    broker = StubBroker()
    broker.emit_after("process_boot")
    application = bootstrap(settings, broker=broker, readers=TextReaders())
    declare_actors(application)
    yield application
    application.close()


@pytest.fixture
def loaded(app, tmp_path):
    """The app with the small master data set of tests/masterdata_samples.py loaded."""
    from invoicepipe.services.masterdata import load_master_data
    from tests.masterdata_samples import write_master

    for kind, path in write_master(tmp_path / "master").items():
        load_master_data(app, kind, path)
    return app


def drain(app, rounds: int = 20, fail_fast: bool = True) -> None:
    """Run every queued step to completion with a real dramatiq.Worker on the StubBroker."""
    worker = dramatiq.Worker(app.broker, worker_timeout=50)
    worker.start()
    try:
        for _ in range(rounds):
            busy = False
            for queue in list(app.broker.queues):
                if app.broker.queues[queue].qsize() or app.broker.queues[queue].unfinished_tasks:
                    busy = True
                    app.broker.join(queue, fail_fast=fail_fast)
            if not busy:
                break
        worker.join()
    finally:
        worker.stop()


@pytest.fixture
def run_pipeline():
    return drain
