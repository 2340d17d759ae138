"""document search through trigram indexes: folded number and PO columns, pg_trgm / FTS5

Search by a fragment of an invoice number, PO or file name was a substring scan of every
invoice (and the number test ORed a replace() chain no index can serve). The number and
the PO are now also stored folded (``domain.invoice_numbers.search_key``), backfilled here
a batch at a time, and every searchable text has a trigram index (and the total a B-tree,
for an amount range searched without a vendor):

* PostgreSQL: the pg_trgm extension (shipped with the server; a trusted extension, so the
  database owner running migrations may create it) and a GIN index per column; LIKE
  '%fragment%' and ILIKE use them.
* SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later), one row per
  document (rowid = documents.id), kept by triggers on documents and invoices. On an older
  SQLite the table is not created and search falls back to scanning (a warning says so).

Revision ID: 0018
Revises: 0016
"""
import warnings

from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

BATCH = 5000
TRIGRAM_INDEXES = {"ix_invoices_invoice_number_norm_trgm": ("invoices", "invoice_number_norm"),
                   "ix_invoices_invoice_number_bare_trgm": ("invoices", "invoice_number_bare"),
                   "ix_invoices_po_number_bare_trgm": ("invoices", "po_number_bare"),
                   "ix_documents_filename_trgm": ("documents", "filename")}
FTS = "document_search"
SQLITE_TRIGGERS = {
    "document_search_doc_insert": f"AFTER INSERT ON documents BEGIN INSERT INTO {FTS}(rowid, filename) VALUES (new.id, new.filename); END",
    "document_search_doc_rename": f"AFTER UPDATE OF filename ON documents BEGIN UPDATE {FTS} SET filename = new.filename WHERE rowid = new.id; END",
    "document_search_doc_delete": f"AFTER DELETE ON documents BEGIN DELETE FROM {FTS} WHERE rowid = old.id; END",
    "document_search_invoice_insert": (f"AFTER INSERT ON invoices BEGIN UPDATE {FTS} SET number_norm = new.invoice_number_norm, "
                                       "number_bare = new.invoice_number_bare, po_bare = new.po_number_bare WHERE rowid = new.document_id; END"),
    "document_search_invoice_update": (f"AFTER UPDATE OF invoice_number_norm, invoice_number_bare, po_number_bare ON invoices BEGIN "
                                       f"UPDATE {FTS} SET number_norm = new.invoice_number_norm, number_bare = new.invoice_number_bare, "
                                       "po_bare = new.po_number_bare WHERE rowid = new.document_id; END"),
    "document_search_invoice_delete": (f"AFTER DELETE ON invoices BEGIN UPDATE {FTS} SET number_norm = NULL, number_bare = NULL, "
                                       "po_bare = NULL WHERE rowid = old.document_id; END"),
}


def _backfill(conn) -> None:
    """Fold the numbers and POs already stored, BATCH invoices per statement (a million
    invoices never sit in memory at once)."""
    from invoicepipe.domain.invoice_numbers import search_key

    inv = sa.table("invoices", sa.column("document_id"), sa.column("invoice_number"), sa.column("po_number"),
                   sa.column("invoice_number_bare"), sa.column("po_number_bare"))
    update = (sa.update(inv).where(inv.c.document_id == sa.bindparam("doc"))
              .values(invoice_number_bare=sa.bindparam("bare"), po_number_bare=sa.bindparam("po")))
    last = -1
    while True:
        rows = conn.execute(sa.select(inv.c.document_id, inv.c.invoice_number, inv.c.po_number).where(inv.c.document_id > last)
                            .order_by(inv.c.document_id).limit(BATCH)).all()
        if not rows:
            return
        changed = [{"doc": r.document_id, "bare": search_key(r.invoice_number) if r.invoice_number else None,
                    "po": search_key(r.po_number)[:64] if r.po_number else None} for r in rows if r.invoice_number or r.po_number]
        if changed:
            conn.execute(update, changed)
        last = rows[-1].document_id


def _sqlite_has_trigram_fts(conn) -> bool:
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
        conn.exec_driver_sql("DROP TABLE temp.trigram_probe")
        return True
    except sa.exc.OperationalError:
        return False


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("invoices", sa.Column("invoice_number_bare", sa.String(length=128), nullable=True))
    op.add_column("invoices", sa.Column("po_number_bare", sa.String(length=64), nullable=True))
    _backfill(conn)
    op.create_index("ix_invoices_number_bare", "invoices", ["invoice_number_bare"], unique=False)
    op.create_index("ix_invoices_po_bare", "invoices", ["po_number_bare"], unique=False)
    op.create_index("ix_invoices_total", "invoices", ["total"], unique=False)
    if conn.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, (table, column) in TRIGRAM_INDEXES.items():
            op.create_index(name, table, [column], unique=False, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    elif conn.dialect.name == "sqlite":
        if not _sqlite_has_trigram_fts(conn):
            warnings.warn("this SQLite has no FTS5 trigram tokenizer (3.34 or later): document search scans instead of using an index")
            return
        # detail='none' would be smaller but cannot answer phrase (substring) queries.
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(number_norm, number_bare, po_bare, filename, tokenize='trigram')")
        op.execute(f"INSERT INTO {FTS}(rowid, number_norm, number_bare, po_bare, filename) "
                   "SELECT d.id, i.invoice_number_norm, i.invoice_number_bare, i.po_number_bare, d.filename "
                   "FROM documents d LEFT JOIN invoices i ON i.document_id = d.id")
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name, (table, _column) in TRIGRAM_INDEXES.items():
            op.drop_index(name, table_name=table)
    elif conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index("ix_invoices_total", table_name="invoices")
    op.drop_index("ix_invoices_po_bare", table_name="invoices")
    op.drop_index("ix_invoices_number_bare", table_name="invoices")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("po_number_bare")
        batch.drop_column("invoice_number_bare")
