"""Build the SQLAlchemy engine for SQLite (embedded) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily and DEFERRED, so two
    # writers can read the same audit chain head. Taking the write lock at BEGIN
    # (IMMEDIATE) serialises writers, so an audit append never reads a stale partition head.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout needs no set-up step."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite parent folders are created on demand."""
    if url.startswith("sqlite"):
        ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
