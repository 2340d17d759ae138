"""work leases: the worker holding a document in progress, and until when

A step that works outside a transaction (the parse) takes a lease in the transaction that
moves the document into progress, renews it while it works and releases it when it
commits. The sweeper re-sends only documents whose lease expired (or that hold none), so a
long parse is never run twice at once.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")
