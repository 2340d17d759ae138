"""``invoicepipe eval reconcile DIR``: run the real reconcile stage over a labelled set.

An App is bootstrapped on a temporary SQLite database (never the configured one), the
master data is loaded through the real loader, and each invoice, in arrival order, is
stored the way the parse step stores it (document, extraction, indexed invoice row) and
decided by ``services.decide.decide_document`` (every check and the payment gate). So approvals feed the cumulative billing
of later invoices and every earlier invoice is a duplicate candidate, exactly as in
production. Labelled reviewer actions (approve, correct, override, reject, with the role of
the person) go through the real review services and the payment gate before the next
invoice arrives; what ends up paid is scored against what should be.

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
from .labelled_set import Case, LabelledSet, duplicate_root, read_labelled_set

ACTOR = "system:eval"
PAID = ("approved", "exported")
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
    row = {"fields": {k: {"value": v, "confidence": float(case.confidences.get(k, 1.0)), "method": "labelled"}
                      for k, v in case.fields.items() if v not in (None, "")},
           "lines": case.lines, "extractor_version": "labelled", "warnings": []}
    return extraction_from_json(row)


def _store(app, case: Case) -> int:
    """Insert the document, its extraction and its invoice row as the parse step does."""
    extraction = _extraction(case)
    digest = hashlib.sha256(json.dumps([case.id, case.fields, case.lines], sort_keys=True).encode()).hexdigest()
    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256=digest, filename=case.id, channel=case.channel, media_type="application/json",
                                  size_bytes=len(case.id), status=Status.RECONCILING)
        tx.documents.save_reading(doc_id, extraction, "labelled", [], invoice_columns(extraction, case.channel))
    return doc_id


def _actions(case: Case) -> list[dict]:
    if case.reviewer_actions:
        return case.reviewer_actions
    if case.reviewer_decision in ("approve", "reject"):
        return [{"action": case.reviewer_decision, "role": "reviewer", "reason": "labelled reviewer decision"}]
    return []


def _review(app, doc_id: int, actions: list[dict]) -> list[str]:
    """Apply people's actions through the real services; returns what each came to."""
    from ..errors import InvoicepipeError
    from ..services import review
    from ..services.decide import decide_document
    from ..services.review_view import document_view
    from ..services.users import User

    done = []
    for n, act in enumerate(actions):
        view = document_view(app, doc_id)
        if view["status"] != "needs_review":
            break
        user = User(1000 + n, f"eval-{act.get('role', 'reviewer')}", act.get("role", "reviewer"))
        digests = {r["code"]: r["digest"] for r in view["reasons"]}
        try:
            if act["action"] == "approve":
                # a labelled override is the person's explicit, confirmed release (reasons.weighty)
                review.approve(app, user, doc_id, view["version"],
                               {c: (digests.get(c, ""), note, True) for c, note in (act.get("overrides") or {}).items()})
            elif act["action"] == "correct":
                review.correct(app, user, doc_id, view["version"], act.get("values") or {})
                decide_document(app, doc_id, ACTOR)
            elif act["action"] == "override":
                for code, note in (act.get("overrides") or {}).items():
                    review.override(app, user, doc_id, document_view(app, doc_id)["version"], code, digests.get(code, ""), note,
                                    confirmed=True)
            elif act["action"] == "reject":
                review.reject(app, user, doc_id, view["version"], act.get("reason") or "rejected")
            done.append(f"{act['action']}: done")
        except InvoicepipeError as exc:
            done.append(f"{act['action']}: refused ({type(exc).__name__})")
    return done


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
        actions = _review(app, doc_id, _actions(case))
        with app.uow.begin() as tx:
            final = tx.documents.get(doc_id).status.value
        results.append({"id": case.id, "outcome": row["outcome"], "reasons": [r["code"] for r in row["reasons"]],
                        "linked": ids.get(dup["evidence"]["original_id"]) if dup else None, "case": case,
                        "actions": actions, "paid": final in PAID})
    return results


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
        right = expected and linked is not None and duplicate_root(linked, parent) == duplicate_root(r["id"], parent)
        tp += right
        fp += linked is not None and not right
        fn += expected and not right
        if (linked is not None or expected) and not right:
            errors.append({"id": r["id"], "expected_original": case.duplicate_of, "linked": linked})
        matrix.setdefault(case.expected_outcome or UNLABELLED, Counter())[r["outcome"]] += 1
        if case.expected_outcome and not _as_labelled(r):
            mismatches.append({"id": r["id"], "expected": [case.expected_outcome, case.expected_reasons], "got": [r["outcome"], r["reasons"]]})
    labelled = [r for r in results if r["case"].expected_outcome]
    judged = [r for r in results if r["case"].expected_paid is not None]
    unsafe = [r["id"] for r in judged if r["paid"] and not r["case"].expected_paid]
    withheld = [r["id"] for r in judged if not r["paid"] and r["case"].expected_paid]
    return {
        "invoices": len(results),
        "duplicates": {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0, "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
                       "tp": tp, "fp": fp, "fn": fn, "errors": errors},
        "outcomes": {exp: dict(sorted(row.items())) for exp, row in sorted(matrix.items())},
        "reason_counts": dict(sorted(Counter(code for r in results for code in r["reasons"]).items())),
        "reasons_as_labelled": {"matching": sum(map(_as_labelled, labelled)), "labelled": len(labelled)},
        "mismatches": mismatches,
        "payments": {"judged": len(judged), "paid_but_should_be_held": unsafe, "held_but_should_be_paid": withheld,
                     "paid_before_review": sum(r["outcome"] == "approved" and r["case"].expected_outcome == "needs_review" for r in results)},
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
    pay = report.get("payments") or {}
    if pay.get("judged"):
        out.append(f"after people's actions ({pay['judged']} cases): paid but should be held {len(pay['paid_but_should_be_held'])}"
                   f" {pay['paid_but_should_be_held'][:10]}, held but should be paid {len(pay['held_but_should_be_paid'])}"
                   f" {pay['held_but_should_be_paid'][:10]}")
    if any(report["master_quarantined"].values()):
        out.append(f"master data rows quarantined: {report['master_quarantined']}")
    return "\n".join(out)
