"""audit chain in keyed partitions, one head row each; checkpoint index; guard triggers

- ``audit_events`` gains ``chain_partition`` and ``chain_position``. Every existing row
  becomes partition 0, the legacy chain: its rows keep their hashes (plain sha256, position
  = seq) and are verified with that rule; nothing is re-chained or updated.
- ``audit_head`` (one row every appender locked) is replaced by ``audit_heads``: partition
  0 takes the old head, partitions 1..16 start empty.
- ``audit_checkpoints`` records each checkpoint written to the checkpoint file.
- PostgreSQL: ``audit_events_seq`` gives ``seq`` (starting after the legacy rows).
- Triggers: a head row only moves forward, one position at a time, and is never deleted;
  checkpoints are append-only; on PostgreSQL TRUNCATE of the audit tables is refused. (A
  head moved without its event, which the application's role could do, shows in `audit
  verify` as a head past the end of its chain.) (The application's
  role has no right to drop them; see ``invoicepipe db grant-app-role``.)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PARTITIONS = 16  # adapters/db/audit.PARTITIONS at the time of writing; a migration must not import app code
GENESIS_HASH = "0" * 64
AUDIT_TABLES = ("audit_events", "audit_heads", "audit_checkpoints")

PG_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION audit_heads_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_heads rows are never deleted';
    END IF;
    IF NEW.chain_partition <> OLD.chain_partition OR NEW.chain_position <> OLD.chain_position + 1 THEN
        RAISE EXCEPTION 'audit_heads only moves forward, one event at a time';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
""",
]

SQLITE_HEADS_FORWARD = """
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
WHEN NEW.chain_partition <> OLD.chain_partition OR NEW.chain_position <> OLD.chain_position + 1
BEGIN SELECT RAISE(ABORT, 'audit_heads only moves forward, one event at a time'); END
"""


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    # Plain ALTER TABLE ADD COLUMN (no batch copy): SQLite would drop the append-only triggers
    # with a copied table. The server default marks every existing row as the legacy chain.
    op.add_column("audit_events", sa.Column("chain_partition", sa.Integer(), server_default="0", nullable=False))
    op.add_column("audit_events", sa.Column("chain_position", sa.BigInteger(), nullable=True))
    op.create_index("ux_audit_chain_position", "audit_events", ["chain_partition", "chain_position"], unique=True)

    op.create_table(
        "audit_heads",
        sa.Column("chain_partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain_position", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain_partition"),
    )
    op.execute("INSERT INTO audit_heads (chain_partition, chain_position, hash) SELECT 0, seq, hash FROM audit_head WHERE id = 1")
    heads = sa.table("audit_heads", sa.column("chain_partition", sa.Integer), sa.column("chain_position", sa.BigInteger),
                     sa.column("hash", sa.String))
    op.bulk_insert(heads, [{"chain_partition": p, "chain_position": 0, "hash": GENESIS_HASH} for p in range(1, PARTITIONS + 1)])
    op.drop_table("audit_head")

    op.create_table(
        "audit_checkpoints",
        sa.Column("counter", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("sig", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("counter"),
    )

    if pg:
        op.execute("CREATE SEQUENCE audit_events_seq AS BIGINT OWNED BY audit_events.seq")
        op.execute("SELECT setval('audit_events_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events), false)")
        for fn in PG_FUNCTIONS:
            op.execute(fn)
        op.execute("CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE OR DELETE ON audit_heads "
                   "FOR EACH ROW EXECUTE FUNCTION audit_heads_forward_only()")
        op.execute("CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        for table in AUDIT_TABLES:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()")
    else:
        op.execute(SQLITE_HEADS_FORWARD)
        op.execute("CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads "
                   "BEGIN SELECT RAISE(ABORT, 'audit_heads rows are never deleted'); END")
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_checkpoints_no_{action.lower()} BEFORE {action} ON audit_checkpoints "
                       f"BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only ({action} refused)'); END")


def downgrade() -> None:
    # Only possible while no event was written to a keyed partition: those rows have no
    # place in the single legacy chain.
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_no_truncate()")
    op.drop_table("audit_checkpoints")
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO audit_head (id, seq, hash) SELECT 1, chain_position, hash FROM audit_heads WHERE chain_partition = 0")
    op.drop_table("audit_heads")  # its triggers go with it
    if pg:
        op.execute("DROP FUNCTION IF EXISTS audit_heads_forward_only()")
        op.execute("DROP SEQUENCE IF EXISTS audit_events_seq")
    op.drop_index("ux_audit_chain_position", table_name="audit_events")
    op.drop_column("audit_events", "chain_position")
    op.drop_column("audit_events", "chain_partition")
