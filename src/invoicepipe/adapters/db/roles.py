"""Least privilege on PostgreSQL: the role the workers and the web service log in as.

Migrations run as the owner of the tables. The application runs as a separate role that
may read and write the pipeline's tables, but on the audit tables may only SELECT and
INSERT, plus UPDATE of the two columns of a partition head (``chain_position``, ``hash``;
a trigger lets a head move only forward, one event at a time). It owns nothing, so it
cannot drop or disable the triggers, and it has no UPDATE, DELETE or TRUNCATE on events or
checkpoints. Run ``grant_app_role`` as the owner after every ``db upgrade``: tables added
by later migrations get their grants then.
"""

from __future__ import annotations

import re
from typing import Optional

from sqlalchemy import Connection, Engine, text

from ...errors import ConfigError

AUDIT_INSERT_ONLY = ("audit_events", "audit_checkpoints")
AUDIT_HEADS = "audit_heads"
HEAD_COLUMNS = ("chain_position", "hash")
READ_ONLY = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quote_literal(conn: Connection, value: str) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(conn.connection.driver_connection)


def _check_role(conn: Connection, name: str) -> None:
    row = conn.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if row and (row.rolsuper or row.rolbypassrls):
        raise ConfigError(f"role {name} is a superuser (or bypasses row security): the application role must be an ordinary role")
    owned = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = :n"), {"n": name}).scalars().all()
    if owned:
        raise ConfigError(f"role {name} owns {', '.join(sorted(owned))}: the application must log in as a role that owns nothing")


def grant_app_role(engine: Engine, name: str, password: Optional[str] = None) -> dict:
    """Create (if missing) and grant the application role ``name``; returns what was granted."""
    if engine.dialect.name != "postgresql":
        raise ConfigError("grant-app-role is for PostgreSQL; the embedded SQLite database has no roles")
    if not ROLE_NAME.match(name):
        raise ConfigError(f"role name {name!r}: use lower-case letters, digits and _")
    with engine.begin() as conn:
        _check_role(conn, name)
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT'))
        if password:
            conn.execute(text(f'ALTER ROLE "{name}" WITH LOGIN PASSWORD {_quote_literal(conn, password)}'))
        database, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")).scalars().all()
        special = set(AUDIT_INSERT_ONLY) | {AUDIT_HEADS} | set(READ_ONLY)
        ordinary = [t for t in tables if t not in special]
        statements = [f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"', f'GRANT USAGE ON SCHEMA "{schema}" TO "{name}"']
        # Start from nothing on every table, so a grant made by hand earlier does not linger.
        statements += [f'REVOKE ALL ON "{t}" FROM "{name}"' for t in tables]
        statements += [f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{t}" TO "{name}"' for t in ordinary]
        statements += [f'GRANT SELECT, INSERT ON "{t}" TO "{name}"' for t in AUDIT_INSERT_ONLY if t in tables]
        if AUDIT_HEADS in tables:
            statements.append(f'GRANT SELECT, UPDATE ({", ".join(HEAD_COLUMNS)}) ON "{AUDIT_HEADS}" TO "{name}"')
        statements += [f'GRANT SELECT ON "{t}" TO "{name}"' for t in READ_ONLY if t in tables]
        # Identity columns and the audit seq draw from sequences.
        statements.append(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{name}"')
        for statement in statements:
            conn.execute(text(statement))
    return {"role": name, "database": database, "tables": len(ordinary), "audit_insert_only": list(AUDIT_INSERT_ONLY),
            "audit_heads_update": list(HEAD_COLUMNS)}
