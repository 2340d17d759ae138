"""shared blob store: blobs in 1 MiB pieces in the database, for workers on more machines

Workers on different machines cannot share a ``./var`` folder. With
``INVOICEPIPE_BLOB_URL=db:`` (or a ``postgresql://`` URL) the document bytes live in these
two tables (``adapters/blobs_db.py``): ``blob_chunks`` holds the pieces, ``blobs`` one row
per complete blob, written last in the same transaction. Ordinary tables, so the
application role gets its usual grants (large objects would belong to whichever role
created them and need grants of their own).

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq"),
    )


def downgrade() -> None:
    op.drop_table("blob_chunks")
    op.drop_table("blobs")
