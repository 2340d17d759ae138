"""The EN 16931 invoice model both e-invoice syntaxes (UBL 2.1 and UN/CEFACT CII) are read into.

Amounts keep the exact decimals written in the XML; business-term numbers (BT-…) name
what each value is in the standard, so a rule or a screen can say which term it means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class Party:
    name: Optional[str] = None  # BT-27 / BT-44 (legal name, else trading name)
    vat_id: Optional[str] = None  # BT-31 / BT-48
    street: Optional[str] = None
    postcode: Optional[str] = None
    city: Optional[str] = None
    country: Optional[str] = None


@dataclass(frozen=True)
class AllowanceCharge:
    """A document-level (BG-20/BG-21) or line-level (BG-27/BG-28) allowance or charge."""

    is_charge: bool
    amount: Optional[Decimal]  # BT-92 / BT-99 / BT-136 / BT-141
    reason: Optional[str] = None


@dataclass(frozen=True)
class TaxSubtotal:
    """One VAT breakdown (BG-23)."""

    category: Optional[str]  # BT-118
    rate: Optional[Decimal]  # BT-119, percent
    basis: Optional[Decimal]  # BT-116
    amount: Optional[Decimal]  # BT-117


@dataclass(frozen=True)
class EInvoiceLine:
    line_id: Optional[str]  # BT-126
    description: str  # BT-153 item name
    quantity: Optional[Decimal]  # BT-129
    unit_code: Optional[str]  # BT-130
    unit_price: Optional[Decimal]  # BT-146 item net price, per base quantity
    base_quantity: Optional[Decimal]  # BT-149 (1 when absent)
    amount: Optional[Decimal]  # BT-131 line net amount
    sku: Optional[str] = None  # BT-155
    po_line: Optional[str] = None  # BT-132
    tax_rate: Optional[Decimal] = None  # BT-152
    allowances_charges: tuple[AllowanceCharge, ...] = ()


@dataclass(frozen=True)
class Totals:
    """The document totals (BG-22), as written."""

    lines: Optional[Decimal] = None  # BT-106
    allowances: Optional[Decimal] = None  # BT-107
    charges: Optional[Decimal] = None  # BT-108
    net: Optional[Decimal] = None  # BT-109
    tax: Optional[Decimal] = None  # BT-110
    total: Optional[Decimal] = None  # BT-112
    prepaid: Optional[Decimal] = None  # BT-113
    rounding: Optional[Decimal] = None  # BT-114
    amount_due: Optional[Decimal] = None  # BT-115


@dataclass(frozen=True)
class EInvoice:
    syntax: str  # "ubl" | "cii"
    number: Optional[str]  # BT-1
    issue_date: Optional[str]  # BT-2, ISO
    type_code: Optional[str]  # BT-3
    currency: Optional[str]  # BT-5
    due_date: Optional[str]  # BT-9, ISO
    buyer_reference: Optional[str]  # BT-10
    po_reference: Optional[str]  # BT-13
    seller: Party
    buyer: Party
    iban: Optional[str]  # BT-84
    totals: Totals
    lines: tuple[EInvoiceLine, ...] = ()
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    tax_breakdown: tuple[TaxSubtotal, ...] = ()
    notes: tuple[str, ...] = field(default=())  # BT-22
    is_credit_note: bool = False
    profile: Optional[str] = None  # BT-24 specification identifier (CustomizationID / guideline id)
    # False for what does not claim to be a complete EN 16931 invoice: ZUGFeRD 1 (older than
    # the norm) and the Factur-X / ZUGFeRD MINIMUM and BASIC WL profiles (no lines, partial totals)
    en16931: bool = True
