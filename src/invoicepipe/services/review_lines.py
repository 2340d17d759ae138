"""A reviewer fixes the line items: edit, add, remove and split lines, then the decision runs
again on the corrected lines (the PO match, receipts and cumulative billing are judged on
what the person entered, never skipped).

Quantities and prices are read in the person's convention like every typed number. A line
whose quantity times unit price is not its amount is refused with both figures, because a
line that does not add up would let a wrong total through the arithmetic check; a blank
amount is computed from quantity and price (rounded half up to cents, as invoices do).
Lines kept from the machine's reading keep their page and box, so the page still shows
where each was read.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Optional, Sequence

from ..adapters.db.documents import extraction_from_json
from ..adapters.db.review import ReviewRepository
from ..domain.models import Extraction, LineItem, Reason, Status
from ..domain.typed_input import UNKNOWN, Convention, TypedInputError, read_amount, read_number
from ..errors import PermanentError
from .parse import invoice_columns
from .review import MAX_TEXT, _actionable, _finish, _moved
from .transitions import move, reason
from .users import HUMAN_ROLES, User, require_role

MAX_LINES = 500
CENT = Decimal("0.01")


def _line(number: int, raw: Mapping[str, str], kept: Optional[LineItem], convention: Convention) -> Optional[LineItem]:
    """One submitted row as a LineItem; None for an empty row; PermanentError naming the line."""
    text = {k: (raw.get(k) or "").strip() for k in ("description", "sku", "quantity", "unit_price", "amount")}
    if not any(text.values()):
        return None
    try:
        quantity = read_number(text["quantity"], convention) if text["quantity"] else None
        price = read_number(text["unit_price"], convention) if text["unit_price"] else None
        amount = read_amount(text["amount"], convention) if text["amount"] else None
    except TypedInputError as exc:
        raise PermanentError(f"line {number}: {exc}") from None
    if not text["description"]:
        raise PermanentError(f"line {number}: a description is needed")
    if amount is None:
        if quantity is None or price is None:
            raise PermanentError(f"line {number}: give the amount, or the quantity and the unit price")
        amount = (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
    elif quantity is not None and price is not None:
        product = (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(product - amount) > CENT:
            raise PermanentError(f"line {number}: {quantity} x {price} is {product}, not {amount}")
    return LineItem(description=text["description"][:MAX_TEXT], quantity=quantity, unit_price=price, amount=amount,
                    sku=text["sku"][:64] or None, po_line=None, confidence=1.0,
                    page=kept.page if kept else None, box=kept.box if kept else None)


def corrected_lines(extraction: Extraction, rows: Sequence[Mapping[str, str]], convention: Convention = UNKNOWN) -> tuple[LineItem, ...]:
    """The lines as the person left them. Each row may name the ``index`` of the machine's
    line it edits (its page and box are kept) and ``remove`` it; rows without an index are
    new (added, or split off another line)."""
    if len(rows) > MAX_LINES:
        raise PermanentError(f"at most {MAX_LINES} lines")
    out = []
    for number, raw in enumerate(rows, 1):
        if (raw.get("remove") or "") == "1":
            continue
        index = raw.get("index") or ""
        kept = extraction.lines[int(index)] if index.isdigit() and int(index) < len(extraction.lines) else None
        line = _line(number, raw, kept, convention)
        if line is not None:
            out.append(line)
    return tuple(out)


def _summary(before: Sequence[LineItem], after: Sequence[LineItem]) -> dict:
    def key(li: LineItem) -> tuple:
        return (li.description, str(li.quantity), str(li.unit_price), str(li.amount))

    old, new = [key(li) for li in before], [key(li) for li in after]
    return {"lines_before": len(old), "lines_after": len(new), "removed": len([k for k in old if k not in new]),
            "added_or_changed": len([k for k in new if k not in old]),
            "sum_before": str(sum((li.amount or 0 for li in before), Decimal(0))), "sum_after": str(sum((li.amount or 0 for li in after), Decimal(0)))}


def correct_lines(app, user: User, document_id: int, seen_version: int, rows: Sequence[Mapping[str, str]],
                  convention: Convention = UNKNOWN) -> dict:
    """Store the corrected lines as a "review" extraction; NEEDS_REVIEW -> RECONCILING."""
    require_role(user, *HUMAN_ROLES)
    with app.uow.begin() as tx:
        doc = _actionable(tx, document_id, seen_version, user)
        row = tx.documents.latest_extraction(document_id)
        base = extraction_from_json(row) if row else Extraction(fields={})
        lines = corrected_lines(base, rows, convention)
        changes = _summary(base.lines, lines)
        if lines == base.lines:
            raise PermanentError("no line changed")
        extraction = replace(base, lines=lines)
        what = (f"lines corrected by {user.username}: {changes['lines_before']} -> {changes['lines_after']} lines, "
                f"sum {changes['sum_before']} -> {changes['sum_after']}; checked again")
        event = _moved(tx, doc, seen_version, move(
            tx, doc, Status.RECONCILING, step="review_correct", actor=user.actor, outcome="corrected", expected_version=seen_version,
            reasons=[reason("reviewer_corrected", what, lines=changes)], inputs={"seen_version": seen_version, "lines": changes},
            extractor_version=extraction.extractor_version, policy_version=app.policy.version, reason=None))
        tx.documents.save_reading(doc.id, extraction, f"review:{user.username}", row["pages"] if row else [],
                                  invoice_columns(extraction, doc.channel), source="review")
        tx.documents.add_decision(doc.id, "review", "corrected", [Reason("reviewer_corrected", what, {"lines": changes})],
                                  app.policy.version, user.actor)
        ReviewRepository(tx.conn).clear_hold(doc.id)
    return {**_finish(app, event, send="decide"), "changes": {"lines": changes}}
