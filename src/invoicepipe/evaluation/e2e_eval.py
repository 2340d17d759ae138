"""``invoicepipe eval e2e DIR``: extraction and decisions measured together, end to end.

An App is bootstrapped on a temporary SQLite database and blob folder (never the
configured ones), the set's master data is loaded with the real loader, and the documents
are fed in arrival order through ingest and every step after it (``e2e_run``), each one
settled before the next arrives; approved invoices are exported to a temporary folder.
The outcome of a document is its status and the reasons of its newest decision.
``e2e_score`` turns the results into the safety figures: what was paid that should have
been held, paid twice or paid with a wrong amount, duplicate precision and recall, held
invoices showing their labelled reasons and the straight-through rate of clean invoices.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Optional

from dramatiq.brokers.stub import StubBroker

from ..services.masterdata import load_master_data
from .e2e_run import ACTOR, run_set
from .e2e_score import score
from .e2e_set import read_e2e_set


def _app(workdir: Path):
    from ..bootstrap import bootstrap
    from ..config import Settings

    settings = Settings.from_env(var_dir=workdir / "var", inbox_dir=workdir / "inbox",
                                 database_url=f"sqlite:///{workdir / 'e2e.db'}", redis_url=None)
    return bootstrap(settings, broker=StubBroker(), log_level="WARNING")


def _load_master(app, master: dict) -> dict:
    quarantined = {}
    for kind, path in master.items():
        report = load_master_data(app, kind, path, actor=ACTOR)
        quarantined[kind] = len(report.quarantined)
    return quarantined


def _progress(n: int, result: dict) -> None:
    print(f"  {n:4d} {result['name']}: {result['settled_status']}{' (re-arrival)' if result['re_arrival'] else ''}"
          f" {','.join(result['reasons'])} {result['seconds']:.1f}s", file=sys.stderr, flush=True)


def evaluate(folder: Path, limit: Optional[int] = None, verbose: bool = False) -> dict:
    """Run the set at ``folder`` (its first ``limit`` documents) and score it."""
    data = read_e2e_set(Path(folder), limit)
    with tempfile.TemporaryDirectory(prefix="invoicepipe-e2e-") as tmp:
        app = _app(Path(tmp))
        try:
            quarantined = _load_master(app, data.master)
            results = run_set(app, data.arrivals, _progress if verbose else None)
        finally:
            app.close()
    errors = [{"name": r["name"], "errors": r["errors"]} for r in results if r["errors"]]
    reviews = [{"name": r["name"], "review": r["review"]} for r in results if r["review"]]
    return {"set": str(folder), "policy_version": app.policy.version, "master_quarantined": quarantined,
            "seconds": round(sum(r["seconds"] for r in results), 1), **score(results),
            "reviewer_actions": reviews, "step_errors": errors}


def _pct(x: Optional[float]) -> str:
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def _summary_line(name: str, s: dict) -> str:
    d = s["duplicates"]
    return (f"  {name:<28}{s['documents']:>5}{s['as_expected']:>7}{s['paid_should_be_held']:>7}{s['paid_twice']:>7}"
            f"{s['paid_wrong_amount']:>7}  {_pct(d['precision'])} {_pct(d['recall'])}  {_pct(s['held_showing_reasons']['rate'])}"
            f"  {_pct(s['straight_through']['rate'])}")


def _document_line(m: dict) -> str:
    (expected, wanted), (actual, reasons) = m["expected"], m["actual"]
    extra = [m["final_status"]] if m["final_status"] != actual and actual != "re_arrival" else []
    extra += [f"linked {m['linked']}"] if m["linked"] else []
    return (f"  {'  ' if m['as_expected'] else '--'} {m['name']}: {expected} {','.join(wanted) or '-'} -> {actual} "
            f"{','.join(dict.fromkeys(reasons)) or '-'}" + (f" [{'; '.join(extra)}]" if extra else ""))


def format_report(report: dict) -> str:
    """The report as text for a person."""
    d, held, st = report["duplicates"], report["held_showing_reasons"], report["straight_through"]
    out = [f"end-to-end eval: {report['set']} ({report['documents']} documents, policy {report['policy_version']}, "
           f"{report['seconds']} s)",
           f"as expected: {report['as_expected']}/{report['documents']}",
           f"UNSAFE: paid but should have been held {report['paid_should_be_held']}, paid twice {report['paid_twice']}, "
           f"paid with a wrong amount {report['paid_wrong_amount']}",
           f"duplicates: precision {_pct(d['precision'])}  recall {_pct(d['recall'])}  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']})",
           f"held invoices showing the labelled reasons: {held['matching']}/{held['expected_held']} ({_pct(held['rate']).strip()})",
           f"straight-through of clean invoices: {st['paid']}/{st['clean']} ({_pct(st['rate']).strip()})",
           "outcomes (rows expected, columns settled status):"]
    actual = sorted({a for row in report["outcomes"].values() for a in row})
    out.append("  " + " " * 14 + "".join(f"{a:>14}" for a in actual))
    out += ["  " + f"{exp:<14}" + "".join(f"{row.get(a, 0):>14}" for a in actual) for exp, row in report["outcomes"].items()]
    header = f"  {'':<28}{'docs':>5}{'as-exp':>7}{'unsafe':>7}{'twice':>7}{'amount':>7}  {'dup-P':>6} {'dup-R':>6}  {'reasons':>6}  {'STP':>6}"
    for key, groups in report["by"].items():
        out += [f"by {key}:", header] + [_summary_line(name, s) for name, s in groups.items()]
    for kind, rows in report["unsafe"].items():
        out += [f"  {kind}: {r['name']} ({r['scenario']})" for r in rows]
    out += [f"  duplicate error {e['name']} ({e['scenario']}): expected original {e['expected_original']}, linked {e['linked']}"
            for e in report["duplicate_errors"][:30]]
    out.append("per document (arrival order; -- marks one not as expected): expected -> settled [final status, linked original]")
    out += [_document_line(m) for m in report["documents_detail"]]
    out += [f"  step errors {e['name']}: {'; '.join(e['errors'])}" for e in report["step_errors"][:20]]
    if any(report["master_quarantined"].values()):
        out.append(f"master data rows quarantined: {report['master_quarantined']}")
    return "\n".join(out)
