"""Checkpoints: the Merkle root, signatures, the chain of checkpoints and the database's record of them."""

import json

from invoicepipe.domain.audit import GENESIS_HASH, Head
from invoicepipe.domain.audit_checkpoint import is_authentic, make_checkpoint, merkle_root, verify_checkpoints

KEY = b"k" * 32


def heads(*positions):
    return [Head(p, pos, f"{p:02d}{pos:062d}") for p, pos in enumerate(positions)]


def write(n):
    records, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        record = make_checkpoint(KEY, i, f"2026-12-01T10:00:{i:02d}+00:00", heads(0, i, 2 * i), prev)
        records.append(record)
        prev = record["sig"]
    return records


def lines(records):
    return [json.dumps(r) for r in records]


def marks(records):
    return [(r["n"], r["sig"]) for r in records]


def found(report):
    return [f.kind for f in report.findings]


def test_merkle_root_covers_every_head_and_ignores_order():
    a = heads(0, 1, 2)
    assert merkle_root(a) == merkle_root(list(reversed(a)))
    assert merkle_root(a) != merkle_root(heads(0, 1, 3))
    assert merkle_root(a) != merkle_root(heads(0, 1))
    assert merkle_root([]) == GENESIS_HASH
    # an odd count still commits to the last leaf
    assert merkle_root(heads(0, 1, 2, 3, 4)) != merkle_root(heads(0, 1, 2, 3, 5))


def test_intact_file_verifies_and_the_latest_is_the_last():
    records = write(3)
    report = verify_checkpoints(KEY, lines(records), marks(records))
    assert found(report) == [] and report.latest["n"] == 3 and report.count == 3


def test_signature_needs_the_key():
    record = write(1)[0]
    assert is_authentic(KEY, record)
    assert not is_authentic(b"g" * 32, record)


def test_edited_checkpoint_is_detected_and_not_trusted():
    records = write(3)
    records[2] = dict(records[2], heads=[[0, 0, "0" * 64], [1, 0, "0" * 64], [2, 0, "0" * 64]])  # claim empty partitions
    report = verify_checkpoints(KEY, lines(records), marks(records))
    assert "checkpoint_edited" in found(report)
    assert report.latest["n"] == 2  # the forged one is never used to compare the database with


def test_removed_middle_checkpoint_is_detected():
    records = write(4)
    del records[1]
    assert "checkpoint_edited" in found(verify_checkpoints(KEY, lines(records), []))


def test_removed_first_checkpoints_are_detected():
    records = write(4)
    assert found(verify_checkpoints(KEY, lines(records[2:]), [])) == ["checkpoint_truncated"]


def test_truncated_file_is_detected_by_the_database_record():
    records = write(4)
    report = verify_checkpoints(KEY, lines(records[:2]), marks(records))
    assert found(report) == ["checkpoint_truncated"]
    assert verify_checkpoints(KEY, [], marks(records)).findings[0].kind == "checkpoint_truncated"


def test_replaced_file_with_a_valid_looking_chain_differs_from_the_database_record():
    records = write(2)
    other, prev = [], GENESIS_HASH
    for i in (1, 2):
        other.append(make_checkpoint(KEY, i, "2026-12-01T11:00:00+00:00", heads(0, 0, 0), prev))
        prev = other[-1]["sig"]
    assert found(verify_checkpoints(KEY, lines(other), marks(records))) == ["checkpoint_edited", "checkpoint_edited"]


def test_garbage_line_is_reported():
    records = write(2)
    assert found(verify_checkpoints(KEY, lines(records) + ["{not json"], marks(records))) == ["checkpoint_edited"]


def test_a_wrong_key_is_summarised_not_listed_line_by_line():
    records = write(30)
    report = verify_checkpoints(b"w" * 32, lines(records), [])
    assert len(report.findings) == 21 and "wrong key" in report.findings[-1].message
    assert report.latest is None
