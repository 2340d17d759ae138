"""``INVOICEPIPE_BLOB_URL``: the one setting that chooses the blob store.

- unset, a folder or ``file:///path``: ``FolderBlobStore`` (default ``var/blobs``), for one
  machine (or a folder every machine mounts);
- ``db:``: the application's own database (``DatabaseBlobStore`` on the same engine);
- ``postgresql://…`` (or ``postgresql+psycopg://…``): another PostgreSQL database.

A database store is read through a local cache (``var/blob-cache``, bounded by
``INVOICEPIPE_BLOB_CACHE_MB``). A bad value is a ConfigError naming the setting, with any
password in it replaced by ``***``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

from ..config import Settings, redact_url
from ..errors import ConfigError

SETTING = "INVOICEPIPE_BLOB_URL"


@dataclass(frozen=True)
class BlobLocation:
    kind: str  # "folder" or "database"
    folder: Optional[Path] = None
    database_url: Optional[str] = None  # None with kind "database": the application's database

    def describe(self) -> str:
        if self.kind == "folder":
            return f"folder {self.folder}"
        return f"database {redact_url(self.database_url)}" if self.database_url else "database (the application's)"


def parse_blob_url(raw: Optional[str], default_folder: Path) -> BlobLocation:
    value = (raw or "").strip()
    if not value:
        return BlobLocation("folder", folder=Path(default_folder))
    if value in ("db:", "db://"):
        return BlobLocation("database")
    if value.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        rest = value.split("://", 1)[1]
        if not rest or not urlsplit(value).hostname and "host=" not in value:
            raise ConfigError(f"{SETTING} names no database host: {redact_url(value)!r}")
        return BlobLocation("database", database_url="postgresql+psycopg://" + rest)
    if value.startswith("file://"):
        parts = urlsplit(value)
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ConfigError(f"{SETTING} must be file:///absolute/path, got {redact_url(value)!r}")
        return BlobLocation("folder", folder=Path(path))
    if "://" in value or value.endswith(":"):
        raise ConfigError(f"{SETTING} must be a folder, file:///path, db: or postgresql://…, got {redact_url(value)!r}"
                          + (" (S3 is not supported: use the database)" if value.startswith("s3:") else ""))
    return BlobLocation("folder", folder=Path(value).resolve())


def make_blob_store(settings: Settings, app_engine=None, url: Optional[str] = None, cached: bool = True):
    """The blob store ``url`` (default: the setting) names; ``db:`` shares ``app_engine``. A
    database store is read through the local cache unless ``cached`` is False (a migration
    copies each blob once: caching it would only fill the disk).

    Only the chosen store's modules are imported: the database store's are about 25 ms of
    CPU at every start of a process on a folder (each ``invoicepipe ingest`` batch)."""
    where = parse_blob_url(settings.blob_url if url is None else url, settings.blob_dir)
    if where.kind == "folder":
        from .blobs import FolderBlobStore

        return FolderBlobStore(where.folder)
    from .blob_cache import CachedBlobStore
    from .blobs_db import DatabaseBlobStore
    from .db.engine import PoolLimits, make_engine

    # A blob database of its own counts against the same per-process connection bound.
    limits = PoolLimits.from_settings(settings, f"{settings.db_application_name}-blobs")
    engine = make_engine(where.database_url, limits=limits) if where.database_url else app_engine
    if engine is None:
        engine = make_engine(settings.database_url, limits=limits)
    shared = DatabaseBlobStore(engine, where.describe())
    return CachedBlobStore(shared, settings.blob_cache_dir, settings.blob_cache_mb * 1024 * 1024) if cached else shared
