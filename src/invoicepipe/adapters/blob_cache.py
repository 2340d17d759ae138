"""A bounded local cache in front of a shared blob store.

Readers get bytes or a local file (``local_path``: pdfplumber, Tesseract and the parse
child can be handed a path), never a path on another machine. Blobs are content-addressed,
so a cached copy never goes stale: there is nothing to invalidate, only room to keep. The
cache evicts the least recently used files once it holds more than ``max_bytes``.
Hand-written (a few lines over the file system) because the disk-cache libraries on PyPI
cache values by key in their own database, where a reader needs a plain file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator

from .blobs import checked_sha, read_file_chunks, storage_unavailable, write_verified


class CachedBlobStore:
    def __init__(self, shared, cache_dir: Path, max_bytes: int):
        self.shared = shared
        self.cache_dir = Path(cache_dir)
        self.max_bytes = max_bytes
        self.label = shared.label

    # Writes and questions about what is stored go to the shared store itself.
    def put(self, data: bytes) -> str:
        return self.shared.put(data)

    def put_stream(self, sha256: str, chunks: Iterable[bytes]) -> str:
        return self.shared.put_stream(sha256, chunks)

    def exists(self, sha256: str) -> bool:
        return self.shared.exists(sha256)

    def size(self, sha256: str) -> int:
        return self.shared.size(sha256)

    def shas(self) -> Iterator[str]:
        return self.shared.shas()

    # Reads are served from the local copy, fetched (and verified) on first use.
    def _path(self, sha256: str) -> Path:
        checked_sha(sha256)
        return self.cache_dir / sha256[:2] / sha256

    def local_path(self, sha256: str) -> Path:
        path = self._path(sha256)
        try:
            os.utime(path)  # most recently used: evicted last
            return path
        except FileNotFoundError:
            pass
        try:
            write_verified(path, sha256, self.shared.chunks(sha256), f"{self.label} (fetched)")
        except OSError as exc:
            raise storage_unavailable(exc, "to the local blob cache") from exc
        self._evict(keep=path)
        return path

    def chunks(self, sha256: str) -> Iterator[bytes]:
        return read_file_chunks(self.local_path(sha256), sha256, f"the local blob cache {self.cache_dir}")

    def get(self, sha256: str) -> bytes:
        for _ in range(2):
            path = self.local_path(sha256)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # evicted by another process between the two lines: fetch again
            if hashlib.sha256(data).hexdigest() == sha256:
                return data
            path.unlink(missing_ok=True)  # the local copy was damaged; the shared one decides
        return b"".join(self.shared.chunks(sha256))

    def _evict(self, keep: Path) -> None:
        """Delete the least recently used copies until the cache is back under 90 % of its
        bound (some slack, so not every fetch walks the folder twice)."""
        files = []
        for path in self.cache_dir.glob("*/*"):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            files.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in files)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(files, key=lambda f: f[0]):
            if total <= self.max_bytes * 0.9:
                break
            if path == keep or path.name.startswith(".tmp-"):
                continue
            path.unlink(missing_ok=True)
            total -= size


