"""duplicate blocking by amount also ranges over the invoice date

The amount block of duplicate detection asks for one vendor's invoices of one amount dated
within the duplicate window. A vendor that bills the same amount every month piles up
thousands of rows under (vendor_id, total); with invoice_date as the third column the
lookup is a range scan of the window instead of a walk over all of them. The new index
serves every query the old one did, which is dropped.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_vendor_total_date", ["vendor_id", "total", "invoice_date"], unique=False)
        batch_op.drop_index("ix_invoices_vendor_total")


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_vendor_total", ["vendor_id", "total"], unique=False)
        batch_op.drop_index("ix_invoices_vendor_total_date")
