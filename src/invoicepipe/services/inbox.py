"""Take settled files from the drop folder into the pipeline."""

from __future__ import annotations

from typing import Optional

from ..adapters.inbox import RefusedEntry
from ..adapters.safe_files import read_regular_file
from ..errors import UnsupportedInput
from .ingest import IngestResult, ingest_bytes
from .parallel import map_bounded


def process_inbox(app, folder, actor: str = "system:inbox") -> list[IngestResult]:
    """Ingest every settled regular file, then archive it (after the commit inside ingest).

    Anything else (a symbolic link, FIFO, device, socket) is moved aside unread with its
    reason and logged at warning: following a link would copy whatever it points at, the
    service's own secrets included, into the blob store.
    """
    for refused in folder.refused_entries():
        _set_aside(app, folder, refused.path, refused.channel, refused.reason)

    def take(dropped) -> Optional[IngestResult]:
        try:
            data = read_regular_file(dropped.path)
        except FileNotFoundError:
            return None
        except UnsupportedInput as exc:  # swapped for a link or FIFO between the scan and the open
            _set_aside(app, folder, dropped.path, dropped.channel, exc.reason)
            return None
        result = ingest_bytes(app, data, dropped.path.name, dropped.channel, actor)
        folder.archive(dropped, rejected_reason="; ".join(result.reasons) if result.rejected else None)
        return result

    # many dropped files at once are taken by a bounded pool of threads (services/parallel.py)
    return [r for r in map_bounded(take, folder.stable_files(), app.settings.ingest_workers) if r is not None]


def _set_aside(app, folder, path, channel: str, why: str) -> None:
    try:
        target = folder.set_aside(RefusedEntry(path, channel, why))
    except FileNotFoundError:
        return
    app.log.warning("inbox_entry_refused", path=str(path), moved_to=str(target), reason=why)
