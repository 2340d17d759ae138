"""The extraction evaluation as text for a person (``--json`` prints the report itself)."""

from __future__ import annotations

from typing import Optional


def _pct(value: Optional[float]) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def _fields(report: dict) -> list[str]:
    out = ["field             n   accuracy coverage precision  threshold  above  right-above"]
    for name, f in report["fields"].items():
        mark = "*" if f["critical"] else " "
        out.append(f"{mark}{name:<15}{f['n']:>4}   {_pct(f['accuracy'])}    {_pct(f['coverage'])}    {_pct(f['precision'])}"
                   f"      {f['threshold']:.2f}  {f['above_threshold']:>5}   {_pct(f['above_threshold_accuracy'])}")
    out.append("(* critical; accuracy, coverage and precision in %; 'right-above' = share right among fields at or above the threshold)")
    return out


def _reliability(report: dict) -> list[str]:
    raw, cal = report["calibration_table"]["raw"], report["calibration_table"]["calibrated"]
    out = ["calibration (all extracted fields):", "  confidence bin    raw: n  accuracy   |  calibrated: n  accuracy"]
    bins = list(dict.fromkeys([r["bin"] for r in raw] + [r["bin"] for r in cal]))
    for b in sorted(bins):
        r = next((x for x in raw if x["bin"] == b), None)
        c = next((x for x in cal if x["bin"] == b), None)
        left = f"{r['n']:>8}  {_pct(r['accuracy'])}" if r else " " * 15
        right = f"{c['n']:>8}  {_pct(c['accuracy'])}" if c else ""
        out.append(f"  {b:<14} {left}      |   {right}")
    return out


def _field_reliability(report: dict) -> list[str]:
    """Per field: calibrated-confidence bins, count and observed accuracy; then the
    accuracy among the values the router trusts (at or above their threshold)."""
    out = ["reliability per field (calibrated confidence bin: n, observed accuracy %):"]
    for name, rows in report.get("reliability_by_field", {}).items():
        out.append(f"  {name:<15} " + "  ".join(f"[{r['bin']}] {r['n']:>3} {_pct(r['accuracy']).strip():>5}" for r in rows))
    evidence = report.get("amount_evidence") or {}
    for name, classes in evidence.items():
        out.append(f"  {name} by evidence: " + ", ".join(f"{cls} {c['right']}/{c['n']}" for cls, c in sorted(classes.items())))
    high = report.get("high_confidence")
    if high:
        out.append(f"high confidence (routed fields at or above their threshold): {high['n']} values, "
                   f"{_pct(high['accuracy']).strip()} % right (target 99.5 %"
                   + (f"; at least {100 * high['lower_bound']:.1f} % at 95 % confidence" if high.get("lower_bound") is not None else "")
                   + ")"
                   + (f"; wrong: {', '.join(high['wrong'])}" if high["wrong"] else ""))
    return out


def _routing(report: dict) -> list[str]:
    r = report["routing"]
    out = [f"routing (policy {report['policy_version']}): straight-through {_pct(r['straight_through'])} % "
           f"({r['auto']}/{r['documents']}), error rate among auto-routed {_pct(r['auto_error_rate'])} %",
           "  one threshold for every routed field:  " + "  ".join(f"{c['threshold']:.2f}" for c in r["curve"]),
           "    straight-through %               " + "  ".join(_pct(c["straight_through"]) for c in r["curve"]),
           "    auto-routed error %              " + "  ".join(_pct(c["auto_error_rate"]) for c in r["curve"])]
    if r["auto_wrong"]:
        out.append(f"  auto-routed with a wrong critical field: {', '.join(r['auto_wrong'])}")
    held = report.get("held")
    if held and held["held"]:
        out.append(f"  held for review: {held['held']}, of them {held['held_clean']} with every critical field right; "
                   "by reason (documents; where it names a field: its value right / read):")
        out += [f"    {code:<32}{row['documents']:>5}" + (f"   value right {row['value_right']}/{row['scored']}" if row["scored"] else "")
                for code, row in held["by_reason"].items()]
    return out


def _forms(report: dict) -> list[str]:
    out = ["by form:        docs  vendor  number    date   total  currency   lines   straight-through  s/doc  ms/page(median)"]
    for form, f in report["by_form"].items():
        acc = f["critical_accuracy"]
        cells = "  ".join(_pct(acc.get(k)) for k in ("vendor", "invoice_number", "invoice_date", "total", "currency", "line_items"))
        out.append(f"  {form:<12}{f['documents']:>6}   {cells}      {_pct(f['straight_through'])}         "
                   f"{f.get('seconds_per_document', 0):6.2f}  {f.get('median_ms_per_page', 0):8.0f}")
    return out


def format_report(report: dict) -> str:
    """One evaluation report as text."""
    head = (f"extraction eval: {report['set']} ({report['documents']} documents, configuration {report['configuration']}, "
            f"calibration {report['calibration'] or 'none'}{', embedded XML ignored' if report['ignore_xml'] else ''}, "
            f"vendor {'by master id' if report['vendor_master'] else 'by printed name'})")
    out = [head, *_fields(report), "", *_reliability(report), "", *_field_reliability(report), "", *_routing(report), "",
           *_forms(report)]
    s = report["speed"]
    if s:
        out.append(f"speed: {s['seconds_per_document']:.3f} s per document (median {s['median_seconds_per_document']:.3f} s), "
                   f"median {s['median_ms_per_page']:.0f} ms per page, extraction alone {s['median_extract_ms_per_document']:.0f} ms")
    for u in report.get("skipped", []):
        out.append(f"skipped: {u['document']}: {u['reason']}")
    for u in report["unreadable"]:
        out.append(f"unreadable: {u['document']}: {u['reason']}")
    if report.get("learning"):
        out += ["", *format_learning(report["learning"])]
    return "\n".join(out)


def format_learning(learning: dict) -> list[str]:
    a, b = learning["without_memory"], learning["with_memory"]
    out = [f"learning: {learning['pairs']} vendor(s) with a second invoice after one corrected first invoice",
           "  field            accuracy without -> with memory   above threshold without -> with"]
    for name, f in a["fields"].items():
        g = b["fields"].get(name, {})
        out.append(f"  {name:<16} {_pct(f['accuracy'])} -> {_pct(g.get('accuracy'))}              "
                   f"{f['above_threshold']:>4} -> {g.get('above_threshold', 0)}")
    out.append(f"  straight-through {_pct(a['straight_through'])} -> {_pct(b['straight_through'])} %, "
               f"auto-routed error {_pct(a['auto_error_rate'])} -> {_pct(b['auto_error_rate'])} %")
    return out


def format_comparison(result: dict) -> str:
    a, b = result["champion"], result["challenger"]
    out = [f"champion {a['configuration']} vs challenger {b['configuration']} on {a['set']} (margin {100 * result['margin']:.1f} points)",
           "field             champion  challenger"]
    for name, f in a["fields"].items():
        g = b["fields"].get(name, {})
        out.append(f"{name:<16}  {_pct(f['accuracy'])}     {_pct(g.get('accuracy'))}")
    for key in ("straight_through", "auto_error_rate"):
        out.append(f"{key:<16}  {_pct(a['routing'][key])}     {_pct(b['routing'][key])}")
    out.append("challenger worse on: " + ", ".join(f"{w['field']} ({_pct(w['champion'])} -> {_pct(w['challenger'])})" for w in result["worse"])
               if result["worse"] else "challenger is not worse on any critical field")
    return "\n".join(out)
