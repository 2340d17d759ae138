"""An embedded process (``invoicepipe ingest`` without Redis) starts without importing
Redis or httpx: together they were 0.5 CPU s of each start (benchmarks/throughput.py's
ingest figure is mostly start-up). A process with a Redis URL still classifies Redis's
connection errors as a broker outage."""

from __future__ import annotations

import subprocess
import sys

import pytest

from invoicepipe.adapters.broker import broker_errors, make_broker

PROBE = """
import sys
from pathlib import Path
from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.ingest import ingest_bytes
tmp = Path(sys.argv[1])
app = bootstrap(Settings.from_env({}, var_dir=tmp / "var", inbox_dir=tmp / "inbox", database_url=f"sqlite:///{tmp / 'x.db'}",
                                  redis_url=None, audit_key="k" * 48))
app.enqueuer = DeferredEnqueuer()  # as `invoicepipe ingest` without --wait: `up` picks the row up
ingest_bytes(app, b"%PDF-1.4\\n%%EOF\\n", "a.pdf", "portal", "system:test")
app.close()
print(sorted(m for m in ("redis", "httpx", "dramatiq.brokers.redis") if m in sys.modules))
"""


def test_an_embedded_ingest_imports_neither_redis_nor_httpx(tmp_path):
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_redis_broker_sends_count_redis_connection_errors_as_an_outage():
    from redis.exceptions import ConnectionError as RedisConnectionError

    redis_broker = make_broker("redis://127.0.0.1:1/0")  # nothing is sent: no connection is made
    assert RedisConnectionError in broker_errors(redis_broker)
    assert RedisConnectionError not in broker_errors(make_broker(None))


# a stores-only app (no Redis, no parse children) that has ingested one PDF into a folder store
INGEST_ONE_PDF = """
import sys
from pathlib import Path
from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.ingest import ingest_bytes
tmp = Path(sys.argv[1])
app = bootstrap(Settings.from_env({}, var_dir=tmp / "var", inbox_dir=tmp / "inbox", database_url=f"sqlite:///{tmp / 'x.db'}",
                                  redis_url=None, audit_key="k" * 48), parses=False)
app.enqueuer = DeferredEnqueuer()
ingest_bytes(app, b"%PDF-1.4\\n%%EOF\\n", "a.pdf", "portal", "system:test")
"""

STORES_ONLY = INGEST_ONE_PDF + """print(sorted(m for m in ("jsonschema", "yaml", "invoicepipe.adapters.parse_isolation") if m in sys.modules), app.parse_runner)
print(app.policy.version, sorted(m for m in ("jsonschema", "yaml") if m in sys.modules))
app.close()
"""


def test_a_stores_only_ingest_reads_the_policy_on_first_use(tmp_path):
    """``invoicepipe ingest`` without --wait: no policy validator and no parse isolation at
    start; the policy is still the validated one when something asks for it."""
    from invoicepipe.adapters.policy_file import load_policy
    from invoicepipe.config import Settings

    out = subprocess.run([sys.executable, "-c", STORES_ONLY, str(tmp_path)], capture_output=True, text=True, check=True)
    at_start, first_use = out.stdout.strip().splitlines()[-2:]
    assert at_start == "[] None"
    settings = Settings.from_env({}, var_dir=tmp_path / "v2")
    assert first_use == f"{load_policy(settings.policy_path, settings.schemas_dir).version} ['jsonschema', 'yaml']"


def test_a_stores_only_app_with_an_invalid_policy_fails_at_first_use(tmp_path):
    from invoicepipe.bootstrap import PolicyOnFirstUse
    from invoicepipe.config import Settings
    from invoicepipe.errors import PolicyError

    bad = tmp_path / "policy.yaml"
    bad.write_text("version: 7\nnot_a_section: {}\n", encoding="utf-8")
    policy = PolicyOnFirstUse(bad, Settings.from_env({}, var_dir=tmp_path / "v").schemas_dir)
    with pytest.raises(PolicyError, match="is invalid"):
        policy.version


ONE_FOLDER = INGEST_ONE_PDF + """print(sorted(m for m in ("invoicepipe.adapters.blobs_db", "invoicepipe.adapters.blob_cache", "invoicepipe.adapters.mail",
                         "email.policy") if m in sys.modules))
app.close()
"""


def test_an_ingest_of_a_pdf_into_a_folder_store_imports_neither_the_database_store_nor_the_mail_parser(tmp_path):
    """Together about 30 ms of CPU at every start of an ``invoicepipe ingest`` batch."""
    out = subprocess.run([sys.executable, "-c", ONE_FOLDER, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
