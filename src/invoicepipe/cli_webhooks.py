"""``invoicepipe webhooks …``: subscribers, their deliveries, replaying dead ones."""

from __future__ import annotations

import json
import os
import sys

from .cli_common import EXIT_CONFIG, EXIT_NOT_OK, EXIT_OK, current_user, make_app
from .domain.names import safe_line


def add_parser(sub, handler) -> None:
    wh = sub.add_parser("webhooks", help="outgoing webhooks: who is told of document state changes, and what was sent")
    wh_sub = wh.add_subparsers(dest="webhooks_cmd", required=True)
    wa = wh_sub.add_parser("add", help="subscribe a URL to state changes; prints its signing secret once")
    wa.add_argument("name", help="a short name, e.g. erp-status")
    wa.add_argument("url", help="https://… the signed POSTs go to")
    wa.add_argument("--events", default="*", metavar="STATE,…", help="the states to be told of, comma-separated (default: * = all)")
    wa.add_argument("--owner", default=None, metavar="USERNAME", help="only documents this account delivered (default: every document)")
    wa.add_argument("--secret-env", default=None, metavar="VAR", help="take the signing secret from environment variable VAR instead of generating one")
    wa.add_argument("--json", action="store_true")
    wl = wh_sub.add_parser("list", help="subscribers (never their secrets) and their dead deliveries")
    wl.add_argument("--json", action="store_true")
    wh_sub.add_parser("remove", help="unsubscribe, dropping its deliveries").add_argument("name")
    wd = wh_sub.add_parser("deliveries", help="deliveries, newest first")
    wd.add_argument("--state", choices=["pending", "delivered", "dead"], default=None)
    wd.add_argument("--subscriber", default=None, metavar="NAME")
    wd.add_argument("--limit", type=int, default=50)
    wd.add_argument("--json", action="store_true")
    wr = wh_sub.add_parser("replay", help="send dead (or backing-off) deliveries again now, on their own rows")
    wr.add_argument("ids", type=int, nargs="*", metavar="ID")
    wr.add_argument("--all-dead", action="store_true", help="every dead delivery (of --subscriber, if given)")
    wr.add_argument("--subscriber", default=None, metavar="NAME")
    wh_sub.add_parser("deliver", help="send every due delivery now (one round of what up/serve do every few seconds)")
    wh.set_defaults(func=handler)


def cmd_webhooks(args) -> int:
    from .services import webhooks

    app = make_app()
    cmd = args.webhooks_cmd
    if cmd == "add":
        secret = None
        if args.secret_env:
            secret = os.environ.get(args.secret_env)
            if not secret:
                print(f"configuration error: environment variable {args.secret_env} is not set", file=sys.stderr)
                return EXIT_CONFIG
        made = webhooks.add_subscriber(app, args.name, args.url, args.events.split(","), args.owner, current_user(), secret)
        if args.json:
            print(json.dumps(made if not args.secret_env else {**made, "secret": None}, indent=2))
        else:
            print(f"subscribed {made['name']} ({made['url']}) to {', '.join(made['events'])}"
                  + (f" of documents {args.owner} delivered" if args.owner else ""))
            if not args.secret_env:
                print(f"signing secret (shown once; give it to the receiver): {made['secret']}")
        return EXIT_OK
    if cmd == "list":
        rows = webhooks.list_subscribers(app)
        if args.json:
            print(json.dumps(rows, indent=2))
        for r in [] if args.json else rows:
            print(f"{r['name']:<20} {r['url']}  events={','.join(r['events'])}  owner={r['owner'] or '*'}  dead={r['dead_deliveries']}")
        return EXIT_OK
    if cmd == "remove":
        webhooks.remove_subscriber(app, args.name, current_user())
        print(f"removed {args.name}")
        return EXIT_OK
    if cmd == "deliveries":
        rows = webhooks.deliveries(app, args.state, args.subscriber, args.limit)
        if args.json:
            print(json.dumps(rows, indent=2))
        for r in [] if args.json else rows:
            print(f"{r['id']:>7}  {r['state']:<9} {r['subscriber']:<20} doc {r['document_id']}  tries {r['attempts']}"
                  + (f"  ({safe_line(r['last_error'])})" if r["last_error"] else ""))
        return EXIT_OK
    if cmd == "replay":
        ids = list(args.ids) + (webhooks.dead_ids(app, args.subscriber) if args.all_dead else [])
        if not ids:
            print("nothing to replay")
            return EXIT_OK
        lines = webhooks.replay(app, ids, current_user())
        print("\n".join(lines))
        return EXIT_OK if all(line.endswith(": delivered") for line in lines) else EXIT_NOT_OK
    outcome = webhooks.deliver_due(app)
    print(", ".join(f"{n} {what}" for what, n in outcome.items()))
    return EXIT_OK
