"""Labelled reconcile sets: extracted invoices in arrival order, master data, expected outcomes.

Two layouts are read (``fixtures/reconcile_eval/README.md`` describes them):

- the native one: ``master/{vendors,pos,receipts}.json`` and ``invoices.jsonl``, one
  extracted invoice per line with its expected outcome, reasons and ``duplicate_of``;
- an e-invoice corpus: ``manifest.csv`` plus ``gt/*.json`` (fields read from the embedded
  XML) where documents sharing a ``dedup_group`` are renderings of one invoice. Each ground
  truth becomes an extracted invoice, the vendor master is built from the vendors named,
  and every later member of a group is labelled a duplicate of the group's first member.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from rapidfuzz import fuzz

from ..domain.einvoice import CREDIT_NOTE_CODES
from ..errors import InvoicepipeError

_FORM_PREFIX = re.compile(r"^(\d{3,})-")  # "0007-de_din_ruled-scan.pdf": forms of invoice 0007
FUZZY_NAME_MIN = 88  # the extractor's own bar for a name match
CORPUS_FIELDS = ("vendor", "vendor_vat_id", "invoice_number", "invoice_date", "due_date", "po_number", "currency", "net", "tax", "total", "iban")


@dataclass
class Case:
    id: str
    fields: dict
    lines: list = field(default_factory=list)
    channel: str = "portal"
    received_on: Optional[str] = None
    expected_outcome: Optional[str] = None
    expected_reasons: Optional[list] = None
    duplicate_of: Optional[str] = None
    reviewer_decision: Optional[str] = None  # what a reviewer does next: approve | reject
    confidences: dict = field(default_factory=dict)  # field -> confidence it was read with (default 1.0)
    # What people do once it is decided, in order: {"action": approve|correct|override|reject,
    # "role": reviewer|controller, "values": {...}, "overrides": {code: note}, "reason": ...}
    reviewer_actions: list = field(default_factory=list)
    expected_paid: Optional[bool] = None  # after those actions: approved/exported (True) or not


@dataclass
class LabelledSet:
    name: str
    vendors: Union[list, Path]  # records, or a master-data file for the loader
    pos: Union[list, Path]
    receipts: Union[list, Path]
    cases: list


def duplicate_root(name: Optional[str], parent: dict) -> Optional[str]:
    """The first document of a chain of copies (``parent``: document -> the one it copies);
    two documents of one invoice share their root, however the chain runs."""
    seen = set()
    while name in parent and parent[name] and name not in seen:
        seen.add(name)
        name = parent[name]
    return name


def _norm_name(name: Optional[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", (name or "").lower())).strip()


def resolve_vendor_id(fields: dict, vendors: list) -> Optional[str]:
    """Resolve the printed vendor as extraction does: the exact name or an alias, else a VAT id
    only one vendor has, else a clear fuzzy name match (OCR-garbled names); None when unsure."""
    printed = _norm_name(fields.get("vendor"))
    names = {v["vendor_id"]: {_norm_name(n) for n in [v["name"], *v.get("aliases", [])]} - {""} for v in vendors}
    exact = [vid for vid, known in names.items() if printed in known]
    if printed and len(exact) == 1:
        return exact[0]
    vat = re.sub(r"\W", "", (fields.get("vendor_vat_id") or "")).upper()
    owners = [v["vendor_id"] for v in vendors if vat and re.sub(r"\W", "", v.get("tax_id") or "").upper() == vat]
    if len(owners) == 1:
        return owners[0]
    scored = sorted(((max(fuzz.ratio(printed, n) for n in known), vid) for vid, known in names.items() if printed and known), reverse=True)
    if scored and scored[0][0] >= FUZZY_NAME_MIN and (len(scored) == 1 or scored[1][0] < scored[0][0] - 2):
        return scored[0][1]
    return None


def _case(raw: dict, vendors: list) -> Case:
    fields = {k: (str(v) if v is not None else None) for k, v in raw["fields"].items()}
    if not fields.get("vendor_id"):
        fields["vendor_id"] = resolve_vendor_id(fields, vendors)
    return Case(str(raw["id"]), fields, raw.get("lines") or [], raw.get("channel") or "portal", raw.get("received_on"),
                raw.get("expected_outcome"), raw.get("expected_reasons"), raw.get("duplicate_of"), raw.get("reviewer_decision"),
                raw.get("confidences") or {}, raw.get("reviewer_actions") or [], raw.get("expected_paid"))


def _master(folder: Path, kind: str) -> Union[list, Path]:
    """``master/<kind>.json`` as rows, else ``master/<kind>.csv`` for the loader to read, else none."""
    path = folder / "master" / f"{kind}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return folder / "master" / f"{kind}.csv" if (folder / "master" / f"{kind}.csv").is_file() else []


def _rows(master: Union[list, Path], kind: str) -> list:
    """Records for vendor resolution (a CSV is read through the loader's own reader)."""
    if isinstance(master, list):
        return master
    from ..services.masterdata import LoadReport, read_records

    return [rec for _, rec in read_records(kind, master, LoadReport(kind, str(master)))]


def read_native(folder: Path) -> LabelledSet:
    vendors = _master(folder, "vendors")
    rows = _rows(vendors, "vendors")
    cases = [_case(json.loads(text), rows) for text in (folder / "invoices.jsonl").read_text(encoding="utf-8").splitlines() if text.strip()]
    return LabelledSet(str(folder), vendors, _master(folder, "pos"), _master(folder, "receipts"), cases)


def _group_of(row: dict) -> str:
    if row.get("dedup_group"):
        return row["dedup_group"]
    prefix = _FORM_PREFIX.match(Path(row["file"]).name)
    return prefix.group(1) if prefix and "form" in row else row["file"]


def _groups(rows: list[dict], truths: dict[str, dict]) -> dict[str, str]:
    """File -> the group of renderings it belongs to (``dedup_group``; else, in a generated
    fixture set, the NNNN prefix its forms share), joined with any gt ``duplicate_of`` link."""
    parent = {row["file"]: _group_of(row) for row in rows}
    merged = {g: g for g in parent.values()}

    def find(g: str) -> str:
        while merged[g] != g:
            g = merged[g]
        return g
    for file, gt in truths.items():
        if gt.get("duplicate_of") in parent:
            merged[find(parent[file])] = find(parent[gt["duplicate_of"]])
    return {file: find(g) for file, g in parent.items()}


def _corpus_vendors(folder: Path, truths: dict[str, dict]) -> tuple[list, list, list]:
    """The set's own master data when it has one, else a vendor master built from the vendors named."""
    if _master(folder, "vendors"):
        return _master(folder, "vendors"), _master(folder, "pos"), _master(folder, "receipts")
    vendors: dict[str, dict] = {}
    for gt in truths.values():
        key = _norm_name(gt.get("vendor"))
        if key and key not in vendors:
            vendors[key] = {"vendor_id": f"C{len(vendors) + 1:03d}", "name": gt["vendor"], "tax_id": gt.get("vendor_vat_id")}
    return list(vendors.values()), [], []


def read_corpus(folder: Path) -> LabelledSet:
    """A set of ``manifest.csv`` + ``gt/<stem>.json``: every ground truth is an extracted invoice,
    arriving in file-name order; every later member of a group is a duplicate of its first."""
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: Path(r["file"]).name)
    truths = {row["file"]: json.loads((folder / "gt" / f"{Path(row['file']).stem}.json").read_text(encoding="utf-8")) for row in rows}
    vendors, pos, receipts = _corpus_vendors(folder, truths)
    vendor_rows = _rows(vendors, "vendors")
    groups, first_of_group, cases = _groups(rows, truths), {}, []
    for row in rows:
        gt, case_id = truths[row["file"]], Path(row["file"]).stem
        fields = {k: str(gt[k]) for k in CORPUS_FIELDS if gt.get(k) not in (None, "")}
        fields["document_type"] = "credit_note" if str(gt.get("document_type_code")) in CREDIT_NOTE_CODES else "invoice"
        fields["vendor_id"] = gt.get("vendor_id") or resolve_vendor_id(fields, vendor_rows)
        original = first_of_group.setdefault(groups[row["file"]], case_id)
        duplicate_of = original if original != case_id else None
        outcome, reasons = gt.get("expected_outcome"), gt.get("expected_reasons")
        if duplicate_of and outcome and "duplicate_suspected" not in (reasons or []):
            outcome, reasons = "needs_review", sorted({*(reasons or []), "duplicate_suspected"})  # a later rendering is a copy
        channel = "scan" if (row.get("form") or gt.get("form")) in ("scan", "image") else "portal"
        cases.append(Case(case_id, fields, gt.get("lines") or [], channel, gt.get("invoice_date"), outcome, reasons, duplicate_of))
    return LabelledSet(str(folder), vendors, pos, receipts, cases)


def read_labelled_set(folder: Path) -> LabelledSet:
    """Read ``folder`` in whichever layout it has."""
    folder = Path(folder)
    if (folder / "invoices.jsonl").is_file():
        return read_native(folder)
    if (folder / "manifest.csv").is_file() and (folder / "gt").is_dir():
        return read_corpus(folder)
    raise InvoicepipeError(f"{folder} is not a labelled reconcile set: expected invoices.jsonl (with master/) or manifest.csv with gt/")
