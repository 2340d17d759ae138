"""Dramatiq broker construction and the enqueue port the services use.

Messages carry a document id and nothing else (the database is the system of record).
Steps map to queues here, in one table, so a process can enqueue to a pool whose actors it
does not run.
"""

from __future__ import annotations

from typing import Optional

from functools import lru_cache

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name
from dramatiq.errors import BrokerConnectionError
from dramatiq.middleware import CurrentMessage
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..logs import current_correlation_id

# Redis (and Dramatiq's Redis broker) is imported only by a process that has a Redis URL:
# the import is 0.3 CPU s of every embedded ``invoicepipe ingest`` start, which has none.


def broker_errors(broker: dramatiq.Broker) -> tuple[type[BaseException], ...]:
    """What a send to ``broker`` raises when the broker is away (retried, then left to the sweeper)."""
    if hasattr(broker, "client"):  # a RedisBroker
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        return (RedisConnectionError, RedisTimeoutError, BrokerConnectionError)
    return (BrokerConnectionError,)

# step -> queue. Three pools: parse.fast (triage, the digital parse), parse.slow, pipeline
# (decide, export). Triage runs on the fast pool because most documents are digital and
# their parse then starts in the triage's own message and transaction (services/triage.py).
STEP_QUEUES = {
    "triage": "parse.fast",
    "parse_fast": "parse.fast",
    "parse_slow": "parse.slow",
    "decide": "pipeline",
    "export": "pipeline",
    "route": "pipeline",  # older messages only (see actors.STEPS)
    "reconcile": "pipeline",
}
POOL_QUEUES = {"fast": {"parse.fast"}, "slow": {"parse.slow"}, "pipeline": {"pipeline"}}
# Steps an older version sent to another queue: a process that consumes that queue but not
# the step's own still takes them (actors.declare_actors), so an upgrade strands none.
LEGACY_STEP_QUEUES = {"triage": "pipeline"}
# Time a message may run before Dramatiq interrupts it (ms): OCR of a long scan is slow; a
# triage on the fast pool runs the digital parse it chooses.
STEP_TIME_LIMITS = {"triage": 120_000, "parse_fast": 120_000, "parse_slow": 900_000}
DEFAULT_TIME_LIMIT = 60_000
MAX_RETRIES = 5
# The longest an idle delay-queue consumer sleeps between polls (ms). It holds only retries
# (backoff of 0.5 s and more) and sends with a delay, so a second more costs nothing; it
# stays well under the broker's 5 s heartbeat timeout, which its polls also keep alive
# while every worker thread is busy and the main queue's consumer stops fetching.
DELAY_QUEUE_POLL_MS = 1_000


@lru_cache(maxsize=1)
def polling_redis_broker() -> type:
    """The class of ``make_broker``'s Redis broker, defined on first use (see above)."""
    from dramatiq.brokers.redis import RedisBroker

    from .redis_bell import BellConsumer, ring

    class PollingRedisBroker(RedisBroker):
        """Dramatiq's RedisBroker whose delay-queue consumers poll at ``DELAY_QUEUE_POLL_MS``
        and whose queue consumers wait on the queue's bell when it is empty (``redis_bell``).

        Each queue has two consumers, the queue's and its delay queue's, and both polled at the
        worker timeout (100 ms, the fast path's idle latency): half of a pool's idle Redis
        traffic went to delay queues that are empty nearly all the time, the other half to
        queues whose next message a bell now announces."""

        def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000):
            if queue_name == dq_name(queue_name):
                return super().consume(queue_name, prefetch, max(timeout, DELAY_QUEUE_POLL_MS))
            return BellConsumer(self, queue_name, prefetch, timeout)

        def enqueue(self, message, *, delay=None):
            sent = super().enqueue(message, delay=delay)
            if delay is None:  # a delayed message rings when its consumer moves it to the queue
                ring(self.client, self.namespace, sent.queue_name)
            return sent

    return PollingRedisBroker


def make_broker(redis_url: Optional[str], max_connections: int = 20) -> dramatiq.Broker:
    """A RedisBroker tuned to redeliver a killed worker's message within seconds, or a StubBroker.

    The process holds at most ``max_connections`` Redis connections; a thread wanting one
    past that waits for one to come back (``BlockingConnectionPool``) instead of opening more."""
    if redis_url:
        import redis
        from dramatiq.brokers.redis import MAINTENANCE_SCALE

        pool = redis.BlockingConnectionPool.from_url(redis_url, max_connections=max_connections, timeout=20)
        # Defaults (60 s heartbeat, maintenance on 1 command in 1000) left a dead worker's
        # message unacknowledged for many minutes on an idle queue; see docs/architecture.md.
        broker = polling_redis_broker()(client=redis.Redis(connection_pool=pool), heartbeat_timeout=5_000,
                                    maintenance_chance=MAINTENANCE_SCALE)
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(CurrentMessage())
    # Step latency per pool for /metrics (observability/dramatiq_metrics.py); cheap when nobody scrapes.
    from ..observability.dramatiq_metrics import StepMetrics

    broker.add_middleware(StepMetrics())
    return broker


def step_for_pool(pool: str) -> str:
    return "parse_fast" if pool == "fast" else "parse_slow"


class Enqueuer:
    """Sends ``step(document_id)`` to the step's queue. The port services depend on.

    Sending happens after the state change committed. A broker hiccup is retried briefly;
    if the broker stays away the send is given up with a warning rather than failing the
    step: the row is already in its new state and the sweeper re-sends its next step.
    """

    def __init__(self, broker: dramatiq.Broker, log=None):
        self.broker = broker
        self.log = log
        self.errors = broker_errors(broker)

    def send(self, step: str, document_id: int, delay_ms: Optional[int] = None) -> None:
        # The correlation id travels in the options (not an argument: the actor's signature
        # and the rule "messages carry ids only" stay as they are); actors.py binds it.
        cid = current_correlation_id()
        message = dramatiq.Message(queue_name=STEP_QUEUES[step], actor_name=step, args=(document_id,), kwargs={},
                                   options={"correlation_id": cid} if cid else {})
        try:
            for attempt in Retrying(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=0.2, max=2),
                                    retry=retry_if_exception_type(self.errors), reraise=True):
                with attempt:
                    self.broker.enqueue(message, delay=delay_ms)
        except self.errors as exc:
            if self.log is not None:
                self.log.warning("enqueue_deferred_to_sweeper", step=step, document_id=document_id, error=repr(exc))


class DeferredEnqueuer:
    """For an embedded-mode command with no workers of its own (``ingest`` without
    ``--wait``, ``retry``): the committed row is the message. The running ``invoicepipe up``
    picks up new documents within a second and its sweeper re-sends anything else."""

    def send(self, step: str, document_id: int, delay_ms: Optional[int] = None) -> None:
        return None
