"""Repository for the per-vendor layout memory and the corrections it was learned from."""

from __future__ import annotations

from typing import Iterable, Optional

from functools import lru_cache

from sqlalchemy import Connection, bindparam, exists, func, insert, select, update

from ...domain.extraction.number_series import HISTORY
from ...domain.layout_memory import VendorLayout, layout_from_dict, layout_to_dict
from ...domain.models import PurchaseOrderNumber
from . import tables as t
from .documents import utcnow
from .duplicate_queries import PAID


# Read by every parse of a resolved vendor (``learning.stored_context``): built once, since
# building and cache-keying a statement per call cost more client CPU than running it.
_LAYOUT = select(t.layout_memory.c.layout).where(t.layout_memory.c.vendor_key == bindparam("vendor_key"))
_UNLEARNED_REVIEWS = (
    select(t.extractions.c.id, t.extractions.c.document_id)
    .join(t.invoices, t.invoices.c.document_id == t.extractions.c.document_id)
    .where(t.extractions.c.source == "review", t.invoices.c.vendor_id.in_(bindparam("vendor_ids", expanding=True)),
           t.extractions.c.id.not_in(select(t.layout_memory_sources.c.extraction_id)))
    .order_by(t.extractions.c.id)
    .limit(bindparam("limit")))

# Every parse of a resolved vendor asks both: whether corrections of the vendor wait to be
# learned, and its memory as stored. One statement, not two.
_PENDING_AND_LAYOUT = select(
    exists().where(t.extractions.c.source == "review", t.invoices.c.document_id == t.extractions.c.document_id,
                   t.invoices.c.vendor_id == bindparam("vendor_key"),
                   t.extractions.c.id.not_in(select(t.layout_memory_sources.c.extraction_id))).label("pending"),
    _LAYOUT.scalar_subquery().label("layout"))



@lru_cache(maxsize=2)
def _vendor_context_statement(dialect: str):
    """``_PENDING_AND_LAYOUT``, the vendor's purchase orders (number, status; at most
    ``limit``, as ``MasterDataRepository.purchase_order_numbers_of`` reads them) and the
    numbers and statuses of its latest invoices (``ix_invoices_vendor_document``) as JSON array
    columns: everything a parse asks about its
    resolved vendor in one statement, where it was two."""
    po, inv, doc = t.purchase_orders.c, t.invoices.c, t.documents.c
    json_type = t.layout_memory.c.layout.type
    orders = select(po.po_number, po.status).where(po.vendor_id == bindparam("vendor_id")).limit(bindparam("limit")).subquery()
    # the vendor's latest invoices by arrival (``ix_invoices_vendor_document``), each with its
    # document's status looked up by key: a join of the two tables cost the planner more than
    # the whole statement had cost before (2.5 ms a parse on PostgreSQL, pg_stat_statements);
    # the paid ones among them are kept by the caller
    status = select(doc.status).where(doc.id == inv.document_id).scalar_subquery()
    latest = (select(inv.invoice_number, status.label("status"))
              .where(inv.vendor_id == bindparam("vendor_id"), inv.invoice_number.is_not(None))
              .order_by(inv.document_id.desc()).limit(bindparam("scanned")).subquery())
    if dialect == "postgresql":
        listed = func.json_agg(func.json_build_array(orders.c.po_number, orders.c.status), type_=json_type)
        numbers = func.json_agg(func.json_build_array(latest.c.invoice_number, latest.c.status), type_=json_type)
    else:
        listed = func.json_group_array(func.json_array(orders.c.po_number, orders.c.status), type_=json_type)
        numbers = func.json_group_array(func.json_array(latest.c.invoice_number, latest.c.status), type_=json_type)
    return _PENDING_AND_LAYOUT.add_columns(select(listed).select_from(orders).scalar_subquery().label("orders"),
                                           select(numbers).select_from(latest).scalar_subquery().label("numbers"))


class LayoutMemoryRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, vendor_key: Optional[str]) -> Optional[VendorLayout]:
        if not vendor_key:
            return None
        row = self.conn.execute(_LAYOUT, {"vendor_key": vendor_key}).first()
        return layout_from_dict(row[0]) if row else None

    def save(self, layout: VendorLayout) -> None:
        values = {"layout": layout_to_dict(layout), "documents": layout.documents, "updated_at": utcnow()}
        done = self.conn.execute(update(t.layout_memory).where(t.layout_memory.c.vendor_key == layout.vendor_key).values(**values))
        if done.rowcount == 0:
            self.conn.execute(insert(t.layout_memory).values(vendor_key=layout.vendor_key, **values))

    def mark_learned(self, extraction_id: int, vendor_key: Optional[str]) -> None:
        self.conn.execute(insert(t.layout_memory_sources).values(extraction_id=extraction_id, vendor_key=vendor_key, learned_at=utcnow()))

    def is_learned(self, extraction_id: int) -> bool:
        row = self.conn.execute(select(t.layout_memory_sources.c.extraction_id)
                                .where(t.layout_memory_sources.c.extraction_id == extraction_id)).first()
        return row is not None

    def extraction(self, extraction_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.extractions).where(t.extractions.c.id == extraction_id)).first()
        return dict(row._mapping) if row else None

    def pending_and_layout(self, vendor_key: str) -> tuple[bool, Optional[VendorLayout]]:
        """(corrections of the vendor wait to be learned, its layout as stored) in one read:
        ``bool(unlearned_reviews([vendor_key]))`` and ``get(vendor_key)``."""
        row = self.conn.execute(_PENDING_AND_LAYOUT, {"vendor_key": vendor_key}).one()
        return bool(row.pending), (layout_from_dict(row.layout) if row.layout is not None else None)

    def vendor_context(self, vendor_key: str, vendor_id: str, limit: int = 20_000, history: int = HISTORY
                       ) -> tuple[bool, Optional[VendorLayout], list[PurchaseOrderNumber], list[str]]:
        """``pending_and_layout(vendor_key)``, the numbers and statuses of ``vendor_id``'s
        purchase orders (``MasterDataRepository.purchase_order_numbers_of``) and the invoice
        numbers of its latest approved or exported invoices (at most ``history``, newest first,
        among its latest ``2 * history`` invoices), in one read."""
        row = self.conn.execute(_vendor_context_statement(self.conn.dialect.name),
                                {"vendor_key": vendor_key, "vendor_id": vendor_id, "limit": limit, "scanned": 2 * history}).one()
        orders = [PurchaseOrderNumber(number, status) for number, status in row.orders or ()]
        numbers = [n for n, status in row.numbers or () if n and status in PAID][:history]
        return bool(row.pending), (layout_from_dict(row.layout) if row.layout is not None else None), orders, numbers

    def unlearned_reviews(self, vendor_ids: Iterable[str], limit: int = 5) -> list[dict]:
        """Review extractions (reviewers' corrections) of these vendors not learned yet, oldest first."""
        rows = self.conn.execute(_UNLEARNED_REVIEWS, {"vendor_ids": list(vendor_ids), "limit": limit})
        return [dict(r._mapping) for r in rows]
