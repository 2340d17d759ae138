"""Content-addressed blob store on a local (or mounted shared) folder."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import NotFound, StorageUnavailable

# What an operator fixes outside the program: a full disk, a read-only remount, a share
# whose permissions changed. Named, so the reason shown says which one.
STORAGE_ERRNOS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
                  errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
                  errno.EPERM: "operation not permitted", errno.EIO: "input/output error"}


def storage_unavailable(exc: OSError, what: str) -> StorageUnavailable:
    """A StorageUnavailable naming the cause (never the data being written)."""
    cause = STORAGE_ERRNOS.get(exc.errno, os.strerror(exc.errno) if exc.errno else "cannot write")
    return StorageUnavailable(f"storage unavailable: cannot write {what} ({cause}); see runbooks/storage-full.md")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Bytes stored under their sha256: the same bytes twice are stored once."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data``; StorageUnavailable (transient) when the folder refuses the write."""
        digest = sha256_of(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        try:
            self._write(target, data)
        except OSError as exc:
            raise storage_unavailable(exc, "to the blob store") from exc
        return digest

    def _write(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written blob under a valid name.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def get(self, sha256: str) -> bytes:
        try:
            return self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"blob {sha256} is missing from {self.root}") from None

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
