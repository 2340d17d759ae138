"""Payable destinations for approved invoices.

``FileDropExporter`` writes one JSON file per invoice into a folder an ERP import job
watches. Delivery is idempotent by key: the file is named after the idempotency key and
written atomically, so a retried delivery overwrites the same file with the same content.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ..errors import TransientError


class FileDropExporter:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def deliver(self, idempotency_key: str, payload: Mapping[str, Any]) -> str:
        """Write ``payload`` as ``<key>.json``; returns where it went."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{idempotency_key}.json"
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=2, sort_keys=True, default=str)
            os.replace(tmp, target)
            return str(target)
        except OSError as exc:  # a full or unmounted share is expected to come back
            raise TransientError(f"export folder {self.folder} unavailable: {exc}") from exc
