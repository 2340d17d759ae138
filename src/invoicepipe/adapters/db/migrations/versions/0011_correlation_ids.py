"""correlation ids: the id an upload, drop or API call started, kept on its documents

Every log line and audit event of a document carries it from ingest to export; the row
is where a re-sent message (sweeper, older message) finds it again.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("correlation_id", sa.String(length=64), nullable=True))
        batch.create_index("ix_documents_correlation_id", ["correlation_id"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_correlation_id")
        batch.drop_column("correlation_id")
