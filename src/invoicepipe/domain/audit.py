"""The audit chain: partitioned hash chains keyed with a secret that is not in the database.

The log is split into partitions, each a chain of its own: an event carries its partition,
its position in that partition and the hash of the event before it there. The hash is an
HMAC-SHA256 over a canonical JSON form of (global seq, partition, position, previous hash,
content) with the audit key. Someone who can write the database but does not hold the key
cannot produce hashes that verify, so editing a row and "recomputing the chain" shows.

Partition 0 is the legacy chain written before partitions existed: plain sha256 over
(seq, prev, content), position = seq. It is closed (nothing appends to it any more) and is
verified with its own rule, never re-chained.

What a chain walk cannot see on its own (rows cut off at the end together with a rewritten
head, or a truncated table with reset heads) is caught by comparing with a checkpoint kept
outside the database (``domain.audit_checkpoint``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Union

from .audit_keys import Keyring, as_keyring

GENESIS_HASH = "0" * 64
LEGACY_PARTITION = 0


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def legacy_event_hash(seq: int, prev_hash: str, content: Mapping[str, Any]) -> str:
    """The unkeyed sha256 of (seq, prev_hash, content) that the legacy chain (partition 0) uses."""
    payload = canonical_json({"seq": seq, "prev": prev_hash, "content": content})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def keyed_event_hash(key: bytes, seq: int, partition: int, position: int, prev_hash: str, content: Mapping[str, Any],
                     key_id: Optional[str] = None) -> str:
    """HMAC-SHA256 with the audit key over the event and its place in the log. A rotated
    key's id is part of what is signed, so relabelling an event's key id shows."""
    fields = {"seq": seq, "partition": partition, "position": position, "prev": prev_hash, "content": content}
    if key_id is not None:
        fields["kid"] = key_id
    payload = canonical_json(fields)
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainEvent:
    seq: int
    partition: int
    position: int  # 1, 2, 3 … within the partition (the global seq for the legacy partition)
    prev_hash: str
    hash: str
    content: Mapping[str, Any]
    key_id: Optional[str] = None  # the id of the key that signed it (None: the base key)


@dataclass(frozen=True)
class Head:
    """Where a partition's chain ends: the position and hash of its last event."""

    partition: int
    position: int
    hash: str


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    partition: Optional[int] = None
    seq: Optional[int] = None  # the global seq of the event concerned, when there is one


def expected_hash(keys: Union[bytes, Keyring], ev: ChainEvent) -> Optional[str]:
    """The hash the event must carry, or None when the keyring lacks the key it names."""
    if ev.partition == LEGACY_PARTITION:
        return legacy_event_hash(ev.seq, ev.prev_hash, ev.content)
    key = as_keyring(keys).get(ev.key_id)
    if key is None:
        return None
    return keyed_event_hash(key, ev.seq, ev.partition, ev.position, ev.prev_hash, ev.content, ev.key_id)


@dataclass
class PartitionWalk:
    """What walking one partition found: the findings, how many events, where it ended."""

    findings: list
    events: int
    end: Head
    hash_at_sealed: Optional[str] = None  # the hash found at the position a checkpoint sealed


@dataclass
class _InvalidRun:
    """Consecutive, linked events whose hashes are not valid under the key (first, last, how many)."""

    first: ChainEvent
    last: ChainEvent
    length: int = 1

    def findings(self) -> list[Finding]:
        # One event whose hash does not hold, followed by an intact event that still points
        # at it, is an edit of that row. A run of linked events whose hashes agree with each
        # other but not with the key means someone rewrote them and computed new hashes.
        first, last = self.first, self.last
        if self.length == 1:
            return [Finding("edited", f"event #{first.seq} (partition {first.partition}, position {first.position}) was changed after it "
                                      "was written: its hash is not valid under the audit key", first.partition, first.seq)]
        return [Finding("recomputed", f"events #{first.seq}..#{last.seq} (partition {first.partition}, positions {first.position}.."
                                      f"{last.position}) carry hashes not made with the audit key: the chain was rewritten and recomputed",
                        first.partition, first.seq)]


def walk_partition(key: Union[bytes, Keyring], partition: int, events: Iterable[ChainEvent], head: Optional[Head],
                   sealed_position: int = 0, retired: Optional[Mapping[Optional[str], tuple[str, int]]] = None) -> PartitionWalk:
    """Walk one partition's events in position order and list every place the chain does not hold.

    ``sealed_position`` is this partition's position in the latest checkpoint; the hash
    found there is kept for ``compare_with_checkpoint``. ``retired``: when each key was
    retired (``audit_keys.retirements``); an event signed with a key after then is reported.
    """
    keys = as_keyring(key)
    retired = retired or {}
    findings: list[Finding] = []
    run: Optional[_InvalidRun] = None
    unknown: dict = {}  # key id -> (first event naming it, how many)
    late: dict = {}  # retired key id -> (first event it signed after its retirement, how many)
    expected, prev, count, last_seq, at_sealed = 1, GENESIS_HASH, 0, None, None
    for ev in events:
        count += 1
        if ev.position == sealed_position:
            at_sealed = ev.hash
        if ev.position != expected:
            kind = "gap" if ev.position > expected else "inserted"
            what = "deleted" if kind == "gap" else "inserted or repeated"
            findings.append(Finding(kind, f"partition {partition}: expected position {expected}, found {ev.position} at event #{ev.seq}: "
                                          f"rows were {what}", partition, ev.seq))
        if ev.prev_hash != prev:
            findings.append(Finding("broken_link", f"event #{ev.seq} (partition {partition}) does not point at the event before it",
                                    partition, ev.seq))
        want = expected_hash(keys, ev)
        if want is None:
            first, n = unknown.get(ev.key_id, (ev, 0))
            unknown[ev.key_id] = (first, n + 1)
        elif hmac.compare_digest(want, ev.hash):
            if run:
                findings += run.findings()
                run = None
            if ev.key_id in retired and ev.seq > retired[ev.key_id][1]:
                first, n = late.get(ev.key_id, (ev, 0))
                late[ev.key_id] = (first, n + 1)
        elif run and ev.prev_hash == run.last.hash:
            run.last, run.length = ev, run.length + 1
        else:
            if run:
                findings += run.findings()
            run = _InvalidRun(ev, ev)
        expected, prev, last_seq = ev.position + 1, ev.hash, ev.seq
    if run:
        findings += run.findings()
    for key_id, (first, n) in unknown.items():
        findings.append(Finding("unknown_key", f"partition {partition}: {n} event(s) from #{first.seq} name audit key {key_id!r}, which "
                                               "is not in the keyring: install the keyring that holds it, or they were forged",
                                partition, first.seq))
    for key_id, (first, n) in late.items():
        successor, at = retired[key_id]
        findings.append(Finding("retired_key", f"partition {partition}: {n} event(s) from #{first.seq} are signed with "
                                               f"{keys.label(key_id)}, retired when key {successor} took over at event #{at}: "
                                               "a process still signing with the old key, or events forged with it",
                                partition, first.seq))
    end = Head(partition, expected - 1, prev)
    if head is None:
        findings.append(Finding("head_mismatch", f"partition {partition} has no head row: it was deleted, or these rows were added "
                                                 "outside the application", partition, last_seq))
    elif (head.position, head.hash) != (end.position, end.hash):
        findings.append(Finding("head_mismatch", f"partition {partition} ends at position {end.position} but its recorded head is "
                                                 f"position {head.position}: events at the end were deleted or added", partition, last_seq))
    return PartitionWalk(findings, count, end, at_sealed)


def compare_with_checkpoint(walk: PartitionWalk, sealed: Head, checkpoint_label: str) -> list[Finding]:
    """What the database lost or rewrote since ``sealed`` (this partition's head in a checkpoint)."""
    p = sealed.partition
    if sealed.position == 0:
        return []
    if walk.events == 0:
        return [Finding("truncated", f"partition {p} is empty but {checkpoint_label} sealed {sealed.position} event(s) in it: "
                                     "the rows were removed (TRUNCATE or DELETE) and the head reset", p)]
    if walk.end.position < sealed.position:
        return [Finding("tail_deleted", f"partition {p} ends at position {walk.end.position} but {checkpoint_label} sealed position "
                                        f"{sealed.position}: the last {sealed.position - walk.end.position} event(s) were deleted and "
                                        "the head moved back", p)]
    if walk.hash_at_sealed != sealed.hash:
        return [Finding("checkpoint_mismatch", f"partition {p}: the event at position {sealed.position} is not the one {checkpoint_label} "
                                               "sealed: the chain up to there was replaced", p)]
    return []
