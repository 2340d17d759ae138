"""Alembic environment: online migrations against the configured URL."""

from alembic import context
from sqlalchemy import create_engine

from invoicepipe.adapters.db.tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `invoicepipe db upgrade`")
run_migrations_online()
