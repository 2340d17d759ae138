"""``invoicepipe blobs …``: where document bytes live, and moving them (runbooks/blob-store.md)."""

from __future__ import annotations

import json
import sys

from .cli_common import EXIT_NOT_OK, EXIT_OK, make_app


def add_parser(sub, handler) -> None:
    bl = sub.add_parser("blobs", help="the blob store: which one is used, and copying every blob to another")
    bl_sub = bl.add_subparsers(dest="blobs_cmd", required=True)
    bl_sub.add_parser("where", help="the blob store this configuration uses (INVOICEPIPE_BLOB_URL)")
    mg = bl_sub.add_parser("migrate", help="copy every blob to another store: idempotent, resumable, hash-verified")
    mg.add_argument("--to", required=True, metavar="URL", help="the target: db:, postgresql://…, file:///path or a folder")
    mg.add_argument("--from", dest="source", default=None, metavar="URL",
                    help="the source (default: the configured store, INVOICEPIPE_BLOB_URL)")
    mg.add_argument("--no-verify", action="store_true", help="do not read each copied blob back (faster; the write is still checked)")
    mg.add_argument("--json", action="store_true")
    bl.set_defaults(func=handler)


def cmd_blobs(args) -> int:
    from .adapters.blob_url import make_blob_store
    from .services.blob_migration import migrate_blobs

    app = make_app()
    if args.blobs_cmd == "where":
        print(app.blobs.label)
        return EXIT_OK
    source = make_blob_store(app.settings, app.engine, url=args.source, cached=False)
    target = make_blob_store(app.settings, app.engine, url=args.to, cached=False)
    if source.label == target.label:
        print(f"source and target are the same store ({source.label})", file=sys.stderr)
        return EXIT_NOT_OK

    def progress(report, _sha) -> None:
        done = report.copied + report.skipped + len(report.damaged)
        if done % 500 == 0:
            print(f"  {done} blobs: {report.copied} copied, {report.skipped} already there", file=sys.stderr)

    report = migrate_blobs(source, target, verify=not args.no_verify, progress=progress)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(f"{report.source} -> {report.target}: {report.copied} copied ({report.bytes_copied} bytes), "
              f"{report.skipped} already there, {len(report.damaged)} damaged")
        for sha in report.damaged:
            print(f"  damaged or missing in the source, not copied: {sha}")
    return EXIT_OK if report.ok else EXIT_NOT_OK
