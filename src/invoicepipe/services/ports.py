"""Typed ports the services depend on; adapters implement them, ``bootstrap`` picks one.

``BlobStore``: the document bytes, content-addressed by sha256 (immutable, so any copy of a
blob is as good as the original and a cache never goes stale). Implementations:
``adapters.blobs.FolderBlobStore`` (a local folder: the embedded default) and
``adapters.blobs_db.DatabaseBlobStore`` (chunks in PostgreSQL: shared by every machine),
the latter read through ``adapters.blob_cache.CachedBlobStore``. ``INVOICEPIPE_BLOB_URL``
chooses (``adapters.blob_url.make_blob_store``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Protocol


class BlobStore(Protocol):
    label: str  # what status and errors show: the kind and where, never a password

    def put(self, data: bytes) -> str:
        """Store ``data``; returns its sha256. The same bytes twice (or from two processes at
        once) end as one blob. ``StorageUnavailable`` (transient) when the store refuses."""
        ...

    def put_stream(self, sha256: str, chunks: Iterable[bytes]) -> str:
        """Store the bytes ``chunks`` yields under ``sha256`` without holding them all in
        memory; ``BlobCorrupt`` (nothing stored) when they do not hash to ``sha256``."""
        ...

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in pieces; ``NotFound`` when missing, ``BlobCorrupt`` (after the
        last piece) when they do not hash to ``sha256``: a consumer keeps nothing before the end."""
        ...

    def get(self, sha256: str) -> bytes:
        """The whole blob, verified against its sha256."""
        ...

    def local_path(self, sha256: str) -> Path:
        """A local file holding the blob, for a reader that needs a path; never a path on
        another machine. Read it, do not change it."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int:
        """Size in bytes; ``NotFound`` when missing."""
        ...

    def shas(self) -> Iterator[str]:
        """Every stored blob's sha256 (``invoicepipe blobs migrate`` copies them)."""
        ...
