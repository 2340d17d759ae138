"""A Dramatiq app for the supervisor test: every message appends its token and pid."""

import os
from pathlib import Path

import dramatiq

from invoicepipe.adapters.broker import make_broker
from invoicepipe.supervisor import die_with_parent

if os.environ.get("SUPERVISED_POOL"):
    die_with_parent()  # as worker_boot does for the real pools
broker = make_broker(os.environ["INVOICEPIPE_REDIS_URL"])
dramatiq.set_broker(broker)
MARKER = Path(os.environ["SUPERVISE_TEST_MARKER"])


@dramatiq.actor(queue_name="test.supervised", max_retries=0)
def record(token: str) -> None:
    with MARKER.open("a") as fh:
        fh.write(f"{os.getpid()} {token}\n")
