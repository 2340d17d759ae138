"""The ``invoicepipe`` command.

Exit codes a script can rely on: 0 success; 1 the operation ran but did not succeed
(documents rejected or failed, rows quarantined); 2 usage error; 3 not found; 4 invalid
configuration or policy; 5 the audit chain does not verify (or ``audit checkpoint``
refuses to seal it); 6 ``--wait`` timed out; 7 a server (database, broker) is unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .cli_common import (EXIT_AUDIT, EXIT_CONFIG, EXIT_NOT_FOUND, EXIT_NOT_OK, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE,
                         current_user, make_app)
from .cli_cost import cmd_cost
from .cli_drift import cmd_drift
from .cli_mail import cmd_mail
from .cli_run import cmd_ingest, cmd_serve, cmd_up, cmd_worker
from .domain.names import safe_line
from .errors import AuditChainBroken, ConfigError, InvoicepipeError, MasterDataError, NotFound, StateConflict, TransientError
from .output import print_document, print_status, print_trail


def cmd_status(args) -> int:
    from .services.queries import status

    app = make_app()
    print_status(status(app), as_json=args.json)
    return EXIT_OK


def cmd_show(args) -> int:
    from .services.queries import show

    app = make_app()
    print_document(show(app, args.id), as_json=args.json)
    return EXIT_OK


def cmd_load(args) -> int:
    from .services.masterdata import load_master_data

    app = make_app()
    report = load_master_data(app, args.kind, Path(args.file), actor=current_user()).as_dict()
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

    app = make_app()
    if args.audit_cmd == "trail":
        print_trail(audit.trail(app, args.id), as_json=args.json)
        return EXIT_OK
    if args.audit_cmd == "checkpoint":
        result = audit.checkpoint(app)
        result["shipped"] = [audit.ship_checkpoints(app, to) for to in args.to]
        if args.json:
            print(json.dumps(result, indent=2))
            return EXIT_OK
        if result["written"]:
            print(f"checkpoint #{result['n']} of {result['partitions']} partition heads written to {app.settings.audit_checkpoint_path}")
        else:
            print(f"nothing new since checkpoint #{result['n']} ({result['at']})")
        for shipped in result["shipped"]:
            print(f"shipped {shipped['shipped']} checkpoint(s) to {shipped['to']} (it now ends at #{shipped['last']})")
        return EXIT_OK
    if args.audit_cmd == "rotate-key":
        result = audit.rotate_key(app, actor=current_user())
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"audit key {result['key_id']} now signs (was {result['previous']}); checkpoint #{result['sealed_checkpoint']} "
                  f"sealed the chain under the old key, #{result['checkpoint']} is signed with the new one.\n"
                  f"Keyring: {result['keyring']}. Back it up with the key, and restart workers, web and sweeper so they sign "
                  "with the new key (until then their events verify with the old one). See runbooks/audit-key-rotation.md.")
        return EXIT_OK
    result = audit.verify(app, checkpoints=Path(args.checkpoints) if args.checkpoints else None)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        against = f"checkpoint #{result['checkpoint']['n']} ({result['checkpoint']['at']})" if result["checkpoint"] else "no checkpoint"
        print(f"audit chain: {result['events']} events in {result['partitions']} partitions, against {against}: "
              + ("intact" if result["ok"] else f"{len(result['problems'])} problem(s)"))
        for p in result["problems"]:
            print(f"  {p['kind']}: {p['message']}")
        for note in result["notes"]:
            print(f"  note: {note}")
    if not result["ok"]:
        raise AuditChainBroken("audit chain does not verify")
    return EXIT_OK


def cmd_db(args) -> int:
    from .adapters.db.migrate import upgrade
    from .config import Settings

    settings = Settings.from_env()
    if args.db_cmd == "grant-app-role":
        return _grant_app_role(settings, args)
    upgrade(settings.database_url)
    print(f"database at head: {settings.database_url.split('@')[-1]}")
    return EXIT_OK


def _grant_app_role(settings, args) -> int:
    import os

    from .adapters.db.engine import PoolLimits, make_engine
    from .adapters.db.roles import grant_app_role

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise ConfigError(f"--password-env {args.password_env}: that variable is not set")
    engine = make_engine(settings.database_url, limits=PoolLimits(size=1, overflow=0, application_name="invoicepipe-admin"))
    try:
        result = grant_app_role(engine, args.name, password)
    finally:
        engine.dispose()
    print(f"role {result['role']} on {result['database']}: read/write on {result['tables']} tables; "
          f"{', '.join(result['audit_insert_only'])} SELECT and INSERT only; audit_heads UPDATE of "
          f"{', '.join(result['audit_heads_update'])} only")
    return EXIT_OK


def cmd_sweep(args) -> int:
    from .services.sweeper import sweep

    app = make_app(migrate=False)
    print(f"re-sent {sweep(app, stuck_after_s=args.older_than, actor=current_user())} stuck document(s)")
    return EXIT_OK


def _for_each(ids: list[int], nothing: str, act, succeeded=lambda outcome: True) -> int:
    """Run ``act(id)`` for every id, printing each outcome; exit 1 when any was refused or failed."""
    if not ids:
        print(nothing)
        return EXIT_OK
    code = EXIT_OK
    for doc_id in ids:
        try:
            outcome = act(doc_id)
        except (NotFound, StateConflict) as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = EXIT_NOT_OK
            continue
        print(outcome)
        if not succeeded(outcome):
            code = EXIT_NOT_OK
    return code


def cmd_retry(args) -> int:
    from .services.recovery import failed_ids, retry_document

    app = make_app(migrate=False)
    ids = list(args.ids) + (failed_ids(app) if args.all_failed else [])
    return _for_each(ids, "nothing to retry", lambda doc_id: retry_document(app, doc_id, current_user()))


def cmd_export(args) -> int:
    """``export replay ID… | --all-failed``: deliver export_failed invoices again after a fix."""
    from .services.export import export_failed_ids, replay_export

    app = make_app(migrate=False)
    ids = list(args.ids) + (export_failed_ids(app) if args.all_failed else [])
    return _for_each(ids, "nothing to replay", lambda doc_id: replay_export(app, doc_id, current_user()),
                     succeeded=lambda outcome: outcome.endswith(": delivered"))


def cmd_webhooks(args) -> int:
    from .cli_webhooks import cmd_webhooks as run

    return run(args)


def cmd_blobs(args) -> int:
    from .cli_blobs import cmd_blobs as run

    return run(args)


def cmd_list(args) -> int:
    from .services.queries import list_documents

    app = make_app()
    docs = list_documents(app, args.state, args.limit)
    if args.json:
        print(json.dumps(docs, indent=2, default=str))
    else:
        for d in docs:  # one line per document, whatever a name or reason holds (rows stored before names were cleaned too)
            print(f"{d['id']:>7}  {d['status']:<13} {d['pool'] or '-':<5} {d['updated_at'][:19]}  {safe_line(d['filename'])}"
                  + (f"  ({safe_line(d['reason'])})" if d["reason"] else ""))
    return EXIT_OK


def cmd_eval_reconcile(args) -> int:
    from .evaluation.reconcile_eval import evaluate, format_report

    report = evaluate(Path(args.dir))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def cmd_eval_e2e(args) -> int:
    from .evaluation.e2e_eval import evaluate, format_report

    report = evaluate(Path(args.dir), limit=args.limit, verbose=args.progress)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_NOT_OK if args.fail_on_unsafe and report["unsafe_total"] else EXIT_OK


def cmd_eval_extraction(args) -> int:
    from .evaluation.extraction_cli import run_command

    return run_command(args)


def cmd_user(args) -> int:
    from .web import commands

    app = make_app()
    if args.user_cmd == "add":
        print(commands.user_add(app, args.username, args.role, args.password_stdin, current_user()))
    elif args.user_cmd == "list":
        print(commands.user_list(app, args.json))
    else:
        print(commands.user_set_active(app, args.username, args.user_cmd == "enable", current_user()))
    return EXIT_OK


def cmd_token(args) -> int:
    from .web import commands

    app = make_app()
    if args.token_cmd == "add":
        print(commands.token_add(app, args.username, args.label, current_user()))
    elif args.token_cmd == "list":
        print(commands.token_list(app, args.username, args.json))
    else:
        print(commands.token_revoke(app, args.token_id, current_user()))
    return EXIT_OK


def cmd_reasons(args) -> int:
    from .services.review_words import reasons_markdown

    print(reasons_markdown())
    return EXIT_OK


def _is_unreachable(exc: BaseException) -> bool:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, (OperationalError, RedisConnectionError))


def build_parser() -> argparse.ArgumentParser:
    from .cli_parser import build

    return build({"up": cmd_up, "ingest": cmd_ingest, "status": cmd_status, "show": cmd_show, "load": cmd_load, "audit": cmd_audit,
                  "worker": cmd_worker, "serve": cmd_serve, "db": cmd_db, "sweep": cmd_sweep, "retry": cmd_retry, "list": cmd_list,
                  "export": cmd_export, "webhooks": cmd_webhooks, "blobs": cmd_blobs,
                  "eval_reconcile": cmd_eval_reconcile, "eval_e2e": cmd_eval_e2e, "eval_extraction": cmd_eval_extraction, "user": cmd_user,
                  "token": cmd_token, "reasons": cmd_reasons, "drift": cmd_drift, "mail": cmd_mail,
                  "cost": cmd_cost}, __version__)


def main(argv=None) -> int:
    """Run one command. A reader that stops early (``invoicepipe show 3 | head``) is not an
    error: the rest of the output is discarded without a traceback."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python's documented recipe: point stdout at devnull so the flush at exit cannot fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(argv=None) -> int:
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
    except AuditChainBroken as exc:
        print(f"audit: {exc}", file=sys.stderr)
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
