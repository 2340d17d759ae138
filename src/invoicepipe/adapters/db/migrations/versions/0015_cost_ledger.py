"""cost ledger: what every parse was granted and spent, per document and per UTC day

The day's cost ceiling must hold across processes and restarts, so the spend lives here
rather than only in Prometheus counters (domain/costs.py, services/costs.py).

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cost_ledger",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("document_id", Id, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("allowance", sa.JSON(), nullable=False),
        sa.Column("cpu_seconds", sa.Float(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("engines", sa.JSON(), nullable=True),
        sa.Column("ceiling", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cost_ledger_document", "cost_ledger", ["document_id", "id"])
    op.create_table(
        "cost_days",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("cpu_seconds", sa.Float(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("reserved_cpu_seconds", sa.Float(), nullable=False),
        sa.Column("reserved_calls", sa.Integer(), nullable=False),
        sa.Column("reserved_cost", sa.Float(), nullable=False),
        sa.Column("parses", sa.Integer(), nullable=False),
        sa.Column("ceiling_hits", sa.Integer(), nullable=False),
        sa.Column("engines", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("cost_days")
    op.drop_index("ix_cost_ledger_document", table_name="cost_ledger")
    op.drop_table("cost_ledger")
