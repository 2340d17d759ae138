"""Plain dataclasses shared by the whole core.

Geometry convention: boxes are in PDF points (1/72 inch) with the origin at the page's
top-left corner, ``x0 < x1`` and ``top < bottom``; pages are numbered from 1. OCR words are
converted into the same space so the reviewer UI can draw any box on any page the same way.

Value convention: extracted values are normalised strings: dates ISO ``YYYY-MM-DD``,
amounts plain decimals with two places (``"1234.50"``, negative for credit notes where
printed so), currency ISO 4217 codes, IBAN without spaces in upper case.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Optional

from .reasons import spec as reason_spec


class Status(str, enum.Enum):
    RECEIVED = "received"
    QUEUED = "queued"
    PARSING = "parsing"
    EXTRACTED = "extracted"
    RECONCILING = "reconciling"
    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"
    EXPORTED = "exported"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    # Approved, but the destination refused delivery for good; replayed by an operator.
    EXPORT_FAILED = "export_failed"


TERMINAL = frozenset({Status.EXPORTED, Status.REJECTED, Status.DUPLICATE, Status.FAILED, Status.EXPORT_FAILED})
# States where the machine is done until a person acts (or export picks it up).
SETTLED = TERMINAL | {Status.NEEDS_REVIEW, Status.APPROVED}
IN_FLIGHT = frozenset({Status.RECEIVED, Status.QUEUED, Status.PARSING, Status.EXTRACTED, Status.RECONCILING})


class Pool(str, enum.Enum):
    FAST = "fast"
    SLOW = "slow"


class Channel(str, enum.Enum):
    EMAIL = "email"
    PORTAL = "portal"
    SCAN = "scan"
    API = "api"


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: "Box") -> "Box":
        return Box(min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom))

    def as_list(self) -> list[float]:
        return [round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2)]


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    page: int
    confidence: float = 1.0  # 1.0 for a text layer; OCR confidence scaled to [0, 1]


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    method: str  # "pdf_text", "ocr_tesseract", ...
    # Tables as found by the reader: each table is a tuple of rows, each row a tuple of cells.
    tables: tuple[tuple[tuple[Optional[str], ...], ...], ...] = ()
    # What an OCR reader did to the page image before reading it (page found and warped,
    # turned, lighting flattened) and the measurements it decided on; the words' boxes refer
    # to that corrected image. Evidence only: not part of the page's identity.
    capture: Optional[Mapping[str, Any]] = field(default=None, compare=False)


@dataclass(frozen=True)
class DocumentText:
    """Everything a reader produced for one document, before any interpretation."""

    pages: tuple[Page, ...]
    einvoice_xml: Optional[bytes] = None  # embedded Factur-X / ZUGFeRD / UBL, if any
    reader: str = ""  # e.g. "pdfium 8149 + pdfplumber 0.11.10 rules", "tesseract 5.3.0"

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in p.words) for p in self.pages)


# The method of a due date computed from the invoice date and the printed payment terms
# (``extraction.payment_terms``), not read: it cannot corroborate the invoice date.
DERIVED_DUE_METHOD = "payment_terms"
# The method of an invoice date counted back from a read due date by the payment terms: the
# calibration never measured it (it keeps its low score), and it corroborates nothing.
DERIVED_ISSUE_METHOD = "terms_before_due"

# The evidence tag on a total that a printed rounding or charge row closes: net + tax +
# that amount = total ("adjusted:+0.30" for "Öresavrundning 0,30"). The arithmetic check
# (``domain.arithmetic``) adds it back; without it a rounded total reads as a misread one.
ADJUSTED_TAG = "adjusted:"
# The evidence tag on a net that the line items reach through printed document-level
# discount and charge rows ("bridged:+12.46": items + that = net; ``extraction.document_charges``).
BRIDGED_TAG = "bridged:"


@dataclass(frozen=True)
class ExtractedField:
    name: str
    value: str
    confidence: float
    method: str  # "label_right", "label_below", "einvoice_xml", "vendor_master", ...
    page: Optional[int] = None
    box: Optional[Box] = None
    # The role of the person who confirmed or entered the value (None: only the machine read
    # it). A value a person vouched for needs no confidence threshold, but a bank or vendor
    # value changed by anyone below a controller opens a gate instead of closing one.
    by: Optional[str] = None
    # What else agrees with the value (amounts: ``class:two``, ``arithmetic``, ``words:de``,
    # ``suffix_of:6018.78`` ...; see domain/extraction/amount_checks.py). The calibration
    # is fitted per evidence class; empty for fields without cross-checks.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: Optional[Decimal] = None
    unit_price: Optional[Decimal] = None
    amount: Optional[Decimal] = None
    sku: Optional[str] = None
    po_line: Optional[str] = None
    confidence: float = 0.0
    page: Optional[int] = None
    box: Optional[Box] = None
    tax_rate: Optional[Decimal] = None  # percent, when the table prints a rate per line
    # figures read differently from the OCR'd words because the line's arithmetic confirmed
    # them ("amount:mark:812:00->812.00", "amount:computed:quantity x unit price")
    evidence: tuple[str, ...] = ()


FIELD_NAMES = (
    "vendor",
    "vendor_id",
    "vendor_vat_id",
    "invoice_number",
    "invoice_date",
    "due_date",
    "po_number",
    "currency",
    "net",
    "tax",
    "total",
    "iban",
    "document_type",  # "invoice" or "credit_note"
    "amount_due",  # e-invoices: BT-115, the total less what was paid already, plus rounding
    "buyer_reference",  # e-invoices: BT-10 (the buyer's routing id, e.g. the German Leitweg-ID)
)


@dataclass(frozen=True)
class Extraction:
    fields: Mapping[str, ExtractedField]
    lines: tuple[LineItem, ...] = ()
    extractor_version: str = ""
    warnings: tuple[str, ...] = ()  # e.g. "einvoice_text_mismatch:total", "ocr_unreadable"

    def value(self, name: str) -> Optional[str]:
        """The field's value; None when it was not read or a person cleared it."""
        f = self.fields.get(name)
        return f.value if f and f.value != "" else None

    def confidence(self, name: str) -> float:
        f = self.fields.get(name)
        return f.confidence if f else 0.0

    def amount(self, name: str) -> Optional[Decimal]:
        v = self.value(name)
        return Decimal(v) if v not in (None, "") else None

    def date(self, name: str) -> Optional[date]:
        v = self.value(name)
        return date.fromisoformat(v) if v else None


@dataclass(frozen=True)
class BankAccount:
    iban: str
    changed_at: Optional[date] = None


@dataclass(frozen=True)
class Vendor:
    vendor_id: str
    name: str
    aliases: tuple[str, ...] = ()
    tax_id: Optional[str] = None
    bank_accounts: tuple[BankAccount, ...] = ()
    currency: Optional[str] = None
    payment_terms_days: Optional[int] = None
    active: bool = True


@dataclass(frozen=True)
class POLine:
    line_no: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    sku: Optional[str] = None


@dataclass(frozen=True)
class PurchaseOrder:
    po_number: str
    vendor_id: str
    currency: str
    lines: tuple[POLine, ...]
    status: str = "open"  # open | closed
    kind: str = "goods"  # goods (three-way) | service (two-way: no receipt expected)


@dataclass(frozen=True)
class PurchaseOrderNumber:
    """What a parse needs of one of the vendor's purchase orders: its number and whether it
    is open (``po_search``); the lines are the decision's business, not the parse's."""

    po_number: str
    status: str = "open"


@dataclass(frozen=True)
class ReceiptLine:
    po_line: str
    quantity: Decimal
    sku: Optional[str] = None


@dataclass(frozen=True)
class GoodsReceipt:
    receipt_id: str
    po_number: str
    received_on: date
    lines: tuple[ReceiptLine, ...]


@dataclass(frozen=True)
class Reason:
    """A registered code (``domain/reasons.py``) plus the sentence a reviewer reads and the
    evidence behind it. An unregistered code is refused at construction."""

    code: str
    message: str
    evidence: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        reason_spec(self.code)

    @property
    def blocks_payment(self) -> bool:
        return reason_spec(self.code).blocks_payment


@dataclass(frozen=True)
class Decision:
    outcome: str  # "approved" | "needs_review" (decide); "auto" | "review" (the extraction-only router)
    reasons: tuple[Reason, ...]
    policy_version: str

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.blocks_payment)


@dataclass(frozen=True)
class Document:
    """One stored input file (or e-mail attachment) and where it is in the flow."""

    id: int
    sha256: str
    filename: str
    channel: str
    media_type: Optional[str]
    size_bytes: int
    status: Status
    pool: Optional[str] = None
    page_count: Optional[int] = None
    reason: Optional[str] = None
    attempts: int = 0
    version: int = 1
    message_db_id: Optional[int] = None
    created_at: Optional[object] = None
    updated_at: Optional[object] = None
    lease_owner: Optional[str] = None  # who works on it outside a transaction right now
    lease_expires_at: Optional[object] = None
    correlation_id: Optional[str] = None  # the upload/drop/API call that brought it (logs.py)
