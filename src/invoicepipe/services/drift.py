"""Drift report: gather labels, confidences, decisions and layouts, then decide (domain/drift).

Reads only: one short transaction of bounded queries (``adapters/db/drift.py``); the window
is the newest ``window`` documents of each kind, the baseline the ``baseline`` before them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

from ..adapters.db.drift import DriftRepository
from ..adapters.db.layout_memory import LayoutMemoryRepository
from ..domain.drift import (DriftPolicy, DriftReport, PrintedField, accuracy_findings, capture_form, confidence_findings,
                            label_fields, layout_finding, stp_finding)


def _split(rows: list, window: int) -> tuple[list, list]:
    """(baseline, window): the newest ``window`` rows and the ones before them."""
    cut = max(0, len(rows) - window)
    return rows[:cut], rows[cut:]


def _printed(fields: dict, pages: list) -> tuple[list[PrintedField], int]:
    sizes = {int(p.get("number") or 0): (float(p.get("width") or 0), float(p.get("height") or 0)) for p in pages}
    out = []
    for name, f in fields.items():
        box, page = (f or {}).get("box"), (f or {}).get("page")
        w, h = sizes.get(int(page or 0), (0.0, 0.0))
        if box and page and w and h:
            out.append(PrintedField(name, int(page), (box[0] / w, box[1] / h, box[2] / w, box[3] / h)))
    return out, max(sizes or {1: None})


def drift_report(app, window: Optional[int] = None, baseline: Optional[int] = None) -> DriftReport:
    """Every drift check over the newest ``window`` documents against the ``baseline`` before them
    (defaults from the policy's ``drift`` section)."""
    policy: DriftPolicy = app.policy.drift
    window = window or policy.window_documents
    baseline = baseline or policy.baseline_documents
    with app.uow.begin() as tx:
        repo = DriftRepository(tx.conn)
        reviewed = repo.reviewed(window + baseline)
        ids = [r["document_id"] for r in reviewed]
        machine = repo.machine_extractions(ids)
        recent_machine = repo.newest_machine(window + baseline)
        vendors = repo.vendors(ids + [m["document_id"] for m in recent_machine])
        decided = repo.decided(window + baseline)
        layouts = _layout_inputs(LayoutMemoryRepository(tx.conn), recent_machine[-window:], vendors, policy)
    labels = []
    for r in reviewed:
        m = machine.get(r["document_id"])
        if m is None:
            continue
        doc_labels = label_fields(m["fields"], r["reviewed"], r["document_id"], vendors.get(r["document_id"]),
                                  capture_form(m["pages"], m["fields"]))
        labels.append(doc_labels)
    base_docs, win_docs = _split(labels, window)
    findings = accuracy_findings([x for d in base_docs for x in d], [x for d in win_docs for x in d], policy)
    base_m, win_m = _split(recent_machine, window)
    findings += confidence_findings(_confidences(base_m), _confidences(win_m), policy)
    base_d, win_d = _split(decided, window)
    findings.append(stp_finding((sum(s for _, s in base_d), len(base_d)), (sum(s for _, s in win_d), len(win_d)), policy))
    findings += [layout_finding(vendor, layout, newest, policy) for vendor, (layout, newest) in sorted(layouts.items())]
    return DriftReport(tuple(findings), window, baseline)


def _confidences(rows: list[dict]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for name, f in r["fields"].items():
            if (f or {}).get("value"):
                out[name].append(float(f.get("confidence") or 0.0))
    return out


def _layout_inputs(memory: LayoutMemoryRepository, rows: list[dict], vendors: dict[int, str], policy: DriftPolicy) -> dict:
    """vendor -> (its layout memory, its newest documents' printed fields, newest first)."""
    newest: dict[str, list] = defaultdict(list)
    for r in reversed(rows):
        vendor = vendors.get(r["document_id"])
        if vendor and len(newest[vendor]) < policy.layout_documents:
            newest[vendor].append(_printed(r["fields"], r["pages"]))
    out = {}
    for vendor, docs in newest.items():
        layout = memory.get(vendor)
        if layout is not None and layout.spots:
            out[vendor] = (layout, docs)
    return out
