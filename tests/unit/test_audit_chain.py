from dataclasses import replace

from invoicepipe.domain.audit import GENESIS_HASH, ChainEvent, event_hash, verify_chain


def build(n):
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        content = {"step": "route", "document_id": seq, "outcome": "auto"}
        digest = event_hash(seq, prev, content)
        events.append(ChainEvent(seq, prev, digest, content))
        prev = digest
    return events


def kinds(events, head_seq, head_hash):
    return [p.kind for p in verify_chain(events, head_seq, head_hash)]


def test_intact_chain_has_no_problems():
    events = build(5)
    assert kinds(events, 5, events[-1].hash) == []


def test_edited_content_is_detected():
    events = build(5)
    events[2] = replace(events[2], content={**events[2].content, "outcome": "approved"})
    assert kinds(events, 5, events[-1].hash) == ["edited"]


def test_deleted_middle_row_is_detected():
    events = build(5)
    del events[2]
    assert "gap" in kinds(events, 5, events[-1].hash)
    assert "broken_link" in kinds(events, 5, events[-1].hash)


def test_deleted_last_row_is_detected_by_the_head():
    events = build(5)
    head = events[-1].hash
    assert kinds(events[:-1], 5, head) == ["head_mismatch"]


def test_inserted_row_with_recomputed_hash_still_breaks_the_next_link():
    events = build(4)
    forged_content = {"step": "approve", "document_id": 99, "outcome": "approved"}
    forged = ChainEvent(3, events[1].hash, event_hash(3, events[1].hash, forged_content), forged_content)
    tampered = events[:2] + [forged] + events[2:]
    found = kinds(tampered, 4, events[-1].hash)
    assert "inserted" in found or "broken_link" in found
