"""A readable rendering of a stand-alone e-invoice for the document page (it has no page
image): seller, buyer, lines, allowances and charges, VAT breakdown and totals, as written
in the XML. The template escapes every value; nothing here builds markup."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ..domain.einvoice import read_einvoice
from ..domain.einvoice_model import EInvoice, Party
from ..domain.sniff import XML
from ..errors import PermanentError

SYNTAX = {"ubl": "UBL 2.1", "cii": "UN/CEFACT CII"}


def _s(value: Optional[Decimal]) -> Optional[str]:
    return None if value is None else format(value, "f")


def _party(p: Party) -> dict:
    place = " ".join(x for x in (p.postcode, p.city) if x)
    return {"name": p.name, "vat_id": p.vat_id, "address": ", ".join(x for x in (p.street, place, p.country) if x)}


def _totals(inv: EInvoice) -> list[tuple[str, str, Optional[str]]]:
    t = inv.totals
    rows = (("BT-106", "Sum of line net amounts", t.lines), ("BT-107", "Allowances", t.allowances),
            ("BT-108", "Charges", t.charges), ("BT-109", "Total without VAT", t.net), ("BT-110", "VAT", t.tax),
            ("BT-112", "Total with VAT", t.total), ("BT-113", "Paid already", t.prepaid),
            ("BT-114", "Rounding", t.rounding), ("BT-115", "Amount due", t.amount_due))
    return [(bt, label, _s(v)) for bt, label, v in rows if v is not None]


def render_einvoice(inv: EInvoice) -> dict:
    """The e-invoice as plain strings for the template (and the JSON document resource)."""
    return {
        "syntax": SYNTAX.get(inv.syntax, inv.syntax), "number": inv.number, "issue_date": inv.issue_date,
        "due_date": inv.due_date, "type_code": inv.type_code, "credit_note": inv.is_credit_note, "currency": inv.currency,
        "buyer_reference": inv.buyer_reference, "po_reference": inv.po_reference, "iban": inv.iban,
        "seller": _party(inv.seller), "buyer": _party(inv.buyer),
        "lines": [{"id": li.line_id, "description": li.description, "quantity": _s(li.quantity), "unit": li.unit_code,
                   "unit_price": _s(li.unit_price), "base_quantity": _s(li.base_quantity), "tax_rate": _s(li.tax_rate),
                   "amount": _s(li.amount)} for li in inv.lines],
        "allowances_charges": [{"kind": "charge" if a.is_charge else "allowance", "reason": a.reason, "amount": _s(a.amount)}
                               for a in inv.allowances_charges],
        "vat": [{"category": v.category, "rate": _s(v.rate), "basis": _s(v.basis), "amount": _s(v.amount)} for v in inv.tax_breakdown],
        "totals": [{"term": bt, "label": label, "amount": amount} for bt, label, amount in _totals(inv)],
        "notes": list(inv.notes),
    }


def einvoice_rendering(app, doc) -> Optional[dict]:
    """The rendering of a stand-alone e-invoice document; None for other documents, and
    ``{"error": reason}`` when the XML cannot be shown (the reason names no content)."""
    if doc.media_type != XML:
        return None
    try:
        return render_einvoice(read_einvoice(app.blobs.get(doc.sha256)))
    except PermanentError as exc:
        return {"error": exc.reason}
