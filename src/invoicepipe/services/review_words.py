"""Plain words for reason codes and field names, as a clerk or an auditor reads them."""

from __future__ import annotations

from ..domain.reasons import GROUPS, REGISTRY

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


def reasons_markdown() -> str:
    """The reason registry as the page ``docs/reasons.md`` (a test keeps the two equal)."""
    out = ["# Reason codes", "",
           "Every reason a decision or a person's action can carry, from `src/invoicepipe/domain/reasons.py`",
           "(`invoicepipe reasons` prints this page). A blocking reason holds payment until the data changes",
           "or a person whose role may override it does so with a note; roles rank reviewer < controller < admin.", ""]
    for group in GROUPS:
        specs = [s for s in REGISTRY.values() if s.group == group]
        out += [f"## {group.capitalize()}", "", "| code | title | blocks payment | override by | what resolves it |", "|---|---|---|---|---|"]
        out += [f"| `{s.code}` | {s.title} | {'yes' if s.blocks_payment else 'no'} | {s.override_role or '–'} | {s.resolve or '–'} |"
                for s in specs]
        out.append("")
    return "\n".join(out)
