"""audit key ids: which audit key signed each event

Rotating the audit key (``invoicepipe audit rotate-key``) never re-signs history: each event
names the key that made its HMAC (NULL: the base key, so every earlier row is unchanged),
and the verifier checks it with that key from the keyring held outside the database. The
id is signed with the event, so relabelling it shows. The application role keeps INSERT
and SELECT only on this table (a new column inherits the table's grants).

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN (no batch copy): SQLite would drop the append-only
    # triggers with a copied table; a nullable column without a default rewrites no row.
    op.add_column("audit_events", sa.Column("key_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "key_id")
