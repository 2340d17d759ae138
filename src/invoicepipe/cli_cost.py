"""``invoicepipe cost``: today's engine spend against the policy's cost ceilings, or one
document's parses (services/costs.py).

Exit codes: 0 below the alert share of every day ceiling; 1 at or past it (the day's
ceiling is near or reached: scans will go to review unread); 3 no such document; 4 invalid
policy; 7 database unreachable (the shared codes of cli.py).
"""

from __future__ import annotations

import json

from .cli_common import EXIT_NOT_FOUND, EXIT_NOT_OK, EXIT_OK, make_app

_UNITS = {"cpu_seconds": "CPU s", "calls": "calls", "cost": ""}


def _pair(measure: str, used: float, ceiling: float, currency: str) -> str:
    unit = currency if measure == "cost" else _UNITS[measure]
    fmt = "{:,.2f}" if measure != "calls" else "{:,.0f}"
    share = f" ({used / ceiling:.1%})" if ceiling else ""
    return f"{fmt.format(used)} / {fmt.format(ceiling)} {unit}{share}"


def day_lines(report: dict) -> list[str]:
    """One line per day (spent + reserved against the ceiling) and its engines."""
    out = []
    for d in report["days"]:
        parts = [_pair(m, d["spent"][m] + d["reserved"][m], d["ceiling"][m], report["currency"]) for m in ("cpu_seconds", "calls", "cost")]
        running = " (incl. running parses' allowances)" if any(d["reserved"].values()) else ""
        out.append(f"cost {d['day']}: " + ", ".join(parts) + f"; {d['parses']} parses, {d['ceiling_hits']} stopped at a ceiling{running}")
        for engine, s in sorted((d["engines"] or {}).items()):
            out.append(f"  {engine:<10} {s['calls']:>7} calls  {s['cpu_seconds']:>10,.1f} CPU s  {s['cost']:,.4f} {report['currency']}")
    return out


def _document(app, document_id: int, as_json: bool) -> int:
    from .services.costs import document_report

    with app.uow.begin() as tx:
        if tx.documents.get(document_id) is None:
            print(f"no document {document_id}")
            return EXIT_NOT_FOUND
    report = document_report(app, document_id)
    if as_json:
        print(json.dumps(report, indent=2, default=str))
        return EXIT_OK
    spent, ceiling = report["spent"], report["ceiling"]
    print(f"document {document_id}: " + ", ".join(_pair(m, spent[m], ceiling[m], app.policy.costs.currency)
                                                  for m in ("cpu_seconds", "calls", "cost")) + f" (policy {report['policy_version']})")
    for p in report["parses"]:
        stop = ""
        if p["ceiling"]:
            hits = p["ceiling"]["hits"]
            stop = f"; stopped at the {hits[0]['scope']} ceiling ({hits[0]['measure']}), {len(hits)} call(s) not made"
        print(f"  parse {p['id']} {p['started_at']} {p['outcome']:<8} {p['spent']['cpu_seconds']:.2f} CPU s, {p['spent']['calls']} calls "
              f"(allowed {p['allowance']['cpu_seconds']:.1f} s, {p['allowance']['calls']} calls, policy {p['policy_version']}){stop}")
    return EXIT_OK


def cmd_cost(args) -> int:
    from .services.costs import day_report

    app = make_app()
    if args.document is not None:
        return _document(app, args.document, args.json)
    report = day_report(app, args.day, args.days)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        per_doc = report["document_ceiling"]
        print(f"policy {report['policy_version']}: a document may spend {per_doc['cpu_seconds']:,.1f} CPU s, "
              f"{per_doc['calls']} calls, {per_doc['cost']:,.2f} {report['currency']} over all its parses")
        print("\n".join(day_lines(report)))
    newest = report["days"][-1]
    near = any(v is not None and v >= report["alert_day_share"] for v in newest["used"].values())
    return EXIT_NOT_OK if near else EXIT_OK
