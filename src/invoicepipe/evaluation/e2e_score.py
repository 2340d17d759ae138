"""Scoring end-to-end results against their labels: pure functions over plain dicts.

A result is one arrival after it settled (``e2e_run.run_set`` builds them):

    name, scenario, kind, form, expected_outcome, expected_reasons, duplicate_of, truth_total,
    document_id, re_arrival, settled_status, reasons, linked, final_status, paid_total

"Paid" means the status is ``approved`` or ``exported``: from then on money leaves. A
re-arrival of identical bytes is recorded on the existing document, so it never pays by
itself; it counts as a caught duplicate linked to the document it arrived on.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Iterable, Optional

from .labelled_set import duplicate_root

PAID = frozenset({"approved", "exported"})
RE_ARRIVAL = "re_arrival"
DUPLICATE = "duplicate_suspected"
BREAKDOWNS = ("kind", "scenario", "form")


def machine_paid(r: dict) -> bool:
    """Paid by the pipeline itself, before any reviewer touched it."""
    return not r["re_arrival"] and r["settled_status"] in PAID


def finally_paid(r: dict) -> bool:
    """Paid at the end of the run (the pipeline or a reviewer's approval)."""
    return not r["re_arrival"] and r["final_status"] in PAID


def expected_held(r: dict) -> bool:
    return r["expected_outcome"] not in (None, "approved")


def actual_outcome(r: dict) -> str:
    return RE_ARRIVAL if r["re_arrival"] else r["settled_status"]



def invoice_groups(results: list[dict]) -> dict[str, str]:
    """Each arrival's invoice: the first original of its ``duplicate_of`` chain."""
    parent = {r["name"]: r["duplicate_of"] for r in results}
    return {r["name"]: duplicate_root(r["name"], parent) for r in results}


def shows_reasons(r: dict) -> bool:
    """The settled decision names every labelled reason (a re-arrival shows the duplicate)."""
    shown = set(r["reasons"]) | ({DUPLICATE} if r["re_arrival"] else set())
    return set(r["expected_reasons"]) <= shown


def as_expected(r: dict) -> bool:
    """Paid when it should be paid; held with every labelled reason when it should be held."""
    if r["expected_outcome"] is None:
        return True
    if not expected_held(r):
        return machine_paid(r)
    return not machine_paid(r) and shows_reasons(r)


def _amount(value) -> Optional[Decimal]:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def unsafe_payments(results: list[dict]) -> dict[str, list[dict]]:
    """Paid but should have been held; paid twice; paid with a wrong amount."""
    groups = invoice_groups(results)
    paid_docs: dict[str, set] = {}
    for r in results:
        if finally_paid(r):
            paid_docs.setdefault(groups[r["name"]], set()).add(r["document_id"])
    held = [r for r in results if expected_held(r) and machine_paid(r)]
    twice = [r for r in results if r["duplicate_of"] and finally_paid(r)
             and paid_docs.get(groups[r["name"]], set()) - {r["document_id"]}]
    wrong = [r for r in results if finally_paid(r) and r["truth_total"] is not None
             and _amount(r["paid_total"]) != _amount(r["truth_total"])]
    return {"paid_should_be_held": _brief(held, "expected_reasons", "settled_status"),
            "paid_twice": _brief(twice, "duplicate_of", "final_status"),
            "paid_wrong_amount": _brief(wrong, "truth_total", "paid_total")}


def _brief(rows: list[dict], *keys: str) -> list[dict]:
    return [{"name": r["name"], "scenario": r["scenario"], **{k: r[k] for k in keys}} for r in rows]


def duplicate_links(results: list[dict]) -> dict[str, tuple[bool, bool, bool]]:
    """Per arrival (true positive, false positive, false negative) of its duplicate link.

    A link is right when it names any arrival of the same invoice; a wrong link is both a
    false positive and a false negative.
    """
    groups = invoice_groups(results)
    out = {}
    for r in results:
        expected, linked = r["duplicate_of"] is not None, r["linked"]
        right = expected and linked is not None and groups.get(linked, linked) == groups[r["name"]]
        out[r["name"]] = (right, linked is not None and not right, expected and not right)
    return out


def duplicate_counts(results: list[dict], links: Optional[dict] = None) -> dict:
    """Precision and recall of duplicate links over ``results`` (links judged over the whole set)."""
    links = links if links is not None else duplicate_links(results)
    tp = sum(links[r["name"]][0] for r in results)
    fp = sum(links[r["name"]][1] for r in results)
    fn = sum(links[r["name"]][2] for r in results)
    errors = [{"name": r["name"], "scenario": r["scenario"], "expected_original": r["duplicate_of"], "linked": r["linked"]}
              for r in results if links[r["name"]][1] or links[r["name"]][2]]
    return {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "tp": tp, "fp": fp, "fn": fn, "errors": errors}


def _ratio(num: int, den: int) -> Optional[float]:
    return round(num / den, 4) if den else None


def _summary(results: list[dict], unsafe: dict, links: dict) -> dict:
    """The headline figures of a group of results; ``unsafe`` and ``links`` judged over the whole set."""
    names = {r["name"] for r in results}
    held = [r for r in results if expected_held(r)]
    clean = [r for r in results if r["expected_outcome"] == "approved"]
    dups = duplicate_counts(results, links)
    showing = sum(1 for r in held if not machine_paid(r) and shows_reasons(r))
    return {
        "documents": len(results),
        "as_expected": sum(map(as_expected, results)),
        **{kind: sum(1 for r in rows if r["name"] in names) for kind, rows in unsafe.items()},
        "duplicates": {k: dups[k] for k in ("precision", "recall", "tp", "fp", "fn")},
        "held_showing_reasons": {"matching": showing, "expected_held": len(held), "rate": _ratio(showing, len(held))},
        "straight_through": {"paid": sum(map(machine_paid, clean)), "clean": len(clean), "rate": _ratio(sum(map(machine_paid, clean)), len(clean))},
    }


def _by(results: list[dict], key: str, unsafe: dict, links: dict) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for r in results:
        groups.setdefault(str(r.get(key)), []).append(r)
    return {name: _summary(rs, unsafe, links) for name, rs in sorted(groups.items())}


def outcome_matrix(results: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Rows: the labelled outcome; columns: the settled status (or re_arrival)."""
    matrix: dict[str, Counter] = {}
    for r in results:
        matrix.setdefault(r["expected_outcome"] or "(unlabelled)", Counter())[actual_outcome(r)] += 1
    return {exp: dict(sorted(row.items())) for exp, row in sorted(matrix.items())}


def score(results: list[dict]) -> dict:
    """Every figure of the end-to-end report, overall and per kind, scenario and form."""
    unsafe, links = unsafe_payments(results), duplicate_links(results)
    return {
        **_summary(results, unsafe, links),
        "unsafe": unsafe,
        "unsafe_total": sum(len(v) for v in unsafe.values()),
        "duplicate_errors": duplicate_counts(results, links)["errors"],
        "outcomes": outcome_matrix(results),
        "reason_counts": dict(sorted(Counter(code for r in results for code in r["reasons"]).items())),
        "by": {key: _by(results, key, unsafe, links) for key in BREAKDOWNS},
        "documents_detail": [{"name": r["name"], "scenario": r["scenario"], "form": r["form"],
                              "expected": [r["expected_outcome"], list(r["expected_reasons"])],
                              "actual": [actual_outcome(r), list(r["reasons"])], "stage": r.get("decision_stage"),
                              "final_status": r["final_status"],
                              "linked": r["linked"], "as_expected": as_expected(r)} for r in results],
    }
