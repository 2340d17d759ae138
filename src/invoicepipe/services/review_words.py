"""Plain words for reason codes and field names, as a clerk or an auditor reads them."""

from __future__ import annotations

REASON_TITLES = {
    "no_po": "No purchase order quoted",
    "po_unknown": "Purchase order not found",
    "po_closed": "Purchase order is closed",
    "po_vendor_mismatch": "Purchase order belongs to another vendor",
    "currency_mismatch": "Currency differs from the purchase order",
    "price_variance": "Unit price differs from the purchase order",
    "not_received": "Goods not received yet",
    "quantity_over_received": "More billed than received",
    "quantity_over_ordered": "More billed than ordered",
    "cumulative_overbilling": "More billed than received, counting earlier invoices",
    "line_not_on_po": "A line is not on the purchase order",
    "no_lines_to_match": "Nothing to match against the purchase order",
    "amount_over_received": "Amount exceeds the value received",
    "unknown_vendor": "Vendor not in the vendor master",
    "duplicate_suspected": "Possible duplicate",
    "bank_mismatch": "Bank details do not match the vendor master",
    "bank_recently_changed": "Vendor changed bank details recently",
    "low_confidence": "A field was read with low confidence",
    "missing_field": "A required field is missing",
    "amount_above_review_limit": "Amount above the review limit",
    "amount_above_vendor_limit": "Amount above the vendor's automatic limit",
    "vendor_always_review": "Vendor is always reviewed",
    "vendor_inactive": "Vendor is inactive",
    "einvoice_text_mismatch": "E-invoice data and printed text disagree",
}

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
    """A short heading for a reason code; unknown codes are spelled out rather than hidden."""
    return REASON_TITLES.get(code) or code.replace("_", " ").capitalize()


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()
