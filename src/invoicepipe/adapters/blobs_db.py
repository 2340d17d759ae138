"""The shared blob store: blobs in 1 MiB pieces in a database (PostgreSQL in production).

Workers on several machines share one database already; keeping the bytes there needs no
second shared system (no NFS mount, no object store to run), backs up with the rest, and
works under the application's restricted role (ordinary tables, migration 0017). Large
objects were not used: each belongs to the role that created it and needs grants of its
own, and they are invisible to ``pg_dump --table``.

Content-addressed and idempotent: the pieces are written, then the ``blobs`` row, in one
transaction with ``ON CONFLICT DO NOTHING``, so two workers storing the same bytes at once
end with one blob, and a ``blobs`` row means every piece is there. Reads are verified
against the sha256 (``BlobCorrupt``, naming the sha, never the content). A database that
does not answer is ``StorageUnavailable`` (transient) naming the cause, never the bytes
(SQLAlchemy's own message would quote the statement's parameters).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..errors import NotFound, StorageUnavailable
from .blobs import CHUNK, SHA256, checked_sha, corrupt, sha256_of
from .db import tables as t
from .db.engine import READ_ONLY


def _insert_ignoring_duplicates(engine: Engine, table):
    """INSERT … ON CONFLICT DO NOTHING on either database (a row already there is the same bytes)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def _cause(exc: SQLAlchemyError) -> str:
    """The driver's first line (``connection refused``, ``could not extend file``) or the
    error's class: never ``str(exc)``, which carries the statement and its parameters."""
    orig = getattr(exc, "orig", None)
    first = str(orig).splitlines()[0].strip() if orig is not None and str(orig) else ""
    return first[:200] or type(orig or exc).__name__


class DatabaseBlobStore:
    def __init__(self, engine: Engine, label: str):
        self.engine = engine
        self.label = label
        self._insert_chunk = _insert_ignoring_duplicates(engine, t.blob_chunks)
        self._insert_blob = _insert_ignoring_duplicates(engine, t.blobs)

    @contextmanager
    def _errors(self, what: str):
        try:
            yield
        except DBAPIError as exc:
            raise StorageUnavailable(f"storage unavailable: cannot {what} the blob store ({self.label}: {_cause(exc)}); "
                                     "see runbooks/blob-store.md") from None

    def _reading(self):
        options = {READ_ONLY: True}
        if self.engine.dialect.name == "postgresql":
            options["postgresql_readonly"] = True
        return self.engine.connect().execution_options(**options)

    # -- writing ----------------------------------------------------------------------------
    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        return self.put_stream(digest, (data[i:i + CHUNK] for i in range(0, len(data), CHUNK)))

    def put_stream(self, sha256: str, chunks: Iterable[bytes]) -> str:
        checked_sha(sha256)
        if self.exists(sha256):
            return sha256
        with self._errors("write to"):
            with self.engine.begin() as conn:
                digest, size, seq = hashlib.sha256(), 0, 0
                for piece in _rechunked(chunks):
                    digest.update(piece)
                    size += len(piece)
                    conn.execute(self._insert_chunk, {"sha256": sha256, "seq": seq, "data": piece})
                    seq += 1
                if digest.hexdigest() != sha256:
                    raise corrupt(sha256, f"the bytes given to {self.label}")  # rolls the pieces back
                conn.execute(self._insert_blob, {"sha256": sha256, "size": size, "chunks": seq,
                                                 "created_at": datetime.now(timezone.utc)})
        return sha256

    # -- reading ----------------------------------------------------------------------------
    def _row(self, sha256: str):
        checked_sha(sha256)
        with self._errors("read from"):
            with self._reading() as conn, conn.begin():
                row = conn.execute(select(t.blobs.c.size, t.blobs.c.chunks).where(t.blobs.c.sha256 == sha256)).first()
        if row is None:
            raise NotFound(f"blob {sha256} is missing from {self.label}")
        return row

    def chunks(self, sha256: str) -> Iterator[bytes]:
        row = self._row(sha256)
        return self._pieces(sha256, row.chunks)

    def _pieces(self, sha256: str, count: int) -> Iterator[bytes]:
        # One piece per query: a 300 MB blob never sits in memory (or a driver buffer) whole.
        digest = hashlib.sha256()
        c = t.blob_chunks.c
        for seq in range(count):
            with self._errors("read from"):
                with self._reading() as conn, conn.begin():
                    piece = conn.execute(select(c.data).where(c.sha256 == sha256, c.seq == seq)).scalar()
            if piece is None:
                raise corrupt(sha256, self.label)
            piece = bytes(piece)
            digest.update(piece)
            yield piece
        if digest.hexdigest() != sha256:
            raise corrupt(sha256, self.label)

    def get(self, sha256: str) -> bytes:
        return b"".join(self.chunks(sha256))

    def local_path(self, sha256: str) -> Path:
        raise NotImplementedError("a database blob has no local path: read it through CachedBlobStore")

    def exists(self, sha256: str) -> bool:
        try:
            self._row(sha256)
        except NotFound:
            return False
        return True

    def size(self, sha256: str) -> int:
        return int(self._row(sha256).size)

    def shas(self) -> Iterator[str]:
        after = ""
        while True:  # in pages by key: a million blobs are never listed in one result
            with self._errors("read from"):
                with self._reading() as conn, conn.begin():
                    page = conn.execute(select(t.blobs.c.sha256).where(t.blobs.c.sha256 > after)
                                        .order_by(t.blobs.c.sha256).limit(1000)).scalars().all()
            if not page:
                return
            yield from (sha for sha in page if SHA256.match(sha))
            after = page[-1]


def _rechunked(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pieces of exactly CHUNK bytes (the last one shorter), whatever sizes come in: the same
    blob always has the same pieces, so two writers of it conflict row for row."""
    buffer = bytearray()
    for piece in chunks:
        buffer += piece
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)
