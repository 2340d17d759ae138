"""Small master data sets and invoice texts shared by service tests."""

from __future__ import annotations

import json
from pathlib import Path

VENDORS = [
    {"vendor_id": "V100", "name": "Acme Industrial Supplies GmbH", "aliases": ["Acme Industries"], "tax_id": "DE123456789",
     "bank_accounts": [{"iban": "DE89370400440532013000", "changed_at": "2020-01-01"}], "currency": "EUR", "payment_terms_days": 30},
    {"vendor_id": "V200", "name": "Globex Office Ltd", "tax_id": "GB123456789", "currency": "GBP"},
]
POS = [
    {"po_number": "4500123", "vendor_id": "V100", "currency": "EUR", "status": "open", "kind": "goods",
     "lines": [{"line_no": "1", "sku": "W-1", "description": "Widget standard", "quantity": "10", "unit_price": "12.50"}]},
]
RECEIPTS = [
    {"receipt_id": "GR-1", "po_number": "4500123", "received_on": "2026-03-10", "lines": [{"po_line": "1", "sku": "W-1", "quantity": "10"}]},
]


def write_master(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, rows in (("vendors", VENDORS), ("pos", POS), ("receipts", RECEIPTS)):
        paths[kind] = folder / f"{kind}.json"
        paths[kind].write_text(json.dumps(rows))
    return paths


def invoice_lines(number="INV-1001", qty="10", price="12.50", po="4500123", iban="DE89 3704 0044 0532 0130 00", day="2026-03-14"):
    amount = f"{float(qty) * float(price):.2f}"
    tax = f"{float(amount) * 0.19:.2f}"
    total = f"{float(amount) + float(tax):.2f}"
    lines = ["Acme Industrial Supplies GmbH", "VAT ID: DE123456789", f"Invoice No: {number}", f"Invoice date: {day}"]
    if po:
        lines.append(f"PO Number: {po}")
    lines += ["Description Qty Unit price Amount", f"Widget standard {qty} {price} {amount}",
              f"Subtotal: {amount} EUR", f"VAT 19%: {tax} EUR", f"Total: {total} EUR", f"IBAN: {iban}"]
    return lines
