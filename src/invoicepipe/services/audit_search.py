"""Controller queries: audit search, CSV export, and the "why" of one invoice.

Search filters the append-only audit log by date range, vendor, document, actor, action
(step), outcome and policy version. The CSV export streams the same search; cells that a
spreadsheet would run as a formula are prefixed with a quote. ``why`` gathers, for one
invoice, the evidence behind its outcome: the extracted fields and their confidence, the
policy version and thresholds, the match result, the duplicates checked, and who decided.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator, Optional

from sqlalchemy import func, select

from ..adapters.db import tables as t
from ..adapters.db.review import ReviewRepository
from ..domain.csv_cells import csv_cell
from ..errors import PermanentError
from .document_search import number_matches
from .review_words import field_label, reason_title

# Plain cells a spreadsheet can filter on: the invoice's number, vendor and amount beside
# each event, reasons as "code: message" text, inputs as "key=value" pairs (no JSON in cells).
CSV_COLUMNS = ("seq", "created_at", "document_id", "invoice_number", "vendor_id", "vendor_name", "total", "currency", "step", "actor",
               "outcome", "from_status", "to_status", "policy_version", "extractor_version", "reasons", "inputs", "hash")
INVOICE_COLUMNS = (t.invoices.c.invoice_number, t.invoices.c.vendor_id, t.vendors.c.name.label("vendor_name"), t.invoices.c.total,
                   t.invoices.c.currency)
HUMAN_STEPS = ("review_approve", "review_override", "review_correct", "review_reject", "review_duplicate", "review_hold", "review_release")
# Steps that record the one decision (and, before it, the router's and reconciler's).
DECISION_STEPS = ("decide", "review_approve", "route", "reconcile")
# Offered in the search form; any other step name can still be typed. (A DISTINCT over a
# long audit log would cost a full index scan on every search.)
KNOWN_STEPS = ("received", "re_arrival", "email_received", "triage", "parse_started", "extracted", "parse", "decide",
               "export", "export_replay", "requeued", "sweeper", "retry", *HUMAN_STEPS, "user_added", "api_token_issued", "load_vendors", "load_pos",
               "load_receipts")


@dataclass(frozen=True)
class AuditFilters:
    date_from: Optional[date] = None
    date_to: Optional[date] = None  # inclusive
    vendor: Optional[str] = None
    document_id: Optional[int] = None
    actor: Optional[str] = None
    action: Optional[str] = None
    outcome: Optional[str] = None
    policy_version: Optional[str] = None
    invoice_number: Optional[str] = None

    def query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def parse_date(raw: Optional[str], what: str) -> Optional[date]:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PermanentError(f"{what}: {raw!r} is not a date (use YYYY-MM-DD)") from None


def _where(query, f: AuditFilters):
    a = t.audit_events
    if f.date_from:
        query = query.where(a.c.created_at >= f.date_from.isoformat())
    if f.date_to:
        query = query.where(a.c.created_at < (f.date_to + timedelta(days=1)).isoformat())
    if f.document_id is not None:
        query = query.where(a.c.document_id == f.document_id)
    if f.actor:
        query = query.where(func.lower(a.c.actor).contains(f.actor.lower(), autoescape=True))
    if f.action:
        query = query.where(a.c.step == f.action)
    if f.outcome:
        query = query.where(a.c.outcome == f.outcome)
    if f.policy_version:
        query = query.where(a.c.policy_version == f.policy_version)
    if f.invoice_number:
        query = query.where(a.c.document_id.in_(select(t.invoices.c.document_id).where(number_matches(f.invoice_number))))
    if f.vendor:
        named = select(t.vendors.c.vendor_id).where(func.lower(t.vendors.c.name).contains(f.vendor.lower(), autoescape=True))
        docs = select(t.invoices.c.document_id).where((t.invoices.c.vendor_id == f.vendor) | t.invoices.c.vendor_id.in_(named))
        query = query.where(a.c.document_id.in_(docs))
    return query


def search(app, filters: AuditFilters, limit: int = 100, offset: int = 0) -> dict:
    """One page of matching events, newest first, with the total count."""
    a = t.audit_events
    with app.uow.read() as tx:
        total = int(tx.conn.execute(_where(select(func.count()).select_from(a), filters)).scalar_one())
        rows = tx.conn.execute(_with_invoice(_where(select(a, *INVOICE_COLUMNS), filters)).order_by(a.c.seq.desc())
                               .limit(limit).offset(offset)).all()
    events = [{**r._mapping, "total": None if r.total is None else str(r.total)} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "events": events, "actions": list(KNOWN_STEPS), "filters": filters.query()}


def _with_invoice(query):
    a = t.audit_events
    return query.select_from(a.outerjoin(t.invoices, t.invoices.c.document_id == a.c.document_id)
                             .outerjoin(t.vendors, t.vendors.c.vendor_id == t.invoices.c.vendor_id))


def _plain(column: str, value) -> object:
    """Reasons and inputs as text a person reads in a spreadsheet, not JSON."""
    if column == "reasons":
        return " | ".join(f"{r.get('code')}: {r.get('message')}" for r in value or [])
    if column == "inputs":
        return "; ".join(f"{k}={v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, default=str)}"
                         for k, v in (value or {}).items())
    return value


def export_csv(app, filters: AuditFilters, batch: int = 2000) -> Iterator[str]:
    """The matching events as CSV text chunks, oldest first, read in batches."""
    a = t.audit_events
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    last = 0
    while True:
        with app.uow.read() as tx:
            rows = tx.conn.execute(_with_invoice(_where(select(a, *INVOICE_COLUMNS), filters)).where(a.c.seq > last)
                                   .order_by(a.c.seq).limit(batch)).all()
        for r in rows:
            writer.writerow([csv_cell(_plain(c, r._mapping[c])) for c in CSV_COLUMNS])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(rows) < batch:
            return
        last = rows[-1]._mapping["seq"]


def _thresholds(policy, version: Optional[str]) -> dict:
    if version != policy.version:
        return {"loaded": False, "note": f"policy {version} is not the one loaded now ({policy.version}); "
                                         "the thresholds it applied are in the reasons' evidence"}
    routing = policy.routing
    return {"loaded": True, "required_fields": list(routing.required_fields),
            "fields": {n: routing.threshold(n) for n in sorted(set(routing.required_fields) | set(routing.thresholds))},
            "amount_bands": [{"above": str(b.above), "threshold_bonus": b.threshold_bonus, "always_review": b.always_review} for b in routing.amount_bands],
            "duplicate_threshold": policy.reconcile.duplicate_threshold, "tolerances": {k: str(v) for k, v in policy.reconcile.tolerances.__dict__.items()}}


def _event(e: dict) -> dict:
    return {"seq": e["seq"], "at": e["created_at"], "step": e["step"], "actor": e["actor"], "outcome": e["outcome"],
            "from_status": e["from_status"], "to_status": e["to_status"], "policy_version": e["policy_version"],
            "reasons": [{**r, "title": reason_title(r.get("code") or "")} for r in e["reasons"]], "inputs": e["inputs"]}


def why(app, document_id: int) -> dict:
    """The evidence behind one invoice's outcome, from the audit log and the stored extractions."""
    with app.uow.read() as tx:
        doc = tx.documents.require(document_id)
        trail = tx.audit.trail(document_id)
        extractions = ReviewRepository(tx.conn).extractions(document_id)
        checked = sorted({i for e in trail if e["step"] in DECISION_STEPS for i in e["inputs"].get("duplicates_checked") or []})
        others = {d.id: d for d in tx.documents.by_ids(checked)}
        invoices = {i: tx.documents.invoice(i) for i in checked}
    route = [e for e in trail if e["step"] == "route"]  # events of versions that routed before deciding
    reconciles = [e for e in trail if e["step"] in DECISION_STEPS and e["step"] != "route"]
    decided = [e for e in trail if e["to_status"] in ("approved", "rejected", "duplicate") or e["step"] == "export"]
    machine = next((x for x in extractions if x["source"] == "machine"), None)
    final = extractions[-1] if extractions else None
    fields = []
    for name, f in ((final or {}).get("fields") or {}).items():
        first = ((machine or {}).get("fields") or {}).get(name) or {}
        fields.append({"name": name, "label": field_label(name), "value": f.get("value"), "confidence": f.get("confidence"),
                       "method": f.get("method"), "machine_value": first.get("value"), "machine_confidence": first.get("confidence"),
                       "corrected": f.get("method") == "review"})
    policy_version = (reconciles[-1]["policy_version"] if reconciles else None) or (route[-1]["policy_version"] if route else None)
    return {
        "document": {"id": doc.id, "filename": doc.filename, "channel": doc.channel, "status": doc.status.value, "reason": doc.reason,
                     "received_at": str(doc.created_at)[:19], "sha256": doc.sha256},
        "fields": sorted(fields, key=lambda f: (f["confidence"] or 0, f["name"])),
        "extractions": [{"id": x["id"], "source": x["source"], "reader": x["reader"], "extractor_version": x["extractor_version"],
                         "at": str(x["created_at"])[:19]} for x in extractions],
        "policy_version": policy_version, "thresholds": _thresholds(app.policy, policy_version),
        "route": [_event(e) for e in route], "match": [_event(e) for e in reconciles],
        "duplicates_checked": [{"id": i, "filename": others[i].filename if i in others else None, "status": others[i].status.value if i in others else None,
                                "invoice_number": (invoices.get(i) or {}).get("invoice_number"), "total": str((invoices.get(i) or {}).get("total") or "")}
                               for i in checked],
        "decisions": [_event(e) for e in decided], "human_actions": [_event(e) for e in trail if e["step"] in HUMAN_STEPS],
        "events": len(trail),
    }
