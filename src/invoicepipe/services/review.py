"""Review actions: a person's decision on a document in review, each an audited transition.

People resolve reasons; they never skip a check. Approving confirms the values on screen
(each field then carries the approver's role) and runs the one decision and the payment
gate again on them (``services/gate.settle``): the invoice is released only when no
blocking reason is left, or when the approver overrides each one their role may override,
with a note. Otherwise it stays in review with the reasons as they are now, and the
approval is refused with what is still open. Correcting stores the corrected fields as a
new extraction with source "review" (the labelled data for learning) and sends the document
through the decision again. A bank or vendor value changed by anyone below a controller
keeps the machine's reading under judgement (``domain/reconcile``): it can add a gate,
never remove one.

Every action names the document ``version`` the reviewer saw. The guarded update includes
that version, so two reviewers on one document cannot overwrite each other: the second
gets a StateConflict that says who changed it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Optional

from ..adapters.db.documents import extraction_from_json
from ..adapters.db.review import ReviewRepository
from ..domain.bank import compact_iban
from ..domain.gate import Override, reason_digest
from ..domain.models import FIELD_NAMES, ExtractedField, Extraction, Reason, Status
from ..domain.reasons import REGISTRY, may_override, override_refusal, spec
from ..domain.typed_input import UNKNOWN, Convention, TypedInputError, read_amount, read_date
from ..errors import GateRefused, PermanentError, StateConflict
from . import review_work
from .gate import settle
from .parse import invoice_columns
from .review_words import field_label
from .transitions import log_step, move, reason
from .users import HUMAN_ROLES, Forbidden, User, require_role

MAX_TEXT = 1000


def _actionable(tx, document_id: int, seen_version: int, user: User):
    """The document, if it is still in review at the version the reviewer saw and nobody
    else is working on it (``review_work``); the reviewer's own claim is renewed."""
    doc = tx.documents.require(document_id)
    if doc.status is not Status.NEEDS_REVIEW or doc.version != seen_version:
        raise StateConflict(_conflict_message(tx, doc, seen_version))
    review_work.guard(tx, document_id, user)
    review_work.renew(tx, document_id, user)
    return doc


def _conflict_message(tx, doc, seen_version: int) -> str:
    if doc.version == seen_version:
        return f"document {doc.id} is {doc.status.value.replace('_', ' ')}, not waiting for review; nothing was saved."
    last = tx.audit.trail(doc.id)[-1:] or [{"actor": "someone", "created_at": "", "step": "a change"}]
    who = last[0]
    return (f"document {doc.id} changed since you opened it (you saw version {seen_version}, it is now version {doc.version}, "
            f"{doc.status.value}; last change: {who['step']} by {who['actor']} at {str(who['created_at'])[:19]}). "
            "Reload it to see the current state; nothing was saved.")


def _moved(tx, doc, seen_version: int, event: Optional[dict]) -> dict:
    if event is None:  # lost the race between our read and the guarded update
        raise StateConflict(_conflict_message(tx, tx.documents.get(doc.id), seen_version))
    return event


def open_reasons(tx, document_id: int) -> list[dict]:
    """Reasons of the newest decision: what the reviewer is asked to resolve."""
    return ReviewRepository(tx.conn).open_reasons([document_id]).get(document_id, [])


def stored_digest(item: Mapping) -> str:
    """The digest of a reason as stored (JSON), equal to the one of the live finding."""
    return reason_digest(Reason(item["code"], item.get("message") or "", item.get("evidence") or {}))


def _finish(app, event: dict, send: Optional[str] = None) -> dict:
    log_step(app, event)
    if send:
        app.enqueuer.send(send, event["document_id"])
    return {"document_id": event["document_id"], "status": event["to_status"], "step": event["step"], "audit_seq": event["seq"]}


def confirmed(extraction: Extraction, role: str) -> Extraction:
    """The extraction with every value vouched for by a person of ``role`` (values unchanged)."""
    fields = {n: f if f.by else replace(f, by=role) for n, f in extraction.fields.items()}
    return replace(extraction, fields=fields)


def _overrides(user: User, given: Optional[Mapping[str, tuple]]) -> list[Override]:
    """Overrides from a form: code -> (digest the person saw, note[, confirmed]). A weighty
    one (bank, vendor, arithmetic, match) needs the explicit confirmation and a real note."""
    out = []
    for code, entry in (given or {}).items():
        digest, note = entry[0], entry[1]
        confirmed_ = bool(entry[2]) if len(entry) > 2 else False
        _known(code)
        refusal = override_refusal(code, note or "", confirmed_)
        if refusal and may_override(code, user.role):
            raise PermanentError(refusal)
        out.append(Override(code, (digest or "").strip(), user.role, user.actor, (note or "").strip()[:MAX_TEXT]))
    return out


def _known(code: str) -> None:
    """An override of a code nobody registered is a bad request, not a silent no-op."""
    if code not in REGISTRY:
        raise PermanentError(f"{code[:64]!r} is not a reason code (see docs/reasons.md)")


def _refusal(settled) -> str:
    parts = []
    for r in settled.result.open:
        s = spec(r.code)
        who = f"a {s.override_role} may override it with a note" if s.override_role else "it cannot be overridden"
        parts.append(f"{s.title} ({r.message}): to resolve, {s.resolve}; {who}")
    refused = [why for _, why in settled.result.refused]
    return ("not approved; still open: " + " | ".join(parts) + (f" | overrides not applied: {'; '.join(refused)}" if refused else ""))


def approve(app, user: User, document_id: int, seen_version: int, overrides: Optional[Mapping[str, tuple[str, str]]] = None) -> dict:
    """Confirm the values shown and release for payment if the gate passes: NEEDS_REVIEW ->
    APPROVED with the outbox row. If blocking reasons stay open, the document stays in review
    with its reasons as they are now, and GateRefused says what is open and how to resolve it."""
    require_role(user, *HUMAN_ROLES)
    given = _overrides(user, overrides)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        row = tx.documents.latest_extraction(document_id)
        if row is None:
            raise StateConflict(f"document {document_id} has no extracted fields to approve; correct or reject it")
        extraction = confirmed(extraction_from_json(row), user.role)
        tx.documents.save_reading(doc.id, extraction, f"review:{user.username}", row["pages"],
                                  invoice_columns(extraction, doc.channel), source="review")
        settled = settle(app, tx, doc, extraction, step="review_approve", actor=user.actor, expected={Status.NEEDS_REVIEW},
                         overrides=given, expected_version=seen_version,
                         inputs={"seen_version": seen_version, "extraction_source": "review", "confirmed_by": user.role},
                         extra_reasons=[reason("reviewer_approved", f"values confirmed by {user.username}; checked again before release",
                                               overridden=[o.code for o in given])])
        _moved(tx, doc, seen_version, settled.event)
        if settled.to is Status.APPROVED:
            ReviewRepository(tx.conn).clear_hold(doc.id)
            review_work.release_on_close(tx, doc.id)
    if settled.to is not Status.APPROVED:
        log_step(app, settled.event)
        raise GateRefused(_refusal(settled), [r.code for r in settled.result.open])
    return _finish(app, settled.event, send="export")


def override(app, user: User, document_id: int, seen_version: int, code: str, digest: str, note: str,
             confirmed: bool = False) -> dict:
    """Record a person's override of one open finding (with a note); the document stays in
    review, and the gate applies the override while the finding stays as it was. Weighty
    findings (``reasons.weighty``) also need ``confirmed`` and a note an auditor can follow."""
    require_role(user, *HUMAN_ROLES)
    _known(code)
    note = _text(note, f"a note saying why {code} may be overridden")
    if not may_override(code, user.role):
        needed = spec(code).override_role
        raise Forbidden(f"{spec(code).title.lower()} " + (f"can only be overridden by a {needed}" if needed else
                                                           f"cannot be overridden: {spec(code).resolve}"))
    refusal = override_refusal(code, note, confirmed)
    if refusal:
        raise PermanentError(refusal)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        current = next((r for r in open_reasons(tx, document_id) if r.get("code") == code), None)
        if current is None or stored_digest(current) != digest:
            raise StateConflict(f"{code} is not open on document {document_id} as you saw it; reload it")
        tx.documents.add_override(doc.id, code, digest, user.role, user.actor, note)
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.NEEDS_REVIEW, step="review_override", actor=user.actor, outcome="overridden", expected_version=seen_version,
            reasons=[reason("reviewer_override", f"{spec(code).title} overridden by {user.username} ({user.role}): {note}",
                            overridden=code, digest=digest, role=user.role, finding=current.get("message"))],
            inputs={"seen_version": seen_version, "code": code, "digest": digest, "confirmed": confirmed},
            policy_version=app.policy.version))
    return _finish(app, event)


def normalise_field(name: str, raw: str, vendor_ids: set[str], convention: Convention = UNKNOWN) -> str:
    """The stored form of a corrected value (models.py conventions), or PermanentError why not.
    Amounts and dates are read by the extractor's parsers in the person's ``convention``."""
    value = (raw or "").strip()
    label = field_label(name)
    if not value:
        return ""
    try:
        if name in ("invoice_date", "due_date"):
            return read_date(value, convention).isoformat()
        if name in ("net", "tax", "total"):
            return str(read_amount(value, convention))
    except TypedInputError as exc:
        raise PermanentError(f"{label}: {exc}") from None
    if name == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise PermanentError(f"{label}: {value!r} is not a 3-letter currency code")
        return value.upper()
    if name == "iban":
        return compact_iban(value)
    if name == "vendor_id" and value not in vendor_ids:
        raise PermanentError(f"{label}: {value!r} is not in the vendor master")
    if name == "document_type" and value not in ("invoice", "credit_note"):
        raise PermanentError(f"{label}: must be invoice or credit_note")
    return value[:MAX_TEXT]


def corrected_extraction(extraction: Extraction, values: Mapping[str, str], vendor_ids: set[str],
                         role: Optional[str] = None, convention: Convention = UNKNOWN) -> tuple[Extraction, dict]:
    """Apply a person's values: changed fields get confidence 1.0, method "review" and the
    person's role; a cleared field stays, empty, so the decision knows who cleared it."""
    unknown = sorted(set(values) - set(FIELD_NAMES))
    if unknown:
        raise PermanentError(f"unknown field(s): {', '.join(unknown)}")
    fields = dict(extraction.fields)
    changes = {}
    for name, raw in values.items():
        old = fields.get(name)
        current = old.value if old else ""
        if (raw or "").strip() == current:  # untouched inputs come back as they were shown
            continue
        new = normalise_field(name, raw, vendor_ids, convention)
        if new == current:
            continue
        changes[name] = {"from": old.value if old else None, "to": new or None}
        fields[name] = ExtractedField(name, new, 1.0, "review", old.page if old else None, old.box if old else None, by=role)
    return replace(extraction, fields=fields), changes


def read_back(extraction: Optional[Extraction], values: Mapping[str, str], convention: Convention = UNKNOWN) -> list[dict]:
    """How each changed amount or date input will be stored, for the person to confirm before
    saving: [{"field", "label", "typed", "read"}] for inputs whose stored form differs from what
    was typed ("12,50" -> "12.50"). PermanentError for input that cannot be read at all."""
    out = []
    for name, raw in values.items():
        if name not in ("invoice_date", "due_date", "net", "tax", "total"):
            continue
        typed = (raw or "").strip()
        shown = extraction.value(name) if extraction else None
        if not typed or typed == (shown or ""):
            continue
        read = normalise_field(name, typed, set(), convention)
        if read != typed and read != (shown or ""):
            out.append({"field": name, "label": field_label(name), "typed": typed, "read": read})
    return out


def correct(app, user: User, document_id: int, seen_version: int, values: Mapping[str, str],
            convention: Convention = UNKNOWN) -> dict:
    """Store the corrected fields as a "review" extraction, then NEEDS_REVIEW -> RECONCILING
    (the decide step checks everything again on the corrected values)."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        row = tx.documents.latest_extraction(document_id)
        base = extraction_from_json(row) if row else Extraction(fields={})
        vendor_ids = {v.vendor_id for v in tx.master.vendors()}
        extraction, changes = corrected_extraction(base, values, vendor_ids, user.role, convention)
        what = ", ".join(f"{field_label(n)} {c['from']!r} -> {c['to']!r}" for n, c in changes.items()) or "no field changed"
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.RECONCILING, step="review_correct", actor=user.actor, outcome="corrected", expected_version=seen_version,
            reasons=[reason("reviewer_corrected", f"corrected by {user.username}: {what}; checked again", changes=changes)],
            inputs={"seen_version": seen_version, "changes": changes}, extractor_version=extraction.extractor_version,
            policy_version=app.policy.version, reason=None))
        tx.documents.save_reading(doc.id, extraction, f"review:{user.username}", row["pages"] if row else [],
                                  invoice_columns(extraction, doc.channel), source="review")
        tx.documents.add_decision(doc.id, "review", "corrected", [Reason("reviewer_corrected", what, {"changes": changes})],
                                  app.policy.version, user.actor)
        ReviewRepository(tx.conn).clear_hold(doc.id)
    return {**_finish(app, event, send="decide"), "changes": changes}


def _text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise PermanentError(f"{what} is required")
    return text[:MAX_TEXT]


def _close(app, tx, user: User, doc, seen_version: int, to: Status, step: str, outcome: str, why: Reason, summary: str):
    """Move a reviewed document to a terminal state, with its decision row; the hold ends."""
    event = _moved(tx, doc, seen_version, move(
        tx, doc, to, step=step, actor=user.actor, outcome=outcome, expected_version=seen_version,
        reasons=[reason(why.code, why.message, **why.evidence)], inputs={"seen_version": seen_version, **why.evidence},
        policy_version=app.policy.version, reason=summary))
    tx.documents.add_decision(doc.id, "review", outcome, [why], app.policy.version, user.actor)
    ReviewRepository(tx.conn).clear_hold(doc.id)
    review_work.release_on_close(tx, doc.id)
    return event


def reject(app, user: User, document_id: int, seen_version: int, why: str) -> dict:
    """NEEDS_REVIEW -> REJECTED with the reviewer's reason."""
    require_role(user, *HUMAN_ROLES)
    why = _text(why, "a reason for the rejection")
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        event = _close(app, tx, user, doc, seen_version, Status.REJECTED, "review_reject", "rejected", Reason("reviewer_rejected", why, {}),
                       f"rejected by {user.username}: {why}")
    return _finish(app, event)


def mark_duplicate(app, user: User, document_id: int, seen_version: int, original_id: int) -> dict:
    """NEEDS_REVIEW -> DUPLICATE; the evidence names the original document."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        original = tx.documents.get(original_id) if original_id != document_id else None
        if original is None:
            raise PermanentError(f"document {original_id} cannot be the original of document {document_id}")
        message = f"duplicate of document {original_id} ({original.filename}, {original.status.value})"
        event = _close(app, tx, user, doc, seen_version, Status.DUPLICATE, "review_duplicate", "duplicate",
                       Reason("reviewer_duplicate", message, {"original_id": original_id}), f"{message}, marked by {user.username}")
    return _finish(app, event)


def hold(app, user: User, document_id: int, seen_version: int, note: str) -> dict:
    """Stay in review but on hold (sorted last) with a note, e.g. waiting for the vendor."""
    require_role(user, *HUMAN_ROLES)
    note = _text(note, "a note saying why the document is on hold")
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.NEEDS_REVIEW, step="review_hold", actor=user.actor, outcome="held", expected_version=seen_version,
            reasons=[reason("reviewer_hold", note)], inputs={"seen_version": seen_version}))
        ReviewRepository(tx.conn).set_hold(doc.id, note, user.actor)
    return _finish(app, event)


def release(app, user: User, document_id: int, seen_version: int) -> dict:
    """Take a document off hold; it sorts by priority again."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        repo = ReviewRepository(tx.conn)
        held = repo.hold(doc.id)
        if held is None:
            raise StateConflict(f"document {document_id} is not on hold")
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.NEEDS_REVIEW, step="review_release", actor=user.actor, outcome="released", expected_version=seen_version,
            reasons=[reason("reviewer_release", f"hold released (was: {held['note']})")], inputs={"seen_version": seen_version}))
        repo.clear_hold(doc.id)
    return _finish(app, event)


REOPENABLE = (Status.REJECTED, Status.DUPLICATE)


def reopen(app, user: User, document_id: int, seen_version: int, note: str) -> dict:
    """A controller takes back a rejection or a duplicate marking: REJECTED|DUPLICATE ->
    RECONCILING, and the decide step checks the invoice again from the start (a reopened
    invoice is paid only through the same gate as any other)."""
    require_role(user, "controller")
    note = _text(note, "a note saying why the document is reopened")
    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
        if doc.status not in REOPENABLE:
            raise StateConflict(f"document {document_id} is {doc.status.value}; only rejected or duplicate documents can be reopened")
        if doc.version != seen_version:
            raise StateConflict(_conflict_message(tx, doc, seen_version))
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.RECONCILING, step="review_reopen", actor=user.actor, outcome="reopened", expected_version=seen_version,
            reasons=[reason("reviewer_reopened", f"reopened by {user.username} (was {doc.status.value}): {note}", was=doc.status.value)],
            inputs={"seen_version": seen_version}, policy_version=app.policy.version, reason=None))
    return _finish(app, event, send="decide")

