"""Parse: read the document (text layer or OCR) and extract the invoice fields.

The slow work runs outside any transaction, bounded: in a child process under the policy's
``limits`` (``adapters/parse_isolation``, the work itself in ``parse_work``), while this
worker holds the document's lease (``leases``). Only the state changes are transactional.
A document has a budget of attempts: a parse that keeps dying without a reason ends in
FAILED for an operator instead of looping forever; one that exceeds a limit or meets bad
data ends in FAILED at once, with that reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Optional

from ..adapters.db.parse_outcome import save_parse_outcome
from ..adapters.parse_isolation import InlineRunner, Shared
from ..domain.layout_memory import vendor_memory_key
from ..domain.models import Document, DocumentText, Status
from ..domain.duplicates import normalise_invoice_number
from ..domain.invoice_numbers import search_key
from ..errors import LimitExceeded, PermanentError, ReaderCrashed
from . import costs
from .learning import memory_for_vendor, stored_context
from .leases import RELEASED, Heartbeat, lease_columns, new_owner, release
from .parse_work import VendorContext, parse_document
from .parse_work import read_document as _read_document
from .transitions import log_step, move, move_twice, reason

PARSABLE = {Status.QUEUED, Status.PARSING}


def read_document(readers, data: bytes, media_type: str, min_chars_per_page: int) -> DocumentText:
    """The text layer when there is a usable one (or an embedded e-invoice), OCR otherwise."""
    return _read_document(readers, data, media_type, min_chars_per_page)


def parse_runner(app):
    """Where parses run: the app's child-process runner, or inline with ``app.readers``
    (unit tests swap the readers after bootstrap, so the inline runner is made per call)."""
    return getattr(app, "parse_runner", None) or InlineRunner(app.readers, app.policy.limits)


def _read(app, data: bytes, media_type: str) -> DocumentText:
    return parse_runner(app).run(_read_document, data, media_type, app.policy.triage.min_text_chars_per_page, app.policy.limits)


def _extract(app, data: bytes, media_type: str, vendors, deadline: float, budget=None):
    """Read and extract with the shipped calibration in one bounded call; half-way the call
    asks for the resolved vendor's context (``_vendor_context``): a vendor with a layout
    memory (learned from reviewers' corrections) is extracted again with it, and the PO
    number is checked against the vendor's own purchase orders. The words stay in the
    child: only the extraction, the page facts and the print come back (``ParsedDocument``).
    ``app.calibration``, when set, replaces the shipped table (tests, experiments). The vendor
    master is the repository's copy of its table's version, the same tuple until a vendor
    changes: a parse child is sent it once per version (``Shared``), not with every invoice."""
    return parse_runner(app).run(parse_document, data, media_type, app.policy.triage.min_text_chars_per_page,
                                 app.policy.limits, Shared("vendors", vendors), getattr(app, "calibration", None), budget,
                                 deadline=deadline, answer=lambda vendor_id: _vendor_context(app, vendor_id))


def _vendor_context(app, vendor_id) -> VendorContext:
    """The resolved vendor's layout memory, purchase orders (their numbers and statuses, all
    the PO check reads) and latest approved invoice numbers (what its numbering check reads):
    one read through ``uow.look`` (no write lock; on PostgreSQL no transaction either), a
    correction still to learn is learned in its own."""
    key = vendor_memory_key(vendor_id, None)
    if key is None:  # no vendor resolved: no memory, no purchase orders, no earlier invoices to read
        return VendorContext(None, [])
    with app.uow.look() as tx:
        pending, memory, vendor_pos, numbers = stored_context(tx, key, vendor_id)
    if pending:
        memory = memory_for_vendor(app, key, _read)
    return VendorContext(memory, vendor_pos, tuple(numbers))


def _summary(extraction) -> dict:
    return {name: {"value": f.value, "confidence": round(f.confidence, 3), "method": f.method} for name, f in extraction.fields.items()}


def failure_code(exc: PermanentError) -> str:
    """The reason code of a parse that ended in FAILED."""
    if isinstance(exc, LimitExceeded):
        return "limit_exceeded"
    if isinstance(exc, ReaderCrashed):
        return "reader_crashed"
    return "unreadable"


@dataclass(frozen=True)
class ParseStart:
    """What ``start_parse`` did in its transaction: the move's event (to PARSING, or to
    FAILED when the attempts were spent; None when another worker holds the lease) and, when
    the lease was taken, what the bounded work needs."""

    doc: Document
    owner: str
    event: Optional[dict]
    vendors: tuple = ()
    granted: object = None

    @property
    def leased(self) -> bool:
        return self.event is not None and self.event["to_status"] == Status.PARSING.value


def parse(app, document_id: int, actor: str, then: Optional[Callable] = None) -> None:
    """QUEUED/PARSING -> EXTRACTED (then enqueue decide), or -> FAILED with a reason.

    The move to PARSING takes the document's lease; a document another worker holds a live
    lease on is left alone (its parse is running), and the heartbeat keeps the lease alive
    for as long as this parse runs, so the sweeper never starts a second one.

    ``then(app, document_id, actor)``: run after the extraction committed, in place of
    sending the decide message (``services/triage.triage_and_parse``: the fast pool decides
    the digital invoices it parses)."""
    with app.uow.begin() as tx:
        doc = tx.documents.get(document_id)
        if doc is None or doc.status not in PARSABLE:
            return
        start = start_parse(app, tx, doc, actor)
    run_parse(app, start, actor, then)


def start_parse(app, tx, doc: Document, actor: str) -> ParseStart:
    """In the caller's transaction: move ``doc`` (QUEUED or PARSING) to PARSING with a lease,
    or to FAILED when its attempts are spent. ``run_parse`` goes on once it committed (the
    triage of a digital document starts its parse in the transaction that queues it)."""
    owner = new_owner(actor)
    if doc.attempts >= app.policy.max_attempts:
        why = f"parsing did not finish after {doc.attempts} attempts (retry budget exhausted)"
        event = move(tx, doc, Status.FAILED, step="parse", actor=actor, outcome="retry_budget_exhausted",
                     reasons=[reason("retry_budget_exhausted", why, attempts=doc.attempts)], reason=why,
                     holder=owner, **RELEASED)
        return ParseStart(doc, owner, event)
    event = move(tx, doc, **_parse_started(app, doc, actor, owner))
    if event is None:
        return ParseStart(doc, owner, None)
    return _leased(app, tx, doc, owner, event)


def queue_and_start_parse(app, tx, doc: Document, actor: str, queued: dict) -> tuple[Optional[dict], Optional[ParseStart]]:
    """In the caller's transaction: ``move(tx, doc, **queued)`` (triage's move to QUEUED on
    the fast pool, ``queued`` with its ``pool`` and ``page_count``) and, once it moved,
    ``start_parse`` of the queued document: (the move's event or None, the ParseStart or
    None). On PostgreSQL, when the attempts are not spent, the two moves are one guarded
    update (``transitions.move_twice``), each with its own audit event as before: one
    statement fewer per digital invoice. Anything else, and a document either move's guard
    refuses, goes the two moves' way, which decides as it did."""
    queued_doc = replace(doc, status=Status.QUEUED, pool=queued["pool"], page_count=queued["page_count"])
    if doc.attempts < app.policy.max_attempts:
        owner = new_owner(actor)
        events = move_twice(tx, doc, queued, _parse_started(app, queued_doc, actor, owner))
        if events is not None:
            return events[0], _leased(app, tx, queued_doc, owner, events[1])
    event = move(tx, doc, **queued)
    if event is None:
        return None, None
    return event, start_parse(app, tx, queued_doc, actor)


def _parse_started(app, doc: Document, actor: str, owner: str) -> dict:
    """``move``'s arguments of the move to PARSING that takes ``owner``'s lease."""
    return dict(to=Status.PARSING, step="parse_started", actor=actor, outcome=doc.pool or "", expected=PARSABLE,
                inputs={"attempt": doc.attempts + 1}, attempts=doc.attempts + 1, holder=owner, **lease_columns(app, owner))


def _leased(app, tx, doc: Document, owner: str, event: dict) -> ParseStart:
    """The lease was taken (``event``): grant the parse its allowance and read the vendors."""
    # the allowance under the cost ceilings, granted with the lease: every re-send,
    # retry or operator retry comes through here, so none can spend past a ceiling
    granted = costs.grant(app, tx, doc.id)
    # the vendor master, read here rather than in a transaction of its own (a copy
    # per version of the table): at the version the move's audit append read with its
    # head, so while no one changes the table it costs no statement at all
    vendors = tx.master.vendors(getattr(tx.audit, "vendors_version", None))
    return ParseStart(replace(doc, status=Status.PARSING), owner, event, vendors, granted)


def run_parse(app, start: ParseStart, actor: str, then: Optional[Callable] = None) -> None:
    """After ``start_parse``'s transaction committed: log its move and, when the lease was
    taken, do the bounded work and record its outcome (``then``: as ``parse``'s)."""
    log_step(app, start.event)
    if not start.leased:
        if start.event is None and start.doc.lease_owner:
            app.log.debug("lease_held", document_id=start.doc.id, owner=start.doc.lease_owner, step="parse")
        return
    doc, owner = start.doc, start.owner
    began = time.monotonic()
    try:
        with Heartbeat(app, doc.id, owner):
            outcome = _parse_bounded(app, doc, start.vendors, start.granted.budget)
    except BaseException:
        # left in PARSING: a retry may start at once; its cost row stays open and the next
        # attempt counts it at its allowance (what it spent is unknown)
        release(app, doc.id, owner)
        raise
    _record(app, doc, actor, owner, *outcome, granted=start.granted, elapsed_s=time.monotonic() - began, then=then)


def _parse_bounded(app, doc, vendors, budget=None):
    """(None, ParsedDocument) or (PermanentError, None): the bounded work."""
    deadline = time.monotonic() + app.policy.limits.parse_wall_seconds
    try:
        data = app.blobs.get(doc.sha256)
        return None, _extract(app, data, doc.media_type, vendors, deadline, budget)
    except PermanentError as exc:
        return exc, None


def _record(app, doc, actor: str, owner: str, failure, result, granted=None, elapsed_s=None,
            then: Optional[Callable] = None) -> None:
    """Commit the outcome (which releases the lease) with what the parse spent, then send the
    next step (or run it here: ``then``)."""
    if failure is not None:
        code = failure_code(failure)
        evidence = {"limit": failure.limit} if isinstance(failure, LimitExceeded) else {}
        with app.uow.begin() as tx:
            event = move(tx, doc, Status.FAILED, step="parse", actor=actor, outcome=code,
                         reasons=[reason(code, failure.reason, **evidence)], reason=failure.reason, holder=owner, **RELEASED)
            if event is not None:
                costs.settle(tx, granted, None, elapsed_s=elapsed_s)
        log_step(app, event)
        return
    out = result
    extraction, pages = out.extraction, out.pages
    if out.print_warning:
        app.log.warning("content_print_failed", document_id=doc.id, error=out.print_warning)
    with app.uow.begin() as tx:
        event = move(tx, doc, Status.EXTRACTED, step="extracted", actor=actor, outcome=f"{len(extraction.fields)} fields",
                     inputs={"reader": out.reader, "pages": pages, "fields": _summary(extraction), "lines": len(extraction.lines),
                             "warnings": list(extraction.warnings), **_cost_inputs(out.cost)},
                     extractor_version=extraction.extractor_version, page_count=len(pages), reason=None,
                     holder=owner, **RELEASED)
        if event is not None:
            # the ledger's close, the reading and the print: one statement on PostgreSQL
            close = costs.close_arguments(tx, granted, out.cost)
            if close is None:
                costs.settle(tx, granted, out.cost)
            save_parse_outcome(tx, doc.id, extraction, out.reader, pages, invoice_columns(extraction, doc.channel),
                               out.content_print, close)
    log_step(app, event, content_print_ms=out.print_ms)
    if event is None:
        return
    if then is not None:
        then(app, doc.id, actor)
    else:
        app.enqueuer.send("decide", doc.id)


def _cost_inputs(cost) -> dict:
    """What the parse's engine calls spent, for its audit event (and the ceilings that stopped it)."""
    if cost is None:
        return {}
    return {"cost": {**cost.spent.as_dict(), "engines": cost.engines_json(), "ceiling_hits": [h.as_dict() for h in cost.hits]}}


def invoice_columns(extraction, channel: str) -> dict:
    """The indexed columns duplicate detection and PO matching look up."""
    try:
        total = extraction.amount("total")
    except ArithmeticError:
        total = None
    number, po = extraction.value("invoice_number"), extraction.value("po_number")
    return {
        "vendor_id": extraction.value("vendor_id"),
        "invoice_number": number,
        "invoice_number_norm": normalise_invoice_number(number) if number else None,
        "invoice_number_bare": search_key(number) if number else None,
        "invoice_date": extraction.value("invoice_date"),
        "total": total,
        "currency": extraction.value("currency"),
        "po_number": po,
        "po_number_bare": search_key(po)[:64] if po else None,
        "document_type": extraction.value("document_type") or "invoice",
        "channel": channel,
    }
