"""Find any document, in any state: by invoice number, vendor, amount range, dates, PO
number, state or file name.

A controller asked "why was FA202600759 paid?" must find it from what they have in hand:
a number read off a statement (maybe with O for 0, or without its prefix), a vendor name, an
amount. The number is compared in the same folded form duplicate detection uses
(``normalise_invoice_number``: case, punctuation, leading zeros and OCR confusions folded)
and in the search form (``search_key``: the same without dropping zeros), both stored with
the invoice, and a typed fragment matches inside them through a trigram index
(``adapters/db/search_text``); a fragment of one or two characters matches a whole number
exactly. PO numbers are folded the same way; file names match case-blind. Amounts and
dates are read with the reviewer input parsers, so "1.234,50" or "4. März 2026" work here too.

Results come newest first in pages keyed by document id (``before``), never by offset, so
a page costs the same at the millionth document as at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import String, cast, func, literal, or_, select

from ..adapters.db import search_text
from ..adapters.db import tables as t
from ..adapters.db.search_text import Needle
from ..domain.invoice_numbers import normalise_invoice_number, search_key
from ..domain.models import Status
from ..domain.typed_input import UNKNOWN, Convention, TypedInputError, read_amount, read_date
from ..errors import PermanentError

PAGE = 50


@dataclass(frozen=True)
class SearchFilters:
    number: Optional[str] = None
    vendor: Optional[str] = None
    amount_min: Optional[Decimal] = None
    amount_max: Optional[Decimal] = None
    date_from: Optional[date] = None  # invoice date, inclusive
    date_to: Optional[date] = None
    po: Optional[str] = None
    state: Optional[str] = None
    filename: Optional[str] = None

    def query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}

    def empty(self) -> bool:
        return not self.query()


def filters_from_text(convention: Convention = UNKNOWN, **raw: Optional[str]) -> SearchFilters:
    """Filters from form or query-string text; PermanentError naming the field that is wrong."""
    def text(name: str, limit: int = 100) -> Optional[str]:
        value = (raw.get(name) or "").strip()
        return value[:limit] or None

    def amount(name: str) -> Optional[Decimal]:
        value = text(name)
        try:
            return read_amount(value, convention) if value else None
        except TypedInputError as exc:
            raise PermanentError(f"{name.replace('_', ' ')}: {exc}") from None

    def day(name: str) -> Optional[date]:
        value = text(name)
        try:
            return read_date(value, convention) if value else None
        except TypedInputError as exc:
            raise PermanentError(f"{name.replace('_', ' ')}: {exc}") from None

    state = text("state")
    if state and state not in {s.value for s in Status}:
        raise PermanentError(f"state: {state!r} is not a document state")
    return SearchFilters(number=text("number"), vendor=text("vendor"), amount_min=amount("amount_min"), amount_max=amount("amount_max"),
                         date_from=day("date_from"), date_to=day("date_to"), po=text("po"), state=state, filename=text("filename"))


SEPARATORS = " -/._#"


def number_needles(typed: str) -> list[Needle]:
    """What a typed number is looked for as: its duplicate key (OCR look-alikes, leading zeros
    of each digit group) as typed and as typed without separators, inside the stored key; and
    its search key (look-alikes folded, leading zeros kept) inside the stored search key. A
    person types "FA 2026 00759" for "FA202600759" and the reverse, and the duplicate key
    alone, which drops leading zeros per digit group, depends on where the groups break."""
    bare = "".join(c for c in typed.upper() if c not in SEPARATORS)
    keys = {k for k in (normalise_invoice_number(typed), normalise_invoice_number(bare)) if k}
    folded = search_key(typed)
    if not keys and not folded:
        raise PermanentError("number: type at least one letter or digit")
    return [Needle("number_norm", k) for k in sorted(keys)] + ([Needle("number_bare", folded)] if folded else [])


def number_matches(typed: str, conn=None, document_id=t.invoices.c.document_id):
    """The condition "the invoice's number matches what was typed" (see ``number_needles``);
    with ``conn`` an SQLite search may use its trigram table."""
    needles = number_needles(typed)
    if conn is None:
        return or_(*(search_text.like_condition(n) for n in needles))
    return search_text.any_matches(conn, needles, document_id)


def _where(conn, query, f: SearchFilters):
    d, i, v = t.documents, t.invoices, t.vendors
    if f.number:
        query = query.where(number_matches(f.number, conn, d.c.id))
    if f.vendor:
        needle = f.vendor.lower()
        # One IN over (the vendors named so) + (the id as typed): an OR beside the IN would keep
        # the database from walking ix_invoices_vendor_total_date vendor by vendor.
        named = select(v.c.vendor_id).where(or_(func.lower(v.c.name).contains(needle, autoescape=True),
                                                func.lower(cast(v.c.aliases, String)).contains(needle, autoescape=True)))
        query = query.where(i.c.vendor_id.in_(named.union(select(literal(f.vendor, String)))))
    if f.amount_min is not None:
        query = query.where(i.c.total >= f.amount_min)
    if f.amount_max is not None:
        query = query.where(i.c.total <= f.amount_max)
    if f.date_from:
        query = query.where(i.c.invoice_date >= f.date_from.isoformat())
    if f.date_to:
        query = query.where(i.c.invoice_date <= f.date_to.isoformat())
    if f.po:
        folded = search_key(f.po)
        if not folded:
            raise PermanentError("po: type at least one letter or digit")
        query = query.where(search_text.any_matches(conn, [Needle("po_bare", folded)], d.c.id))
    if f.state:
        query = query.where(d.c.status == f.state)
    if f.filename:
        if len(f.filename) < search_text.MIN_TRIGRAM:
            raise PermanentError(f"filename: type at least {search_text.MIN_TRIGRAM} characters of the file name")
        query = query.where(search_text.any_matches(conn, [Needle("filename", f.filename)], d.c.id))
    return query


def search_documents(app, filters: SearchFilters, before: Optional[int] = None, limit: int = PAGE) -> dict:
    """One page of matching documents, newest first; ``next_before`` continues the list."""
    d, i, v = t.documents, t.invoices, t.vendors
    query = (select(d.c.id, d.c.status, d.c.filename, d.c.channel, d.c.updated_at, i.c.invoice_number, i.c.vendor_id,
                    v.c.name.label("vendor_name"), i.c.total, i.c.currency, i.c.invoice_date, i.c.po_number, i.c.document_type)
             .select_from(d.outerjoin(i, i.c.document_id == d.c.id).outerjoin(v, v.c.vendor_id == i.c.vendor_id)))
    if before is not None:
        query = query.where(d.c.id < before)
    with app.uow.read() as tx:
        query = _where(tx.conn, query, filters)
        rows = tx.conn.execute(query.order_by(d.c.id.desc()).limit(limit + 1)).all()
    results = [{**r._mapping, "total": None if r.total is None else str(r.total), "updated_at": str(r.updated_at)} for r in rows[:limit]]
    return {"results": results, "filters": filters.query(), "next_before": results[-1]["id"] if len(rows) > limit else None}
