"""Repository for documents, arrivals, messages, extractions, invoices and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import Connection, and_, bindparam, func, insert, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from ...errors import NotFound
from ...domain.models import Box, Document, ExtractedField, Extraction, LineItem, Reason, Status
from . import tables as t
from .costs import METERED
from .engine import dialect_insert, dialect_insert_for
from .duplicate_queries import PAID, candidates_query, none_of, one_of

# States whose invoice bills nothing: sent back, never read, or a copy of another.
NOT_BILLING = [Status.REJECTED.value, Status.FAILED.value, Status.DUPLICATE.value]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _free_for(holder: Optional[str], now: datetime):
    """No one but ``holder`` holds a live lease on the row."""
    c = t.documents.c
    free = [c.lease_owner.is_(None), c.lease_expires_at.is_(None), c.lease_expires_at < now]
    return or_(*free, c.lease_owner == holder) if holder is not None else or_(*free)


_GET = select(t.documents).where(t.documents.c.id == bindparam("doc_id"))
_BY_SHA256 = select(t.documents).where(t.documents.c.sha256 == bindparam("sha256"))
# The new row comes back from the INSERT itself: an ingest needs the stored document (its
# first audit event reads it), and a SELECT after the INSERT was one more round trip.
_INSERT_DOCUMENT = insert(t.documents).returning(*t.documents.c)


@lru_cache(maxsize=4)
def _insert_new_document_statement(dialect: str, draw_seq: bool = False):
    """``insert_new``'s statement: the INSERT doing nothing when the bytes are stored already;
    ``draw_seq`` (PostgreSQL): it also returns the seq of the document's first audit event."""
    columns = [*t.documents.c, *([func.nextval(literal_column(f"'{t.AUDIT_SEQ}'"))] if draw_seq else [])]
    return dialect_insert_for(dialect)(t.documents).on_conflict_do_nothing(index_elements=["sha256"]).returning(*columns)


# The columns a new document is inserted with (``insert_new_drawing_seq``'s parameters).
_NEW_DOCUMENT_COLUMNS = ("sha256", "filename", "channel", "media_type", "size_bytes", "status", "reason", "message_db_id",
                         "attempts", "version", "created_at", "updated_at", "correlation_id")


def _insert_new_document_with_arrival_statement():
    """PostgreSQL: ``_insert_new_document_statement(draw_seq=True)`` that also records the
    new document's arrival, in one statement (a data-modifying CTE): the arrival's INSERT
    reads the new row's id from the document's RETURNING, so it writes nothing when the bytes
    were stored already. One round trip per new document instead of two. Parameters: the
    document's columns prefixed ``d_`` (a CTE's INSERT takes no implicit column parameters)."""
    d = t.documents.c
    document = (dialect_insert_for("postgresql")(t.documents)
                .values({name: bindparam(f"d_{name}", type_=d[name].type) for name in _NEW_DOCUMENT_COLUMNS})
                .on_conflict_do_nothing(index_elements=["sha256"])
                .returning(*t.documents.c, func.nextval(literal_column(f"'{t.AUDIT_SEQ}'")).label("event_seq"))
                .cte("new_document"))
    a = t.arrivals.c
    arrival = insert(t.arrivals).from_select(
        [a.document_id, a.channel, a.filename, a.message_db_id, a.arrived_at],
        select(document.c.id, bindparam("d_channel", type_=a.channel.type), bindparam("d_filename", type_=a.filename.type),
               bindparam("d_message_db_id", type_=a.message_db_id.type), bindparam("d_created_at", type_=a.arrived_at.type)),
    ).cte("arrival")
    return select(document).add_cte(arrival)


_INSERT_NEW_DOCUMENT_WITH_ARRIVAL = _insert_new_document_with_arrival_statement()
# Every document's steps run these: built once, as building and cache-keying a Core
# statement per call cost more client CPU than running it (benchmarks/hot_statements.py).
_NEWEST_EXTRACTION = (select(t.extractions).where(t.extractions.c.document_id == bindparam("doc_id"))
                      .order_by(t.extractions.c.id.desc()).limit(1))
_NEWEST_MACHINE_EXTRACTION = (select(t.extractions).where(t.extractions.c.document_id == bindparam("doc_id"),
                                                          t.extractions.c.source == "machine")
                              .order_by(t.extractions.c.id.desc()).limit(1))
# The decision's own reads in one statement (decide runs once per invoice): the document,
# its newest extraction (columns prefixed ``x_``), its content print, whether any reason
# override is stored for it (rare: a reviewer's; read in full only then) and the ceiling
# its newest metered parse met (rare too: the ledger row is read in full only then).
_NEWER = t.extractions.alias("newer")
_NEWEST_EXTRACTION_ID = (select(_NEWER.c.id).where(_NEWER.c.document_id == t.documents.c.id)
                         .order_by(_NEWER.c.id.desc()).limit(1).correlate(t.documents).scalar_subquery())
_FOR_DECISION = (
    select(t.documents, *[c.label(f"x_{c.name}") for c in t.extractions.c],
           select(t.content_prints.c.print).where(t.content_prints.c.document_id == t.documents.c.id)
           .scalar_subquery().label("own_print"),
           select(t.reason_overrides.c.id).where(t.reason_overrides.c.document_id == t.documents.c.id)
           .exists().label("has_overrides"),
           select(t.cost_ledger.c.ceiling).where(t.cost_ledger.c.document_id == t.documents.c.id, t.cost_ledger.c.outcome == METERED)
           .order_by(t.cost_ledger.c.id.desc()).limit(1).scalar_subquery().label("metered_ceiling"))
    .select_from(t.documents.outerjoin(t.extractions, t.extractions.c.id == _NEWEST_EXTRACTION_ID))
    .where(t.documents.c.id == bindparam("doc_id")))
def _po_commitments_statement():
    """``po_commitments``: the other invoices billing a PO, each with its newest extraction
    (columns prefixed ``x_``)."""
    d, doc_id = t.documents.c, bindparam("doc_id", type_=t.documents.c.id.type)
    counted = or_(and_(d.id < doc_id, none_of(d.status, NOT_BILLING)), and_(d.id > doc_id, one_of(d.status, PAID)))
    return (select(t.invoices.c.document_id, d.status, *[c.label(f"x_{c.name}") for c in t.extractions.c])
            .select_from(t.invoices.join(t.documents, d.id == t.invoices.c.document_id)
                         .join(t.extractions, t.extractions.c.id == _NEWEST_EXTRACTION_ID))
            .where(t.invoices.c.po_number == bindparam("po_number"), t.invoices.c.document_id != doc_id, counted)
            .order_by(t.invoices.c.document_id))


_PO_COMMITMENTS = _po_commitments_statement()
_OUTBOX_ENTRY = select(t.outbox).where(t.outbox.c.document_id == bindparam("doc_id"))
_OVERRIDES = (select(t.reason_overrides).where(t.reason_overrides.c.document_id == bindparam("doc_id"))
              .order_by(t.reason_overrides.c.id))
_INSERT_DECISION = insert(t.decisions)
_INSERT_ARRIVAL = insert(t.arrivals)
_CLAIM_OUTBOX = (update(t.outbox)
                 .where(t.outbox.c.document_id == bindparam("doc_id"), t.outbox.c.delivered_at.is_(None),
                        t.outbox.c.next_attempt_at <= bindparam("now", type_=t.outbox.c.next_attempt_at.type))
                 .values(next_attempt_at=bindparam("until", type_=t.outbox.c.next_attempt_at.type))
                 .returning(*t.outbox.c))
_INSERT_EXTRACTION = insert(t.extractions)


@lru_cache(maxsize=16)
def _upsert_invoice_statement(dialect: str, columns: tuple[str, ...]):
    """``upsert_invoice``'s statement for one set of columns, built once per set."""
    upsert = dialect_insert_for(dialect)(t.invoices)
    if not columns:
        return upsert.on_conflict_do_nothing(index_elements=["document_id"])
    return upsert.on_conflict_do_update(index_elements=["document_id"], set_={c: upsert.excluded[c] for c in columns})


_EXTRACTION_COLUMNS = ("document_id", "extractor_version", "reader", "fields", "lines", "pages", "warnings", "source", "created_at")


def reading_parts(columns: tuple[str, ...], prefix: str = ""):
    """PostgreSQL: ``save_reading``'s two writes, (the extraction INSERT as a data-modifying
    CTE, the invoice upsert), with the parameters ``reading_parameters`` gives; also for a
    statement that carries them with other writes (``adapters/db/parse_outcome.py``), whose
    invoice parameters are named ``prefix`` + column: a parameter named as a column of
    another table the statement updates would be set on it too (SQLAlchemy takes parameters
    named as an UPDATE's columns as values to set)."""
    x = t.extractions.c
    saved = (insert(t.extractions).values({c: bindparam(f"x_{c}", type_=x[c].type) for c in _EXTRACTION_COLUMNS})
             .returning(x.id).cte("saved_extraction"))
    i = t.invoices.c
    values = {c: bindparam(prefix + c, type_=i[c].type) for c in ("document_id", "created_at", *columns)}
    return saved, _upsert_invoice_statement("postgresql", columns).values(values)


def reading_parameters(doc_id: int, extraction: Extraction, reader: str, pages: list[dict], invoice: Mapping[str, Any],
                       source: str = "machine", prefix: str = "") -> dict:
    """PostgreSQL: ``reading_parts``' parameters (the same ``prefix``)."""
    fields, lines = extraction_to_json(extraction)
    now = utcnow()
    stored = {"document_id": doc_id, "extractor_version": extraction.extractor_version, "reader": reader, "fields": fields,
              "lines": lines, "pages": pages, "warnings": list(extraction.warnings), "source": source, "created_at": now}
    return {**{f"x_{k}": v for k, v in stored.items()},
            **{prefix + k: v for k, v in {"document_id": doc_id, "created_at": now, **invoice}.items()}}


@lru_cache(maxsize=16)
def _extraction_and_invoice_statement(columns: tuple[str, ...]):
    """PostgreSQL: ``save_reading``'s extraction INSERT (parameters ``x_<column>``) and invoice
    upsert (``upsert_invoice``'s parameters) as one statement: the INSERT is a data-modifying
    CTE, which runs to completion whether or not the upsert reads it. Built once per set of
    invoice columns."""
    saved, upsert = reading_parts(columns)
    return upsert.add_cte(saved)


@lru_cache(maxsize=4)
def _add_outbox_statement(dialect: str):
    """``add_outbox``'s statement: insert the row, or make the document's row pending again
    keeping its key and created_at; one statement, not a look-up and then a write."""
    upsert = dialect_insert_for(dialect)(t.outbox)
    return upsert.on_conflict_do_update(index_elements=["document_id"],
                                        set_={c: upsert.excluded[c] for c in OUTBOX_PENDING}).returning(
        t.outbox.c.idempotency_key, t.outbox.c.attempts)


# What approving (again) resets on the outbox row.
OUTBOX_PENDING = ("payload", "attempts", "next_attempt_at", "last_error", "delivered_at")


@lru_cache(maxsize=256)
def _transition_statement(columns: tuple[str, ...], versioned: bool, leased: bool, draw_seq: bool = False,
                          decided: bool = False, delivered: bool = False, postgres: bool = False, moves: int = 1):
    """The guarded update of ``DocumentRepository.transition`` for one shape of call, built
    once: building and cache-keying it per call cost more client CPU than running it. Every
    value is a parameter, typed by its column (so SQLite stores dates as the column would).
    ``draw_seq`` (PostgreSQL): it also returns the next audit seq, drawn once the row is
    locked (RETURNING runs after the update: after any wait for the row).

    PostgreSQL, with ``draw_seq``, the rows the move writes with it ride in the same
    statement (data-modifying CTEs), one round trip where there were two: ``decided``, the
    ``decisions`` row (parameters ``dec_*``), inserted from the update's RETURNING, so only
    when the document moved; ``delivered``, the outbox row marked delivered, whether the
    document moved or not (as ``outbox_attempt`` before the move did).

    ``postgres``: the expected states are one array parameter (``= ANY``), so the statement's
    text is the same whatever their number; an expanding ``IN`` is rendered and converted
    anew at every execution (SQLite keeps it: it has no arrays).

    ``moves`` (PostgreSQL, with ``draw_seq``, no riders): the update stands for that many
    moves made one after the other (``transition_twice``): the version goes up by as many,
    and as many seqs are drawn (``s0``, ``s1``, ...)."""
    c = t.documents.c
    now = bindparam("now", type_=c.updated_at.type)
    expected = (c.status == func.any(bindparam("expected", type_=ARRAY(c.status.type))) if postgres
                else c.status.in_(bindparam("expected", expanding=True)))
    guards = [c.id == bindparam("doc_id"), expected]
    if versioned:
        guards.append(c.version == bindparam("expected_version"))
    if leased:
        guards.append(or_(c.lease_owner.is_(None), c.lease_expires_at.is_(None), c.lease_expires_at < now,
                          c.lease_owner == bindparam("holder")))
    values = {"status": bindparam("new_status"), "updated_at": now, "version": c.version + moves,
              **{name: bindparam(f"set_{name}", type_=c[name].type) for name in columns}}
    statement = update(t.documents).where(*guards).values(**values)
    seq = func.nextval(literal_column(f"'{t.AUDIT_SEQ}'"))
    if moves > 1:
        if not draw_seq or decided or delivered:
            raise ValueError("a statement for several moves draws their seqs and carries no riders")
        return statement.returning(*(seq.label(f"s{i}") for i in range(moves)))
    if not (decided or delivered):
        return statement.returning(seq) if draw_seq else statement
    if not draw_seq:
        raise ValueError("rows written with a move ride in its statement only on PostgreSQL (draw_seq)")
    moved = statement.returning(c.id, seq.label("event_seq")).cte("moved")
    riders = []
    if decided:
        d = t.decisions.c
        riders.append(insert(t.decisions).from_select(
            [d.document_id, d.stage, d.outcome, d.reasons, d.policy_version, d.actor, d.created_at],
            select(moved.c.id, *[bindparam(f"dec_{name}", type_=d[name].type) for name in DECISION_COLUMNS], now),
        ).cte("decided"))
    if delivered:
        o = t.outbox.c
        riders.append(update(t.outbox).where(o.document_id == bindparam("doc_id"))
                      .values(attempts=o.attempts + 1, last_error=None, delivered_at=now).cte("delivered"))
    return select(moved.c.event_seq).add_cte(*riders)


# A decision row's columns given by the caller (``DocumentRepository.add_decision``'s).
DECISION_COLUMNS = ("stage", "outcome", "reasons", "policy_version", "actor")


def _document(row) -> Document:
    m = row._mapping
    return Document(
        id=m["id"],
        sha256=m["sha256"],
        filename=m["filename"],
        channel=m["channel"],
        media_type=m["media_type"],
        size_bytes=m["size_bytes"],
        status=Status(m["status"]),
        pool=m["pool"],
        page_count=m["page_count"],
        reason=m["reason"],
        attempts=m["attempts"],
        version=m["version"],
        message_db_id=m["message_db_id"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        lease_owner=m["lease_owner"],
        lease_expires_at=m["lease_expires_at"],
        correlation_id=m["correlation_id"],
    )


def extraction_to_json(extraction: Extraction) -> tuple[dict, list]:
    fields = {
        name: {
            "value": f.value,
            "confidence": round(float(f.confidence), 4),
            "page": f.page,
            "box": f.box.as_list() if f.box else None,
            "method": f.method,
            **({"by": f.by} if f.by else {}),
            **({"evidence": list(f.evidence)} if f.evidence else {}),
        }
        for name, f in extraction.fields.items()
    }
    lines = [
        {
            "description": li.description,
            "quantity": None if li.quantity is None else str(li.quantity),
            "unit_price": None if li.unit_price is None else str(li.unit_price),
            "amount": None if li.amount is None else str(li.amount),
            "sku": li.sku,
            "po_line": li.po_line,
            "confidence": round(float(li.confidence), 4),
            "page": li.page,
            "box": li.box.as_list() if li.box else None,
            **({"tax_rate": str(li.tax_rate)} if li.tax_rate is not None else {}),
            **({"evidence": list(li.evidence)} if li.evidence else {}),
        }
        for li in extraction.lines
    ]
    return fields, lines


def _box(raw) -> Optional[Box]:
    return Box(*raw) if raw else None


def _dec(raw) -> Optional[Decimal]:
    return Decimal(raw) if raw not in (None, "") else None


def extraction_from_json(row: dict) -> Extraction:
    """Rebuild the Extraction dataclass from a stored ``extractions`` row."""
    fields = {
        name: ExtractedField(name=name, value=f["value"], confidence=f["confidence"], method=f["method"], page=f.get("page"), box=_box(f.get("box")),
                              by=f.get("by"), evidence=tuple(f.get("evidence") or ()))
        for name, f in row["fields"].items()
    }
    lines = tuple(
        LineItem(description=li.get("description") or "", quantity=_dec(li.get("quantity")), unit_price=_dec(li.get("unit_price")),
                 amount=_dec(li.get("amount")), sku=li.get("sku"), po_line=li.get("po_line"), confidence=li.get("confidence") or 0.0,
                 page=li.get("page"), box=_box(li.get("box")), tax_rate=_dec(li.get("tax_rate")),
                 evidence=tuple(li.get("evidence") or ()))
        for li in row["lines"]
    )
    return Extraction(fields=fields, lines=lines, extractor_version=row["extractor_version"], warnings=tuple(row["warnings"] or ()))


@dataclass(frozen=True)
class DecisionRead:
    """What ``for_decision`` read: the document, its newest ``extractions`` row (a dict, None
    when there is none), its stored content print (as stored, None when there is none),
    whether any reason override is stored for it, and the ``ceiling`` of its newest metered
    ledger row (None when there is none or it met none)."""

    document: Document
    extraction: Optional[dict]
    content_print: Any
    has_overrides: bool
    metered_ceiling: Any = None


class DocumentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- documents -------------------------------------------------------------------------
    def get(self, doc_id: int) -> Optional[Document]:
        row = self.conn.execute(_GET, {"doc_id": doc_id}).first()
        return _document(row) if row else None

    def require(self, doc_id: int) -> Document:
        """The document, or NotFound with the sentence every caller would have written."""
        doc = self.get(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id}")
        return doc

    def by_sha256(self, sha256: str) -> Optional[Document]:
        row = self.conn.execute(_BY_SHA256, {"sha256": sha256}).first()
        return _document(row) if row else None

    def add(self, *, sha256: str, filename: str, channel: str, media_type: Optional[str], size_bytes: int,
            status: Status, reason: Optional[str] = None, message_db_id: Optional[int] = None,
            correlation_id: Optional[str] = None) -> int:
        return self.insert(sha256=sha256, filename=filename, channel=channel, media_type=media_type, size_bytes=size_bytes,
                           status=status, reason=reason, message_db_id=message_db_id, correlation_id=correlation_id).id

    def insert(self, *, sha256: str, filename: str, channel: str, media_type: Optional[str], size_bytes: int,
               status: Status, reason: Optional[str] = None, message_db_id: Optional[int] = None,
               correlation_id: Optional[str] = None) -> Document:
        """Insert a new document; returns it as stored."""
        now = utcnow()
        row = self.conn.execute(_INSERT_DOCUMENT, {
            "sha256": sha256, "filename": filename, "channel": channel, "media_type": media_type, "size_bytes": size_bytes,
            "status": status.value, "reason": reason, "message_db_id": message_db_id, "attempts": 0, "version": 1,
            "created_at": now, "updated_at": now, "correlation_id": correlation_id}).one()
        return _document(row)

    def insert_new(self, *, sha256: str, filename: str, channel: str, media_type: Optional[str], size_bytes: int,
                   status: Status, reason: Optional[str] = None, message_db_id: Optional[int] = None,
                   correlation_id: Optional[str] = None) -> Optional[Document]:
        """``insert`` unless a document of these bytes exists (None then; it is not read):
        an ingest of new bytes, nearly every one, needs no look-up before its INSERT."""
        inserted = self.insert_new_drawing_seq(sha256=sha256, filename=filename, channel=channel, media_type=media_type,
                                               size_bytes=size_bytes, status=status, reason=reason, message_db_id=message_db_id,
                                               correlation_id=correlation_id, draw_seq=False)
        return inserted[0] if inserted is not None else None

    def insert_new_drawing_seq(self, *, sha256: str, filename: str, channel: str, media_type: Optional[str], size_bytes: int,
                               status: Status, reason: Optional[str] = None, message_db_id: Optional[int] = None,
                               correlation_id: Optional[str] = None, draw_seq: bool = True) -> Optional[tuple[Document, Optional[int]]]:
        """``insert_new`` for an ingest that appends the document's first event next: the
        document and the seq drawn for that event in the same statement (PostgreSQL; None
        on SQLite, see ``transition_drawing_seq``)."""
        now = utcnow()
        draw_seq = draw_seq and self.conn.dialect.name == "postgresql"
        row = self.conn.execute(_insert_new_document_statement(self.conn.dialect.name, draw_seq), {
            "sha256": sha256, "filename": filename, "channel": channel, "media_type": media_type, "size_bytes": size_bytes,
            "status": status.value, "reason": reason, "message_db_id": message_db_id, "attempts": 0, "version": 1,
            "created_at": now, "updated_at": now, "correlation_id": correlation_id}).first()
        if row is None:
            return None
        return _document(row), (int(row[-1]) if draw_seq else None)

    def transition(self, doc_id: int, expected: Iterable[Status], new: Status, expected_version: Optional[int] = None,
                   holder: Optional[str] = None, **changes: Any) -> bool:
        """Guarded update: move to ``new`` only if the row is still in one of ``expected``
        (and, when ``expected_version`` is given, still at that version: optimistic locking;
        when ``holder`` is given, only if no one else holds a live lease on it).

        Returns False when another worker got there first, which callers treat as
        "already done" (idempotency), never as an error.
        """
        return self._transition(doc_id, expected, new, expected_version, holder, False, changes) is not None

    def transition_drawing_seq(self, doc_id: int, expected: Iterable[Status], new: Status, expected_version: Optional[int] = None,
                               holder: Optional[str] = None, decision: Optional[Mapping[str, Any]] = None,
                               outbox_delivered: bool = False, **changes: Any) -> Optional[int]:
        """``transition`` for a move that appends its audit event next: None when another
        worker got there first, else the seq drawn for the event in the same statement
        (PostgreSQL, ``AuditRepository.append(seq=...)``), or 0 (SQLite: the append reads
        its seq under the database lock, in-process, at no round trip).

        ``decision`` (``add_decision``'s arguments but the document's id): its row is written
        when the document moves. ``outbox_delivered``: the document's outbox row is marked
        delivered (``outbox_attempt`` without an error) whether it moves or not. Both in the
        move's own statement on PostgreSQL (``_transition_statement``), as statements of their
        own on SQLite."""
        draw_seq = self.conn.dialect.name == "postgresql"
        if not draw_seq and outbox_delivered:
            self.outbox_attempt(doc_id, None)
        seq = self._transition(doc_id, expected, new, expected_version, holder, draw_seq, changes,
                               decision if draw_seq else None, outbox_delivered and draw_seq)
        if seq is not None and decision is not None and not draw_seq:
            self.add_decision(doc_id, **decision)
        return seq

    def transition_twice(self, doc_id: int, expected: Iterable[Status], new: Status, holder: Optional[str] = None,
                         **changes: Any) -> Optional[tuple[int, int]]:
        """PostgreSQL: two moves the caller made one after the other as one guarded update
        (``expected`` the first's guard, ``holder`` the second's lease guard, ``new`` the
        second's state, ``changes`` both moves' columns): None when the document is not as
        both guards want it (nothing written), else the two events' seqs in the order drawn.
        On SQLite None, always: the caller makes the two moves."""
        if self.conn.dialect.name != "postgresql":
            return None
        statement = _transition_statement(tuple(sorted(changes)), False, holder is not None, True, postgres=True, moves=2)
        params = {"doc_id": doc_id, "expected": [s.value for s in expected], "new_status": new.value, "now": utcnow(),
                  "expected_version": None, "holder": holder, **{f"set_{k}": v for k, v in changes.items()}}
        row = self.conn.execute(statement, params).first()
        return None if row is None else tuple(sorted((int(row[0]), int(row[1]))))

    def _transition(self, doc_id, expected, new, expected_version, holder, draw_seq: bool, changes: dict,
                    decision: Optional[Mapping[str, Any]] = None, delivered: bool = False) -> Optional[int]:
        statement = _transition_statement(tuple(sorted(changes)), expected_version is not None, holder is not None, draw_seq,
                                          decision is not None, delivered, self.conn.dialect.name == "postgresql")
        now = utcnow()
        params = {"doc_id": doc_id, "expected": [s.value for s in expected], "new_status": new.value, "now": now,
                  "expected_version": expected_version, "holder": holder, **{f"set_{k}": v for k, v in changes.items()}}
        if decision is not None:
            params.update({f"dec_{k}": v for k, v in _decision_values(**decision).items()})
        result = self.conn.execute(statement, params)
        if not draw_seq:
            return 0 if result.rowcount == 1 else None
        row = result.first()
        return None if row is None else int(row[0])

    def renew_lease(self, doc_id: int, owner: str, expires_at: datetime) -> bool:
        """Extend ``owner``'s lease; False when it no longer holds it."""
        result = self.conn.execute(update(t.documents).where(t.documents.c.id == doc_id, t.documents.c.lease_owner == owner)
                                   .values(lease_expires_at=expires_at))
        return result.rowcount == 1

    def release_lease(self, doc_id: int, owner: str) -> None:
        self.conn.execute(update(t.documents).where(t.documents.c.id == doc_id, t.documents.c.lease_owner == owner)
                          .values(lease_owner=None, lease_expires_at=None))

    def mark_requeued(self, doc_id: int) -> None:
        """Restart the idle deadline and drop an expired lease (never a live one)."""
        now = utcnow()
        self.conn.execute(update(t.documents).where(t.documents.c.id == doc_id, _free_for(None, now))
                          .values(updated_at=now, lease_owner=None, lease_expires_at=None))

    def touch(self, doc_id: int, **changes: Any) -> None:
        self.conn.execute(update(t.documents).where(t.documents.c.id == doc_id).values(updated_at=utcnow(), **changes))

    def stuck(self, statuses: Iterable[Status], older_than: datetime, limit: int = 500) -> list[Document]:
        """Documents in ``statuses`` whose lease expired, or that hold none and have been idle
        since before ``older_than``. A live lease is never stuck, however old the row."""
        lease = t.documents.c.lease_expires_at
        rows = self.conn.execute(
            select(t.documents)
            .where(t.documents.c.status.in_([s.value for s in statuses]),
                   or_(and_(lease.is_(None), t.documents.c.updated_at < older_than), lease < utcnow()))
            .order_by(t.documents.c.updated_at)
            .limit(limit)
        )
        return [_document(r) for r in rows]

    def in_states(self, statuses: Iterable[Status], limit: int = 1000) -> list[Document]:
        rows = self.conn.execute(
            select(t.documents).where(t.documents.c.status.in_([s.value for s in statuses])).order_by(t.documents.c.id).limit(limit)
        )
        return [_document(r) for r in rows]

    def recent(self, status: Optional[Status], limit: int) -> list[Document]:
        query = select(t.documents).order_by(t.documents.c.updated_at.desc(), t.documents.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(t.documents.c.status == status.value)
        return [_document(r) for r in self.conn.execute(query)]

    def by_ids(self, ids: Iterable[int]) -> list[Document]:
        rows = self.conn.execute(select(t.documents).where(t.documents.c.id.in_(list(ids))).order_by(t.documents.c.id))
        return [_document(r) for r in rows]

    def counts(self) -> list[tuple[str, Optional[str], int]]:
        """(status, pool, count) for every combination present."""
        rows = self.conn.execute(
            select(t.documents.c.status, t.documents.c.pool, func.count()).group_by(t.documents.c.status, t.documents.c.pool)
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def insert_arriving(self, *, sha256: str, filename: str, channel: str, media_type: Optional[str], size_bytes: int,
                        status: Status, reason: Optional[str] = None, message_db_id: Optional[int] = None,
                        correlation_id: Optional[str] = None) -> Optional[tuple[Document, Optional[int]]]:
        """``insert_new_drawing_seq`` and, for a new document, ``record_arrival`` of it (the
        same channel, file name and message): one statement on PostgreSQL, two on SQLite.
        None, and nothing written, when the bytes are stored already."""
        if self.conn.dialect.name != "postgresql":
            inserted = self.insert_new_drawing_seq(sha256=sha256, filename=filename, channel=channel, media_type=media_type,
                                                   size_bytes=size_bytes, status=status, reason=reason, message_db_id=message_db_id,
                                                   correlation_id=correlation_id)
            if inserted is not None:
                self.record_arrival(inserted[0].id, channel, filename, message_db_id)
            return inserted
        now = utcnow()
        values = {"sha256": sha256, "filename": filename, "channel": channel, "media_type": media_type, "size_bytes": size_bytes,
                  "status": status.value, "reason": reason, "message_db_id": message_db_id, "attempts": 0, "version": 1,
                  "created_at": now, "updated_at": now, "correlation_id": correlation_id}
        row = self.conn.execute(_INSERT_NEW_DOCUMENT_WITH_ARRIVAL, {f"d_{k}": v for k, v in values.items()}).first()
        if row is None:
            return None
        return _document(row), int(row[-1])

    # -- arrivals and e-mail messages ------------------------------------------------------
    def record_arrival(self, doc_id: int, channel: str, filename: str, message_db_id: Optional[int] = None) -> None:
        self.conn.execute(_INSERT_ARRIVAL, {"document_id": doc_id, "channel": channel, "filename": filename,
                                            "message_db_id": message_db_id, "arrived_at": utcnow()})

    def arrivals(self, doc_id: int) -> list[dict]:
        rows = self.conn.execute(select(t.arrivals).where(t.arrivals.c.document_id == doc_id).order_by(t.arrivals.c.id))
        return [dict(r._mapping) for r in rows]

    def message_by_sha256(self, sha256: str) -> Optional[dict]:
        row = self.conn.execute(select(t.messages).where(t.messages.c.sha256 == sha256)).first()
        return dict(row._mapping) if row else None

    def add_message(self, **values: Any) -> int:
        result = self.conn.execute(insert(t.messages).values(received_at=utcnow(), **values))
        return int(result.inserted_primary_key[0])

    # -- extraction results ----------------------------------------------------------------
    def save_extraction(self, doc_id: int, extraction: Extraction, reader: str, pages: list[dict], source: str = "machine") -> None:
        fields, lines = extraction_to_json(extraction)
        self.conn.execute(_INSERT_EXTRACTION, {
            "document_id": doc_id, "extractor_version": extraction.extractor_version, "reader": reader, "fields": fields,
            "lines": lines, "pages": pages, "warnings": list(extraction.warnings), "source": source, "created_at": utcnow()})

    def save_reading(self, doc_id: int, extraction: Extraction, reader: str, pages: list[dict], invoice: Mapping[str, Any],
                     source: str = "machine") -> None:
        """``save_extraction`` and ``upsert_invoice(**invoice)``: the reading and the invoice
        columns it gives, which are always stored together. One statement on PostgreSQL (a
        parse's bookkeeping one statement shorter), two on SQLite (no data-modifying CTEs)."""
        if self.conn.dialect.name != "postgresql":
            self.save_extraction(doc_id, extraction, reader, pages, source)
            self.upsert_invoice(doc_id, **invoice)
            return
        statement = _extraction_and_invoice_statement(tuple(sorted(invoice)))
        self.conn.execute(statement, reading_parameters(doc_id, extraction, reader, pages, invoice, source))

    def machine_extraction(self, doc_id: int) -> Optional[dict]:
        """The newest extraction the machine made (before any person changed it)."""
        row = self.conn.execute(_NEWEST_MACHINE_EXTRACTION, {"doc_id": doc_id}).first()
        return dict(row._mapping) if row else None

    def for_decision(self, doc_id: int) -> Optional[DecisionRead]:
        """The document with what deciding it reads first, in one statement (None: no such document)."""
        row = self.conn.execute(_FOR_DECISION, {"doc_id": doc_id}).first()
        if row is None:
            return None
        m = row._mapping
        extraction = {c.name: m[f"x_{c.name}"] for c in t.extractions.c} if m["x_id"] is not None else None
        return DecisionRead(_document(row), extraction, m["own_print"], bool(m["has_overrides"]), m["metered_ceiling"])

    def latest_extraction(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(_NEWEST_EXTRACTION, {"doc_id": doc_id}).first()
        return dict(row._mapping) if row else None

    def upsert_invoice(self, doc_id: int, **values: Any) -> None:
        # one statement, not a look-up and then a write; a re-parse keeps the row's created_at
        statement = _upsert_invoice_statement(self.conn.dialect.name, tuple(sorted(values)))
        self.conn.execute(statement, {"document_id": doc_id, "created_at": utcnow(), **values})

    def invoice(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.invoices).where(t.invoices.c.document_id == doc_id)).first()
        return dict(row._mapping) if row else None

    def duplicate_candidates(self, doc_id: int, vendor_id: Optional[str], number_norm: Optional[str], total: Optional[Decimal],
                             dated_between: Optional[tuple[str, str]] = None, limit: int = 50) -> list[dict]:
        """Earlier invoices of the vendor with the same normalised number, or the same amount
        dated within ``dated_between`` (ISO dates; indexed blocking: ix_invoices_vendor_number,
        ix_invoices_vendor_total_date).
        A number is also looked up among invoices whose vendor was not resolved (one copy
        may be resolved and the other not); without a resolved vendor, among all vendors
        (``ix_invoices_number``): only the same number with the same amount counts then.

        Earlier documents count unless rejected or failed (a vendor re-sending an invoice we
        sent back is not paying twice); later ones only once approved, which happens when a
        copy on the fast pool overtakes its original on the slow one. So re-reconciling an
        original after review does not point at its own copy waiting in review.
        """
        params: dict[str, Any] = {"doc_id": doc_id, "limit": limit, "vendor_id": vendor_id}
        shapes = []
        if number_norm:
            params["number_norm"] = number_norm
            shapes.append(("number", True if vendor_id else None, False))
            if vendor_id:
                shapes.append(("number", False, False))
        if total is not None and vendor_id:  # without a vendor, an amount alone blocks too widely
            params["total"] = total
            if dated_between:
                params["date_from"], params["date_to"] = dated_between
            shapes.append(("amount", True, bool(dated_between)))
        if not shapes:
            return []
        # every lookup in one statement: one round trip, not one per lookup
        found: dict[int, dict] = {}
        for r in self.conn.execute(candidates_query(tuple(shapes)), params):
            found[r._mapping["document_id"]] = dict(r._mapping)
        return list(found.values())

    def po_commitments(self, po_number: str, doc_id: int) -> list[dict]:
        """The other invoices on ``po_number`` that bill it: earlier arrivals in any state but
        rejected, failed or duplicate (pending ones are commitments), later ones once approved
        or exported (a fast-pool invoice may be approved before a slower, earlier one). Each
        row carries ``status`` and its newest extraction."""
        # with each invoice's newest extraction, in one statement (a PO billed by many invoices
        # was one more statement per invoice); one without an extraction bills nothing yet
        rows = self.conn.execute(_PO_COMMITMENTS, {"po_number": po_number, "doc_id": doc_id}).all()
        return [{"document_id": int(r.document_id), "status": r.status,
                 "extraction": {c.name: r._mapping[f"x_{c.name}"] for c in t.extractions.c}} for r in rows]

    # -- export outbox ---------------------------------------------------------------------
    def add_outbox(self, doc_id: int, idempotency_key: str, payload: dict, gate_result,
                   claimed_until: Optional[datetime] = None) -> dict:
        """Queue the invoice for delivery; only ``services/gate.py`` calls this, with the
        passing result of the gate run in this same transaction. A document approved again
        (after an operator's retry) reuses its row and key, so the destination can still
        de-duplicate by key. ``claimed_until``: the approver delivers it itself right after
        the commit, so the row is written claimed (as ``claim_due_outbox`` leaves it) and no
        other sender takes it before then. Returns the row as a claim does (key, attempts,
        payload)."""
        if not getattr(gate_result, "passes", False):
            raise ValueError(f"document {doc_id}: nothing reaches the outbox without passing the payment gate")
        now = utcnow()
        row = self.conn.execute(_add_outbox_statement(self.conn.dialect.name), {
            "document_id": doc_id, "idempotency_key": idempotency_key, "created_at": now, "payload": payload, "attempts": 0,
            "next_attempt_at": claimed_until or now, "last_error": None, "delivered_at": None}).one()
        return {"idempotency_key": row.idempotency_key, "attempts": row.attempts, "payload": payload}

    def outbox_entry(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(_OUTBOX_ENTRY, {"doc_id": doc_id}).first()
        return dict(row._mapping) if row else None

    def claim_outbox(self, doc_id: int, now: datetime, until: datetime) -> bool:
        """Take the due delivery of ``doc_id`` for this caller: its next attempt moves to
        ``until``, so a second sender (a delayed message and a sweeper re-send arriving
        together) finds it not due. False when it is not due, delivered, or another took it."""
        return self.claim_due_outbox(doc_id, now, until) is not None

    def claim_due_outbox(self, doc_id: int, now: datetime, until: datetime) -> Optional[dict]:
        """``claim_outbox`` returning the claimed row (its ``next_attempt_at`` now ``until``),
        or None: the claim and the read of what to deliver in one statement."""
        row = self.conn.execute(_CLAIM_OUTBOX, {"doc_id": doc_id, "now": now, "until": until}).first()
        return dict(row._mapping) if row else None

    def outbox_attempt(self, doc_id: int, error: Optional[str], next_attempt_at: Optional[datetime] = None) -> None:
        values = {"attempts": t.outbox.c.attempts + 1, "last_error": error}
        if error is None:
            values["delivered_at"] = utcnow()
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        self.conn.execute(update(t.outbox).where(t.outbox.c.document_id == doc_id).values(**values))

    def reset_outbox(self, doc_id: int) -> bool:
        """Make an existing row pending again (an operator's replay): attempts, backoff and
        error cleared, same key and payload. Never inserts; False when there is no row."""
        done = self.conn.execute(update(t.outbox).where(t.outbox.c.document_id == doc_id).values(
            attempts=0, next_attempt_at=utcnow(), last_error=None, delivered_at=None))
        return done.rowcount == 1

    # -- overrides -------------------------------------------------------------------------
    def add_override(self, doc_id: int, code: str, digest: str, role: str, actor: str, note: str) -> None:
        self.conn.execute(insert(t.reason_overrides).values(document_id=doc_id, code=code, digest=digest, role=role, actor=actor,
                                                            note=note, created_at=utcnow()))

    def overrides(self, doc_id: int) -> list[dict]:
        rows = self.conn.execute(_OVERRIDES, {"doc_id": doc_id})
        return [dict(r._mapping) for r in rows]

    # -- decisions -------------------------------------------------------------------------
    def add_decision(self, doc_id: int, stage: str, outcome: str, reasons: Iterable[Reason], policy_version: Optional[str], actor: str) -> None:
        self.conn.execute(_INSERT_DECISION, {"document_id": doc_id, "created_at": utcnow(),
                                             **_decision_values(stage, outcome, reasons, policy_version, actor)})

    def decisions(self, doc_id: int) -> list[dict]:
        rows = self.conn.execute(select(t.decisions).where(t.decisions.c.document_id == doc_id).order_by(t.decisions.c.id))
        return [dict(r._mapping) for r in rows]


def _decision_values(stage: str, outcome: str, reasons: Iterable[Reason], policy_version: Optional[str], actor: str) -> dict:
    """A ``decisions`` row's caller-given columns (``DECISION_COLUMNS``)."""
    return {"stage": stage, "outcome": outcome, "reasons": reasons_to_json(reasons), "policy_version": policy_version, "actor": actor}


def reasons_to_json(reasons: Iterable[Reason]) -> list[dict]:
    return [{"code": r.code, "message": r.message, "evidence": dict(r.evidence)} for r in reasons]
