"""The pure audit chain: keyed partitions, the legacy chain, and the comparison with a checkpoint."""

import hashlib
from dataclasses import replace

from invoicepipe.domain.audit import (GENESIS_HASH, ChainEvent, Head, compare_with_checkpoint, keyed_event_hash,
                                      legacy_event_hash, walk_partition)

KEY = b"k" * 32
GUESSED = b"g" * 32


def build(n, partition=3, key=KEY, first_seq=100):
    events, prev = [], GENESIS_HASH
    for position in range(1, n + 1):
        seq = first_seq + 2 * position  # other partitions' events take the seqs in between
        content = {"step": "route", "document_id": position, "outcome": "auto"}
        digest = keyed_event_hash(key, seq, partition, position, prev, content)
        events.append(ChainEvent(seq, partition, position, prev, digest, content))
        prev = digest
    return events


def rechain(events, key, start=0):
    """What someone who rewrites rows from ``start`` on does: recompute every hash after it."""
    out = list(events[:start])
    prev = out[-1].hash if out else GENESIS_HASH
    for ev in events[start:]:
        digest = keyed_event_hash(key, ev.seq, ev.partition, ev.position, prev, ev.content)
        out.append(replace(ev, prev_hash=prev, hash=digest))
        prev = digest
    return out


def head_of(events, partition=3):
    return Head(partition, events[-1].position, events[-1].hash) if events else Head(partition, 0, GENESIS_HASH)


def kinds(events, head, sealed=None):
    walk = walk_partition(KEY, 3, events, head, sealed.position if sealed else 0)
    found = [f.kind for f in walk.findings]
    if sealed:
        found += [f.kind for f in compare_with_checkpoint(walk, sealed, "checkpoint #1")]
    return found


def test_intact_chain_has_no_problems():
    events = build(5)
    assert kinds(events, head_of(events), sealed=head_of(events[:3])) == []


def test_the_hash_is_keyed():
    content = {"step": "route"}
    assert keyed_event_hash(KEY, 1, 1, 1, GENESIS_HASH, content) != keyed_event_hash(GUESSED, 1, 1, 1, GENESIS_HASH, content)
    # and it covers the place in the log, so a row moved to another seq or partition fails
    assert keyed_event_hash(KEY, 1, 1, 1, GENESIS_HASH, content) != keyed_event_hash(KEY, 2, 1, 1, GENESIS_HASH, content)
    assert keyed_event_hash(KEY, 1, 1, 1, GENESIS_HASH, content) != keyed_event_hash(KEY, 1, 2, 1, GENESIS_HASH, content)


def test_edited_content_is_detected():
    events = build(5)
    events[2] = replace(events[2], content={**events[2].content, "outcome": "approved"})
    assert kinds(events, head_of(events)) == ["edited"]


def test_recomputed_chain_with_a_guessed_key_is_detected():
    events = build(6)
    events[2] = replace(events[2], content={**events[2].content, "outcome": "approved"})
    forged = rechain(events, GUESSED, start=2)
    # links and head agree with each other: only the key gives it away
    assert kinds(forged, head_of(forged)) == ["recomputed"]


def test_recomputed_with_plain_sha256_like_the_old_chain_is_detected():
    events = build(4)
    prev, forged = GENESIS_HASH, []
    for ev in events:
        digest = legacy_event_hash(ev.seq, prev, ev.content)
        forged.append(replace(ev, prev_hash=prev, hash=digest))
        prev = digest
    assert kinds(forged, head_of(forged)) == ["recomputed"]


def test_deleted_middle_row_is_detected():
    events = build(5)
    del events[2]
    found = kinds(events, head_of(events))
    assert "gap" in found and "broken_link" in found


def test_deleted_last_row_is_detected_by_the_head():
    events = build(5)
    assert kinds(events[:-1], head_of(events)) == ["head_mismatch"]


def test_tail_deleted_with_a_rewritten_head_is_detected_by_the_checkpoint():
    events = build(5)
    sealed = head_of(events)
    kept = events[:3]
    assert kinds(kept, head_of(kept)) == []  # the chain alone cannot tell
    assert kinds(kept, head_of(kept), sealed=sealed) == ["tail_deleted"]


def test_truncation_with_reset_heads_is_detected_by_the_checkpoint():
    events = build(5)
    assert kinds([], head_of([])) == []
    assert kinds([], head_of([]), sealed=head_of(events)) == ["truncated"]


def test_chain_replaced_up_to_the_checkpoint_is_detected():
    events = build(5)
    sealed = head_of(events[:4])
    # a different, valid-looking history (as if written with the key): only the checkpoint knows
    other = build(5, first_seq=500)
    assert kinds(other, head_of(other), sealed=sealed) == ["checkpoint_mismatch"]


def test_inserted_row_with_repeated_position_is_detected():
    events = build(4)
    forged_content = {"step": "approve", "document_id": 99, "outcome": "approved"}
    forged = ChainEvent(999, 3, 2, events[0].hash, keyed_event_hash(GUESSED, 999, 3, 2, events[0].hash, forged_content), forged_content)
    found = kinds(events[:2] + [forged] + events[2:], head_of(events))
    assert "inserted" in found and "edited" in found


def test_missing_head_row_is_reported():
    events = build(2)
    assert kinds(events, None) == ["head_mismatch"]


def test_legacy_partition_verifies_with_the_old_sha256_rule():
    prev, events = GENESIS_HASH, []
    for seq in range(1, 5):
        content = {"step": "route", "document_id": seq}
        digest = hashlib.sha256(f'{{"content":{{"document_id":{seq},"step":"route"}},"prev":"{prev}","seq":{seq}}}'.encode()).hexdigest()
        events.append(ChainEvent(seq, 0, seq, prev, digest, content))
        prev = digest
    assert walk_partition(KEY, 0, events, Head(0, 4, prev)).findings == []
    events[1] = replace(events[1], content={"step": "approve", "document_id": 2})
    assert [f.kind for f in walk_partition(KEY, 0, events, Head(0, 4, prev)).findings] == ["edited"]
