"""The Redis broker's consumers: delay queues are polled less often than the queues themselves."""

from __future__ import annotations

from invoicepipe.adapters.broker import DELAY_QUEUE_POLL_MS, make_broker

# No server is needed: building a broker and its consumers opens no connection.
NO_SERVER = "redis://127.0.0.1:1/0"


def test_a_delay_queue_consumer_sleeps_up_to_the_delay_poll_not_the_worker_timeout():
    broker = make_broker(NO_SERVER)
    try:
        assert broker.consume("parse.fast.DQ", prefetch=1, timeout=100).timeout == DELAY_QUEUE_POLL_MS
        assert broker.consume("parse.fast", prefetch=1, timeout=100).timeout == 100
    finally:
        broker.close()


def test_a_worker_timeout_longer_than_the_delay_poll_is_kept_for_both():
    broker = make_broker(NO_SERVER)
    try:
        assert broker.consume("pipeline.DQ", prefetch=1, timeout=5_000).timeout == 5_000
    finally:
        broker.close()


def test_the_delay_poll_keeps_a_busy_worker_alive_for_the_broker():
    # while every thread is busy only the delay queue's consumer fetches, and each fetch is
    # the process's heartbeat: it must come well inside the heartbeat timeout
    broker = make_broker(NO_SERVER)
    try:
        assert DELAY_QUEUE_POLL_MS * 2 < broker.heartbeat_timeout
    finally:
        broker.close()


def test_a_queue_consumer_waits_on_the_queue_bell_at_least_as_long_as_a_delay_poll():
    from invoicepipe.adapters.redis_bell import BELL_WAIT_MS, BellConsumer

    broker = make_broker(NO_SERVER)
    try:
        consumer = broker.consume("parse.fast", prefetch=4, timeout=100)
        assert isinstance(consumer, BellConsumer)
        assert consumer.bell == "dramatiq:parse.fast.bell"
        assert consumer.bell_wait_s == BELL_WAIT_MS / 1000
        assert not isinstance(broker.consume("parse.fast.DQ", prefetch=1, timeout=100), BellConsumer)
        # the wait is also the process's heartbeat while idle: inside the broker's timeout
        assert BELL_WAIT_MS * 2 < broker.heartbeat_timeout
    finally:
        broker.close()
