"""The queue bell against a real Redis: an idle consumer wakes when a message is sent,
every message is delivered once, and a message sent without a token is still found."""

from __future__ import annotations

import threading

import pytest
import redis
from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker

from invoicepipe.adapters import redis_bell
from invoicepipe.adapters.broker import make_broker

pytestmark = pytest.mark.integration
QUEUE = "parse.fast"


def message(n: int) -> Message:
    return Message(queue_name=QUEUE, actor_name="parse_fast", args=(n,), kwargs={}, options={})


def counting_fetches(broker, monkeypatch) -> list:
    fetches = []
    fetch = broker.do_fetch
    monkeypatch.setattr(broker, "do_fetch", lambda queue, n: fetches.append(queue) or fetch(queue, n))
    return fetches


def take(consumer, count: int, got: list, asks: int = 10_000) -> None:
    """Iterate ``consumer`` until ``count`` messages came (or ``asks`` iterations passed)."""
    for _, item in zip(range(asks), consumer):
        if item is not None:
            got.append(item.args[0])
            consumer.ack(item)
            if len(got) >= count:
                return


def test_a_waiting_consumer_is_woken_by_the_bell_not_by_its_next_poll(clean_redis, monkeypatch):
    # a wait far longer than the test's join: only the bell can bring the message in time
    monkeypatch.setattr(redis_bell, "BELL_WAIT_MS", 600_000)
    worker, sender = make_broker(clean_redis), make_broker(clean_redis)
    try:
        consumer = worker.consume(QUEUE, prefetch=2, timeout=100)
        fetches, got = counting_fetches(worker, monkeypatch), []
        thread = threading.Thread(target=take, args=(consumer, 1, got), daemon=True)
        thread.start()
        while not fetches:  # the first ask found the queue empty; the consumer waits on the bell
            thread.join(0.01)
        thread.join(0.5)  # a consumer that polled would ask again meanwhile
        sender.enqueue(message(7))
        thread.join(60)
        assert not thread.is_alive(), "the consumer slept through the bell"
        assert got == [7]
        assert len(fetches) == 2  # the empty ask, then one after the bell: no polling between
    finally:
        worker.close()
        sender.close()


def test_a_message_sent_without_a_token_is_found_at_the_next_ask(clean_redis, monkeypatch):
    # Dramatiq's maintenance puts a dead worker's messages back without ringing
    monkeypatch.setattr(redis_bell, "BELL_WAIT_MS", 100)
    worker, sender = make_broker(clean_redis), make_broker(clean_redis)
    try:
        consumer, got = worker.consume(QUEUE, prefetch=2, timeout=100), []
        RedisBroker.enqueue(sender, message(3))
        assert redis.Redis.from_url(clean_redis).llen(redis_bell.bell_key("dramatiq", QUEUE)) == 0
        take(consumer, 1, got, asks=100)
        assert got == [3]
    finally:
        worker.close()
        sender.close()


def test_tokens_are_capped_and_leftover_tokens_deliver_nothing_twice(clean_redis, monkeypatch):
    monkeypatch.setattr(redis_bell, "BELL_WAIT_MS", 100)
    worker, sender = make_broker(clean_redis), make_broker(clean_redis)
    client = redis.Redis.from_url(clean_redis)
    bell = redis_bell.bell_key("dramatiq", QUEUE)
    try:
        sent = list(range(redis_bell.BELL_CAP + 20))
        for n in sent:
            sender.enqueue(message(n))
        assert client.llen(bell) == redis_bell.BELL_CAP
        consumer, got = worker.consume(QUEUE, prefetch=8, timeout=100), []
        take(consumer, len(sent), got)
        assert sorted(got) == sent
        # the tokens left after the queue ran dry each wake the consumer for one empty ask
        while client.llen(bell):
            assert next(consumer) is None
        assert next(consumer) is None
        assert sorted(got) == sent
    finally:
        worker.close()
        sender.close()


def test_a_delayed_message_rings_when_it_is_moved_to_its_queue_not_when_sent(clean_redis):
    sender = make_broker(clean_redis)
    try:
        sender.enqueue(message(1), delay=60_000)
        assert redis.Redis.from_url(clean_redis).llen(redis_bell.bell_key("dramatiq", QUEUE)) == 0
    finally:
        sender.close()
