"""A worker process holds no more PostgreSQL connections than its pool settings allow.

A fast-pool worker with 8 threads and ``INVOICEPIPE_DB_POOL_SIZE=2``,
``INVOICEPIPE_DB_MAX_OVERFLOW=0`` triages and parses a batch of documents; every sample of
``pg_stat_activity`` for its application_name counts at most 2, and the batch still gets
through (threads wait for a pooled connection instead of opening more). No overflow here:
an overflow connection is closed when returned, and its backend stays in
``pg_stat_activity`` a moment after the next one opened, so a sample may count one more.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from invoicepipe.config import PROJECT_ROOT

pytestmark = pytest.mark.integration
DOCUMENTS = 16


def invoice_pdf(n: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, f"INVOICE No. CL-{n:05d}")
    page.drawString(72, 700, f"Total due EUR {100 + n}.00")
    page.save()
    return buf.getvalue()


def test_worker_process_stays_within_its_connection_pool(postgres_url, clean_redis, tmp_path):
    from sqlalchemy import create_engine, text

    from invoicepipe.adapters.db.migrate import upgrade
    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings
    from invoicepipe.services.ingest import ingest_bytes

    upgrade(postgres_url)
    name = f"ip-bound-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "INVOICEPIPE_DATABASE_URL": postgres_url, "INVOICEPIPE_REDIS_URL": clean_redis,
           "INVOICEPIPE_VAR_DIR": str(tmp_path / "var"), "INVOICEPIPE_AUDIT_KEY": "k" * 48,
           "INVOICEPIPE_PARSE_ISOLATION": "inline", "INVOICEPIPE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(PROJECT_ROOT),
           "INVOICEPIPE_DB_POOL_SIZE": "2", "INVOICEPIPE_DB_MAX_OVERFLOW": "0", "INVOICEPIPE_DB_APPLICATION_NAME": name}
    settings = Settings.from_env({**env, "INVOICEPIPE_DB_APPLICATION_NAME": "ip-test-feeder"})  # not counted
    app = bootstrap(settings, migrate=False, log_level="WARNING")
    admin = create_engine(postgres_url)
    seen: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        with admin.connect() as conn:
            while not stop.is_set():
                seen.append(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"),
                                         {"n": name}).scalar_one())
                conn.commit()
                time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    worker = None
    try:
        ids = [ingest_bytes(app, invoice_pdf(n), f"cl-{n}.pdf", "portal", "test").documents[0]["id"] for n in range(DOCUMENTS)]
        sampler.start()
        worker = subprocess.Popen([sys.executable, "-m", "dramatiq", "workers.fast", "--processes", "1", "--threads", "8"],
                                  cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        end = time.monotonic() + 240
        while time.monotonic() < end:
            with app.uow.begin() as tx:
                states = {d.status.value for d in tx.documents.by_ids(ids)}
            if states.isdisjoint({"received", "parsing", "extracted"}):  # triaged, parsed and decided (or queued for the slow pool)
                break
            assert worker.poll() is None, "the fast worker exited"
            time.sleep(0.3)
        else:
            pytest.fail(f"triage, parse and decision did not finish: {states}")
    finally:
        stop.set()
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        sampler.join(timeout=5)
        app.close()
        admin.dispose()
    assert max(seen) >= 1, "the worker's connections were never seen"
    assert max(seen) <= 2, f"the worker held {max(seen)} connections with a pool of 2 and no overflow"
