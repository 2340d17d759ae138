"""Checkpoints of the audit chain: signed snapshots of every partition's head.

A checkpoint records each partition's (position, hash) head, a Merkle root over them, the
time, a counter, and the signature of the checkpoint before it; the whole record is signed
with HMAC-SHA256 under the audit key. Checkpoints live outside the database, one JSON line
each, so a database owner who truncates the log, cuts its tail and rewrites the heads, or
replaces a chain, leaves rows missing or different from what a checkpoint sealed.

Because each checkpoint is signed and names the one before it, editing a line, removing one
from the middle or the start, or forging one without the key shows. Removing the last lines
leaves a shorter chain that still holds; the database keeps the counter and signature of
every checkpoint written, so a file shorter than that record shows too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence, Union

from .audit import GENESIS_HASH, Finding, Head, canonical_json
from .audit_keys import Keyring, Takeover, as_keyring, key_of_period


MAX_LISTED = 20


def _sha256(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def merkle_root(heads: Iterable[Head]) -> str:
    """The Merkle root over the heads in partition order (an odd node is paired with itself)."""
    level = [_sha256(canonical_json(["leaf", h.partition, h.position, h.hash])) for h in sorted(heads, key=lambda h: h.partition)]
    if not level:
        return GENESIS_HASH
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [_sha256(canonical_json(["node", level[i], level[i + 1]])) for i in range(0, len(level), 2)]
    return level[0]


def _signature(key: bytes, record: dict) -> str:
    unsigned = {k: v for k, v in record.items() if k != "sig"}
    return hmac.new(key, canonical_json(unsigned).encode("utf-8"), hashlib.sha256).hexdigest()


def make_checkpoint(key: bytes, counter: int, at: str, heads: Sequence[Head], prev_sig: str, key_id: Optional[str] = None) -> dict:
    """The signed record of checkpoint number ``counter`` (1, 2, 3 …); ``key_id`` names a
    rotated key (signed with the rest, so it cannot be relabelled)."""
    ordered = sorted(heads, key=lambda h: h.partition)
    record = {"n": counter, "at": at, "heads": [[h.partition, h.position, h.hash] for h in ordered], "root": merkle_root(ordered),
              "prev": prev_sig}
    if key_id is not None:
        record["kid"] = key_id
    record["sig"] = _signature(key, record)
    return record


def checkpoint_heads(record: dict) -> dict[int, Head]:
    return {int(p): Head(int(p), int(pos), str(h)) for p, pos, h in record["heads"]}


def is_authentic(keys: Union[bytes, Keyring], record: dict) -> bool:
    """Signed with the key it names (from the keyring), and its root is the root of its heads."""
    try:
        key = as_keyring(keys).get(record.get("kid"))
        if key is None:
            return False
        return (hmac.compare_digest(_signature(key, record), str(record.get("sig", "")))
                and merkle_root(checkpoint_heads(record).values()) == record["root"])
    except (KeyError, TypeError, ValueError):
        return False


@dataclass
class CheckpointReport:
    latest: Optional[dict]  # the newest authentic checkpoint, the one the database is compared with
    count: int
    findings: list = field(default_factory=list)
    lag: int = 0  # a shipped copy: how many checkpoints the database recorded after its last


def _parse(line: str) -> Optional[dict]:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def key_period_finding(keys: Union[bytes, Keyring], record: dict, takeovers: Mapping[Optional[str], Takeover]) -> Optional[Finding]:
    """A finding when an authentic checkpoint is signed by a key other than the one whose
    period its heads are in (``audit_keys.key_of_period``): a retired key (perhaps leaked,
    the case rotation is for) or a key whose period had not begun at the heads it seals."""
    keyring = as_keyring(keys)
    sealed = {p: h.position for p, h in checkpoint_heads(record).items()}
    expected, signer = key_of_period(keyring, takeovers, sealed), record.get("kid")
    if signer == expected:
        return None
    order = list(keyring.keys)
    n = record["n"]
    if order.index(signer) < order.index(expected):
        took = takeovers[expected]
        return Finding("checkpoint_retired_key", f"checkpoint #{n} is signed with {keyring.label(signer)}, retired when {keyring.label(expected)} "
                                                 f"took over at event #{took.seq}, which the checkpoint seals: signed with a retired key")
    took = takeovers.get(signer)
    since = f"took over only at event #{took.seq}, after the heads it seals" if took else "has no takeover event in the chain"
    return Finding("checkpoint_future_key", f"checkpoint #{n} is signed with {keyring.label(signer)}, which {since}: the heads are in "
                                            f"{keyring.label(expected)}'s period")


def verify_checkpoints(key: Union[bytes, Keyring], lines: Sequence[str], recorded: Sequence[tuple[int, str]],
                       copy: bool = False, takeovers: Optional[Mapping[Optional[str], Takeover]] = None) -> CheckpointReport:
    """Check the checkpoint file's lines, and that it still holds every checkpoint the database recorded.

    ``recorded`` is (counter, signature) of the checkpoints the database says were written.
    ``copy``: the lines are a shipped copy, which lags the checkpoints written since it was
    last shipped: ending early is then a note (``lag``), not a finding.
    ``takeovers``: where each key took over in the chain; each checkpoint is then checked
    to be signed with the key of its period (``key_period_finding``).
    """
    findings: list[Finding] = []
    latest: Optional[dict] = None
    prev_n, prev_sig = 0, GENESIS_HASH
    by_counter: dict[int, str] = {}
    unsigned = 0
    for number, line in enumerate((ln for ln in lines if ln.strip()), start=1):
        record = _parse(line)
        if record is None or not is_authentic(key, record):
            # Listed one by one up to a point: with the wrong key configured every line fails.
            unsigned += 1
            if unsigned <= MAX_LISTED:
                findings.append(Finding("checkpoint_edited", f"checkpoint line {number} is not signed with the audit key: it was edited or forged"))
            continue
        n = int(record["n"])
        if n != prev_n + 1:
            kind = "checkpoint_truncated" if prev_n == 0 else "checkpoint_edited"
            findings.append(Finding(kind, f"checkpoint #{n} follows #{prev_n}: checkpoints #{prev_n + 1}..#{n - 1} were removed from the file"))
        elif record["prev"] != prev_sig:
            findings.append(Finding("checkpoint_edited", f"checkpoint #{n} does not point at the checkpoint before it"))
        if takeovers is not None:
            wrong_key = key_period_finding(key, record, takeovers)
            if wrong_key:
                findings.append(wrong_key)
        by_counter[n] = record["sig"]
        prev_n, prev_sig, latest = n, record["sig"], record
    if unsigned > MAX_LISTED:
        findings.append(Finding("checkpoint_edited", f"{unsigned - MAX_LISTED} more checkpoint lines are not signed with the audit key "
                                                     "(if no line is, suspect a wrong key before tampering)"))
    beyond = max((n for n, _ in recorded if n > prev_n), default=None)
    if beyond is not None and copy:
        lag = beyond - prev_n
    elif beyond is not None:
        findings.append(Finding("checkpoint_truncated", f"the database recorded checkpoint #{beyond} but the file ends at #{prev_n}: "
                                                        "the checkpoint file was truncated or replaced"))
    for n, sig in recorded:
        if n in by_counter and not hmac.compare_digest(by_counter[n], sig):
            findings.append(Finding("checkpoint_edited", f"checkpoint #{n} in the file differs from the one the database recorded"))
    return CheckpointReport(latest, prev_n, findings, lag if beyond is not None and copy else 0)
