"""Load vendors, purchase orders and goods receipts from ERP exports (CSV or JSON).

Each record is validated against its JSON Schema; a bad row is quarantined with a
row-level reason and reported, never dropped silently. Unknown or missing CSV columns are
reported as schema drift. Loading is an idempotent upsert keyed by the record's id.

Files come from other systems: the encoding is detected (``adapters/text_files``) or the
file is refused naming what was tried. An id that appears twice in one file (a vendor, or a
PO / receipt line) is ambiguous: every row carrying it is quarantined with the rows it
clashes with, and none of them is loaded; the last row never silently wins. Cells are kept
as the text they are (a name starting with ``=`` stays that name); CSV exports neutralise
formula-like cells (``domain/csv_cells``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from ..adapters.policy_file import load_schema
from ..adapters.text_files import decode_text
from ..errors import MasterDataError
from .transitions import log_step, record

KINDS = {
    "vendors": ("vendor", "vendor_id"),
    "pos": ("purchase_order", "po_number"),
    "receipts": ("goods_receipt", "receipt_id"),
}
CSV_COLUMNS = {
    "vendors": ["vendor_id", "name", "aliases", "tax_id", "iban", "bank_changed_at", "currency", "payment_terms_days", "active"],
    "pos": ["po_number", "vendor_id", "currency", "status", "kind", "line_no", "sku", "description", "quantity", "unit_price"],
    "receipts": ["receipt_id", "po_number", "received_on", "po_line", "sku", "quantity"],
}
REQUIRED_CSV = {"vendors": {"vendor_id", "name"}, "pos": {"po_number", "vendor_id", "currency", "line_no", "quantity", "unit_price"},
                "receipts": {"receipt_id", "po_number", "received_on", "po_line", "quantity"}}


@dataclass
class LoadReport:
    kind: str
    source: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: list[dict] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    encoding: str = ""
    # Rows refused while reading (duplicate ids): (row number, row, reason), quarantined on load.
    refused: list[tuple[int, dict, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "quarantined": self.quarantined, "schema_drift": self.drift,
                "encoding": self.encoding}


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _vendor_from_csv(row: dict) -> dict:
    """A vendor record from one CSV row. A column present but blank clears the value; a
    column missing from the file is left out, so the stored value is kept."""
    rec: dict[str, Any] = {"vendor_id": row.get("vendor_id", ""), "name": row.get("name", "")}
    if "aliases" in row:
        rec["aliases"] = [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()]
    if "tax_id" in row:
        rec["tax_id"] = None if _blank(row["tax_id"]) else row["tax_id"].strip()
    if "iban" in row:
        changed = row.get("bank_changed_at") or None
        rec["bank_accounts"] = [{"iban": i.strip(), "changed_at": changed} for i in (row["iban"] or "").split("|") if i.strip()]
    if "currency" in row:
        rec["currency"] = None if _blank(row["currency"]) else row["currency"].strip()
    if "payment_terms_days" in row:
        raw = (row["payment_terms_days"] or "").strip()
        rec["payment_terms_days"] = None if not raw else int(raw) if raw.isdigit() else raw
    if "active" in row and not _blank(row["active"]):
        rec["active"] = row["active"].strip().lower() in ("1", "true", "yes", "y")
    return rec


def _group_csv(kind: str, rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """POs and receipts come one row per line: fold them into one record per id."""
    if kind == "vendors":
        return [(n, _vendor_from_csv(r)) for n, r in rows]
    key = KINDS[kind][1]
    grouped: dict[str, tuple[int, dict]] = {}
    for n, r in rows:
        if kind == "pos":
            head = {"po_number": r.get("po_number", ""), "vendor_id": r.get("vendor_id", ""), "currency": r.get("currency", ""), "lines": []}
            # Only columns the export has: a file without `status` must not reopen a closed PO.
            head.update({col: r[col] or default for col, default in (("status", "open"), ("kind", "goods")) if col in r})
            line = {"line_no": r.get("line_no", ""), "sku": r.get("sku") or None, "description": r.get("description") or "",
                    "quantity": r.get("quantity", ""), "unit_price": r.get("unit_price", "")}
        else:
            head = {"receipt_id": r.get("receipt_id", ""), "po_number": r.get("po_number", ""), "received_on": r.get("received_on", ""), "lines": []}
            line = {"po_line": r.get("po_line", ""), "sku": r.get("sku") or None, "quantity": r.get("quantity", "")}
        _, rec = grouped.setdefault(head[key], (n, head))
        rec["lines"].append(line)
    return list(grouped.values())


# The key that must be unique within one file: a vendor, or one line of a PO / receipt
# (a PO spans several rows, one per line).
ROW_KEYS = {"vendors": ("vendor_id",), "pos": ("po_number", "line_no"), "receipts": ("receipt_id", "po_line")}


def _refuse_duplicates(kind: str, rows: list[tuple[int, dict]], keys: tuple[str, ...], report: LoadReport) -> list[tuple[int, dict]]:
    """Rows whose key is unique; every row of a duplicated key goes to ``report.refused``.

    For POs and receipts the whole record goes (all its rows): which of two rows for line 1
    is right cannot be known, and half a PO would match invoices against the wrong lines.
    """
    id_key = KINDS[kind][1]
    seen: dict[tuple, list[int]] = {}
    for n, row in rows:
        seen.setdefault(tuple(str(row.get(k, "")).strip() for k in keys), []).append(n)
    clashes = {key: ns for key, ns in seen.items() if len(ns) > 1 and any(key)}
    if not clashes:
        return rows
    bad_ids = {key[0]: ns for key, ns in clashes.items()}
    kept = []
    for n, row in rows:
        record_id = str(row.get(id_key, "")).strip()
        if record_id not in bad_ids:
            kept.append((n, row))
            continue
        clash = next((key, ns) for key, ns in clashes.items() if key[0] == record_id)
        what = f"{id_key} {record_id}" if len(keys) == 1 else f"{id_key} {record_id} line {clash[0][1]}"
        report.refused.append((n, row, f"duplicate {what} in this file (rows {', '.join(map(str, clash[1]))}); "
                                       "none of its rows loaded: fix the export and load it again"))
    return kept


def read_records(kind: str, path: Path, report: LoadReport) -> list[tuple[int, dict]]:
    """(row number, record) pairs from a .json array or a .csv export."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MasterDataError(f"cannot read {path}: {exc.strerror or exc}") from None
    text, report.encoding = decode_text(data, str(path))
    if str(path).lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MasterDataError(f"{path} is not valid JSON: {exc}") from None
        if isinstance(data, dict):
            data = data.get(kind) or data.get("records") or [data]
        if not isinstance(data, list):
            raise MasterDataError(f"{path}: expected a JSON array of {kind}")
        numbered = list(enumerate(data, start=1))
        objects = [(n, r) for n, r in numbered if isinstance(r, dict)]
        kept = {n for n, _ in _refuse_duplicates(kind, objects, (KINDS[kind][1],), report)}
        return [(n, r) for n, r in numbered if not isinstance(r, dict) or n in kept]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    unknown = [c for c in columns if c not in CSV_COLUMNS[kind]]
    missing = sorted(REQUIRED_CSV[kind] - set(columns))
    if unknown:
        report.drift.append(f"unknown columns ignored: {', '.join(unknown)} (expected: {', '.join(CSV_COLUMNS[kind])})")
    if missing:
        raise MasterDataError(f"{path}: schema drift: required columns missing: {', '.join(missing)}")
    rows = [(n, {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in r.items() if k and k.strip() in CSV_COLUMNS[kind]})
            for n, r in enumerate(reader, start=2)]
    return _group_csv(kind, _refuse_duplicates(kind, rows, ROW_KEYS[kind], report))


# Columns a record may leave out: on insert they get these defaults; on update an absent key
# keeps the stored value, so an export that lacks a column (or renamed it: schema drift)
# never wipes, say, a vendor's bank accounts.
DEFAULTS = {
    "vendors": {"aliases": [], "tax_id": None, "bank_accounts": [], "currency": None, "payment_terms_days": None, "active": 1},
    "pos": {"status": "open", "kind": "goods"},
    "receipts": {},
}


def _to_db(kind: str, rec: dict) -> dict:
    """The record's columns that are present; the caller fills defaults for inserts only."""
    row = {k: v for k, v in rec.items()}
    if kind == "vendors" and "active" in row:
        row["active"] = int(bool(row["active"]))
    return row


def load_master_data(app, kind: str, path: Path, actor: str = "system:loader") -> LoadReport:
    """Validate and upsert every record of ``path``; returns counts, quarantined rows and drift."""
    if kind not in KINDS:
        raise MasterDataError(f"unknown master data kind {kind!r}: use one of {', '.join(KINDS)}")
    schema_name, key = KINDS[kind]
    validator = jsonschema.Draft202012Validator(load_schema(app.settings.schemas_dir, schema_name), format_checker=jsonschema.FormatChecker())
    report = LoadReport(kind, str(path))
    records = read_records(kind, path, report)
    with app.uow.begin() as tx:
        upsert = {"vendors": tx.master.upsert_vendor, "pos": tx.master.upsert_po, "receipts": tx.master.upsert_receipt}[kind]
        for row_number, row, why in report.refused:
            tx.master.quarantine(kind, str(path), row_number, row, why)
            report.quarantined.append({"row": row_number, "id": row.get(key), "reason": why})
        for row_number, rec in records:
            errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path)) if isinstance(rec, dict) else []
            if not isinstance(rec, dict) or errors:
                why = "; ".join(f"{'/'.join(map(str, e.path)) or key}: {e.message}" for e in errors) or "not an object"
                tx.master.quarantine(kind, str(path), row_number, rec if isinstance(rec, dict) else {"value": rec}, why)
                report.quarantined.append({"row": row_number, "id": rec.get(key) if isinstance(rec, dict) else None, "reason": why})
                continue
            outcome = upsert(_to_db(kind, rec), DEFAULTS[kind])
            setattr(report, outcome, getattr(report, outcome) + 1)
        event = record(tx, None, step=f"load_{kind}", actor=actor, outcome="loaded", inputs=report.as_dict())
    log_step(app, event)
    return report
