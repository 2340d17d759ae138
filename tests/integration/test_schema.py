"""The Alembic migrations create exactly the tables the code uses, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.audit import PARTITIONS
from invoicepipe.adapters.db.engine import make_engine
from invoicepipe.adapters.db.migrate import upgrade

pytestmark = pytest.mark.integration


def not_sqlite_search(name, type_, parent_names) -> bool:
    """SQLite's FTS5 trigram table and its shadow tables stand outside the Core metadata."""
    return not (type_ == "table" and name.startswith(t.SQLITE_SEARCH_TABLE))


def for_dialect(dialect: str):
    """Skip objects created on another database only (``Index.ddl_if``: the pg_trgm indexes)."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect
    return include


def test_migrations_match_the_table_definitions(database_url):
    upgrade(database_url)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": not_sqlite_search,
                                                                  "include_object": for_dialect(conn.dialect.name)}), t.metadata)
        heads = conn.execute(select(t.audit_heads).order_by(t.audit_heads.c.chain_partition)).all()
    engine.dispose()
    assert diff == []
    # the legacy chain (0, empty on a new database) and one empty chain per partition
    assert [tuple(r) for r in heads] == [(p, 0, "0" * 64) for p in range(0, PARTITIONS + 1)]


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)


def test_audit_events_are_append_only_in_the_database(database_url):
    from sqlalchemy import insert, update
    from sqlalchemy.exc import DBAPIError

    upgrade(database_url)
    engine = create_engine(database_url)
    row = dict(seq=1, step="received", actor="user:test", outcome="stored", reasons=[], inputs={}, created_at="2026-01-01T00:00:00+00:00",
               prev_hash="0" * 64, hash="1" * 64)
    with engine.begin() as conn:
        conn.execute(insert(t.audit_events).values(**row))
    for statement in (update(t.audit_events).values(outcome="approved"), t.audit_events.delete()):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(statement)
    engine.dispose()


def test_the_head_read_from_the_scripts_is_alembics():
    from alembic.script import ScriptDirectory

    from invoicepipe.adapters.db.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_start_runs_alembic_only_for_a_database_behind(database_url, monkeypatch):
    from alembic import command

    from invoicepipe.adapters.db import migrate

    ran = []
    real = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: (ran.append(rev), real(cfg, rev)))
    engine = make_engine(database_url)
    try:
        migrate.ensure_schema(engine, database_url)  # a new database: migrated
        assert ran == ["head"] and migrate.at_head(engine)
        migrate.ensure_schema(engine, database_url)  # current: one read, no Alembic
        assert ran == ["head"]
        command.downgrade(migrate.alembic_config(database_url), "-1")
        assert not migrate.at_head(engine)
        migrate.ensure_schema(engine, database_url)  # one migration behind: migrated again
        assert ran == ["head", "head"] and migrate.at_head(engine)
    finally:
        engine.dispose()
