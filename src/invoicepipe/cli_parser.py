"""Argument parsing for the ``invoicepipe`` command (kept apart so cli.py stays readable)."""

from __future__ import annotations

import argparse


def build(handlers: dict, version: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="invoicepipe", description="Accounts-payable invoice pipeline.")
    p.add_argument("--version", action="version", version=f"invoicepipe {version}")
    sub = p.add_subparsers(dest="command")

    up = sub.add_parser("up", help="run everything in one process: workers per pool, inbox watcher, sweeper")
    up.add_argument("--samples", metavar="DIR", help="load DIR/master/* and drop DIR/pdf, DIR/img into the inbox first")
    up.add_argument("--for-seconds", type=float, default=None, help="stop after this long (default: until Ctrl-C)")
    up.set_defaults(func=handlers["up"])

    ing = sub.add_parser("ingest", help="ingest files or folders")
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("--channel", choices=["email", "portal", "scan", "api"], default="portal")
    ing.add_argument("--wait", action="store_true", help="return once every document is settled (terminal or review)")
    ing.add_argument("--timeout", type=float, default=600.0, help="seconds --wait waits (exit 6 when exceeded)")
    ing.add_argument("--json", action="store_true")
    ing.set_defaults(func=handlers["ingest"])

    st = sub.add_parser("status", help="counts by state and pool, queue depths")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=handlers["status"])

    sh = sub.add_parser("show", help="one document: fields, confidence, boxes, decisions and reasons")
    sh.add_argument("id", type=int)
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=handlers["show"])

    ld = sub.add_parser("load", help="load master data (CSV or JSON)")
    ld.add_argument("kind", choices=["vendors", "pos", "receipts"])
    ld.add_argument("file")
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(func=handlers["load"])

    au = sub.add_parser("audit", help="audit trail and chain verification")
    au_sub = au.add_subparsers(dest="audit_cmd", required=True)
    tr = au_sub.add_parser("trail", help="every event of one document")
    tr.add_argument("id", type=int)
    tr.add_argument("--json", action="store_true")
    ve = au_sub.add_parser("verify", help="check the hash chain (exit 5 when broken)")
    ve.add_argument("--json", action="store_true")
    au.set_defaults(func=handlers["audit"])

    wk = sub.add_parser("worker", help="run one production pool: dramatiq workers.<pool>")
    wk.add_argument("pool", choices=["fast", "slow", "pipeline"])
    wk.add_argument("--processes", type=int, default=2)
    wk.add_argument("--threads", type=int, default=1)
    wk.set_defaults(func=handlers["worker"])

    sv = sub.add_parser("serve", help="production ingest service: inbox watcher and sweeper")
    sv.add_argument("--for-seconds", type=float, default=None)
    sv.set_defaults(func=handlers["serve"])

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_cmd", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to head")
    db.set_defaults(func=handlers["db"])

    sw = sub.add_parser("sweep", help="re-send documents stuck in flight")
    sw.add_argument("--older-than", type=float, default=None, metavar="SECONDS", help="default: INVOICEPIPE_STUCK_AFTER")
    sw.set_defaults(func=handlers["sweep"])

    rt = sub.add_parser("retry", help="send a failed document through the pipeline again")
    rt.add_argument("id", type=int)
    rt.set_defaults(func=handlers["retry"])
    return p
