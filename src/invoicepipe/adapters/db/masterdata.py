"""Repository for the vendor master, purchase orders, goods receipts and quarantined rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

from sqlalchemy import Connection, String, bindparam, insert, select, text, true, update

from ...domain.models import BankAccount, GoodsReceipt, POLine, PurchaseOrder, PurchaseOrderNumber, ReceiptLine, Vendor
from .documents import utcnow
from . import tables as t
from .data_versions import VENDORS, VersionedCopies, read_version


def vendor_from_row(m: Mapping[str, Any]) -> Vendor:
    return Vendor(
        vendor_id=m["vendor_id"],
        name=m["name"],
        aliases=tuple(m["aliases"] or ()),
        tax_id=m["tax_id"],
        bank_accounts=tuple(
            BankAccount(iban=b["iban"], changed_at=date.fromisoformat(b["changed_at"]) if b.get("changed_at") else None)
            for b in (m["bank_accounts"] or ())
        ),
        currency=m["currency"],
        payment_terms_days=m["payment_terms_days"],
        active=bool(m["active"]),
    )


def po_from_row(m: Mapping[str, Any]) -> PurchaseOrder:
    return PurchaseOrder(
        po_number=m["po_number"],
        vendor_id=m["vendor_id"],
        currency=m["currency"],
        status=m["status"],
        kind=m["kind"],
        lines=tuple(
            POLine(line_no=str(li["line_no"]), description=li.get("description") or "", quantity=Decimal(li["quantity"]),
                   unit_price=Decimal(li["unit_price"]), sku=li.get("sku"))
            for li in m["lines"]
        ),
    )


def receipt_from_row(m: Mapping[str, Any]) -> GoodsReceipt:
    return GoodsReceipt(
        receipt_id=m["receipt_id"],
        po_number=m["po_number"],
        received_on=date.fromisoformat(m["received_on"]),
        lines=tuple(ReceiptLine(po_line=str(li["po_line"]), quantity=Decimal(li["quantity"]), sku=li.get("sku")) for li in m["lines"]),
    )


# The vendor master with its table's version, in one statement (one snapshot).
_VENDORS_AT_VERSION = (select(t.data_versions.c.version.label("data_version"), *t.vendors.c)
                       .select_from(t.data_versions.outerjoin(t.vendors, true()))
                       .where(t.data_versions.c.name == VENDORS).order_by(t.vendors.c.vendor_id))


# Read by every parse of a resolved vendor: built once.
_VENDOR = select(t.vendors).where(t.vendors.c.vendor_id == bindparam("vendor_id"))
_PO = select(t.purchase_orders).where(t.purchase_orders.c.po_number == bindparam("po_number"))
_RECEIPTS = (select(t.goods_receipts).where(t.goods_receipts.c.po_number == bindparam("po_number"))
             .order_by(t.goods_receipts.c.received_on))
# Read and held until commit (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers at
# BEGIN already): the decide step's lock and its read of the row in one statement.
_VENDOR_LOCKED = _VENDOR.with_for_update()
_PO_LOCKED = _PO.with_for_update()
# PostgreSQL: what a decision reads of the master data (``for_decision``), in one statement
# where it was three round trips: the vendor's row and the PO's row, each locked (vendor
# first, then PO, as the reads apart took them: uncorrelated subqueries run in the select
# list's order), and the PO's goods receipts in ``received_on`` order. The rows come back
# as JSON of their stored values (the JSON columns nested as stored), read by the same
# ``*_from_row`` as the reads apart.
_FOR_DECISION_PG = text("""
WITH v AS (SELECT vendor_id, name, aliases, tax_id, bank_accounts, currency, payment_terms_days, active
           FROM vendors WHERE vendor_id = :vendor_id FOR UPDATE),
     p AS (SELECT po_number, vendor_id, currency, status, kind, lines
           FROM purchase_orders WHERE po_number = :po_number FOR UPDATE)
SELECT (SELECT row_to_json(v) FROM v) AS vendor,
       (SELECT row_to_json(p) FROM p) AS po,
       (SELECT json_agg(json_build_object('receipt_id', r.receipt_id, 'po_number', r.po_number,
                                          'received_on', r.received_on, 'lines', r.lines) ORDER BY r.received_on)
        FROM goods_receipts AS r WHERE r.po_number = (SELECT po_number FROM p)) AS receipts""").bindparams(
    bindparam("vendor_id", type_=String), bindparam("po_number", type_=String))
_POS_OF_VENDOR = select(t.purchase_orders).where(t.purchase_orders.c.vendor_id == bindparam("vendor_id")).limit(bindparam("limit"))
_PO_NUMBERS_OF_VENDOR = (select(t.purchase_orders.c.po_number, t.purchase_orders.c.status)
                         .where(t.purchase_orders.c.vendor_id == bindparam("vendor_id")).limit(bindparam("limit")))


class MasterDataRepository:
    def __init__(self, conn: Connection, copies: Optional[VersionedCopies] = None):
        self.conn = conn
        # The vendor master per version of its table: a parse reads one counter, not every vendor.
        self._copies = copies or VersionedCopies()

    def _upsert(self, table, key: str, record: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
        """Insert (absent columns from ``defaults``) or update only the given columns, by
        primary key; returns "inserted", "updated" or "unchanged"."""
        existing = self.conn.execute(select(table).where(table.c[key] == record[key])).first()
        if existing is None:
            self.conn.execute(insert(table).values(updated_at=utcnow(), **{**defaults, **record}))
            return "inserted"
        current = {k: existing._mapping[k] for k in record}
        if current == dict(record):
            return "unchanged"
        self.conn.execute(update(table).where(table.c[key] == record[key]).values(updated_at=utcnow(), **record))
        return "updated"

    def upsert_vendor(self, record: Mapping[str, Any], defaults: Optional[Mapping[str, Any]] = None) -> str:
        return self._upsert(t.vendors, "vendor_id", record, defaults or {})

    def upsert_po(self, record: Mapping[str, Any], defaults: Optional[Mapping[str, Any]] = None) -> str:
        return self._upsert(t.purchase_orders, "po_number", record, defaults or {})

    def upsert_receipt(self, record: Mapping[str, Any], defaults: Optional[Mapping[str, Any]] = None) -> str:
        return self._upsert(t.goods_receipts, "receipt_id", record, defaults or {})

    def vendors(self, version: Optional[int] = None) -> Sequence[Vendor]:
        """Every vendor, in vendor-id order: this database's copy while the table's version is
        the one it was read at (``data_versions``), so the same tuple comes back until a write.
        ``version``: the table's version as this transaction read it already (with its audit
        head, ``AuditRepository.vendors_version``), so it is not read again; only for a
        transaction that has not written vendors since."""
        return self._copies.get(VENDORS, version if version is not None else read_version(self.conn, VENDORS), self._read_vendors)

    def _read_vendors(self) -> tuple[Optional[int], tuple[Vendor, ...]]:
        rows = self.conn.execute(_VENDORS_AT_VERSION).all()
        version = rows[0].data_version if rows else None
        return version, tuple(vendor_from_row(r._mapping) for r in rows if r.vendor_id is not None)

    def vendor(self, vendor_id: Optional[str], lock: bool = False) -> Optional[Vendor]:
        """The vendor's row; ``lock``: held until commit, so two invoices of one vendor pass
        the payment gate one after the other (each sees whether the other was just approved,
        and two copies released at the same moment cannot both be paid)."""
        if not vendor_id:
            return None
        row = self.conn.execute(_VENDOR_LOCKED if lock else _VENDOR, {"vendor_id": vendor_id}).first()
        return vendor_from_row(row._mapping) if row else None

    def purchase_order(self, po_number: Optional[str], lock: bool = False) -> Optional[PurchaseOrder]:
        """The PO's row; ``lock``: held until commit, so two invoices on one PO reconcile one
        after the other (each must see what the other billed)."""
        if not po_number:
            return None
        row = self.conn.execute(_PO_LOCKED if lock else _PO, {"po_number": po_number}).first()
        return po_from_row(row._mapping) if row else None

    def for_decision(self, vendor_id: Optional[str],
                     po_number: Optional[str]) -> tuple[Optional[Vendor], Optional[PurchaseOrder], list[GoodsReceipt]]:
        """The vendor (locked), the PO (locked) and the PO's receipts, as ``vendor(lock=True)``,
        ``purchase_order(lock=True)`` and ``receipts_for`` read them: one statement on
        PostgreSQL, the three on SQLite (whose writers are serialised at BEGIN already)."""
        if self.conn.dialect.name != "postgresql" or not (vendor_id or po_number):
            vendor = self.vendor(vendor_id, lock=True)
            po = self.purchase_order(po_number, lock=True)
            return vendor, po, self.receipts_for(po.po_number) if po else []
        row = self.conn.execute(_FOR_DECISION_PG, {"vendor_id": vendor_id or None, "po_number": po_number or None}).one()
        vendor = vendor_from_row(row.vendor) if row.vendor is not None else None
        po = po_from_row(row.po) if row.po is not None else None
        return vendor, po, [receipt_from_row(r) for r in row.receipts or ()] if po else []

    def purchase_orders_of(self, vendor_id: Optional[str], limit: int = 20_000) -> list[PurchaseOrder]:
        """The vendor's purchase orders (``ix_purchase_orders_vendor_id``)."""
        if not vendor_id:
            return []
        rows = self.conn.execute(_POS_OF_VENDOR, {"vendor_id": vendor_id, "limit": limit})
        return [po_from_row(r._mapping) for r in rows]

    def purchase_order_numbers_of(self, vendor_id: Optional[str], limit: int = 20_000) -> list[PurchaseOrderNumber]:
        """The numbers and statuses of the vendor's purchase orders, as ``purchase_orders_of``
        finds them, without their lines: what a parse checks its PO number against. Reading
        and decoding every PO's lines (and pickling them to the parse child) cost the fast
        pool more than the check itself."""
        if not vendor_id:
            return []
        rows = self.conn.execute(_PO_NUMBERS_OF_VENDOR, {"vendor_id": vendor_id, "limit": limit})
        return [PurchaseOrderNumber(r.po_number, r.status) for r in rows]

    def receipts_for(self, po_number: str) -> list[GoodsReceipt]:
        rows = self.conn.execute(_RECEIPTS, {"po_number": po_number})
        return [receipt_from_row(r._mapping) for r in rows]

    def quarantine(self, kind: str, source: str, row_number: Optional[int], row: Mapping[str, Any], reason: str) -> None:
        self.conn.execute(
            insert(t.quarantine).values(kind=kind, source=source, row_number=row_number, row=dict(row), reason=reason, created_at=utcnow())
        )
