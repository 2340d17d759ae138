"""Human-readable (and --json) rendering for the CLI."""

from __future__ import annotations

import json

from .domain.names import safe_line


def print_status(s: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(s, indent=2))
        return
    print(f"documents: {s['total']} (in flight: {s['in_flight']}), policy {s['policy_version']}")
    if s.get("blob_store"):
        print(f"blob store: {s['blob_store']}")
    for state, n in s["by_state"].items():
        if n:
            print(f"  {state:<13} {n}")
    for pool, states in sorted(s["by_pool"].items()):
        print(f"  pool {pool}: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    if s.get("cost_today"):
        from .cli_cost import day_lines

        print(day_lines(s["cost_today"])[0])
    if all(n is None for n in s["queues"].values()):
        # Embedded mode keeps its queues inside the `invoicepipe up` process.
        print("queues: Redis unreachable" if s.get("broker") == "redis" else "queues: not visible from this process (in-process broker)")
    else:
        print("queues: " + ", ".join(f"{q} {'?' if n is None else n}" for q, n in s["queues"].items()))


def print_document(d: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(d, indent=2, default=str))
        return
    print(f"document {d['id']}: {safe_line(d['filename'])} ({d['media_type']}, {d['pages'] or '?'} page(s), via {d['channel']})")
    print(f"  status  {d['status']}" + (f" - {d['reason']}" if d["reason"] else "") + (f"  [pool {d['pool']}]" if d["pool"] else ""))
    if len(d["arrivals"]) > 1:
        print(f"  arrived {len(d['arrivals'])} times: " + "; ".join(f"{safe_line(a['filename'])} via {a['channel']}" for a in d["arrivals"]))
    ext = d["extraction"]
    if ext:
        print(f"  extracted by {ext['extractor_version']} from {ext['reader']}")
        for name, f in sorted(ext["fields"].items(), key=lambda kv: kv[1]["confidence"]):
            where = f"p{f['page']} {f['box']}" if f.get("page") else "-"
            print(f"    {name:<15} {str(f['value'])[:40]:<40} conf {f['confidence']:.2f}  {f['method']:<14} {where}")
        for li in ext["lines"]:
            print(f"    line: {li['description'][:40]!r} qty {li['quantity']} x {li['unit_price']} = {li['amount']}")
        for w in ext["warnings"]:
            print(f"    warning: {w}")
    for dec in d["decisions"]:
        print(f"  {dec['stage']}: {dec['outcome']} (policy {dec['policy_version']}, by {dec['actor']})")
        for r in dec["reasons"]:
            print(f"    - {r['code']}: {r['message']}")


def print_trail(events: list[dict], as_json: bool) -> None:
    if as_json:
        print(json.dumps(events, indent=2, default=str))
        return
    for e in events:
        move = f"{e['from_status'] or '-'} -> {e['to_status'] or '-'}" if e["from_status"] != e["to_status"] else (e["to_status"] or "")
        versions = " ".join(x for x in (e["extractor_version"] and f"extractor={e['extractor_version']}",
                                         e["policy_version"] and f"policy={e['policy_version']}") if x)
        print(f"#{e['seq']:<6} {e['created_at'][:19]} {e['step']:<14} {e['outcome']:<16} {move:<26} {e['actor']} {versions}")
        for r in e["reasons"]:
            print(f"         - {r.get('code')}: {r.get('message')}")


def table(headers: list[str], rows: list[list]) -> str:
    """Plain columns for listings; every cell goes through safe_line (names are untrusted)."""
    cells = [[safe_line(str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) if rows else lines[0] + "\n(none)"
