"""Audit queries: a document's trail, the chain verification, checkpoints, key rotation.

``verify`` checks every partition's chain with the audit keys and compares it with the
newest checkpoint in the checkpoint file (outside the database), or in a shipped copy of it;
``checkpoint`` appends a new signed checkpoint of the partition heads (the sweeper loop
calls it every round) and ``ship_checkpoints`` copies the new ones to a second place off
the host; ``rotate_key`` hands signing over to a fresh key without re-signing history.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from ..adapters.checkpoint_log import CheckpointLog
from ..adapters.checkpoint_witness import HttpWitness, WitnessUnavailable, is_witness_url, safe_label
from ..adapters.db.audit import PARTITIONS
from ..domain.audit import GENESIS_HASH, LEGACY_PARTITION, compare_with_checkpoint, walk_partition
from ..domain.audit_checkpoint import checkpoint_heads, is_authentic, make_checkpoint, verify_checkpoints
from ..domain.audit_keys import key_of_period, retirements
from ..errors import AuditChainBroken, ConfigError


def trail(app, document_id: int) -> list[dict]:
    with app.uow.begin() as tx:
        tx.documents.require(document_id)
        return tx.audit.trail(document_id)


def _problem(f) -> dict:
    return {"kind": f.kind, "message": f.message, "partition": f.partition, "seq": f.seq}


def verify(app, checkpoints: Optional[Path] = None) -> dict:
    """Walk every partition's chain; ``ok`` is False with every problem listed when it does not hold.

    ``checkpoints``: compare with this copy of the checkpoint file (one shipped off the host)
    instead of the configured file; a copy may end before the newest checkpoints (a note).
    """
    key = app.uow.audit_keyring
    path = Path(checkpoints) if checkpoints else app.settings.audit_checkpoint_path
    if checkpoints and not path.is_file():
        raise ConfigError(f"no checkpoint file at {path}")
    log = CheckpointLog.shared(path)
    try:
        with app.uow.begin(snapshot=True) as tx:
            # The snapshot starts with this first read, while the file is locked: every
            # checkpoint in the file sealed rows this snapshot can see.
            marks = tx.audit.checkpoint_marks()
            takeovers = tx.audit.key_takeovers()
            report = verify_checkpoints(key, log.lines(), marks, copy=checkpoints is not None, takeovers=takeovers)
            log.release()
            sealed = checkpoint_heads(report.latest) if report.latest else {}
            label = f"checkpoint #{report.latest['n']} ({report.latest['at']})" if report.latest else ""
            heads = tx.audit.heads()
            retired = retirements(key, {k: place.seq for k, place in takeovers.items()})
            partitions = {LEGACY_PARTITION, *range(1, PARTITIONS + 1), *heads, *sealed, *tx.audit.partitions_with_events()}
            findings, events = list(report.findings), 0
            for p in sorted(partitions):
                walk = walk_partition(key, p, tx.audit.chain(p), heads.get(p), sealed[p].position if p in sealed else 0, retired)
                findings += walk.findings
                if p in sealed:
                    findings += compare_with_checkpoint(walk, sealed[p], label)
                events += walk.events
    finally:
        log.release()
    notes = [] if report.latest else ["no checkpoint yet: rows removed at the end of a partition cannot be detected until "
                                      "`invoicepipe audit checkpoint` (or the sweeper) writes one"]
    if report.lag:
        notes.append(f"this copy ends {report.lag} checkpoint(s) before the newest the database recorded: events since then are "
                     "checked by their chain only (ship checkpoints more often)")
    return {"ok": not findings, "events": events, "partitions": len(partitions), "checkpoints": report.count,
            "checkpoint": {"n": report.latest["n"], "at": report.latest["at"]} if report.latest else None,
            "checkpoint_file": str(path), "notes": notes,
            "problems": [_problem(f) for f in findings]}


def _contradictions(tx, last: dict, heads: dict) -> list[str]:
    """Where the database no longer holds what the last checkpoint sealed."""
    found = []
    for p, sealed in checkpoint_heads(last).items():
        head = heads.get(p)
        if sealed.position == 0:
            continue
        if head is None or head.position < sealed.position:
            found.append(f"partition {p} is back at position {head.position if head else 'none'}, checkpoint #{last['n']} sealed {sealed.position}")
        elif tx.audit.hash_at(p, sealed.position) != sealed.hash:
            found.append(f"partition {p}: the event at position {sealed.position} is not the one checkpoint #{last['n']} sealed")
    return found


def checkpoint(app) -> dict:
    """Append a signed checkpoint of every partition head, unless nothing changed since the last one.

    Refuses (AuditChainBroken) to seal a database that lost or replaced what the last
    checkpoint sealed: sealing it would make the loss look like the normal state.
    """
    keys = app.uow.audit_keyring
    with CheckpointLog.exclusive(app.settings.audit_checkpoint_path) as log:
        last = log.last(lambda record: is_authentic(keys, record))
        with app.uow.begin() as tx:
            heads = tx.audit.heads()
            takeovers = tx.audit.key_takeovers()
            contradictions = _contradictions(tx, last, heads) if last else []
            in_file, recorded = (int(last["n"]) if last else 0), tx.audit.last_checkpoint_counter()
        if recorded > in_file:
            contradictions.append(f"the checkpoint file ends at #{in_file} but the database recorded #{recorded}: the file was cut short or replaced")
        if contradictions:
            raise AuditChainBroken("not sealing the audit chain: " + "; ".join(contradictions))
        if last and checkpoint_heads(last) == heads:
            return {"written": False, "n": last["n"], "at": last["at"], "partitions": len(heads)}
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        # Signed with the key of the period the heads are in, not simply the active one: a
        # rotation writes its key before its event commits, and a checkpoint taken in
        # between seals heads of the old key's period (``audit verify`` checks this).
        kid = key_of_period(keys, takeovers, {p: h.position for p, h in heads.items()})
        record = make_checkpoint(keys.keys[kid], (int(last["n"]) + 1) if last else 1, at, list(heads.values()),
                                 last["sig"] if last else GENESIS_HASH, kid)
        # File first: a line the database does not know is harmless, a database record of a
        # line that never reached the file would read as a truncated file.
        log.append(record)
        with app.uow.begin() as tx:
            tx.audit.record_checkpoint(record["n"], record["root"], record["sig"], at)
    return {"written": True, "n": record["n"], "at": at, "partitions": len(heads)}


# -- shipping checkpoints off the host ----------------------------------------------------------
SHIPPED_NAME = "audit-checkpoints.jsonl"


def shipping_target(destination: str) -> Path:
    """The file a destination names: a folder (the copy goes in it as ``audit-checkpoints.jsonl``),
    a file, or a ``file://`` URL of either. A mounted share, a WORM bucket through its mount, or
    a folder another host pulls from are all folders here; an ``http(s)://`` URL is a witness
    (``adapters/checkpoint_witness.py``)."""
    raw = destination[len("file://"):] if destination.startswith("file://") else destination
    if "://" in raw:
        raise ConfigError(f"cannot ship checkpoints to {safe_label(destination)!r}: give a folder, a file:// URL or an http(s):// witness")
    path = Path(raw)
    return path / SHIPPED_NAME if path.is_dir() or raw.endswith("/") else path


def _authentic_records(keys, lines) -> list[dict]:
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and is_authentic(keys, record):
            records.append(record)
    return records


@contextmanager
def _copy_at(app, destination: str):
    """The copy to append to (``last``, ``append``) and how to name it: a file under an
    exclusive lock, or an HTTP witness."""
    if is_witness_url(destination):
        witness = HttpWitness(destination, token=app.settings.audit_witness_token)
        yield witness, witness.label
        return
    target = shipping_target(destination)
    with CheckpointLog.exclusive(target) as log:
        yield log, str(target)


def ship_checkpoints(app, destination: str) -> dict:
    """Append to ``destination`` every checkpoint it lacks, in order: the copy only grows.

    Refuses (AuditChainBroken) when the copy holds a checkpoint the local file does not hold
    identically: either side was edited, and overwriting would hide which. A witness that
    cannot be reached raises WitnessUnavailable (transient): what it lacks stays in the
    local file and goes with the next call.
    """
    keys = app.uow.audit_keyring
    with CheckpointLog.shared(app.settings.audit_checkpoint_path) as local:
        ours = _authentic_records(keys, local.lines())
    sent: list[dict] = []
    new: Optional[list] = None  # known once the witness said what it holds
    try:
        with _copy_at(app, destination) as (copy, label):
            theirs = copy.last(lambda record: is_authentic(keys, record)) if isinstance(copy, CheckpointLog) else copy.last()
            if theirs is not None and not is_authentic(keys, theirs):
                raise AuditChainBroken(f"not shipping: the last checkpoint at {label} is not signed with the audit keys")
            have = int(theirs["n"]) if theirs else 0
            by_n = {int(r["n"]): r for r in ours}
            if theirs and (have not in by_n or by_n[have]["sig"] != theirs["sig"]):
                raise AuditChainBroken(f"not shipping: checkpoint #{have} at {label} is not the one in "
                                       f"{app.settings.audit_checkpoint_path}; compare both with `audit verify --checkpoints`")
            new = [r for r in ours if int(r["n"]) > have]
            for record in new:
                copy.append(record)
                sent.append(record)
    except WitnessUnavailable as exc:
        local = app.settings.audit_checkpoint_path
        if new is None:
            kept = f"{local} keeps every checkpoint (up to #{ours[-1]['n'] if ours else 0}); the next run sends what the witness lacks"
        else:
            waiting = [int(r["n"]) for r in new[len(sent):]]
            kept = f"checkpoints #{waiting[0]}..#{waiting[-1]} stay in {local} and are shipped on the next run"
        raise WitnessUnavailable(f"{exc}: {kept}") from None
    return {"shipped": len(new), "to": label, "last": int(new[-1]["n"]) if new else have}


# -- key rotation -------------------------------------------------------------------------------
def rotate_key(app, actor: str) -> dict:
    """Seal the chain under the current key, add a new key to the keyring and sign from then on
    with it: an audit event records the hand-over, and a checkpoint under the new key follows.

    A key is valid for its own period only (``audit verify`` reports events signed with a
    retired key after the rotation event). Running processes that share the keyring file
    switch at their next append (``KeyringWatch``); the event is recorded with every head
    locked, so no append signs with the old key after it. Processes reading another copy of
    the keyring are stopped while it rotates and get the new keyring before they start
    again: runbooks/audit-key-rotation.md.
    """
    from ..adapters.audit_key import load_audit_keyring, rotate_audit_key
    from ..adapters.db.audit import AuditEvent

    previous = app.uow.audit_keyring.active
    sealed = checkpoint(app)
    new_id = rotate_audit_key(app.settings)
    app.uow.audit_keyring = load_audit_keyring(app.settings)
    if app.uow.audit_keyring.active != new_id:
        raise ConfigError(f"the keyring {app.settings.audit_keyring_path} did not take key {new_id}")
    with app.uow.begin() as tx:
        # The new key is on disk already: appenders that lock a head after this see it.
        tx.audit.lock_all_heads()
        tx.audit.append(AuditEvent(step="audit_key", actor=actor, outcome="rotated",
                                   inputs={"from": previous or "base", "to": new_id, "sealed_checkpoint": sealed["n"]}))
    after = checkpoint(app)
    return {"key_id": new_id, "previous": previous or "base", "sealed_checkpoint": sealed["n"], "checkpoint": after["n"],
            "keyring": str(app.settings.audit_keyring_path)}
