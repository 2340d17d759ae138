"""Labelled document folders in the shared corpus format, read into plain records.

A folder has ``manifest.csv`` (column ``file``, a path relative to the folder), the
documents under ``pdf/`` (and ``img/`` for generated sets) and ``gt/<stem>.json`` with the
values really printed. ``master/vendors.json``, when present, is the vendor master the
extractor resolves against; otherwise vendors are judged by their printed name.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..adapters.db.masterdata import po_from_row, vendor_from_row
from ..domain.einvoice import CREDIT_NOTE_CODES
from ..domain.extraction.number_series import HISTORY
from ..domain.models import PurchaseOrder, Vendor
from ..errors import InvoicepipeError
from .line_compare import line_truth

TRUTH_FIELDS = ("vendor", "vendor_id", "vendor_vat_id", "invoice_number", "invoice_date", "due_date", "po_number",
                "currency", "net", "tax", "total", "amount_due", "iban")


@dataclass(frozen=True)
class LabelledDocument:
    name: str
    path: Path
    truth: dict  # field name -> expected value (models.py value convention)
    form: Optional[str]  # digital | scan | image when the ground truth says so
    vendor_key: str  # groups one vendor's documents (learning mode)
    not_printed: frozenset = frozenset()  # fields the manifest says the printed text does not show


@dataclass(frozen=True)
class Corpus:
    folder: Path
    documents: tuple[LabelledDocument, ...]
    vendors: Optional[tuple[Vendor, ...]]  # None: no master, vendor judged by printed name
    purchase_orders: tuple[PurchaseOrder, ...] = ()  # master/pos.json: the PO search looks for a vendor's own

    def pos_of(self, vendor_id: Optional[str]) -> list[PurchaseOrder]:
        return [po for po in self.purchase_orders if vendor_id and po.vendor_id == vendor_id]

    def numbers_before(self, doc: LabelledDocument, vendor_id: Optional[str], limit: int = HISTORY) -> list[str]:
        """The invoice numbers of ``vendor_id``'s documents listed before ``doc``, newest first,
        as a person confirmed them: what the books hold of the vendor's earlier invoices when
        ``doc`` arrives (``number_series``; production reads its last ``HISTORY`` approved or
        exported ones). A copy of ``doc``'s own invoice (another form of it, the same number)
        is left out: it is a duplicate, not an earlier invoice. None without a vendor master."""
        if not vendor_id or self.vendors is None:
            return []
        own = doc.truth.get("invoice_number")
        out = []
        for other in self.documents:
            if other is doc:
                break
            number = other.truth.get("invoice_number")
            if other.truth.get("vendor_id") == vendor_id and number and number != own and number not in out:
                out.append(number)
        return out[::-1][:limit]


def normalise_name(name: Optional[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", (name or "").lower())).strip()


def _truth(gt: dict, has_master: bool) -> dict:
    truth = {k: str(gt[k]) for k in TRUTH_FIELDS if gt.get(k) not in (None, "")}
    code = gt.get("document_type_code")
    if code not in (None, ""):
        truth["document_type"] = "credit_note" if str(code) in CREDIT_NOTE_CODES else "invoice"
    truth.update(line_truth(gt))
    if has_master and "vendor_id" not in truth:
        truth["vendor_id"] = ""  # the vendor is not in the master: resolving none is right
    return truth


def _vendor_record(raw: dict) -> Vendor:
    defaults = {"aliases": [], "tax_id": None, "bank_accounts": [], "currency": None, "payment_terms_days": None, "active": True}
    return vendor_from_row({**defaults, **raw})


def load_corpus(folder: Path, limit: Optional[int] = None) -> Corpus:
    """Read ``folder``; raises InvoicepipeError when it is not in the corpus format."""
    folder = Path(folder)
    manifest = folder / "manifest.csv"
    if not manifest.is_file() or not (folder / "gt").is_dir():
        raise InvoicepipeError(f"{folder} is not a labelled corpus: expected manifest.csv and gt/")
    master = folder / "master" / "vendors.json"
    vendors = tuple(_vendor_record(v) for v in json.loads(master.read_text(encoding="utf-8"))) if master.is_file() else None
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    docs = []
    for row in sorted(rows, key=lambda r: r["file"]):
        gt_path = folder / "gt" / f"{Path(row['file']).stem}.json"
        if not gt_path.is_file():
            continue
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        truth = _truth(gt, vendors is not None)
        key = truth.get("vendor_id") or normalise_name(truth.get("vendor")) or Path(row["file"]).stem
        hidden = frozenset(k[: -len("_visible_in_text")] for k, v in row.items()
                           if k.endswith("_visible_in_text") and str(v).strip().lower() == "false")
        docs.append(LabelledDocument(Path(row["file"]).stem, folder / row["file"], truth, gt.get("form"), key, hidden))
    pos_file = folder / "master" / "pos.json"
    pos = tuple(po_from_row({"status": "open", "kind": "goods", **raw}) for raw in json.loads(pos_file.read_text(encoding="utf-8"))) \
        if pos_file.is_file() else ()
    return Corpus(folder, tuple(docs[:limit] if limit else docs), vendors, pos)
