"""review queue counts per vendor and per reason within a channel: a wider count key

A queue filtered by vendor, or by a reason and a channel together, counted its total up to
10,000 matching rows; at a million documents a filter that matches 5 % reads 200,000 rows
for that (150–500 ms on PostgreSQL). ``review_queue_counts`` now also keeps a count per
vendor (id and name) and per (channel, reason), so its key must hold a vendor name. The
new keys appear at the next full comparison (the first queue request of every process
recounts), so nothing is backfilled here.

Revision ID: 0019_queue_counts_by_vendor
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_queue_counts_by_vendor"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_queue_counts") as batch:
        batch.alter_column("code", existing_type=sa.String(length=64), type_=sa.String(length=400), existing_nullable=False)


def downgrade() -> None:
    # The older code would list vendor keys among the reasons (per-channel keys it ignores).
    op.execute("DELETE FROM review_queue_counts WHERE code LIKE 'vendor:%'")
    with op.batch_alter_table("review_queue_counts") as batch:
        batch.alter_column("code", existing_type=sa.String(length=400), type_=sa.String(length=64), existing_nullable=False)
