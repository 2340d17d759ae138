"""The audit chain: each event carries the hash of the one before it.

Hashing is over a canonical JSON form of the event's content plus its sequence number and
the previous hash, so editing any stored column, inserting a row, or deleting one (in the
middle: a gap or a broken link; at the end: the chain head no longer matches) is detected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(seq: int, prev_hash: str, content: Mapping[str, Any]) -> str:
    """The sha256 of (seq, prev_hash, content) in canonical form."""
    payload = canonical_json({"seq": seq, "prev": prev_hash, "content": content})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEvent:
    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class ChainProblem:
    seq: Optional[int]
    kind: str  # edited | broken_link | gap | head_mismatch
    message: str


def verify_chain(events: Iterable[ChainEvent], head_seq: int, head_hash: str) -> list[ChainProblem]:
    """Walk the events in seq order and list every place where the chain does not hold."""
    problems: list[ChainProblem] = []
    expected_seq, prev = 1, GENESIS_HASH
    for ev in events:
        if ev.seq != expected_seq:
            kind = "gap" if ev.seq > expected_seq else "inserted"
            problems.append(ChainProblem(ev.seq, kind, f"expected event #{expected_seq}, found #{ev.seq}: rows were deleted or inserted"))
        if ev.prev_hash != prev:
            problems.append(ChainProblem(ev.seq, "broken_link", f"event #{ev.seq} does not point at the event before it"))
        if event_hash(ev.seq, ev.prev_hash, ev.content) != ev.hash:
            problems.append(ChainProblem(ev.seq, "edited", f"event #{ev.seq} was changed after it was written"))
        expected_seq, prev = ev.seq + 1, ev.hash
    if expected_seq - 1 != head_seq or prev != head_hash:
        problems.append(
            ChainProblem(None, "head_mismatch", f"the chain ends at #{expected_seq - 1} but the recorded head is #{head_seq}: events at the end were deleted or added")
        )
    return problems
