"""Everything known about one invoice when it is decided, gathered once.

The service layer reads it in the transaction that records the decision (and, on the way
to payment, writes the outbox row); ``domain/decide.py`` judges it without any I/O. What
another document contributes is summarised here as plain facts: its status, whether it
arrived earlier, what it bills on the PO, its duplicate-detection key and how alike its
content is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping, Optional, Sequence

from .costs import CostCeiling
from .duplicates import InvoiceKey
from .fingerprints import ContentSimilarity
from .models import Extraction, GoodsReceipt, PurchaseOrder, Vendor

PAID_STATES = frozenset({"approved", "exported", "export_failed"})  # export_failed was approved: it bills


@dataclass(frozen=True)
class Commitment:
    """Another invoice billing the same PO: what it bills per PO line and its net value.

    Earlier arrivals count in every state but rejected/failed/duplicate (one waiting in
    review is a commitment); later ones count once paid. One presumed to be a copy of
    another invoice (its own decision holds it as ``duplicate_suspected``) does not count:
    it would bill the same goods twice.
    """

    document_id: int
    status: str
    lines: Mapping[str, Decimal]  # PO line -> quantity billed (credit notes negative)
    value: Decimal
    suspected_copy: bool = False


@dataclass(frozen=True)
class PriorInvoice:
    """A duplicate candidate: its key, where it is, and (when fingerprinted) its likeness."""

    key: InvoiceKey
    status: str
    content: Optional[ContentSimilarity] = None  # None: not fingerprinted, or not found by content


@dataclass(frozen=True)
class Evidence:
    document_id: int
    extraction: Extraction
    vendor: Optional[Vendor]
    po: Optional[PurchaseOrder]
    receipts: Sequence[GoodsReceipt]
    commitments: Sequence[Commitment]
    priors: Sequence[PriorInvoice]
    today: date
    channel: Optional[str] = None
    # What the machine read before any person changed it (None when nobody did): a bank or
    # vendor value a non-controller changed keeps the machine's value under judgement.
    machine_extraction: Optional[Extraction] = None
    machine_vendor: Optional[Vendor] = None
    checked_documents: tuple[int, ...] = field(default_factory=tuple)
    # The reading was cut short by a cost ceiling (pages not read, the second engine not run).
    cost_ceiling: Optional[CostCeiling] = None

    def billed_before(self) -> tuple[dict[str, Decimal], Decimal]:
        """Quantity per PO line and net value billed by the counted commitments.

        A suspected original's billing counts too: should a person decide the copy is a
        different invoice after all, the overbilling it causes must still be in the way."""
        per_line: dict[str, Decimal] = {}
        value = Decimal(0)
        for c in self.commitments:
            if c.suspected_copy:
                continue
            for po_line, qty in c.lines.items():
                per_line[po_line] = per_line.get(po_line, Decimal(0)) + qty
            value += c.value
        return per_line, value
