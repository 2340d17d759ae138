"""The ``invoicepipe`` command.

Exit codes a script can rely on: 0 success; 1 the operation ran but did not succeed
(documents rejected or failed, rows quarantined); 2 usage error; 3 not found; 4 invalid
configuration or policy; 5 the audit chain does not verify; 6 ``--wait`` timed out;
7 a server (database, broker) is unreachable.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from . import __version__
from .errors import AuditChainBroken, ConfigError, InvoicepipeError, MasterDataError, NotFound, StateConflict, TransientError
from .output import print_document, print_status, print_trail

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_CONFIG, EXIT_AUDIT, EXIT_TIMEOUT, EXIT_UNREACHABLE = range(8)


def _user() -> str:
    try:
        return f"user:{getpass.getuser()}"
    except Exception:
        return "user:unknown"


def _app(workers: bool = False, **kw):
    """Bootstrap; an embedded command without workers defers its messages to `invoicepipe up`."""
    from .adapters.broker import DeferredEnqueuer
    from .bootstrap import bootstrap

    app = bootstrap(**kw)
    if app.settings.embedded and not workers:
        app.enqueuer = DeferredEnqueuer()
    return app


def cmd_up(args) -> int:
    from .adapters.inbox import DropFolder
    from .runtime import Periodic, start_background, stop_all
    from .services.inbox import process_inbox
    from .services.masterdata import load_master_data

    app = _app(workers=True)
    folder = DropFolder(app.settings.inbox_dir, app.settings.settle_s)
    folder.ensure_layout()
    if args.samples:
        sample = Path(args.samples)
        for kind, name in (("vendors", "vendors.json"), ("pos", "pos.json"), ("receipts", "receipts.json")):
            if (sample / "master" / name).exists():
                load_master_data(app, kind, sample / "master" / name, actor="system:samples")
        for sub, channel in (("pdf", "portal"), ("img", "scan")):
            for f in sorted((sample / sub).glob("*")) if (sample / sub).is_dir() else []:
                shutil.copy2(f, folder.root / channel / f.name)
    started = start_background(app)
    watcher = Periodic("inbox", app.settings.watch_interval_s, lambda: process_inbox(app, folder), app.log)
    watcher.start()
    web = _start_web(app)
    mode = "embedded (SQLite, in-process workers)" if app.settings.embedded else "Redis broker, in-process workers"
    print(f"invoicepipe {__version__} up: {mode}\n" + (f"{web.banner}\n" if web else "") +
          f"  watching   {folder.root}/{{email,portal,scan}}  (done files move to processed/ or rejected/)\n"
          f"  database   {app.settings.database_url}\n"
          f"  look with  invoicepipe status | invoicepipe show ID | invoicepipe audit trail ID\n"
          f"  policy     {app.settings.policy_path} (version {app.policy.version})\n"
          f"Ctrl-C stops; nothing in flight is lost (the sweeper re-sends it on the next start).", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    deadline = time.monotonic() + args.for_seconds if args.for_seconds else None
    while not stop.wait(0.5):
        if deadline and time.monotonic() > deadline:
            break
    watcher.stop()
    if web:
        web.stop()
    stop_all(started)
    app.close()
    return EXIT_OK


def _wait_settled(app, ids: list[int], timeout: float) -> bool:
    from .domain.models import SETTLED

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with app.uow.begin() as tx:
            docs = tx.documents.by_ids(ids)
        if all(d.status in SETTLED for d in docs):
            return True
        time.sleep(0.2)
    return False


def cmd_ingest(args) -> int:
    from .runtime import start_background, stop_all
    from .services.ingest import ingest_bytes

    app = _app(workers=args.wait)
    started = start_background(app) if app.settings.embedded and args.wait else []
    paths = [Path(p) for p in args.paths]
    files = [f for p in paths for f in (sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p])]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_NOT_FOUND
    results = [ingest_bytes(app, f.read_bytes(), f.name, args.channel, _user()) for f in files]
    ids = sorted({d["id"] for r in results for d in r.documents})
    code = EXIT_OK
    if args.wait and not _wait_settled(app, ids, args.timeout):
        code = EXIT_TIMEOUT
    from .services.queries import show

    docs = [show(app, i) for i in ids]
    stop_all(started)
    if args.json:
        print(json.dumps({"documents": [{k: d[k] for k in ("id", "filename", "status", "reason")} for d in docs]}, indent=2))
    else:
        for d in docs:
            print(f"{d['id']:>6}  {d['status']:<13} {d['filename']}" + (f"  ({d['reason']})" if d["reason"] else ""))
        if not args.wait and app.settings.embedded:
            print("stored; a running `invoicepipe up` processes them (or use --wait)")
    if code == EXIT_OK and any(d["status"] in ("rejected", "failed") for d in docs):
        code = EXIT_NOT_OK
    app.close()
    return code


def cmd_status(args) -> int:
    from .services.queries import status

    app = _app()
    print_status(status(app), as_json=args.json)
    return EXIT_OK


def cmd_show(args) -> int:
    from .services.queries import show

    app = _app()
    print_document(show(app, args.id), as_json=args.json)
    return EXIT_OK


def cmd_load(args) -> int:
    from .services.masterdata import load_master_data

    app = _app()
    report = load_master_data(app, args.kind, Path(args.file), actor=_user()).as_dict()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.kind}: {report['inserted']} inserted, {report['updated']} updated, {report['unchanged']} unchanged, "
              f"{len(report['quarantined'])} quarantined")
        for q in report["quarantined"]:
            print(f"  row {q['row']} ({q['id']}): {q['reason']}")
        for d in report["schema_drift"]:
            print(f"  schema drift: {d}")
    return EXIT_NOT_OK if report["quarantined"] else EXIT_OK


def cmd_audit(args) -> int:
    from .services import audit

    app = _app()
    if args.audit_cmd == "trail":
        print_trail(audit.trail(app, args.id), as_json=args.json)
        return EXIT_OK
    result = audit.verify(app)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"audit chain: {result['events']} events, " + ("intact" if result["ok"] else f"{len(result['problems'])} problem(s)"))
        for p in result["problems"]:
            print(f"  {p['kind']}: {p['message']}")
    if not result["ok"]:
        raise AuditChainBroken("audit chain does not verify")
    return EXIT_OK


def cmd_worker(args) -> int:
    module = {"fast": "workers.fast", "slow": "workers.slow", "pipeline": "workers.pipeline"}[args.pool]
    argv = ["dramatiq", module, "--processes", str(args.processes), "--threads", str(args.threads), "--path", str(Path(__file__).resolve().parents[2])]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # An idle Redis consumer backs off up to this many ms between polls; Dramatiq's 1000 ms
    # default set the fast path's idle latency (benchmarks/pool_isolation.py), 100 ms costs
    # a few cheap Redis calls per second.
    os.environ.setdefault("dramatiq_worker_timeout", "100")
    os.execvp(sys.executable, [sys.executable, "-m", *argv])


def cmd_serve(args) -> int:
    """Production web and ingest service: the web UI/API, the drop folder and the sweeper (no parse workers)."""
    from .adapters.inbox import DropFolder
    from .runtime import Periodic, start_background, stop_all
    from .services.inbox import process_inbox

    app = _app(workers=True, migrate=False)
    folder = DropFolder(app.settings.inbox_dir, app.settings.settle_s)
    folder.ensure_layout()
    started = start_background(app, pools=None)
    web = _start_web(app)
    if web is None:
        stop_all(started)
        return EXIT_CONFIG
    print(web.banner, flush=True)
    watcher = Periodic("inbox", app.settings.watch_interval_s, lambda: process_inbox(app, folder), app.log)
    watcher.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    deadline = time.monotonic() + args.for_seconds if args.for_seconds else None
    while not stop.wait(0.5):
        if deadline and time.monotonic() > deadline:
            break
    watcher.stop()
    web.stop()
    stop_all(started)
    return EXIT_OK


def cmd_db(args) -> int:
    from .adapters.db.migrate import upgrade
    from .config import Settings

    settings = Settings.from_env()
    upgrade(settings.database_url)
    print(f"database at head: {settings.database_url.split('@')[-1]}")
    return EXIT_OK


def cmd_sweep(args) -> int:
    from .services.sweeper import sweep

    app = _app(migrate=False)
    print(f"re-sent {sweep(app, stuck_after_s=args.older_than, actor=_user())} stuck document(s)")
    return EXIT_OK


def cmd_retry(args) -> int:
    from .services.recovery import failed_ids, retry_document

    app = _app(migrate=False)
    ids = list(args.ids) + (failed_ids(app) if args.all_failed else [])
    if not ids:
        print("nothing to retry")
        return EXIT_OK
    code = EXIT_OK
    for doc_id in ids:
        try:
            print(retry_document(app, doc_id, _user()))
        except (NotFound, StateConflict) as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = EXIT_NOT_OK
    return code


def cmd_list(args) -> int:
    from .services.queries import list_documents

    app = _app()
    docs = list_documents(app, args.state, args.limit)
    if args.json:
        print(json.dumps(docs, indent=2, default=str))
    else:
        for d in docs:
            print(f"{d['id']:>7}  {d['status']:<13} {d['pool'] or '-':<5} {d['updated_at'][:19]}  {d['filename']}"
                  + (f"  ({d['reason']})" if d["reason"] else ""))
    return EXIT_OK


def cmd_eval_reconcile(args) -> int:
    from .evaluation.reconcile_eval import evaluate, format_report

    report = evaluate(Path(args.dir))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def cmd_eval_extraction(args) -> int:
    from .evaluation.extraction_cli import run_command

    return run_command(args)


def _start_web(app):
    """The web UI and API in a thread (settings.web_host:web_port), or None with the reason printed."""
    try:
        from .web.commands import web_banner
        from .web.server import WebServer
    except ImportError as exc:
        print(f"web UI not available: {exc} (install invoicepipe[web])", file=sys.stderr)
        return None
    server = WebServer(app, app.settings.web_host, app.settings.web_port)
    try:
        server.banner = web_banner(app, server.start())
    except RuntimeError as exc:
        print(f"web UI not started: {exc}", file=sys.stderr)
        return None
    return server


def cmd_user(args) -> int:
    from .web.commands import user_add

    print(user_add(_app(), args.username, args.role, args.password_stdin, _user()))
    return EXIT_OK


def cmd_token(args) -> int:
    from .web.commands import token_add

    print(token_add(_app(), args.username, args.label, _user()))
    return EXIT_OK


def _is_unreachable(exc: BaseException) -> bool:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, (OperationalError, RedisConnectionError))


def build_parser() -> argparse.ArgumentParser:
    from .cli_parser import build

    return build({"up": cmd_up, "ingest": cmd_ingest, "status": cmd_status, "show": cmd_show, "load": cmd_load, "audit": cmd_audit,
                  "worker": cmd_worker, "serve": cmd_serve, "db": cmd_db, "sweep": cmd_sweep, "retry": cmd_retry, "list": cmd_list,
                  "eval_reconcile": cmd_eval_reconcile, "eval_extraction": cmd_eval_extraction, "user": cmd_user, "token": cmd_token}, __version__)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except AuditChainBroken:
        return EXIT_AUDIT
    except TransientError as exc:
        print(f"unreachable: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except MasterDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_OK
    except InvoicepipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_OK
    except Exception as exc:  # a server that is down surfaces from the libraries themselves
        if _is_unreachable(exc):
            print(f"unreachable: {exc.__class__.__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
            return EXIT_UNREACHABLE
        raise


if __name__ == "__main__":
    sys.exit(main())
