"""per-vendor layout memory learned from reviewers' corrections

``layout_memory`` holds, per vendor key (master id, or ``name:`` plus the printed name),
where the vendor prints each field, as JSON the extractor reads. ``layout_memory_sources``
records which review extraction taught it, so each correction is learned once.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "layout_memory",
        sa.Column("vendor_key", sa.String(length=300), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vendor_key"),
    )
    op.create_table(
        "layout_memory_sources",
        sa.Column("extraction_id", Id, nullable=False),
        sa.Column("vendor_key", sa.String(length=300), nullable=True),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["extraction_id"], ["extractions.id"]),
        sa.PrimaryKeyConstraint("extraction_id"),
    )


def downgrade() -> None:
    op.drop_table("layout_memory_sources")
    op.drop_table("layout_memory")
