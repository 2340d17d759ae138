"""Copy every blob from one store to another (``invoicepipe blobs migrate --to URL``).

What an operator runs to move from the folder store to the shared database store (or back):
idempotent and resumable (a blob the target already holds at the same size is skipped, so
a run stopped half-way continues where it stopped), streamed piece by piece (a 300 MB scan
never sits in memory whole), and verified: the target stores a blob only if its bytes hash
to its name, and ``verify`` reads every copied blob back through the target's own check.
A damaged source blob is reported by sha and skipped; the run carries on with the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BlobCorrupt, NotFound


@dataclass
class MigrationReport:
    source: str
    target: str
    copied: int = 0
    skipped: int = 0
    bytes_copied: int = 0
    damaged: list = field(default_factory=list)  # sha256 of source blobs that failed their check

    @property
    def ok(self) -> bool:
        return not self.damaged

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "copied": self.copied, "skipped": self.skipped,
                "bytes_copied": self.bytes_copied, "damaged": list(self.damaged), "ok": self.ok}


def migrate_blobs(source, target, verify: bool = True, progress=lambda report, sha: None) -> MigrationReport:
    report = MigrationReport(source.label, target.label)
    for sha in source.shas():
        try:
            size = source.size(sha)
            if target.exists(sha) and target.size(sha) == size:
                report.skipped += 1
            else:
                target.put_stream(sha, source.chunks(sha))
                if verify:
                    for _ in target.chunks(sha):  # the target's own sha256 check, piece by piece
                        pass
                report.copied += 1
                report.bytes_copied += size
        except (BlobCorrupt, NotFound):
            report.damaged.append(sha)
        progress(report, sha)
    return report
