"""Copies of small, rarely written tables kept per process, checked against the database.

A trigger adds one to a table's row in ``data_versions`` on every write (migration 0020),
in the writer's transaction. A reader that finds the version it holds a copy for uses the
copy; any other version (a write by any process, or a rolled-back read of a newer one) makes
it read the rows again, with the version, in one statement, so a copy is never labelled
with a version it does not belong to. The database stays the truth: nothing is served
from memory that the database has since changed, only the read is saved.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from sqlalchemy import Connection, bindparam, select

from . import tables as t

SUBSCRIBERS = "webhook_subscribers"
VENDORS = "vendors"

_VERSION = select(t.data_versions.c.version).where(t.data_versions.c.name == bindparam("name"))


def version_of(name: str):
    """The scalar subquery of ``name``'s version, for a statement that reads it on the side."""
    return select(t.data_versions.c.version).where(t.data_versions.c.name == name).scalar_subquery()


def read_version(conn: Connection, name: str) -> Optional[int]:
    return conn.execute(_VERSION, {"name": name}).scalar_one_or_none()


class VersionedCopies:
    """Per table name: (version, value) of the last copy read. One per database (``UnitOfWork``),
    shared by its threads; values are immutable (tuples of frozen dataclasses or rows)."""

    def __init__(self) -> None:
        self._copies: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, version: Optional[int], load: Callable[[], tuple[Optional[int], Any]]) -> Any:
        """The copy of ``name`` at ``version``; ``load()`` -> (version, value) reads it again
        (rows and version from one statement) when the held copy is of another version."""
        held = self._copies.get(name)
        if held is not None and version is not None and held[0] == version:
            return held[1]
        loaded_version, value = load()
        if loaded_version is not None:
            with self._lock:
                self._copies[name] = (loaded_version, value)
        return value
