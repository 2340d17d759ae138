"""``invoicepipe mail``: poll the configured IMAP mailbox; ``mail status``: the ledger."""

from __future__ import annotations

import json
import os
import signal
import threading

from .cli_common import EXIT_OK, make_app
from .domain.names import safe_line
from .errors import ConfigError

MAIL_METRICS_PORT = 9194


def cmd_mail(args) -> int:
    if getattr(args, "mail_command", None) == "status":
        return _status(args)
    from .adapters.imap import ImapMailbox
    from .services.mail_poller import MailPoller

    app = make_app()
    try:
        if app.settings.mail is None:
            raise ConfigError("no mailbox configured: set INVOICEPIPE_IMAP_HOST, _USER and _PASSWORD (see README, \"A mailbox\")")
        poller = MailPoller(app, ImapMailbox(app.settings.mail))
        if args.once:
            report = poller.run_once()
            poller.mailbox.close()
            print(f"mail {poller.mailbox.name}: " + (", ".join(f"{o} {report.count(o)}" for o in sorted(set(report.outcomes)))
                                                    or "no new messages"))
            return EXIT_OK
        _serve_metrics(args)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: poller.stopping.set())
        if args.for_seconds:
            threading.Timer(args.for_seconds, poller.stopping.set).start()
        print(f"invoicepipe mail: polling {poller.mailbox.name} every {app.settings.mail.poll_interval_s:g} s "
              f"(taken -> {app.settings.mail.processed_folder}, refused -> {app.settings.mail.rejected_folder}); Ctrl-C stops",
              flush=True)
        poller.run()
        return EXIT_OK
    finally:
        app.close()


def _serve_metrics(args) -> None:
    from .observability.multiprocess import METRICS_HOST_ENV, METRICS_PORT_ENV

    port = args.metrics_port if args.metrics_port is not None else int(os.environ.get(METRICS_PORT_ENV) or MAIL_METRICS_PORT)
    if port:
        from prometheus_client import start_http_server

        start_http_server(port, addr=os.environ.get(METRICS_HOST_ENV, "127.0.0.1"))


def _status(args) -> int:
    app = make_app()
    try:
        with app.uow.begin() as tx:
            counts, rows = tx.mail.counts(), tx.mail.recent(args.limit, args.outcome)
    finally:
        app.close()
    keys = ("id", "outcome", "mailbox", "uid", "message_id_header", "size_bytes", "reason", "message_db_id", "first_seen_at", "finished_at")
    if args.json:
        print(json.dumps({"counts": counts, "messages": [{k: r[k] for k in keys} for r in rows]}, indent=2, default=str))
        return EXIT_OK
    print("mail ledger: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no messages yet"))
    for r in rows:
        print(f"{r['id']:>6}  {r['outcome']:<9} uid {r['uid']:<6} {safe_line(r['message_id_header'] or '(no Message-ID)')}"
              + (f"  document message {r['message_db_id']}" if r["message_db_id"] else "")
              + (f"  ({safe_line(r['reason'])})" if r["reason"] else ""))
    return EXIT_OK
