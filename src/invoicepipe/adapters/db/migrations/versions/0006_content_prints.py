"""content fingerprints of parsed documents and their band keys

``content_prints`` holds one content print per document (``domain.fingerprints`` as
JSON); ``content_print_bands`` one row per locality-sensitive band key, indexed by
(band_key, document_id) so the candidate lookup reads only the matching keys, newest
documents first.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "content_prints",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("print", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "content_print_bands",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id", "band"),
    )
    op.create_index("ix_content_print_bands_key", "content_print_bands", ["band_key", "document_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_content_print_bands_key", table_name="content_print_bands")
    op.drop_table("content_print_bands")
    op.drop_table("content_prints")
