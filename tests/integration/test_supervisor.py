"""A pool whose worker process is SIGKILLed is started again and keeps processing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from invoicepipe.config import PROJECT_ROOT
from tests.integration.test_redelivery import children_of, lines, wait_for

pytestmark = pytest.mark.integration

SUPERVISOR = """
import sys
from invoicepipe.logs import configure_logging, get_logger
from invoicepipe.supervisor import supervise
configure_logging("INFO")
sys.exit(supervise(sys.argv[1:], get_logger(), min_backoff=0.2, max_backoff=1.0))
"""


def test_a_killed_worker_child_is_replaced_and_the_pool_keeps_processing(clean_redis, tmp_path):
    marker, log = tmp_path / "runs.txt", tmp_path / "supervisor.log"
    env = {**os.environ, "INVOICEPIPE_REDIS_URL": clean_redis, "SUPERVISE_TEST_MARKER": str(marker), "SUPERVISED_POOL": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    argv = [sys.executable, "-c", SUPERVISOR, sys.executable, "-m", "dramatiq", "tests.integration.supervised_app",
            "--processes", "1", "--threads", "1"]
    with log.open("w") as out:
        supervisor = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        sys.path.insert(0, str(PROJECT_ROOT))
        os.environ["INVOICEPIPE_REDIS_URL"], os.environ["SUPERVISE_TEST_MARKER"] = clean_redis, str(marker)
        from tests.integration import supervised_app

        supervised_app.record.send("before")
        wait_for(lambda: [x.split()[1] for x in lines(marker)] == ["before"], 60, "the first message")
        [pool] = children_of(supervisor.pid)
        first_workers = children_of(pool)
        for worker in first_workers:
            os.kill(worker, signal.SIGKILL)
        wait_for(lambda: "pool_exited" in log.read_text(), 60, "the supervisor to see the pool exit")
        supervised_app.record.send("after")
        wait_for(lambda: "after" in [x.split()[1] for x in lines(marker)], 90, "the restarted pool to process a message")
        assert supervisor.poll() is None
        assert int(lines(marker)[-1].split()[0]) not in first_workers  # a new worker process ran it
        assert log.read_text().count("pool_started") >= 2
    finally:
        if supervisor.poll() is None:
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(supervisor.pid, signal.SIGKILL)
                supervisor.wait()
