"""Take settled files from the drop folder into the pipeline."""

from __future__ import annotations

from .ingest import IngestResult, ingest_bytes


def process_inbox(app, folder, actor: str = "system:inbox") -> list[IngestResult]:
    """Ingest every settled file, then archive it (after the commit inside ingest)."""
    results = []
    for dropped in folder.stable_files():
        try:
            data = dropped.path.read_bytes()
        except FileNotFoundError:
            continue
        result = ingest_bytes(app, data, dropped.path.name, dropped.channel, actor)
        reasons = result.reasons
        folder.archive(dropped, rejected_reason="; ".join(reasons) if result.rejected else None)
        results.append(result)
    return results
