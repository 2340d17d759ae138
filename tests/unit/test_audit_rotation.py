"""Audit key rotation: events and checkpoints name the key that signed them; the keyring
holds every key by id outside the database, the last one signing."""

import os
import stat

import pytest

from invoicepipe.adapters.audit_key import load_audit_keyring, rotate_audit_key, watch_audit_keyring
from invoicepipe.config import Settings
from invoicepipe.domain.audit import GENESIS_HASH, ChainEvent, Head, keyed_event_hash, walk_partition
from invoicepipe.domain.audit_checkpoint import is_authentic, make_checkpoint, verify_checkpoints
from invoicepipe.domain.audit_keys import Keyring, retirements
from invoicepipe.errors import ConfigError

BASE, NEW = b"b" * 32, b"n" * 32
RING = Keyring({None: BASE, "k1": NEW}, "k1")


def chain(signers, partition=2):
    """Events signed in turn by (key id, key) of ``signers``."""
    events, prev = [], GENESIS_HASH
    for position, (key_id, key) in enumerate(signers, start=1):
        content = {"step": "route", "document_id": position}
        digest = keyed_event_hash(key, 10 + position, partition, position, prev, content, key_id)
        events.append(ChainEvent(10 + position, partition, position, prev, digest, content, key_id))
        prev = digest
    return events


def walk(events, ring=RING):
    return walk_partition(ring, 2, events, Head(2, events[-1].position, events[-1].hash))


def test_a_chain_across_a_rotation_verifies_each_event_with_its_own_key():
    events = chain([(None, BASE)] * 3 + [("k1", NEW)] * 3)
    assert walk(events).findings == []
    # the old segment alone still verifies with the base key only
    assert walk(events[:3], Keyring({None: BASE})).findings == []


def test_the_key_id_is_signed_so_relabelling_shows():
    events = chain([(None, BASE)] * 2 + [("k1", NEW)] * 2)
    from dataclasses import replace

    relabelled = events[:3] + [replace(events[3], key_id=None)]
    assert [f.kind for f in walk(relabelled).findings] == ["edited"]
    # the same content hashed with and without an id differs
    assert keyed_event_hash(NEW, 1, 1, 1, GENESIS_HASH, {}, "k1") != keyed_event_hash(NEW, 1, 1, 1, GENESIS_HASH, {})


def test_events_naming_a_key_the_keyring_lacks_are_reported_once_per_key():
    events = chain([(None, BASE)] * 2 + [("k1", NEW)] * 3)
    findings = walk(events, Keyring({None: BASE})).findings
    assert [f.kind for f in findings] == ["unknown_key"]
    assert "3 event(s)" in findings[0].message and "'k1'" in findings[0].message


def test_checkpoints_name_their_key_and_verify_across_a_rotation():
    heads = [Head(1, 3, "a" * 64)]
    first = make_checkpoint(BASE, 1, "2026-12-02T00:00:00+00:00", heads, GENESIS_HASH)
    second = make_checkpoint(NEW, 2, "2026-12-02T00:01:00+00:00", heads, first["sig"], "k1")
    assert "kid" not in first and second["kid"] == "k1"
    assert is_authentic(RING, first) and is_authentic(RING, second)
    assert not is_authentic(Keyring({None: BASE}), second)
    assert not is_authentic(RING, {**second, "kid": None})  # relabelled
    lines = [__import__("json").dumps(r) for r in (first, second)]
    report = verify_checkpoints(RING, lines, [(1, first["sig"]), (2, second["sig"])])
    assert report.findings == [] and report.latest["n"] == 2


def test_a_shipped_copy_may_lag_without_a_finding():
    first = make_checkpoint(BASE, 1, "2026-12-02T00:00:00+00:00", [Head(1, 1, "a" * 64)], GENESIS_HASH)
    lines = [__import__("json").dumps(first)]
    recorded = [(1, first["sig"]), (2, "f" * 64), (3, "e" * 64)]
    assert [f.kind for f in verify_checkpoints(BASE, lines, recorded).findings] == ["checkpoint_truncated"]
    copy = verify_checkpoints(BASE, lines, recorded, copy=True)
    assert copy.findings == [] and copy.lag == 2


def settings(tmp_path, **env):
    return Settings.from_env({"INVOICEPIPE_AUDIT_KEY": "base-" + "x" * 40, **{k: str(v) for k, v in env.items()}},
                             var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=f"sqlite:///{tmp_path / 'k.db'}")


def test_rotation_appends_keys_by_id_and_the_last_one_signs(tmp_path):
    s = settings(tmp_path)
    assert load_audit_keyring(s).active is None  # no keyring yet: the base key signs
    assert rotate_audit_key(s) == "k1" and rotate_audit_key(s) == "k2"
    ring = load_audit_keyring(s)
    assert ring.active == "k2" and list(ring.keys) == [None, "k1", "k2"]
    assert ring.keys[None] == b"base-" + b"x" * 40 and len({ring.keys["k1"], ring.keys["k2"]}) == 2
    path = tmp_path / "var" / "audit-keyring"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_damaged_keyring_is_a_configuration_error(tmp_path):
    ring = tmp_path / "ring"
    ring.write_text("k1 " + "a" * 64 + "\nk1 " + "b" * 64 + "\n")
    with pytest.raises(ConfigError, match="appears twice"):
        load_audit_keyring(settings(tmp_path, INVOICEPIPE_AUDIT_KEYRING=ring))
    ring.write_text("k1 short\n")
    with pytest.raises(ConfigError, match="too short"):
        load_audit_keyring(settings(tmp_path, INVOICEPIPE_AUDIT_KEYRING=ring))
    ring.write_text("not a key line\n")
    with pytest.raises(ConfigError, match="expected 'kN KEY'"):
        load_audit_keyring(settings(tmp_path, INVOICEPIPE_AUDIT_KEYRING=ring))


# -- a key is valid for the events of its period only ------------------------------------------
def test_retirements_follow_keyring_order_and_the_rotation_events():
    ring = Keyring({None: BASE, "k1": NEW, "k2": b"t" * 32}, "k2")
    assert retirements(ring, {"k1": 14, "k2": 20}) == {None: ("k1", 14), "k1": ("k2", 20)}
    # a key with no rotation event yet (rotation cut short) retires nothing
    assert retirements(ring, {"k1": 14}) == {None: ("k1", 14)}
    assert retirements(Keyring({None: BASE}), {}) == {}


def test_an_event_signed_with_a_retired_key_after_its_rotation_is_reported():
    # seq 11..13 base key, the rotation event (seq 14) and seq 15 under k1, then seq 16 under the base key again
    events = chain([(None, BASE)] * 3 + [("k1", NEW)] * 2 + [(None, BASE)])
    retired = retirements(RING, {"k1": 14})
    findings = walk_partition(RING, 2, events, Head(2, 6, events[-1].hash), retired=retired).findings
    assert [(f.kind, f.seq) for f in findings] == [("retired_key", 16)]
    assert "the base key" in findings[0].message and "k1 took over at event #14" in findings[0].message
    # the same events before the rotation, and without a rotation, are fine
    assert walk_partition(RING, 2, events[:3], Head(2, 3, events[2].hash), retired=retired).findings == []
    assert walk_partition(RING, 2, events, Head(2, 6, events[-1].hash)).findings == []


def test_a_keyring_watch_follows_a_rotation_written_by_another_process(tmp_path):
    s = settings(tmp_path)
    watch = watch_audit_keyring(s)
    assert watch.current().active is None
    rotate_audit_key(s)  # as `audit rotate-key` in another process would
    assert watch.current().active == "k1" and watch.current() is watch.current()  # read once per change


def test_the_key_of_a_checkpoint_is_the_key_whose_takeover_its_heads_include():
    from invoicepipe.domain.audit_keys import Takeover, key_of_period

    ring = Keyring({None: BASE, "k1": NEW, "k2": b"z" * 32}, "k2")
    takeovers = {"k1": Takeover(seq=14, partition=3, position=5), "k2": Takeover(seq=30, partition=1, position=9)}
    assert key_of_period(ring, takeovers, {3: 4, 1: 8}) is None  # no takeover sealed: the first key
    assert key_of_period(ring, takeovers, {3: 4, 1: 20}) == "k2"  # the last key whose takeover is sealed
    assert key_of_period(ring, {"k1": takeovers["k1"]}, {3: 5}) == "k1"
    assert key_of_period(ring, takeovers, {3: 5, 1: 8}) == "k1"
    assert key_of_period(ring, takeovers, {3: 6, 1: 9}) == "k2"
    assert key_of_period(ring, {}, {1: 100}) is None


def test_a_checkpoint_signed_outside_its_key_period_is_reported():
    import json

    from invoicepipe.domain.audit_keys import Takeover

    takeovers = {"k1": Takeover(seq=14, partition=1, position=4)}
    before, after = [Head(1, 3, "a" * 64)], [Head(1, 4, "b" * 64)]
    first = make_checkpoint(BASE, 1, "2026-12-02T00:00:00+00:00", before, GENESIS_HASH)
    right = make_checkpoint(NEW, 2, "2026-12-02T00:01:00+00:00", after, first["sig"], "k1")
    report = verify_checkpoints(RING, [json.dumps(first), json.dumps(right)], [], takeovers=takeovers)
    assert report.findings == []

    retired = make_checkpoint(BASE, 2, "2026-12-02T00:01:00+00:00", after, first["sig"])  # the old key after the rotation
    [finding] = verify_checkpoints(RING, [json.dumps(first), json.dumps(retired)], [], takeovers=takeovers).findings
    assert finding.kind == "checkpoint_retired_key" and "event #14" in finding.message

    future = make_checkpoint(NEW, 1, "2026-12-02T00:00:00+00:00", before, GENESIS_HASH, "k1")  # the new key before its takeover
    [finding] = verify_checkpoints(RING, [json.dumps(future)], [], takeovers=takeovers).findings
    assert finding.kind == "checkpoint_future_key" and "only at event #14" in finding.message
    # a key the chain never handed signing to
    [finding] = verify_checkpoints(RING, [json.dumps(future)], [], takeovers={}).findings
    assert finding.kind == "checkpoint_future_key" and "no takeover event" in finding.message
