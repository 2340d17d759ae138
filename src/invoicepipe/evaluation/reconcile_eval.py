"""``invoicepipe eval reconcile DIR``: run the real reconcile stage over a labelled set.

An App is bootstrapped on a temporary SQLite database (never the configured one), the
master data is loaded through the real loader, and each invoice, in arrival order, is
stored the way the parse step stores it (document, extraction, indexed invoice row) and
decided by ``services.decide.decide_document`` (every check and the payment gate). So approvals feed the cumulative billing
of later invoices and every earlier invoice is a duplicate candidate, exactly as in
production. A labelled reviewer decision is applied before the next invoice arrives.

A predicted duplicate is a ``duplicate_suspected`` reason; it is correct when the linked
original belongs to the same invoice (the labelled ``duplicate_of`` chain).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Optional

from dramatiq.brokers.stub import StubBroker

from ..adapters.broker import DeferredEnqueuer
from ..adapters.db.documents import extraction_from_json
from ..domain.models import Extraction, Status
from ..services.masterdata import load_master_data
from ..services.parse import invoice_columns
from ..services.decide import decide_document
from ..services.transitions import move
from .labelled_set import Case, LabelledSet, read_labelled_set

ACTOR = "system:eval"
UNLABELLED = "(unlabelled)"


def _app(workdir: Path):
    from ..bootstrap import bootstrap
    from ..config import Settings

    settings = Settings.from_env(var_dir=workdir / "var", inbox_dir=workdir / "inbox", database_url=f"sqlite:///{workdir / 'eval.db'}",
                                 redis_url=None)
    app = bootstrap(settings, broker=StubBroker(), log_level="WARNING")
    app.enqueuer = DeferredEnqueuer()  # nothing runs after reconcile: export is not under test
    return app


def _load_master(app, data: LabelledSet, workdir: Path) -> dict:
    quarantined = {}
    for kind, rows in (("vendors", data.vendors), ("pos", data.pos), ("receipts", data.receipts)):
        path = rows if isinstance(rows, Path) else workdir / f"{kind}.json"
        if not isinstance(rows, Path):
            path.write_text(json.dumps(rows), encoding="utf-8")
        report = load_master_data(app, kind, path, actor=ACTOR)
        quarantined[kind] = len(report.quarantined)
    return quarantined


def _extraction(case: Case) -> Extraction:
    row = {"fields": {k: {"value": v, "confidence": 1.0, "method": "labelled"} for k, v in case.fields.items() if v not in (None, "")},
           "lines": case.lines, "extractor_version": "labelled", "warnings": []}
    return extraction_from_json(row)


def _store(app, case: Case) -> int:
    """Insert the document, its extraction and its invoice row as the parse step does."""
    extraction = _extraction(case)
    digest = hashlib.sha256(json.dumps([case.id, case.fields, case.lines], sort_keys=True).encode()).hexdigest()
    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256=digest, filename=case.id, channel=case.channel, media_type="application/json",
                                  size_bytes=len(case.id), status=Status.RECONCILING)
        tx.documents.save_extraction(doc_id, extraction, "labelled", [])
        tx.documents.upsert_invoice(doc_id, **invoice_columns(extraction, case.channel))
    return doc_id


def _review(app, doc_id: int, decision: Optional[str]) -> None:
    targets = {"approve": Status.APPROVED, "reject": Status.REJECTED}
    if decision not in targets:
        return
    with app.uow.begin() as tx:
        doc = tx.documents.get(doc_id)
        if doc.status is Status.NEEDS_REVIEW:
            move(tx, doc, targets[decision], step="review", actor="user:eval-reviewer", outcome=decision)


def _decision(app, doc_id: int) -> dict:
    with app.uow.begin() as tx:
        return [d for d in tx.documents.decisions(doc_id) if d["stage"] == "decide"][-1]


def run_cases(app, data: LabelledSet) -> list[dict]:
    """Reconcile every case in arrival order; one result per case."""
    ids: dict[int, str] = {}
    results = []
    for case in data.cases:
        doc_id = _store(app, case)
        ids[doc_id] = case.id
        today = date.fromisoformat(case.received_on) if case.received_on else None
        decide_document(app, doc_id, ACTOR, today=today)
        row = _decision(app, doc_id)
        dup = next((r for r in row["reasons"] if r["code"] == "duplicate_suspected"), None)
        results.append({"id": case.id, "outcome": row["outcome"], "reasons": [r["code"] for r in row["reasons"]],
                        "linked": ids.get(dup["evidence"]["original_id"]) if dup else None, "case": case})
        _review(app, doc_id, case.reviewer_decision)
    return results


def _root(case_id: Optional[str], parent: dict) -> Optional[str]:
    seen = set()
    while case_id in parent and parent[case_id] and case_id not in seen:
        seen.add(case_id)
        case_id = parent[case_id]
    return case_id


def _as_labelled(result: dict) -> bool:
    """The outcome as labelled and, when reasons are labelled, the same set of reason codes."""
    case = result["case"]
    reasons_ok = case.expected_reasons is None or sorted(set(case.expected_reasons)) == sorted(set(result["reasons"]))
    return case.expected_outcome == result["outcome"] and reasons_ok


def score(results: list[dict]) -> dict:
    """Duplicate precision/recall, the outcome confusion matrix and per-reason counts."""
    parent = {r["id"]: r["case"].duplicate_of for r in results}
    tp = fp = fn = 0
    errors, mismatches = [], []
    matrix: dict[str, Counter] = {}
    for r in results:
        case = r["case"]
        expected, linked = case.duplicate_of is not None, r["linked"]
        right = expected and linked is not None and _root(linked, parent) == _root(r["id"], parent)
        tp += right
        fp += linked is not None and not right
        fn += expected and not right
        if (linked is not None or expected) and not right:
            errors.append({"id": r["id"], "expected_original": case.duplicate_of, "linked": linked})
        matrix.setdefault(case.expected_outcome or UNLABELLED, Counter())[r["outcome"]] += 1
        if case.expected_outcome and not _as_labelled(r):
            mismatches.append({"id": r["id"], "expected": [case.expected_outcome, case.expected_reasons], "got": [r["outcome"], r["reasons"]]})
    labelled = [r for r in results if r["case"].expected_outcome]
    return {
        "invoices": len(results),
        "duplicates": {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0, "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
                       "tp": tp, "fp": fp, "fn": fn, "errors": errors},
        "outcomes": {exp: dict(sorted(row.items())) for exp, row in sorted(matrix.items())},
        "reason_counts": dict(sorted(Counter(code for r in results for code in r["reasons"]).items())),
        "reasons_as_labelled": {"matching": sum(map(_as_labelled, labelled)), "labelled": len(labelled)},
        "mismatches": mismatches,
    }


def evaluate(folder: Path) -> dict:
    """Read the labelled set at ``folder``, run the stage on a temporary database, score it."""
    data = read_labelled_set(Path(folder))
    with tempfile.TemporaryDirectory(prefix="invoicepipe-eval-") as tmp:
        app = _app(Path(tmp))
        try:
            quarantined = _load_master(app, data, Path(tmp))
            report = score(run_cases(app, data))
        finally:
            app.close()
    return {"set": data.name, "policy_version": app.policy.version, "master_quarantined": quarantined, **report}


def format_report(report: dict) -> str:
    """The report as text for a person."""
    d = report["duplicates"]
    actual = sorted({a for row in report["outcomes"].values() for a in row})
    out = [f"reconcile eval: {report['set']} ({report['invoices']} invoices, policy {report['policy_version']})",
           f"duplicates: precision {d['precision']:.4f}  recall {d['recall']:.4f}  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']})",
           "outcomes (rows expected, columns actual):", "  " + " " * 16 + "".join(f"{a:>14}" for a in actual)]
    out += ["  " + f"{exp:<16}" + "".join(f"{row.get(a, 0):>14}" for a in actual) for exp, row in report["outcomes"].items()]
    out.append("reason codes: " + ", ".join(f"{code} {n}" for code, n in report["reason_counts"].items()))
    ra = report["reasons_as_labelled"]
    if ra["labelled"]:
        out.append(f"outcome and reasons as labelled: {ra['matching']}/{ra['labelled']}")
    out += [f"  duplicate error {e['id']}: expected original {e['expected_original']}, linked {e['linked']}" for e in d["errors"][:20]]
    out += [f"  mismatch {m['id']}: expected {m['expected']}, got {m['got']}" for m in report["mismatches"][:20]]
    if any(report["master_quarantined"].values()):
        out.append(f"master data rows quarantined: {report['master_quarantined']}")
    return "\n".join(out)
