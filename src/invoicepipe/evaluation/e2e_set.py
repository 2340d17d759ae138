"""Reading an end-to-end labelled set: documents in arrival order with their expected decisions.

A set (``fixtures/e2e_dev/README.md``) is a folder with ``manifest.csv`` (one row per
arrival, in arrival order; column ``file``, optional ``order`` and ``channel``),
``gt/<stem>.json`` per document and ``master/{vendors,pos,receipts}.json``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import InvoicepipeError

MASTER_KINDS = ("vendors", "pos", "receipts")


@dataclass(frozen=True)
class Arrival:
    """One labelled document as it arrives; ``name`` is its file path relative to the set."""

    name: str
    path: Path
    channel: str
    form: str
    scenario: str
    kind: str
    expected_outcome: Optional[str]  # approved | needs_review | rejected | duplicate; None: unlabelled
    expected_reasons: tuple[str, ...]
    duplicate_of: Optional[str]
    total: Optional[str]
    reviewer_action: Optional[dict]


@dataclass(frozen=True)
class E2ESet:
    folder: Path
    arrivals: tuple[Arrival, ...]
    master: dict  # kind -> path of its JSON file (only the kinds present)


def _arrival(folder: Path, row: dict) -> Arrival:
    name = row["file"]
    gt_path = folder / "gt" / f"{Path(name).stem}.json"
    gt = json.loads(gt_path.read_text(encoding="utf-8")) if gt_path.is_file() else {}
    action = gt.get("reviewer_action")
    if isinstance(action, str):  # the short form: "approve"
        action = {"action": action}
    return Arrival(
        name=name, path=folder / name, channel=row.get("channel") or gt.get("channel") or "portal",
        form=gt.get("form") or row.get("form") or "unknown", scenario=gt.get("scenario") or row.get("scenario") or "unlabelled",
        kind=gt.get("kind") or row.get("kind") or "unlabelled", expected_outcome=gt.get("expected_outcome"),
        expected_reasons=tuple(sorted(gt.get("expected_reasons") or ())), duplicate_of=gt.get("duplicate_of") or None,
        total=gt.get("total"), reviewer_action=action)


def read_e2e_set(folder: Path, limit: Optional[int] = None) -> E2ESet:
    """The set at ``folder``; ``limit`` keeps the first N arrivals."""
    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        raise InvoicepipeError(f"{folder} has no manifest.csv; see fixtures/e2e_dev/README.md")
    with manifest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and rows[0].get("order"):
        rows.sort(key=lambda r: int(r["order"]))
    arrivals = tuple(_arrival(folder, r) for r in rows[:limit] if r.get("file"))
    missing = [a.name for a in arrivals if not a.path.is_file()]
    if missing:
        raise InvoicepipeError(f"{len(missing)} document(s) of {folder} are missing, e.g. {missing[0]}")
    master = {k: folder / "master" / f"{k}.json" for k in MASTER_KINDS if (folder / "master" / f"{k}.json").is_file()}
    return E2ESet(folder, arrivals, master)
