"""Builders for decision scenarios: a vendor, a PO with receipts, invoices and prior invoices.

Amounts are strings in the tables and Decimals in the dataclasses; an invoice's net, tax
and total are computed from its lines unless a scenario overrides them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Optional, Sequence

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.duplicates import InvoiceKey
from invoicepipe.domain.evidence import Commitment, Evidence, PriorInvoice
from invoicepipe.domain.models import (BankAccount, ExtractedField, Extraction, GoodsReceipt, LineItem, POLine,
                                       PurchaseOrder, ReceiptLine, Vendor)
from invoicepipe.domain.policy import Policy, Tolerances

IBAN = "DE89370400440532013000"
TODAY = date(2026, 3, 20)
VENDOR = Vendor("V1", "Acme Industrial Supplies GmbH", aliases=("Acme Industries",), tax_id="DE123456789",
                bank_accounts=(BankAccount(IBAN, date(2020, 1, 1)),), currency="EUR", payment_terms_days=30)
PO = PurchaseOrder("4500123", "V1", "EUR", (POLine("1", "Widget standard", Decimal(10), Decimal("12.50"), "W-1"),
                                            POLine("2", "Hex bolt M8 zinc", Decimal(100), Decimal("0.40"), "B-8")))
RECEIPT = GoodsReceipt("GR-1", "4500123", date(2026, 3, 10), (ReceiptLine("1", Decimal(10)), ReceiptLine("2", Decimal(100))))


def default_policy() -> Policy:
    return load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")


def with_reconcile(policy: Policy, tolerances: Optional[dict] = None, vendor_overrides: Optional[dict] = None, **settings) -> Policy:
    """The policy with some reconcile tolerances or settings changed."""
    rec = policy.reconcile
    tol = replace(rec.tolerances, **{k: v if k == "combine" else Decimal(str(v)) for k, v in (tolerances or {}).items()})
    vendors = {vid: replace(tol, **{k: Decimal(str(v)) for k, v in over.items()}) for vid, over in (vendor_overrides or {}).items()}
    return replace(policy, reconcile=replace(rec, tolerances=tol, vendor_tolerances=vendors or rec.vendor_tolerances, **settings))


def line(description: str, qty: Optional[str], price: Optional[str], sku: Optional[str] = None, po_line: Optional[str] = None,
         amount: Optional[str] = None) -> LineItem:
    q, p = (Decimal(qty) if qty is not None else None), (Decimal(price) if price is not None else None)
    value = Decimal(amount) if amount is not None else (q * p).quantize(Decimal("0.01")) if q is not None and p is not None else None
    return LineItem(description, q, p, value, sku, po_line, 0.99)


WIDGETS = (line("Widget standard", "10", "12.50", sku="W-1", po_line="1"),)


def invoice(number: str = "INV-1001", day: str = "2026-03-14", po: Optional[str] = "4500123", lines: Sequence[LineItem] = WIDGETS,
            vendor_id: Optional[str] = "V1", vendor: str = "Acme Industrial Supplies GmbH", currency: str = "EUR",
            iban: Optional[str] = IBAN, document_type: str = "invoice", net: Optional[str] = None, total: Optional[str] = None) -> Extraction:
    """An extracted invoice; net, 19 % tax and total follow from the lines unless given."""
    net_value = Decimal(net) if net is not None else sum((li.amount or Decimal(0) for li in lines), Decimal(0))
    tax = (net_value * Decimal("0.19")).quantize(Decimal("0.01"))
    values = {"vendor": vendor, "vendor_id": vendor_id, "invoice_number": number, "invoice_date": day, "po_number": po,
              "currency": currency, "net": str(net_value), "tax": str(tax), "total": total or str(net_value + tax), "iban": iban,
              "document_type": document_type}
    fields = {k: ExtractedField(k, v, 0.99, "test") for k, v in values.items() if v is not None}
    return Extraction(fields, tuple(lines), "test")


def prior(doc_id: int, number: str, total: str, day: str, vendor_id: str = "V1", channel: str = "email",
          document_type: str = "invoice", currency: str = "EUR", status: str = "exported") -> PriorInvoice:
    key = InvoiceKey(doc_id, vendor_id, number, date.fromisoformat(day), Decimal(total), currency, document_type, channel)
    return PriorInvoice(key, status)


def commitment(document_id: int, lines: dict, value: str = "0", status: str = "exported", suspected_copy: bool = False) -> Commitment:
    return Commitment(document_id, status, {k: Decimal(v) for k, v in lines.items()}, Decimal(value), suspected_copy)


def scenario(extraction: Extraction, vendor: Optional[Vendor] = VENDOR, po: Optional[PurchaseOrder] = PO,
             receipts: Sequence[GoodsReceipt] = (RECEIPT,), billed: Optional[dict] = None, billed_value: str = "0",
             priors: Sequence[PriorInvoice] = (), today: date = TODAY, channel: str = "portal", document_id: int = 100,
             commitments: Sequence[Commitment] = (), machine: Optional[Extraction] = None) -> Evidence:
    """The evidence of one invoice; ``billed`` is what one earlier invoice (document 1) billed per PO line."""
    earlier = (commitment(1, billed, billed_value),) if billed or billed_value != "0" else ()
    return Evidence(document_id, extraction, vendor, po, tuple(receipts), earlier + tuple(commitments), tuple(priors), today, channel,
                    machine_extraction=machine)


def receipt(*quantities: tuple[str, str], receipt_id: str = "GR-1", po: str = "4500123") -> GoodsReceipt:
    return GoodsReceipt(receipt_id, po, date(2026, 3, 10), tuple(ReceiptLine(no, Decimal(q)) for no, q in quantities))


__all__ = ["IBAN", "TODAY", "VENDOR", "PO", "RECEIPT", "WIDGETS", "Tolerances", "default_policy", "with_reconcile", "line",
           "invoice", "prior", "commitment", "scenario", "receipt"]
