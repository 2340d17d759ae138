"""Audit queries: a document's trail, the chain verification, and checkpoints.

``verify`` checks every partition's chain with the audit key and compares it with the
newest checkpoint in the checkpoint file (outside the database); ``checkpoint`` appends a
new signed checkpoint of the partition heads (the sweeper loop calls it every round).
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..adapters.checkpoint_log import CheckpointLog
from ..adapters.db.audit import PARTITIONS
from ..domain.audit import GENESIS_HASH, LEGACY_PARTITION, compare_with_checkpoint, walk_partition
from ..domain.audit_checkpoint import checkpoint_heads, is_authentic, make_checkpoint, verify_checkpoints
from ..errors import AuditChainBroken


def trail(app, document_id: int) -> list[dict]:
    with app.uow.begin() as tx:
        tx.documents.require(document_id)
        return tx.audit.trail(document_id)


def _problem(f) -> dict:
    return {"kind": f.kind, "message": f.message, "partition": f.partition, "seq": f.seq}


def verify(app) -> dict:
    """Walk every partition's chain; ``ok`` is False with every problem listed when it does not hold."""
    key = app.uow.audit_key
    log = CheckpointLog.shared(app.settings.audit_checkpoint_path)
    try:
        with app.uow.begin(snapshot=True) as tx:
            # The snapshot starts with this first read, while the file is locked: every
            # checkpoint in the file sealed rows this snapshot can see.
            marks = tx.audit.checkpoint_marks()
            report = verify_checkpoints(key, log.lines(), marks)
            log.release()
            sealed = checkpoint_heads(report.latest) if report.latest else {}
            label = f"checkpoint #{report.latest['n']} ({report.latest['at']})" if report.latest else ""
            heads = tx.audit.heads()
            partitions = {LEGACY_PARTITION, *range(1, PARTITIONS + 1), *heads, *sealed, *tx.audit.partitions_with_events()}
            findings, events = list(report.findings), 0
            for p in sorted(partitions):
                walk = walk_partition(key, p, tx.audit.chain(p), heads.get(p), sealed[p].position if p in sealed else 0)
                findings += walk.findings
                if p in sealed:
                    findings += compare_with_checkpoint(walk, sealed[p], label)
                events += walk.events
    finally:
        log.release()
    notes = [] if report.latest else ["no checkpoint yet: rows removed at the end of a partition cannot be detected until "
                                      "`invoicepipe audit checkpoint` (or the sweeper) writes one"]
    return {"ok": not findings, "events": events, "partitions": len(partitions), "checkpoints": report.count,
            "checkpoint": {"n": report.latest["n"], "at": report.latest["at"]} if report.latest else None,
            "checkpoint_file": str(app.settings.audit_checkpoint_path), "notes": notes,
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
    key = app.uow.audit_key
    with CheckpointLog.exclusive(app.settings.audit_checkpoint_path) as log:
        last = log.last(lambda record: is_authentic(key, record))
        with app.uow.begin() as tx:
            heads = tx.audit.heads()
            contradictions = _contradictions(tx, last, heads) if last else []
            in_file, recorded = (int(last["n"]) if last else 0), tx.audit.last_checkpoint_counter()
        if recorded > in_file:
            contradictions.append(f"the checkpoint file ends at #{in_file} but the database recorded #{recorded}: the file was cut short or replaced")
        if contradictions:
            raise AuditChainBroken("not sealing the audit chain: " + "; ".join(contradictions))
        if last and checkpoint_heads(last) == heads:
            return {"written": False, "n": last["n"], "at": last["at"], "partitions": len(heads)}
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        record = make_checkpoint(key, (int(last["n"]) + 1) if last else 1, at, list(heads.values()), last["sig"] if last else GENESIS_HASH)
        # File first: a line the database does not know is harmless, a database record of a
        # line that never reached the file would read as a truncated file.
        log.append(record)
        with app.uow.begin() as tx:
            tx.audit.record_checkpoint(record["n"], record["root"], record["sig"], at)
    return {"written": True, "n": record["n"], "at": at, "partitions": len(heads)}
