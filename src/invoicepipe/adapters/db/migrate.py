"""Run Alembic migrations programmatically (``invoicepipe db upgrade``), and check cheaply
that a database is at head before every process start pays for Alembic."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from .engine import ensure_sqlite_dir

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would eat a '%' in a password.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@retry(retry=retry_if_exception_type(OperationalError), stop=stop_after_delay(30), wait=wait_exponential(multiplier=0.5, max=5), reraise=True)
def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``.

    A database that is still starting (a migration job racing its server) is retried for
    up to 30 seconds before the error surfaces.
    """
    from alembic import command

    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


_REVISION = re.compile(r"^revision\s*=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
_IDS = re.compile(r"[\"']([^\"']+)[\"']")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The one head of the migration scripts, read from their ``revision`` and
    ``down_revision`` lines; None when they do not name exactly one (Alembic decides then).

    Alembic imports every script to find the head: with its own import, about 0.35 s of CPU
    at every start of a worker, ``up`` or ``invoicepipe ingest`` whose database is current.
    tests/integration/test_schema.py checks this reading against Alembic's."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        found, down = _REVISION.search(source), _DOWN.search(source)
        if found is None or down is None:
            return None
        revisions.add(found.group(1))
        parents.update(_IDS.findall(down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """Whether the database behind ``engine`` is at the scripts' head (one read; False on any
    doubt, a database not reachable yet included: ``upgrade`` then decides, and waits)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            stamped = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
            conn.rollback()
    except DBAPIError:
        return False
    return stamped == [head]


def ensure_schema(engine: Engine, url: str) -> None:
    """Bring the database to head unless it is there already (the common start)."""
    if not at_head(engine):
        upgrade(url)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
