"""Plain words for reason codes and field names, as a clerk or an auditor reads them."""

from __future__ import annotations

from ..domain.reasons import REGISTRY

FIELD_LABELS = {
    "vendor": "Vendor name",
    "vendor_id": "Vendor id",
    "vendor_vat_id": "Vendor VAT id",
    "invoice_number": "Invoice number",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "po_number": "PO number",
    "currency": "Currency",
    "net": "Net amount",
    "tax": "Tax",
    "total": "Total",
    "iban": "IBAN",
    "document_type": "Document type",
}


def reason_title(code: str) -> str:
    """A short heading for a reason code (the registry's); codes of older events that are no
    longer registered are spelled out rather than hidden."""
    entry = REGISTRY.get(code)
    return entry.title if entry else code.replace("_", " ").capitalize()


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()
