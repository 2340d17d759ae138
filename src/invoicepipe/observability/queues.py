"""Queue depth and the oldest waiting message, from Redis or Dramatiq's in-memory stub.

Dramatiq's Redis broker keeps a queue as a list of message ids (pushed on the right,
taken from the left) and the messages in the hash ``<namespace>:<queue>.msgs``, so the
oldest waiting message is one LINDEX and one HGET away: O(1) however long the queue.
"""

from __future__ import annotations

from typing import Optional

from dramatiq import Message


def queue_depth(broker, queue: str) -> int:
    if hasattr(broker, "client"):  # RedisBroker
        return int(broker.client.llen(f"{broker.namespace}:{queue}"))
    stub = getattr(broker, "queues", {}).get(queue)
    return stub.qsize() if stub is not None else 0


def oldest_message(broker, queue: str) -> Optional[int]:
    """When the oldest waiting message became due (Unix ms: its ETA if it was delayed, else
    when it was sent), or None for an empty queue."""
    if hasattr(broker, "client"):
        key = f"{broker.namespace}:{queue}"
        message_id = broker.client.lindex(key, 0)
        raw = broker.client.hget(f"{key}.msgs", message_id) if message_id is not None else None
    else:
        stub = getattr(broker, "queues", {}).get(queue)
        raw = None
        if stub is not None:
            with stub.mutex:  # a peek at the head; a worker may take it right after
                raw = stub.queue[0] if stub.queue else None
    if raw is None:
        return None
    message = Message.decode(raw)
    return max(int(message.message_timestamp), int(message.options.get("eta", 0)))
