"""Everything the document view shows: fields by certainty, pages, reasons in plain words,
PO and receipt lines beside the invoice lines with their variances, a suspected duplicate
beside its original, the hold and the recent history. Plain JSON-ready dicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ..adapters.db.documents import extraction_from_json
from ..adapters.db.review import ReviewRepository
from ..domain.matching import pair_line, received_by_line
from ..domain.models import Status
from ..domain.reasons import ROLE_RANK, spec, weighty
from .einvoice_view import einvoice_rendering
from .review import open_reasons, stored_digest
from .review_evidence import field_evidence, line_evidence
from .review_words import field_label

DECISION_STEPS = ("decide", "review_approve", "reconcile")
KEY_FIELDS = ("vendor", "vendor_id", "invoice_number", "invoice_date", "due_date", "po_number", "currency", "net", "tax", "total", "iban")


def _s(value) -> Optional[str]:
    return None if value is None else str(value)


def _fields(row: Optional[dict], policy, vendor_id: Optional[str]) -> list[dict]:
    """Fields, least certain first; each with the threshold the router applies to it."""
    if row is None:
        return []
    out = []
    for name, f in row["fields"].items():
        threshold = policy.routing.threshold(name, vendor_id)  # the router's own bar for this field
        confidence = float(f.get("confidence") or 0.0)
        out.append({"name": name, "label": field_label(name), "value": f.get("value") or "", "confidence": round(confidence, 3),
                    "threshold": threshold, "uncertain": confidence < threshold and not f.get("by"), "page": f.get("page"),
                    "box": f.get("box"), "method": f.get("method"), "confirmed_by": f.get("by"),
                    "evidence": [f"entered by {f['by']}"] if f.get("by") else field_evidence(f.get("method"), f.get("evidence") or ())})
    present = {f["name"] for f in out}
    # A field the document does not carry (no IBAN on a US invoice) is not "uncertain": only
    # a missing field the router requires holds the invoice and asks for the reviewer's eye.
    required = set(policy.routing.required_fields)
    out += [{"name": n, "label": field_label(n), "value": "", "confidence": 0.0, "threshold": None, "uncertain": n in required,
             "page": None, "box": None, "method": "missing", "evidence": []} for n in KEY_FIELDS if n not in present]
    return sorted(out, key=lambda f: (f["confidence"], f["name"]))


def _pages(row: Optional[dict], doc) -> list[dict]:
    pages = [{"number": p["number"], "width": p["width"], "height": p["height"]} for p in (row or {}).get("pages") or []]
    if not pages and doc.page_count:
        pages = [{"number": n, "width": 595.0, "height": 842.0} for n in range(1, doc.page_count + 1)]
    return pages


def _recorded_lines(trail: list[dict]) -> dict[str, dict]:
    """What the last reconciliation recorded per invoice line (billed before, pairing)."""
    last = next((e for e in reversed(trail) if (e.get("inputs") or {}).get("lines") is not None and e["step"] in DECISION_STEPS), None)
    return {line.get("invoice"): line for line in ((last or {}).get("inputs") or {}).get("lines") or []}


def _line(li, po, received: dict, recorded: dict) -> dict:
    row = {"description": li.description, "quantity": _s(li.quantity), "unit_price": _s(li.unit_price), "amount": _s(li.amount),
           "sku": li.sku, "page": li.page, "box": li.box.as_list() if li.box else None, "confidence": li.confidence,
           "evidence": line_evidence(li.evidence)}
    if po is None:
        return row
    pl, how = pair_line(li, po)
    got = received.get(pl.line_no, Decimal(0)) if pl else None
    before = recorded.get(li.description, {}).get("billed_before")
    price = li.unit_price if li.unit_price is not None else (li.amount / li.quantity if li.amount is not None and li.quantity else None)
    over = None
    if pl and li.quantity is not None and po.kind != "service":
        over = _s(Decimal(before or 0) + li.quantity - got)
    return {**row, "po_line": pl.line_no if pl else None, "paired_by": how, "po_description": pl.description if pl else None,
            "po_quantity": _s(pl.quantity) if pl else None, "po_unit_price": _s(pl.unit_price) if pl else None,
            "received": _s(got), "billed_before": before,
            "price_variance": _s((price - pl.unit_price).quantize(Decimal("0.01"))) if pl and price is not None else None,
            "quantity_over": over}


def _matching(tx, extraction, trail: list[dict]) -> dict:
    """PO, receipts and each invoice line beside the PO line it bills, with the variances.

    Pairing and receipts are read now; "billed before" is what the last reconciliation
    recorded, so the view shows the figures the decision was made on.
    """
    po = tx.master.purchase_order(extraction.value("po_number")) if extraction else None
    receipts = tx.master.receipts_for(po.po_number) if po else []
    received = received_by_line(receipts)
    recorded = _recorded_lines(trail)
    lines = [{**_line(li, po, received, recorded), "index": i} for i, li in enumerate(extraction.lines if extraction else ())]
    if po is None:
        return {"po": None, "receipts": [], "lines": lines}
    return {
        "po": {"po_number": po.po_number, "vendor_id": po.vendor_id, "currency": po.currency, "status": po.status, "kind": po.kind,
               "lines": [{"line_no": pl.line_no, "description": pl.description, "quantity": _s(pl.quantity), "unit_price": _s(pl.unit_price),
                          "sku": pl.sku, "received": _s(received.get(pl.line_no, Decimal(0)))} for pl in po.lines]},
        "receipts": [{"receipt_id": r.receipt_id, "received_on": r.received_on.isoformat()} for r in receipts],
        "lines": lines,
    }


def _reasons(raw: list[dict], overrides: list[dict]) -> list[dict]:
    """Open reasons in words: what it is, what would resolve it, who may override it, and any
    override already recorded for the finding as it stands."""
    out = []
    for r in raw:
        s, digest = spec(r["code"]), stored_digest(r)
        done = next((o for o in overrides if o["code"] == r["code"] and o["digest"] == digest), None)
        out.append({"code": r["code"], "title": s.title, "message": r.get("message"), "evidence": r.get("evidence") or {},
                    "blocks_payment": s.blocks_payment, "resolve": s.resolve, "override_role": s.override_role, "digest": digest,
                    "weighty": weighty(r["code"]),
                    "overridden": None if done is None else {"actor": done["actor"], "role": done["role"], "note": done["note"],
                                                              "at": str(done["created_at"])[:19]}})
    return out


def _highest(roles: list) -> Optional[str]:
    """The highest override role among the open reasons (None when nothing needs one)."""
    named = [r for r in roles if r]
    return max(named, key=ROLE_RANK.__getitem__) if named else None


def _summary(tx, document_id: int) -> Optional[dict]:
    """A compact view of another document (the original of a suspected duplicate)."""
    doc = tx.documents.get(document_id)
    if doc is None:
        return None
    row = tx.documents.latest_extraction(document_id)
    values = {n: ((row or {}).get("fields") or {}).get(n, {}).get("value") for n in KEY_FIELDS}
    return {"id": doc.id, "filename": doc.filename, "channel": doc.channel, "status": doc.status.value, "fields": values,
            "pages": _pages(row, doc), "received_at": str(doc.created_at)[:19]}


def document_view(app, document_id: int) -> dict:
    """The whole document view as one dict (also the JSON API's document resource)."""
    with app.uow.read() as tx:
        doc = tx.documents.require(document_id)
        row = tx.documents.latest_extraction(document_id)
        extraction = extraction_from_json(row) if row else None
        reasons = _reasons(open_reasons(tx, document_id), tx.documents.overrides(document_id)) if doc.status is Status.NEEDS_REVIEW else []
        repo = ReviewRepository(tx.conn)
        held = repo.hold(document_id)
        duplicate = None
        for r in reasons:
            original = r["evidence"].get("original_id") if r["code"] == "duplicate_suspected" else None
            if original is not None and duplicate is None:
                duplicate = {"score": r["evidence"].get("score"), "signals": r["evidence"].get("signals") or [], "original": _summary(tx, int(original))}
        trail = tx.audit.trail(document_id)
        matching = _matching(tx, extraction, trail)
        history = [{"step": e["step"], "actor": e["actor"], "outcome": e["outcome"], "to_status": e["to_status"], "at": e["created_at"][:19],
                    "reasons": [r.get("message") for r in e["reasons"]]} for e in trail[-12:]]
        vendors = repo.vendor_choices()
    vendor_id = extraction.value("vendor_id") if extraction else None
    fields = _fields(row, app.policy, vendor_id)
    if duplicate is not None:
        duplicate["this"] = {n: (row or {}).get("fields", {}).get(n, {}).get("value") for n in KEY_FIELDS}
        duplicate["labels"] = [(n, field_label(n)) for n in KEY_FIELDS]
    return {
        "id": doc.id, "filename": doc.filename, "channel": doc.channel, "media_type": doc.media_type, "status": doc.status.value,
        "version": doc.version, "reason": doc.reason, "received_at": str(doc.created_at)[:19], "actionable": doc.status is Status.NEEDS_REVIEW,
        "reopenable": doc.status in (Status.REJECTED, Status.DUPLICATE),
        "fields": fields, "uncertain": [f["name"] for f in fields if f["uncertain"]],
        "corrected_by_review": bool(row and row["source"] == "review"), "extractor_version": row["extractor_version"] if row else None,
        "pages": _pages(row, doc), "reasons": reasons, "einvoice": einvoice_rendering(app, doc),
        "approve_requires_role": _highest([r["override_role"] for r in reasons if r["blocks_payment"] and not r["overridden"]]),
        "hold": None if held is None else {"note": held["note"], "actor": held["actor"], "at": str(held["created_at"])[:19]},
        "duplicate": duplicate, "matching": matching, "history": history, "vendors": vendors,
        # each line's box on the page, drawn like the fields' (data-field "line-N" pairs it with its row)
        "line_boxes": [{"name": f"line-{li['index']}", "label": f"Line {li['index'] + 1}", "value": li["description"], "page": li["page"],
                        "box": li["box"], "confidence": li["confidence"], "uncertain": False} for li in matching["lines"] if li["box"]],
    }
