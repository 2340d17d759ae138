"""The Alembic migrations create exactly the tables the code uses, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.adapters.db.migrate import upgrade

pytestmark = pytest.mark.integration


def test_migrations_match_the_table_definitions(database_url):
    upgrade(database_url)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
        head = conn.execute(select(t.audit_head)).all()
    engine.dispose()
    assert diff == []
    assert [tuple(r) for r in head] == [(1, 0, "0" * 64)]


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)
