"""``invoicepipe drift``: the drift report (services/drift.py) for a person or a script.

Exit codes: 0 no drift; 1 drift detected (at least one check alarmed); 4 invalid policy;
7 database unreachable (the shared codes of cli.py).
"""

from __future__ import annotations

import json

from .cli_common import EXIT_NOT_OK, EXIT_OK, make_app


def _line(f: dict) -> str:
    if f["check"] == "accuracy":
        what = (f"accuracy {f['window_accuracy']} over {f['window_labels']} labels vs baseline {f['baseline_accuracy']} "
                f"({f['baseline_labels']}); CUSUM {f['statistic']} / {f['threshold']}")
    elif f["check"] == "confidence":
        what = f"confidence PSI {f['statistic']} / {f['threshold']} ({f['window_samples']} vs {f['baseline_samples']} values)"
    elif f["check"] == "stp":
        what = (f"straight-through {f['window_rate']} of {f['window_documents']} vs baseline {f['baseline_rate']} of "
                f"{f['baseline_documents']}; z {f['statistic']} / {f['threshold']}")
    else:
        what = f"fields moved on its {f['documents']} newest documents (shares {f['moved_shares']}, alarm at {f['threshold']})"
    return f"{'DRIFT' if f['drifted'] else 'ok   '} {f['check']:<10} {f['segment']:<28} {what}"


def cmd_drift(args) -> int:
    from .services.drift import drift_report

    app = make_app()
    report = drift_report(app, window=args.window, baseline=args.baseline).as_dict()
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(f"drift over the newest {report['window_documents']} documents against the {report['baseline_documents']} before them: "
              f"{'DRIFT in ' + str(len(report['drifted'])) + ' check(s)' if report['drift'] else 'no drift'}")
        for f in report["findings"] if args.all else report["drifted"] or [x for x in report["findings"] if x["segment"] == "all"]:
            print("  " + _line(f))
        overall = next((f for f in report["findings"] if f["check"] == "accuracy" and f["segment"] == "all"), None)
        if overall is None or not overall["enough_baseline"]:
            print("  (field accuracy is not judged yet: the baseline needs "
                  f"{app.policy.drift.min_baseline_labels} reviewed fields; approvals in review are the labels)")
    return EXIT_NOT_OK if report["drift"] else EXIT_OK
