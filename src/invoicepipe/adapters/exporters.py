"""Payable destinations for approved invoices, behind one port (``Exporter``).

``INVOICEPIPE_EXPORT_URL`` chooses one (``make_exporter``): an ``http://`` or ``https://``
URL gives ``HttpExporter``, which POSTs each invoice as signed JSON
(``adapters/http_delivery``, docs/http-delivery.md); a folder (or ``file://`` URL, default
``var/outbox``) gives ``FileDropExporter``.

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
from typing import Any, Mapping, Optional, Protocol

from ..errors import ConfigError, DeliveryRefused, TransientError
from .http_delivery import SignedPoster, destination_label

SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class Exporter(Protocol):
    def deliver(self, idempotency_key: str, payload: Mapping[str, Any]) -> str:
        """Deliver one approved invoice; returns where it went. Raises ``TransientError``
        (try again later; ``RetryLater`` may say when) or ``DeliveryRefused`` (never)."""
        ...


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


class HttpExporter:
    """POSTs each invoice to ``url`` with its ``Idempotency-Key`` and a signature made with
    ``secret``. 2xx and 409 ("already have it") are delivered; 408, 429, 5xx, timeouts
    and connection failures are ``RetryLater``; any other answer is ``DeliveryRefused``."""

    def __init__(self, url: str, secret: str, poster: SignedPoster):
        self.url, self._secret, self.poster = url, secret, poster

    def deliver(self, idempotency_key: str, payload: Mapping[str, Any]) -> str:
        return self.poster.post(self.url, self._secret, idempotency_key, payload, event="invoice.approved")

    def __repr__(self) -> str:  # never the secret
        return f"HttpExporter({destination_label(self.url)!r})"


def make_exporter(settings, poster: Optional[SignedPoster] = None) -> Exporter:
    """The exporter ``settings.export_url`` names (the folder exporter on ``var/outbox`` when unset)."""
    url = settings.export_url
    if url and url.startswith(("http://", "https://")):
        if not settings.export_secret:
            raise ConfigError("INVOICEPIPE_EXPORT_URL is an HTTP destination: set INVOICEPIPE_EXPORT_SECRET "
                              "(the key its deliveries are signed with)")
        return HttpExporter(url, settings.export_secret, poster or SignedPoster(settings.export_timeout_s))
    if url:
        return FileDropExporter(Path(url[len("file://"):] if url.startswith("file://") else url))
    return FileDropExporter(settings.outbox_dir)
