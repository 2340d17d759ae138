"""review queue keyset: sort keys as plain non-null columns, an index per sort, counts kept

At a million documents in review, paging with OFFSET and sorting through CASE expressions
read the whole queue for every page, and next/previous loaded every queued id. Each sort
order is now a tuple of plain, non-null columns (unknown values become sentinels that sort
last) with an index in exactly that order, so a page is a range scan from a cursor; the
counts per reason and the queue total are kept in ``review_queue_counts``. Holds stay in
their own table, read at query time (held items are a second range after the others).

The queue table is a read model: it is dropped and created again, and the first queue
request rebuilds it from the documents in review (``services/review_queue.refresh_queue``).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SORT_INDEXES = {
    "ix_review_queue_priority": ["due_key", "amount_key", "received_at", "document_id"],
    "ix_review_queue_amount": ["amount_key", "due_key", "received_at", "document_id"],
    "ix_review_queue_age": ["received_at", "due_key", "amount_key", "document_id"],
    "ix_review_queue_vendor": ["vendor_missing", "vendor_sort", "due_key", "amount_key", "received_at", "document_id"],
    "ix_review_queue_confidence": ["confidence_key", "due_key", "amount_key", "received_at", "document_id"],
}


def upgrade() -> None:
    op.drop_index(op.f("ix_review_queue_reasons_code"), table_name="review_queue_reasons")
    op.drop_table("review_queue_reasons")
    op.drop_index("ix_review_queue_priority", table_name="review_queue")
    op.drop_table("review_queue")
    op.create_table(
        "review_queue",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("doc_version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vendor_id", sa.String(length=64), nullable=True),
        sa.Column("vendor_name", sa.String(length=300), nullable=True),
        sa.Column("invoice_number", sa.String(length=128), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("min_confidence", sa.Float(), nullable=True),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.Column("due_key", sa.String(length=10), nullable=False),
        sa.Column("amount_key", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("vendor_missing", sa.SmallInteger(), nullable=False),
        sa.Column("vendor_sort", sa.String(length=300), nullable=False),
        sa.Column("confidence_key", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    for name, columns in SORT_INDEXES.items():
        op.create_index(name, "review_queue", columns, unique=False)
    op.create_table(
        "review_queue_reasons",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["review_queue.document_id"]),
        sa.PrimaryKeyConstraint("document_id", "code"),
    )
    op.create_index(op.f("ix_review_queue_reasons_code"), "review_queue_reasons", ["code"], unique=False)
    op.create_table(
        "review_queue_counts",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("review_queue_counts")
    op.drop_index(op.f("ix_review_queue_reasons_code"), table_name="review_queue_reasons")
    op.drop_table("review_queue_reasons")
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="review_queue")
    op.drop_table("review_queue")
    op.create_table(
        "review_queue",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("doc_version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vendor_id", sa.String(length=64), nullable=True),
        sa.Column("vendor_name", sa.String(length=300), nullable=True),
        sa.Column("invoice_number", sa.String(length=128), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("min_confidence", sa.Float(), nullable=True),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_review_queue_priority", "review_queue", ["due_date", "total"], unique=False)
    op.create_table(
        "review_queue_reasons",
        sa.Column("document_id", Id, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["review_queue.document_id"]),
        sa.PrimaryKeyConstraint("document_id", "code"),
    )
    op.create_index(op.f("ix_review_queue_reasons_code"), "review_queue_reasons", ["code"], unique=False)
