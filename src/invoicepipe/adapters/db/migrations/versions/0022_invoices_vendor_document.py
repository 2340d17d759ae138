"""a vendor's latest invoices by arrival, for its numbering

Every parse of a resolved vendor reads the numbers of its latest approved invoices (the
extractor checks the new invoice's number against the vendor's series,
``domain/extraction/number_series``). Ordered by document id within the vendor, the read
is the index's last entries for that vendor; without it a vendor with many invoices had
all of them sorted for every parse.

Revision ID: 0022_invoices_vendor_document
Revises: 0021_cost_day_slots
"""
from alembic import op

revision = "0022_invoices_vendor_document"
down_revision = "0021_cost_day_slots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_vendor_document", ["vendor_id", "document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_vendor_document")
