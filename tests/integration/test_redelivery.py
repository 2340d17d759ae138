"""A worker killed mid-message: the message must come back and run again (at-least-once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from invoicepipe.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "tests.integration.kill_worker_app", "--processes", "1", "--threads", "1"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wait_for(predicate, timeout_s: float, what: str):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_message_of_a_killed_worker_is_redelivered(clean_redis, tmp_path):
    marker = tmp_path / "deliveries.txt"
    env = {**os.environ, "INVOICEPIPE_REDIS_URL": clean_redis, "KILL_TEST_MARKER": str(marker), "PYTHONPATH": str(PROJECT_ROOT)}
    first = start_worker(env)
    second = None
    try:
        sys.path.insert(0, str(PROJECT_ROOT))
        os.environ["INVOICEPIPE_REDIS_URL"], os.environ["KILL_TEST_MARKER"] = clean_redis, str(marker)
        from tests.integration import kill_worker_app

        kill_worker_app.record_and_hang.send("invoice-42")
        wait_for(lambda: len(lines(marker)) == 1, 60, "the first delivery")
        for child in children_of(first.pid):
            os.kill(child, signal.SIGKILL)
        first.wait(timeout=30)
        second = start_worker(env)
        wait_for(lambda: len(lines(marker)) >= 2, 120, "the redelivery after the kill")
        assert [line.split()[1] for line in lines(marker)] == ["invoice-42", "invoice-42"]
    finally:
        for proc in (first, second):
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
