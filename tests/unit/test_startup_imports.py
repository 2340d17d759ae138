"""An embedded process (``invoicepipe ingest`` without Redis) starts without importing
Redis or httpx: together they were 0.5 CPU s of each start (benchmarks/throughput.py's
ingest figure is mostly start-up). A process with a Redis URL still classifies Redis's
connection errors as a broker outage."""

from __future__ import annotations

import subprocess
import sys

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
