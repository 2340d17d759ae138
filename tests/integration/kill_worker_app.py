"""A Dramatiq app for the redelivery test: its first delivery hangs until killed.

Built with invoicepipe's own ``make_broker`` so the test exercises the production broker
settings (heartbeat timeout and maintenance) rather than Dramatiq's defaults.
"""

import os
import time
from pathlib import Path

import dramatiq

from invoicepipe.adapters.broker import make_broker

broker = make_broker(os.environ["INVOICEPIPE_REDIS_URL"])
dramatiq.set_broker(broker)
MARKER = Path(os.environ["KILL_TEST_MARKER"])


@dramatiq.actor(queue_name="test.redelivery", max_retries=0, time_limit=3_600_000)
def record_and_hang(token: str) -> None:
    with MARKER.open("a") as fh:
        fh.write(f"{os.getpid()} {token}\n")
    if len(MARKER.read_text().splitlines()) == 1:
        time.sleep(600)
