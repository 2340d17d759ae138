"""Argument parsing for the ``invoicepipe`` command (kept apart so cli.py stays readable)."""

from __future__ import annotations

import argparse

from .domain.models import Status


def build(handlers: dict, version: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="invoicepipe", description="Accounts-payable invoice pipeline.")
    p.add_argument("--version", action="version", version=f"invoicepipe {version}")
    sub = p.add_subparsers(dest="command")

    up = sub.add_parser("up", help="run everything in one process: workers per pool, web UI, inbox watcher, sweeper")
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
    ve = au_sub.add_parser("verify", help="check every partition's keyed chain and the checkpoints (exit 5 when broken)")
    ve.add_argument("--checkpoints", metavar="FILE", help="compare with this copy of the checkpoint file (one shipped off the host)")
    ve.add_argument("--json", action="store_true")
    cp = au_sub.add_parser("checkpoint", help="append a signed checkpoint of the chain heads to the checkpoint file")
    cp.add_argument("--to", action="append", default=[], metavar="DIR|FILE|file://URL|http(s)://WITNESS",
                    help="then append the checkpoints it lacks to this second place off the host, or POST them to an HTTP "
                         "witness (repeatable; exit 7 when a witness is unreachable: the checkpoints stay local)")
    cp.add_argument("--json", action="store_true")
    rk = au_sub.add_parser("rotate-key", help="seal the chain, add a new audit key to the keyring and sign with it from now on")
    rk.add_argument("--json", action="store_true")
    au.set_defaults(func=handlers["audit"])

    rs = sub.add_parser("reasons", help="the reason codes: what each means, whether it blocks payment, who may override it")
    rs.set_defaults(func=handlers["reasons"])

    wk = sub.add_parser("worker", help="run one production pool: dramatiq workers.<pool>")
    wk.add_argument("pool", choices=["fast", "slow", "pipeline"])
    wk.add_argument("--processes", type=int, default=2)
    wk.add_argument("--threads", type=int, default=1)
    wk.add_argument("--metrics-port", type=int, default=None,
                    help="port of the pool's /metrics (default: INVOICEPIPE_METRICS_PORT, else fast 9191, slow 9192, "
                         "pipeline 9193; 0: none); host INVOICEPIPE_METRICS_HOST (default 127.0.0.1)")
    wk.set_defaults(func=handlers["worker"])

    sv = sub.add_parser("serve", help="production service: web UI and API, inbox watcher, sweeper")
    sv.add_argument("--for-seconds", type=float, default=None)
    sv.set_defaults(func=handlers["serve"])

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_cmd", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to head")
    gr = db_sub.add_parser("grant-app-role", help="PostgreSQL, as the owner: create/grant the role the application logs in as")
    gr.add_argument("name", help="the application's role, e.g. invoicepipe_app")
    gr.add_argument("--password-env", metavar="VAR", default=None, help="set the role's password from environment variable VAR")
    db.set_defaults(func=handlers["db"])

    sw = sub.add_parser("sweep", help="re-send documents stuck in flight")
    sw.add_argument("--older-than", type=float, default=None, metavar="SECONDS", help="default: INVOICEPIPE_STUCK_AFTER")
    sw.set_defaults(func=handlers["sweep"])

    rt = sub.add_parser("retry", help="send failed documents through the pipeline again")
    rt.add_argument("ids", type=int, nargs="*", metavar="ID")
    rt.add_argument("--all-failed", action="store_true", help="every document now in `failed`")
    rt.set_defaults(func=handlers["retry"])

    xp = sub.add_parser("export", help="the payable export (INVOICEPIPE_EXPORT_URL): replay invoices the destination refused")
    xp_sub = xp.add_subparsers(dest="export_cmd", required=True)
    xr = xp_sub.add_parser("replay", help="deliver export_failed (or approved, backing-off) invoices now (the same outbox row and idempotency key)")
    xr.add_argument("ids", type=int, nargs="*", metavar="ID")
    xr.add_argument("--all-failed", action="store_true", help="every document now in `export_failed`")
    xp.set_defaults(func=handlers["export"])

    from .cli_webhooks import add_parser as add_webhooks_parser

    add_webhooks_parser(sub, handlers["webhooks"])

    from .cli_blobs import add_parser as add_blobs_parser

    add_blobs_parser(sub, handlers["blobs"])

    ls = sub.add_parser("list", help="documents in a state, most recently changed first")
    ls.add_argument("--state", choices=[s.value for s in Status], default=None)
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=handlers["list"])

    ev = sub.add_parser("eval", help="measure a stage on a labelled set")
    ev_sub = ev.add_subparsers(dest="eval_cmd", required=True)
    er = ev_sub.add_parser("reconcile", help="duplicate precision/recall and outcome confusion matrix of the reconcile stage")
    er.add_argument("dir", metavar="DIR", help="invoices.jsonl + master/, or an e-invoice corpus with manifest.csv + gt/")
    er.add_argument("--json", action="store_true")
    er.set_defaults(func=handlers["eval_reconcile"])
    ee = ev_sub.add_parser("e2e", help="extraction and decisions together: unsafe payments, duplicates, reasons, straight-through")
    ee.add_argument("dir", metavar="DIR", help="manifest.csv (arrival order), gt/, master/ and the documents (fixtures/e2e_dev/README.md)")
    ee.add_argument("--json", action="store_true", help="print one JSON object")
    ee.add_argument("--limit", type=int, default=None, help="only the first N arrivals")
    ee.add_argument("--fail-on-unsafe", action="store_true", help="exit 1 when anything unsafe was paid")
    ee.add_argument("--progress", action="store_true", help="one line per document on stderr as it settles")
    ee.set_defaults(func=handlers["eval_e2e"])
    ex = ev_sub.add_parser("extraction", help="per-field accuracy, calibration, straight-through rate and speed of extraction")
    ex.add_argument("dir", metavar="DIR", help="a folder with manifest.csv, gt/ and the documents (pdf/, img/)")
    ex.add_argument("--json", action="store_true", help="print one JSON object")
    ex.add_argument("--config", default="default", help="default | no-calibration | no-memory | tesseract-only | rapidocr-only | FILE.json | FILE.yaml")
    ex.add_argument("--policy", metavar="FILE", default=None, help="policy file (default: policy/default.yaml)")
    ex.add_argument("--ignore-xml", action="store_true", help="read e-invoice PDFs as ordinary PDFs (embedded XML dropped)")
    ex.add_argument("--compare", nargs=2, metavar=("A", "B"), help="champion A vs challenger B; exit 1 when B is worse on a critical field")
    ex.add_argument("--margin", type=float, default=1.0, help="allowed loss of the challenger, in percentage points (default 1)")
    ex.add_argument("--learning", action="store_true", help="also measure a vendor's second invoice after one corrected first one")
    ex.add_argument("--workers", type=int, default=0, help="reader processes (default: one per CPU)")
    ex.add_argument("--cache", metavar="DIR", default=None, help="keep what was read (text layer, OCR) in DIR for the next run")
    ex.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ex.add_argument("--include-text", action="store_true", help="also read plain-text (.txt) documents, which ingest rejects")
    ex.add_argument("--label-languages", metavar="LANGS", default=None,
                    help="read only these languages' labels, e.g. 'en' (comma-separated): how the extractor reads a "
                         "language it has no words for")
    ex.set_defaults(func=handlers["eval_extraction"])

    dr = sub.add_parser("drift", help="field accuracy, confidence, straight-through and layout drift (exit 1 when drift is detected)")
    dr.add_argument("--json", action="store_true")
    dr.add_argument("--window", type=int, default=None, metavar="N", help="newest N documents (default: the policy's drift.window_documents)")
    dr.add_argument("--baseline", type=int, default=None, metavar="N", help="N documents before the window (default: drift.baseline_documents)")
    dr.add_argument("--all", action="store_true", help="list every check, not only the ones that alarm")
    dr.set_defaults(func=handlers["drift"])

    co = sub.add_parser("cost", help="engine spend today against the policy's cost ceilings (exit 1 at the alert share)")
    co.add_argument("--day", metavar="YYYY-MM-DD", default=None, help="the (last) UTC day to show (default: today)")
    co.add_argument("--days", type=int, default=1, metavar="N", help="also the N-1 days before it")
    co.add_argument("--document", type=int, default=None, metavar="ID", help="one document's parses: granted, spent, stopped")
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=handlers["cost"])

    us = sub.add_parser("user", help="web accounts (a fresh install has none)")
    us_sub = us.add_subparsers(dest="user_cmd", required=True)
    ua = us_sub.add_parser("add", help="create an account; people get a password, integrators an API token")
    ua.add_argument("username")
    ua.add_argument("--role", choices=["reviewer", "controller", "admin", "integrator"], required=True)
    ua.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin instead of prompting")
    ul = us_sub.add_parser("list", help="every account: role, active, number of API tokens")
    ul.add_argument("--json", action="store_true")
    for name, what in (("disable", "stop an account: its sessions end now, its API tokens stop working"),
                       ("enable", "let a disabled account log in and use its API tokens again")):
        us_sub.add_parser(name, help=what).add_argument("username")
    us.set_defaults(func=handlers["user"])

    tk = sub.add_parser("token", help="API tokens for POST /api/invoices and the JSON API")
    tk_sub = tk.add_subparsers(dest="token_cmd", required=True)
    ta = tk_sub.add_parser("add", help="issue an API token for an existing account (printed once)")
    ta.add_argument("username")
    ta.add_argument("--label", default=None, help="what the token is for, e.g. erp-connector")
    tl = tk_sub.add_parser("list", help="API tokens (id, owner, label, created, last used; never the secret)")
    tl.add_argument("username", nargs="?", default=None)
    tl.add_argument("--json", action="store_true")
    tk_sub.add_parser("revoke", help="delete one API token by the id token list shows").add_argument("token_id")
    tk.set_defaults(func=handlers["token"])

    ml = sub.add_parser("mail", help="poll the IMAP mailbox (INVOICEPIPE_IMAP_*): each new message once, its attachments documents")
    ml.add_argument("--once", action="store_true", help="one round over the waiting messages, then exit (7: mailbox unreachable)")
    ml.add_argument("--for-seconds", type=float, default=None, help="stop after this long (default: until Ctrl-C)")
    ml.add_argument("--metrics-port", type=int, default=None,
                    help="port of the poller's /metrics (default: INVOICEPIPE_METRICS_PORT, else 9194; 0: none); "
                         "host INVOICEPIPE_METRICS_HOST (default 127.0.0.1)")
    ml_sub = ml.add_subparsers(dest="mail_command")
    ms = ml_sub.add_parser("status", help="the mail ledger: messages by outcome and the latest ones with their reasons")
    ms.add_argument("--outcome", choices=["claimed", "taken", "rejected"], default=None)
    ms.add_argument("--limit", type=int, default=20)
    ms.add_argument("--json", action="store_true")
    ml.set_defaults(func=handlers["mail"])
    return p
