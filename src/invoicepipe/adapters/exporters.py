"""Payable destinations for approved invoices.

``FileDropExporter`` writes one JSON file per invoice into a folder an ERP import job
watches. Delivery is idempotent by key: the file is named after the idempotency key and
written atomically, so a retried delivery overwrites the same file with the same content.

Errors say which kind they are, because the export step acts on it: a share that is full,
unmounted or not writable may come back (``TransientError``, retried with backoff); a record
that can never be written (a key that is not a plain file name, a payload that is not JSON)
is refused for good (``DeliveryRefused``: the document ends in ``export_failed``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ..errors import DeliveryRefused, TransientError

SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class FileDropExporter:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def deliver(self, idempotency_key: str, payload: Mapping[str, Any]) -> str:
        """Write ``payload`` as ``<key>.json``; returns where it went."""
        if not SAFE_KEY.match(idempotency_key):
            raise DeliveryRefused(f"idempotency key {idempotency_key!r} is not a plain file name")
        try:
            body = json.dumps(payload, indent=2, sort_keys=True, allow_nan=False, default=str)
        except (TypeError, ValueError) as exc:
            raise DeliveryRefused(f"the invoice record cannot be written as JSON: {exc}") from None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{idempotency_key}.json"
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
            os.replace(tmp, target)
            return str(target)
        except OSError as exc:  # a full or unmounted share is expected to come back
            raise TransientError(f"export folder {self.folder} unavailable: {exc}") from exc
