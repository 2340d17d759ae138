"""data versions: a counter per cached table, moved by a trigger on every write

Every state change looked up the webhook subscribers that want it, and every parse read the
whole vendor master. Processes now keep both in memory and check one counter row instead:
``data_versions`` holds a version for ``webhook_subscribers`` and ``vendors`` that a trigger
adds one to on every INSERT, UPDATE or DELETE (and TRUNCATE on PostgreSQL), whoever writes
(the loader, the CLI, an operator's SQL), in the writer's transaction. A reader that sees
the version it cached has the database's rows.

Revision ID: 0020_data_versions
Revises: 0019_queue_counts_by_vendor
"""
from alembic import op
import sqlalchemy as sa

revision = "0020_data_versions"
down_revision = "0019_queue_counts_by_vendor"
branch_labels = None
depends_on = None

CACHED_TABLES = ("webhook_subscribers", "vendors")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION data_versions_bump() RETURNS trigger AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    for name in CACHED_TABLES:
        op.execute(f"INSERT INTO data_versions (name, version) VALUES ('{name}', 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for name in CACHED_TABLES:
            # once per statement: a statement that writes many rows moves the version once
            op.execute(f"CREATE TRIGGER {name}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION data_versions_bump()")
        return
    for name in CACHED_TABLES:
        for action in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {name}_version_{action.lower()} AFTER {action} ON {name} "
                       f"BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{name}'; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in CACHED_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_version ON {name}")
        op.execute("DROP FUNCTION IF EXISTS data_versions_bump()")
    else:
        for name in CACHED_TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_version_{action}")
    op.drop_table("data_versions")
