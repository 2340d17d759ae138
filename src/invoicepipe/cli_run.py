"""The long-running ``invoicepipe`` commands: up, serve, worker, and ingest with --wait."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from . import __version__
from .cli_common import EXIT_CONFIG, EXIT_NOT_FOUND, EXIT_NOT_OK, EXIT_OK, EXIT_TIMEOUT, current_user, make_app


def _load_samples(app, folder, sample: Path) -> None:
    """Load DIR/master/* and drop DIR/pdf (portal) and DIR/img (scan) into the inbox."""
    from .services.masterdata import load_master_data

    for kind, name in (("vendors", "vendors.json"), ("pos", "pos.json"), ("receipts", "receipts.json")):
        if (sample / "master" / name).exists():
            load_master_data(app, kind, sample / "master" / name, actor="system:samples")
    for sub, channel in (("pdf", "portal"), ("img", "scan")):
        for f in sorted((sample / sub).glob("*")) if (sample / sub).is_dir() else []:
            shutil.copy2(f, folder.root / channel / f.name)


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


def _run(app, pools: Optional[tuple], banner, for_seconds: Optional[float], require_web: bool, samples: Optional[str] = None) -> int:
    """Start workers (``pools``), sweeper, inbox watcher and web UI; run until a signal."""
    from .adapters.inbox import DropFolder
    from .runtime import Periodic, start_background, stop_all
    from .services.inbox import process_inbox
    from .services.mail_poller import start_mail_poller

    folder = DropFolder(app.settings.inbox_dir, app.settings.settle_s)
    folder.ensure_layout()
    if samples:
        _load_samples(app, folder, Path(samples))
    started = start_background(app, pools=pools)
    web = _start_web(app)
    if web is None and require_web:
        stop_all(started)
        return EXIT_CONFIG
    watcher = Periodic("inbox", app.settings.watch_interval_s, lambda: process_inbox(app, folder), app.log)
    watcher.start()
    mail = start_mail_poller(app)  # only when INVOICEPIPE_IMAP_HOST is set
    started += [watcher] + ([mail] if mail else []) + ([web] if web else [])
    print(banner(folder, web), flush=True)
    if mail:
        print(f"  mailbox    {mail.mailbox.name} every {app.settings.mail.poll_interval_s:g} s (invoicepipe mail status)", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    deadline = time.monotonic() + for_seconds if for_seconds else None
    while not stop.wait(0.5):
        if deadline and time.monotonic() > deadline:
            break
    stop_all(started)
    app.close()
    return EXIT_OK


def cmd_up(args) -> int:
    """Everything in one process: a worker per pool, the sweeper, the inbox watcher, the web UI."""
    from .config import Settings
    from .observability.multiprocess import can_choose, use_directory

    # Multiprocess metrics, so the parse children's OCR counts reach /metrics too; chosen
    # before anything imports prometheus_client (in a test process it may be too late).
    if can_choose():
        use_directory(Settings.from_env().var_dir / "metrics" / "up")
    app = make_app(workers=True)
    mode = "embedded (SQLite, in-process workers)" if app.settings.embedded else "Redis broker, in-process workers"

    def banner(folder, web):
        return (f"invoicepipe {__version__} up: {mode}\n" + (f"{web.banner}\n" if web else "") +
                f"  watching   {folder.root}/{{email,portal,scan}}  (done files move to processed/ or rejected/)\n"
                f"  database   {app.settings.database_url}\n"
                f"  look with  invoicepipe status | invoicepipe show ID | invoicepipe audit trail ID\n"
                f"  policy     {app.settings.policy_path} (version {app.policy.version})\n"
                f"Ctrl-C stops; nothing in flight is lost (the sweeper re-sends it on the next start).")

    return _run(app, ("fast", "slow", "pipeline"), banner, args.for_seconds, require_web=False, samples=args.samples)


def cmd_serve(args) -> int:
    """Production web and ingest service: the web UI/API, the drop folder and the sweeper (no parse workers)."""
    app = make_app(workers=True, migrate=False)
    return _run(app, None, lambda folder, web: web.banner, args.for_seconds, require_web=True)


def cmd_worker(args) -> int:
    """Run ``dramatiq workers.<pool>`` (one production pool) under the supervisor, which
    starts the process group again when it dies (``supervisor.py``)."""
    module = {"fast": "workers.fast", "slow": "workers.slow", "pipeline": "workers.pipeline"}[args.pool]
    argv = ["dramatiq", module, "--processes", str(args.processes), "--threads", str(args.threads), "--path", str(Path(__file__).resolve().parents[2])]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # An idle Redis consumer backs off up to this many ms between polls; Dramatiq's 1000 ms
    # default set the fast path's idle latency (benchmarks/pool_isolation.py), 100 ms costs
    # a few cheap Redis calls per second.
    os.environ.setdefault("dramatiq_worker_timeout", "100")
    from .logs import configure_logging, get_logger
    from .supervisor import supervise

    configure_logging(os.environ.get("INVOICEPIPE_LOG_LEVEL", "INFO"))
    before_start = _pool_metrics(args)
    return supervise([sys.executable, "-m", *argv], get_logger().bind(pool=args.pool), before_start=before_start)


def _pool_metrics(args):
    """Point the pool at its metrics directory and port (inherited by every process of the
    group); returns what to do before each (re)start of the group, or None without metrics."""
    from .config import Settings
    from .observability.multiprocess import METRICS_PORT_ENV, POOL_PORTS, clear_live_gauges, use_directory

    port = args.metrics_port if args.metrics_port is not None else int(os.environ.get(METRICS_PORT_ENV) or POOL_PORTS[args.pool])
    if port == 0:
        os.environ.pop(METRICS_PORT_ENV, None)
        return None
    os.environ[METRICS_PORT_ENV] = str(port)
    # per pool and port: two commands of one pool on one host (each its own port) keep apart
    directory = use_directory(Settings.from_env().var_dir / "metrics" / f"{args.pool}-{port}")
    return lambda: clear_live_gauges(directory)


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


def _listed(app, ids: list[int], chunk: int = 500) -> list[dict]:
    """What the ingest command prints of each document, read in a few statements: a full
    ``show`` per document (its extraction, decisions and arrivals, in a transaction of its
    own) was six statements per file, a third of what PostgreSQL ran for an ingest."""
    docs = []
    with app.uow.read() as tx:
        for start in range(0, len(ids), chunk):
            docs.extend(tx.documents.by_ids(ids[start:start + chunk]))
    return [{"id": d.id, "filename": d.filename, "status": d.status.value, "reason": d.reason} for d in docs]


def cmd_ingest(args) -> int:
    """Ingest files or folders; with --wait, return once every document is settled."""
    from .adapters.safe_files import read_regular_file
    from .domain.names import safe_line
    from .errors import UnsupportedInput
    from .services.ingest import ingest_bytes
    from .services.parallel import map_bounded

    paths = [Path(p) for p in args.paths]
    files = [f for p in paths for f in (sorted(x for x in p.rglob("*") if x.is_file() or x.is_symlink()) if p.is_dir() else [p])]
    missing = [str(f) for f in files if not (f.is_file() or f.is_symlink() or f.is_fifo())]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_NOT_FOUND
    # Without --wait this process only stores files and sends their triage: it neither reads
    # the policy nor parses (bootstrap's ``parses``).
    app = make_app(workers=args.wait, parses=bool(args.wait))
    started = []
    if app.settings.embedded and args.wait:
        # Only --wait runs the pipeline here: without it the command stores the files and
        # never imports the actors, readers and extraction code (about half its start-up CPU).
        from .runtime import start_background

        started = start_background(app)
    refused, actor = [], current_user()

    def one(f: Path):
        try:  # the same rule as the drop folder: regular files only, links and FIFOs are not followed
            data = read_regular_file(f)
        except UnsupportedInput as exc:
            refused.append(f"{safe_line(str(f))}: {exc.reason}")
            return None
        return ingest_bytes(app, data, f.name, args.channel, actor)

    # a large batch is read and recorded by a bounded pool of threads (services/parallel.py)
    results = [r for r in map_bounded(one, files, app.settings.ingest_workers) if r is not None]
    for line in refused:
        print(f"skipped {line}", file=sys.stderr)
    ids = sorted({d["id"] for r in results for d in r.documents})
    code = EXIT_OK
    if args.wait and not _wait_settled(app, ids, args.timeout):
        code = EXIT_TIMEOUT
    docs = _listed(app, ids)
    for item in reversed(started):  # runtime.stop_all
        item.stop()
    if args.json:
        print(json.dumps({"documents": [{k: d[k] for k in ("id", "filename", "status", "reason")} for d in docs]}, indent=2))
    else:
        for d in docs:
            print(f"{d['id']:>6}  {d['status']:<13} {safe_line(d['filename'])}" + (f"  ({safe_line(d['reason'])})" if d["reason"] else ""))
        if not args.wait and app.settings.embedded:
            print("stored; a running `invoicepipe up` processes them (or use --wait)")
    if code == EXIT_OK and (refused or any(d["status"] in ("rejected", "failed") for d in docs)):
        code = EXIT_NOT_OK
    app.close()
    return code
