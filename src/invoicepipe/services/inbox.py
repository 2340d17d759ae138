"""Take settled files from the drop folder into the pipeline."""

from __future__ import annotations

from ..adapters.inbox import RefusedEntry
from ..adapters.safe_files import read_regular_file
from ..errors import UnsupportedInput
from .ingest import IngestResult, ingest_bytes


def process_inbox(app, folder, actor: str = "system:inbox") -> list[IngestResult]:
    """Ingest every settled regular file, then archive it (after the commit inside ingest).

    Anything else (a symbolic link, FIFO, device, socket) is moved aside unread with its
    reason and logged at warning: following a link would copy whatever it points at, the
    service's own secrets included, into the blob store.
    """
    for refused in folder.refused_entries():
        _set_aside(app, folder, refused.path, refused.channel, refused.reason)
    results = []
    for dropped in folder.stable_files():
        try:
            data = read_regular_file(dropped.path)
        except FileNotFoundError:
            continue
        except UnsupportedInput as exc:  # swapped for a link or FIFO between the scan and the open
            _set_aside(app, folder, dropped.path, dropped.channel, exc.reason)
            continue
        result = ingest_bytes(app, data, dropped.path.name, dropped.channel, actor)
        reasons = result.reasons
        folder.archive(dropped, rejected_reason="; ".join(reasons) if result.rejected else None)
        results.append(result)
    return results


def _set_aside(app, folder, path, channel: str, why: str) -> None:
    try:
        target = folder.set_aside(RefusedEntry(path, channel, why))
    except FileNotFoundError:
        return
    app.log.warning("inbox_entry_refused", path=str(path), moved_to=str(target), reason=why)
