"""SQLAlchemy Core tables: the system of record.

Core tables (not ORM classes) keep the domain free of persistence: repositories translate
rows into the plain dataclasses of ``domain.models``. The Alembic migrations under
``migrations/versions`` create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("message_id_header", String(500)),
    Column("sender", String(500)),
    Column("subject", String(1000)),
    Column("attachment_count", Integer, nullable=False, default=0),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("filename", String(500), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("media_type", String(64)),
    Column("size_bytes", BigInteger, nullable=False),
    Column("page_count", Integer),
    Column("status", String(16), nullable=False, index=True),
    Column("pool", String(8)),
    Column("reason", Text),
    Column("message_db_id", ForeignKey("messages.id")),
    Column("attempts", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_documents_status_updated", "status", "updated_at"),
)

arrivals = Table(
    "arrivals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("message_db_id", ForeignKey("messages.id")),
    Column("arrived_at", DateTime(timezone=True), nullable=False),
)

extractions = Table(
    "extractions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("extractor_version", String(64), nullable=False),
    Column("reader", String(128), nullable=False),
    Column("fields", JSON, nullable=False),  # {name: {value, confidence, page, box, method}}
    Column("lines", JSON, nullable=False),
    Column("pages", JSON, nullable=False),  # [{number, width, height, method}]
    Column("warnings", JSON, nullable=False),
    Column("source", String(16), nullable=False),  # machine | review
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row per extracted invoice, with the columns duplicate detection blocks on.
invoices = Table(
    "invoices",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("vendor_id", String(64)),
    Column("invoice_number", String(128)),
    Column("invoice_number_norm", String(128)),
    Column("invoice_date", String(10)),
    Column("total", Numeric(18, 2)),
    Column("currency", String(3)),
    Column("po_number", String(64)),
    Column("document_type", String(16)),
    Column("channel", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_invoices_vendor_number", "vendor_id", "invoice_number_norm"),
    Index("ix_invoices_vendor_total", "vendor_id", "total"),
    Index("ix_invoices_po", "po_number"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("stage", String(16), nullable=False),  # route | reconcile | review
    Column("outcome", String(32), nullable=False),
    Column("reasons", JSON, nullable=False),  # [{code, message, evidence}]
    Column("policy_version", String(64)),
    Column("actor", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

vendors = Table(
    "vendors",
    metadata,
    Column("vendor_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("tax_id", String(40), index=True),
    Column("bank_accounts", JSON, nullable=False),  # [{iban, changed_at}]
    Column("currency", String(3)),
    Column("payment_terms_days", Integer),
    Column("active", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("po_number", String(64), primary_key=True),
    Column("vendor_id", String(64), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

goods_receipts = Table(
    "goods_receipts",
    metadata,
    Column("receipt_id", String(64), primary_key=True),
    Column("po_number", String(64), nullable=False, index=True),
    Column("received_on", String(10), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("source", String(500), nullable=False),
    Column("row_number", Integer),
    Column("row", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("document_id", BigInteger, index=True),
    Column("step", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("reasons", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("extractor_version", String(64)),
    Column("policy_version", String(64)),
    Column("created_at", String(40), nullable=False),  # ISO text: hashed exactly as stored
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_step_created", "step", "created_at"),
)

# A single row: the last seq and hash. Appenders lock it, which serialises the chain.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, unique=True),
    Column("idempotency_key", String(80), nullable=False, unique=True),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
