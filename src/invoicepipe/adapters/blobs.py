"""Content-addressed blob store on a local folder (the embedded default).

One implementation of ``services.ports.BlobStore``; ``adapters/blobs_db.py`` is the shared
one for workers on more than one machine.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import BlobCorrupt, NotFound, StorageUnavailable

# What an operator fixes outside the program: a full disk, a read-only remount, a share
# whose permissions changed. Named, so the reason shown says which one.
STORAGE_ERRNOS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
                  errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
                  errno.EPERM: "operation not permitted", errno.EIO: "input/output error"}
CHUNK = 1 << 20  # pieces read and written at a time: a 300 MB scan never sits in memory whole
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def storage_unavailable(exc: OSError, what: str) -> StorageUnavailable:
    """A StorageUnavailable naming the cause (never the data being written)."""
    cause = STORAGE_ERRNOS.get(exc.errno, os.strerror(exc.errno) if exc.errno else "cannot write")
    return StorageUnavailable(f"storage unavailable: cannot write {what} ({cause}); see runbooks/storage-full.md")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked_sha(sha256: str) -> str:
    """``sha256`` if it is one (lower-case hex): a name from outside never becomes a path."""
    if not SHA256.match(sha256 or ""):
        raise NotFound(f"{sha256!r} is not a sha256")
    return sha256


def corrupt(sha256: str, where: str) -> BlobCorrupt:
    return BlobCorrupt(f"blob {sha256} in {where} does not match its sha256 (damaged storage); "
                       "see runbooks/blob-store.md")


def read_file_chunks(path: Path, sha256: str, where: str) -> Iterator[bytes]:
    """``path``'s bytes in pieces, hashed as they go; BlobCorrupt after the last piece on a mismatch."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while piece := fh.read(CHUNK):
            digest.update(piece)
            yield piece
    if digest.hexdigest() != sha256:
        raise corrupt(sha256, where)


def write_verified(target: Path, sha256: str, chunks: Iterable[bytes], where: str) -> None:
    """Write ``chunks`` to a temporary file beside ``target``, check the hash, rename: a crash
    or a mismatch never leaves a half-written or wrong blob under a valid name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as fh:
            for piece in chunks:
                digest.update(piece)
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        if digest.hexdigest() != sha256:
            raise corrupt(sha256, where)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class FolderBlobStore:
    """Bytes stored under their sha256 in ``root/ab/cd/abcd…``: the same bytes twice are stored once."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.label = f"folder {self.root}"

    def path_for(self, sha256: str) -> Path:
        checked_sha(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data``; StorageUnavailable (transient) when the folder refuses the write."""
        digest = sha256_of(data)
        return self.put_stream(digest, (data[i:i + CHUNK] for i in range(0, len(data), CHUNK)))

    def put_stream(self, sha256: str, chunks: Iterable[bytes]) -> str:
        target = self.path_for(sha256)
        if target.exists():
            return sha256
        try:
            write_verified(target, sha256, chunks, self.label)
        except OSError as exc:
            raise storage_unavailable(exc, "to the blob store") from exc
        return sha256

    def chunks(self, sha256: str) -> Iterator[bytes]:
        path = self.local_path(sha256)
        return read_file_chunks(path, sha256, self.label)

    def get(self, sha256: str) -> bytes:
        return b"".join(self.chunks(sha256))

    def local_path(self, sha256: str) -> Path:
        path = self.path_for(sha256)
        if not path.is_file():
            raise NotFound(f"blob {sha256} is missing from {self.root}")
        return path

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def size(self, sha256: str) -> int:
        return self.local_path(sha256).stat().st_size

    def shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
            if SHA256.match(path.name) and path.is_file():
                yield path.name
