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
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")



def trigram_index(name: str, column: str) -> Index:
    """A pg_trgm GIN index (substring LIKE/ILIKE through the index); PostgreSQL only."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


# SQLite's stand-in for the trigram indexes: an FTS5 table with the trigram tokenizer,
# rowid = documents.id, kept by triggers (migration 0018). It is not in this metadata
# (a virtual table has no Core form); tests/integration/test_schema.py knows its names.
SQLITE_SEARCH_TABLE = "document_search"
SQLITE_SEARCH_COLUMNS = ("number_norm", "number_bare", "po_bare", "filename")

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
    # The worker working on the document outside a transaction, and until when (renewed by
    # its heartbeat); the sweeper leaves a document with a live lease alone.
    Column("lease_owner", String(200)),
    Column("lease_expires_at", DateTime(timezone=True)),
    # The id the upload, drop or API call that brought it started (logs.py); every log line
    # and audit event of the document carries it, up to export (migration 0011).
    Column("correlation_id", String(64), index=True),
    Index("ix_documents_status_updated", "status", "updated_at"),
    trigram_index("ix_documents_filename_trgm", "filename"),
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
    # The number and the PO as search folds them (domain.invoice_numbers.search_key),
    # written with the other columns (services.parse.invoice_columns), migration 0018.
    Column("invoice_number_bare", String(128)),
    Column("invoice_date", String(10)),
    Column("total", Numeric(18, 2)),
    Column("currency", String(3)),
    Column("po_number", String(64)),
    Column("po_number_bare", String(64)),
    Column("document_type", String(16)),
    Column("channel", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_invoices_vendor_number", "vendor_id", "invoice_number_norm"),
    # A number looked up across vendors, for an invoice whose vendor was not resolved (0008).
    Index("ix_invoices_number", "invoice_number_norm"),
    # The amount block of duplicate detection ranges over the date window (migration 0003).
    Index("ix_invoices_vendor_total_date", "vendor_id", "total", "invoice_date"),
    Index("ix_invoices_po", "po_number"),
    # A vendor's latest invoices by arrival: their numbers, for its numbering (migration 0022).
    Index("ix_invoices_vendor_document", "vendor_id", "document_id"),
    # A fragment of one or two characters cannot use trigrams: it matches a whole folded
    # number or PO exactly, through these (services.document_search).
    Index("ix_invoices_number_bare", "invoice_number_bare"),
    # Search by an amount range without a vendor: a narrow range is a few rows of this index.
    Index("ix_invoices_total", "total"),
    Index("ix_invoices_po_bare", "po_number_bare"),
    # Fragments of three characters or more: trigram indexes (PostgreSQL's pg_trgm; SQLite
    # keeps an FTS5 trigram table, SQLITE_SEARCH_TABLE, maintained by triggers).
    *(trigram_index(f"ix_invoices_{column}_trgm", column) for column in ("invoice_number_norm", "invoice_number_bare", "po_number_bare")),
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

# The audit log (domain.audit): partitioned hash chains keyed with a secret that is not in
# the database. ``seq`` orders every event globally (a database sequence on PostgreSQL);
# ``chain_partition`` / ``chain_position`` place it in its partition's chain. Rows written
# before partitions existed are partition 0 with no position (their seq is their place).
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
    Column("chain_partition", Integer, nullable=False, server_default="0"),
    Column("chain_position", BigInteger),
    Column("key_id", String(32)),  # the rotated audit key that signed it; NULL: the base key
    Index("ix_audit_step_created", "step", "created_at"),
    Index("ux_audit_chain_position", "chain_partition", "chain_position", unique=True),
)

# PostgreSQL only: where ``seq`` comes from (SQLite writers are serialised, max + 1 is safe).
AUDIT_SEQ = "audit_events_seq"

# One row per partition: the position and hash of its last event. An appender locks only
# its partition's row, so appenders of different partitions do not wait on one another.
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("chain_partition", Integer, primary_key=True, autoincrement=False),
    Column("chain_position", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Every checkpoint written to the checkpoint file, so a file cut short shows (the file is
# the anchor outside the database; this is its index inside).
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("counter", BigInteger, primary_key=True, autoincrement=False),
    Column("root", String(64), nullable=False),
    Column("sig", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)

# A person's release of one blocking finding: the code and a digest of its evidence (so the
# override lapses when the finding changes), the role they held, and their note.
reason_overrides = Table(
    "reason_overrides",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("code", String(64), nullable=False),
    Column("digest", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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


# -- web: accounts, sessions, review queue -------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # reviewer | controller | admin | integrator
    Column("password_hash", String(200)),  # argon2id; NULL for API-only accounts (no UI login)
    Column("active", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Server-side sessions: the cookie carries a random token, the table only its sha256.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
)

# Failed logins, kept in the database so the rate limit holds across processes.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_user_ip_at", "username", "ip", "failed_at"),
)

review_holds = Table(
    "review_holds",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("note", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Who is working on a document in review: claimed by the person themselves (short expiry,
# renewed while they work) or assigned by someone else (longer). Read at query time beside
# the queue's read model, like holds, so claiming never rebuilds a queue row.
review_claims = Table(
    "review_claims",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("assigned_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Comments on an invoice, with the people they mention (audited as well).
review_comments = Table(
    "review_comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("mentions", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A person's named queue filters ("my work", "bank findings over 10k").
saved_filters = Table(
    "saved_filters",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("query", String(1000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),
)

# Read model of the review queue: one row per document in review, rebuilt whenever the
# document's version changes, so the queue page sorts and filters one narrow table instead
# of joining documents and parsing extraction JSON for every row.
review_queue = Table(
    "review_queue",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("doc_version", Integer, nullable=False),
    Column("filename", String(500), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("vendor_id", String(64)),
    Column("vendor_name", String(300)),
    Column("invoice_number", String(128)),
    Column("due_date", String(10)),
    Column("total", Numeric(18, 2)),
    Column("currency", String(3)),
    Column("min_confidence", Float),
    Column("reason_codes", JSON, nullable=False),
    # Sort keys: plain non-null columns (unknown values are sentinels that sort last; a NULL
    # would make a row comparison unknown and drop rows from keyset pages), one index per
    # sort order in exactly that order (adapters/db/review.py SORT_KEYS).
    Column("due_key", String(10), nullable=False),
    Column("amount_key", Numeric(18, 2), nullable=False),
    Column("vendor_missing", SmallInteger, nullable=False),
    Column("vendor_sort", String(300), nullable=False),
    Column("confidence_key", Float, nullable=False),
    Index("ix_review_queue_priority", "due_key", "amount_key", "received_at", "document_id"),
    Index("ix_review_queue_amount", "amount_key", "due_key", "received_at", "document_id"),
    Index("ix_review_queue_age", "received_at", "due_key", "amount_key", "document_id"),
    Index("ix_review_queue_vendor", "vendor_missing", "vendor_sort", "due_key", "amount_key", "received_at", "document_id"),
    Index("ix_review_queue_confidence", "confidence_key", "due_key", "amount_key", "received_at", "document_id"),
)

review_queue_reasons = Table(
    "review_queue_reasons",
    metadata,
    Column("document_id", ForeignKey("review_queue.document_id"), primary_key=True),
    Column("code", String(64), primary_key=True, index=True),
)

# Counts kept beside the queue (per reason code, channel, reason within a channel, vendor,
# and "*" for all; adapters/db/review.count_keys), so a page never counts a million rows.
# A key holds a vendor id and name, hence its width.
review_queue_counts = Table(
    "review_queue_counts",
    metadata,
    Column("code", String(400), primary_key=True),
    Column("documents", Integer, nullable=False),
)

# Where each vendor prints its fields (domain.layout_memory as JSON), learned from reviews;
# the sources table makes learning a correction idempotent.
layout_memory = Table(
    "layout_memory",
    metadata,
    Column("vendor_key", String(300), primary_key=True),
    Column("layout", JSON, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

layout_memory_sources = Table(
    "layout_memory_sources",
    metadata,
    Column("extraction_id", ForeignKey("extractions.id"), primary_key=True),
    Column("vendor_key", String(300)),
    Column("learned_at", DateTime(timezone=True), nullable=False),
)

# Content fingerprints (domain.fingerprints.ContentPrint as JSON), one per parsed document,
# and their locality-sensitive index keys: two documents sharing a band key are compared.
# The lookup is one range of ix_content_print_bands_key per key, newest documents first.
content_prints = Table(
    "content_prints",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("version", String(16), nullable=False),
    Column("print", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

content_print_bands = Table(
    "content_print_bands",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("band", String(16), primary_key=True),  # text:0..15, page1:0..3
    Column("band_key", BigInteger, nullable=False),
    Index("ix_content_print_bands_key", "band_key", "document_id"),
)

# The IMAP poller's ledger: one row per message taken (or refused) from a mailbox
# (migration 0013). Message-ID (as its sha256) and content hash are each unique, so a message
# is taken once however often it is delivered or however many pollers see it; a claim with
# an expiry lets another poller finish what a dead one started.
mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("mailbox", String(300), nullable=False),  # user@host:port/folder, never a password
    Column("uidvalidity", BigInteger, nullable=False),
    Column("uid", BigInteger, nullable=False),
    Column("message_id_header", String(500)),
    Column("message_key", String(64)),  # sha256 of the Message-ID header
    Column("sha256", String(64)),  # of the whole message; NULL when refused unread (too big)
    Column("size_bytes", BigInteger, nullable=False),
    Column("outcome", String(16), nullable=False, index=True),  # claimed | taken | rejected
    Column("reason", Text),
    Column("message_db_id", ForeignKey("messages.id")),
    Column("claimed_by", String(200)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("message_key", name="uq_mail_messages_message_key"),
    UniqueConstraint("sha256", name="uq_mail_messages_sha256"),
    UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_mail_messages_uid"),
)

# -- outgoing webhooks (migration 0014) ------------------------------------------------------

# Who wants document state changes: a URL, the secret its deliveries are signed with (it must
# be read back to sign, so it is stored; shown once when made, never listed), the states it
# wants (",exported,export_failed," or "*") and, optionally, the account whose uploads it
# follows ("user:NAME", matched against the arrival events of the trail).
webhook_subscribers = Table(
    "webhook_subscribers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),
    Column("events", String(500), nullable=False),
    Column("owner", String(200)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name", name="uq_webhook_subscribers_name"),
)

# A counter per table that processes keep in memory (the webhook subscribers, the vendor
# master): a trigger adds one on every write to the table, whoever writes (migration 0020),
# so a process reads this one row to know whether its copy is still the database's.
data_versions = Table(
    "data_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# One row per state change and matching subscriber, written in the transaction of the change:
# pending -> delivered, or dead after the retry budget or a refusal (replayable).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subscriber_id", Id, ForeignKey("webhook_subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("audit_seq", BigInteger, nullable=False),
    Column("document_id", BigInteger, index=True),
    Column("event_type", String(64), nullable=False),
    Column("idempotency_key", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("subscriber_id", "idempotency_key", name="uq_webhook_deliveries_subscriber_key"),
    Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),
)

# The cost ledger (domain/costs.py): one row per parse attempt, opened with the allowance the
# parse was granted and settled with what its engine calls spent (``outcome`` running ->
# metered, or lost: spend unknown, counted at most at the allowance), and one row per UTC day
# with the running totals and the allowances of the parses still running (reserved), so the
# day's ceiling holds across processes and restarts. A day is 16 rows (``costs.SLOTS``; migration
# 0021; ``adapters/db/costs.py``): a parse counts on its document's slot, the day's figures
# are the sum over its slots, and each slot holds its share of what the day's ceiling leaves
# (``share_*``, apportioned from the ceiling ``share_of_*``), so parses granted at the same
# moment lock different rows, not one.
cost_ledger = Table(
    "cost_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("settled_at", DateTime(timezone=True)),
    Column("outcome", String(16), nullable=False),
    Column("policy_version", String(64), nullable=False),
    Column("allowance", JSON, nullable=False),
    Column("cpu_seconds", Float, nullable=False, default=0.0),
    Column("calls", Integer, nullable=False, default=0),
    Column("cost", Float, nullable=False, default=0.0),
    Column("engines", JSON),
    Column("ceiling", JSON),
    Index("ix_cost_ledger_document", "document_id", "id"),
)

cost_days = Table(
    "cost_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("slot", Integer, primary_key=True, autoincrement=False),
    Column("cpu_seconds", Float, nullable=False, default=0.0),
    Column("calls", Integer, nullable=False, default=0),
    Column("cost", Float, nullable=False, default=0.0),
    Column("reserved_cpu_seconds", Float, nullable=False, default=0.0),
    Column("reserved_calls", Integer, nullable=False, default=0),
    Column("reserved_cost", Float, nullable=False, default=0.0),
    Column("parses", Integer, nullable=False, default=0),
    Column("ceiling_hits", Integer, nullable=False, default=0),
    Column("engines", JSON),
    Column("share_cpu_seconds", Float),
    Column("share_calls", Integer),
    Column("share_cost", Float),
    Column("share_of_cpu_seconds", Float),
    Column("share_of_calls", Integer),
    Column("share_of_cost", Float),
)

# The shared blob store (migration 0017, adapters/blobs_db.py): the bytes of a blob in
# pieces of at most 1 MiB, and one row per blob written last in the same transaction, so a
# ``blobs`` row means every piece is there. Content-addressed: rows are never updated.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

blob_chunks = Table(
    "blob_chunks",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)
