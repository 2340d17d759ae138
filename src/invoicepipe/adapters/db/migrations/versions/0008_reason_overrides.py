"""overrides of blocking findings; invoice numbers looked up across vendors

``reason_overrides`` records who released which finding (its code and a digest of its
evidence), with the role they held and their note; the payment gate applies only those
whose digest still matches the finding. ``ix_invoices_number`` serves the duplicate lookup
of an invoice whose vendor was not resolved (by its number, across vendors).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reason_overrides",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("document_id", Id, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reason_overrides_document_id", "reason_overrides", ["document_id"])
    op.create_index("ix_invoices_number", "invoices", ["invoice_number_norm"])


def downgrade() -> None:
    op.drop_index("ix_invoices_number", table_name="invoices")
    op.drop_index("ix_reason_overrides_document_id", table_name="reason_overrides")
    op.drop_table("reason_overrides")
