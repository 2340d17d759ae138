"""Ingest: store the bytes, insert the document and its `received` event, commit, enqueue.

Same bytes twice are one document; the second arrival is recorded on it. Bad input becomes
a document in `rejected` with a reason, so nothing that came in is ever invisible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy.exc import IntegrityError

from ..adapters.blobs import sha256_of
from ..domain.models import Status
from ..domain.names import safe_name
from ..domain.sniff import EML, SNIFF_BYTES, require_accepted
from ..errors import TransientError, UnsupportedInput
from ..logs import correlation, current_correlation_id
from .transitions import log_step, reason, record


@dataclass
class IngestResult:
    """What one input file became: one document, or several for an e-mail."""

    filename: str
    documents: list[dict] = field(default_factory=list)  # {id, status, reason, new}

    @property
    def rejected(self) -> bool:
        return bool(self.documents) and all(d["status"] == Status.REJECTED.value for d in self.documents)

    @property
    def reasons(self) -> list[str]:
        return [d["reason"] for d in self.documents if d.get("reason")]


def ingest_bytes(app, data: bytes, filename: str, channel: str, actor: str, message_db_id: Optional[int] = None) -> IngestResult:
    """Ingest one file's bytes. Returns after the commit; the triage message is sent after it.

    The name is whatever the sender chose: it is stored and shown only as ``safe_name``.
    The document keeps the correlation id bound by the caller (web request, drop, API), or a
    new one; an e-mail's attachments share the e-mail's."""
    with correlation():
        return _ingest(app, data, filename, channel, actor, message_db_id)


def _ingest(app, data: bytes, filename: str, channel: str, actor: str, message_db_id: Optional[int]) -> IngestResult:
    filename = safe_name(filename)
    result = IngestResult(filename)
    try:
        media_type = require_accepted(data[:SNIFF_BYTES], filename)
    except UnsupportedInput as exc:
        result.documents.append(_store(app, data, filename, channel, actor, None, message_db_id, rejected=exc.reason))
        return result
    if media_type == EML:
        return _ingest_email(app, data, filename, channel, actor)
    result.documents.append(_store(app, data, filename, channel, actor, media_type, message_db_id))
    return result


def _store(app, data, filename, channel, actor, media_type, message_db_id, rejected: Optional[str] = None) -> dict:
    """Store the bytes and record the document (or its re-arrival); send triage after commit."""
    sha = app.blobs.put(data)
    for _ in range(2):  # a concurrent ingest of the same bytes wins the insert; we then record a re-arrival
        try:
            with app.uow.begin() as tx:
                outcome, event = _record_arrival(tx, sha, data, filename, channel, actor, media_type, message_db_id, rejected)
            break
        except IntegrityError:
            continue
    else:
        raise TransientError(f"could not store {filename!r}: concurrent inserts kept conflicting")
    log_step(app, event)
    if outcome["new"] and not rejected:
        app.enqueuer.send("triage", outcome["id"])
    return outcome


def _record_arrival(tx, sha, data, filename, channel, actor, media_type, message_db_id, rejected):
    # New bytes are the common case: the INSERT comes first and does nothing when the bytes
    # are stored already; only then is the existing document read (one statement fewer per
    # new document than a look-up first).
    status = Status.REJECTED if rejected else Status.RECEIVED
    # (with the seq of its `received` event: one statement for that append, transitions.move;
    # and its arrival, written by the same statement on PostgreSQL)
    inserted = tx.documents.insert_arriving(sha256=sha, filename=filename, channel=channel, media_type=media_type,
                                            size_bytes=len(data), status=status, reason=rejected, message_db_id=message_db_id,
                                            correlation_id=current_correlation_id())
    doc, seq = inserted if inserted is not None else (None, None)
    existing = tx.documents.by_sha256(sha) if doc is None else None
    if existing is not None:
        tx.documents.record_arrival(existing.id, channel, filename, message_db_id)
        event = record(tx, existing, step="re_arrival", actor=actor, outcome="same_bytes",
                       reasons=[reason("same_bytes", f"the same bytes arrived again as {filename!r} via {channel}", filename=filename, channel=channel)],
                       inputs={"sha256": sha, "filename": filename, "channel": channel})
        return {"id": existing.id, "status": existing.status.value, "reason": existing.reason, "new": False}, event
    if doc is None:  # stored by a concurrent ingest and gone again before the look-up: try once more
        raise IntegrityError("document insert met a row that is gone", None, Exception(sha))
    doc_id = doc.id
    inputs = {"sha256": sha, "filename": filename, "channel": channel, "media_type": media_type, "size_bytes": len(data)}
    why = [reason("unsupported_input", rejected)] if rejected else []
    event = record(tx, doc, step="received", actor=actor, outcome="rejected" if rejected else "stored",
                   reasons=why, inputs=inputs, seq=seq)
    return {"id": doc_id, "status": status.value, "reason": rejected, "new": True}, event


def _ingest_email(app, data: bytes, filename: str, channel: str, actor: str) -> IngestResult:
    # imported for the first e-mail only: the email package's parsers are about 6 ms of CPU
    # at every start of ``invoicepipe ingest``, whose batches are mostly PDFs
    from ..adapters.mail import split_email

    filename = safe_name(filename)
    result = IngestResult(filename)
    parts = split_email(data)
    sha = sha256_of(data)
    with app.uow.begin() as tx:
        known = tx.documents.message_by_sha256(sha)
        message_db_id = known["id"] if known else tx.documents.add_message(
            sha256=sha, channel=channel, filename=filename, message_id_header=safe_name(parts.message_id, "")[:500],
            sender=safe_name(parts.sender, "")[:500], subject=safe_name(parts.subject, "")[:1000], attachment_count=len(parts.attachments))
        event = record(tx, None, step="email_received", actor=actor, outcome="again" if known else "split",
                       inputs={"message_db_id": message_db_id, "filename": filename, "message_id": parts.message_id,
                               "subject": safe_name(parts.subject, ""), "attachments": [safe_name(a.filename) for a in parts.attachments]})
    log_step(app, event)
    if not parts.attachments:
        why = "e-mail has no attachments (nothing to process)"
        result.documents.append(_store(app, data, filename, channel, actor, EML, message_db_id, rejected=why))
        return result
    for att in parts.attachments:
        sub = ingest_bytes(app, att.data, att.filename, channel, actor, message_db_id=message_db_id)
        result.documents.extend(sub.documents)
    return result
