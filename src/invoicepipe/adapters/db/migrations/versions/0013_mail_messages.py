"""mail messages: the ledger of what the IMAP poller took from a mailbox

One row per message taken (or refused) from a mailbox. The Message-ID (as its sha256, so
any length fits a unique index) and the content's sha256 are each unique: a message is
taken once even when it is delivered twice, copied back into the inbox, or seen by two
pollers at the same moment. The row is claimed first (``claimed_by`` until
``claimed_until``), so a poller that dies half-way leaves a claim another one takes over
once it has expired.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("mailbox", sa.String(length=300), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id_header", sa.String(length=500), nullable=True),
        sa.Column("message_key", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("message_db_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_key", name="uq_mail_messages_message_key"),
        sa.UniqueConstraint("sha256", name="uq_mail_messages_sha256"),
        sa.UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_mail_messages_uid"),
    )
    op.create_index("ix_mail_messages_outcome", "mail_messages", ["outcome"])


def downgrade() -> None:
    op.drop_index("ix_mail_messages_outcome", table_name="mail_messages")
    op.drop_table("mail_messages")
