"""Build every resource in one place, never at import time.

``bootstrap()`` returns an ``App``: the settings, database engine and unit of work (which
holds the audit key), blob store, broker and enqueuer, the validated policy, the readers
and a logger. The CLI, the worker entry modules and the tests all start here.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import dramatiq
from sqlalchemy import Engine

from .adapters.audit_key import watch_audit_keyring
from .adapters.blob_url import make_blob_store
from .adapters.broker import Enqueuer, make_broker
from .adapters.exporters import Exporter, make_exporter
from .adapters.http_delivery import SignedPoster
from .adapters.db.engine import PoolLimits, make_engine
from .adapters.db.migrate import ensure_schema
from .adapters.db.uow import UnitOfWork
from .config import Settings
from .domain.policy import Policy
from .services.ports import BlobStore
from .logs import configure_logging, get_logger, register_secret


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow: UnitOfWork
    blobs: BlobStore
    broker: dramatiq.Broker
    enqueuer: Any  # anything with .send(step, document_id)
    policy: Policy
    readers: Any  # module or object with probe / read_text_layer / read_with_ocr
    log: Any
    exporter: Optional[Exporter] = None
    webhook_poster: Optional[SignedPoster] = None  # the outgoing webhooks' HTTP client (services/webhooks)
    parse_runner: Any = None  # adapters.parse_isolation runner; None: inline with ``readers``
    host: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    def close(self) -> None:
        if self.parse_runner is not None:
            self.parse_runner.close()
        for client in (getattr(self.exporter, "poster", None), self.webhook_poster):
            if client is not None:
                client.close()
        self.broker.close()
        blob_engine = getattr(getattr(self.blobs, "shared", None), "engine", None)
        if blob_engine is not None and blob_engine is not self.engine:  # a blob database of its own
            blob_engine.dispose()
        self.engine.dispose()


class ReadersOnFirstUse:
    """The real readers (``adapters/readers.py``), imported when one is first used: PDFium,
    Tesseract and numpy cost about a second of CPU to import, which a command that only
    stores files (``invoicepipe ingest``), or a process whose parses all run in child
    processes, never needs."""

    def __getattr__(self, name: str) -> Any:
        from .adapters import readers

        return getattr(readers, name)


class PolicyOnFirstUse:
    """The policy, read and validated when a step first asks for it: for a process that only
    stores files (``invoicepipe ingest``), which never reads it. Validating it imports
    jsonschema and YAML, about a sixth of that command's start-up CPU. An invalid policy
    still fails, at its first use (and every worker reads it at start)."""

    def __init__(self, path, schemas_dir):
        self._where = (path, schemas_dir)
        self._policy: Optional[Policy] = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if self._policy is None:
            with self._lock:
                if self._policy is None:
                    from .adapters.policy_file import load_policy

                    self._policy = load_policy(*self._where)
        return getattr(self._policy, name)


def bootstrap(settings: Optional[Settings] = None, *, broker: Optional[dramatiq.Broker] = None, migrate: bool = True,
              readers: Any = None, log_level: str = "INFO", parses: bool = True) -> App:
    """Build the App. ``migrate`` upgrades the schema first (the embedded default does).

    ``parses=False``: a process that stores files and sends their first message, and runs no
    step itself (``invoicepipe ingest`` without ``--wait``): its policy is read on first use
    (``PolicyOnFirstUse``) and it gets no parse runner, so it imports neither the policy's
    validator nor the parse isolation."""
    settings = settings or Settings.from_env()
    configure_logging(os.environ.get("INVOICEPIPE_LOG_LEVEL", log_level))
    if parses:
        from .adapters.policy_file import load_policy

        policy = load_policy(settings.policy_path, settings.schemas_dir)
    else:
        policy = PolicyOnFirstUse(settings.policy_path, settings.schemas_dir)
    def redact_keys(ring) -> None:
        for secret in ring.keys.values():
            register_secret(secret)  # whatever prints a key by mistake, the log shows [redacted]

    audit_key = watch_audit_keyring(settings, redact_keys)  # follows `audit rotate-key` run elsewhere
    register_secret(settings.audit_witness_token)
    register_secret(settings.export_secret)
    exporter = make_exporter(settings)
    engine = make_engine(settings.database_url, limits=PoolLimits.from_settings(settings))
    if migrate:
        ensure_schema(engine, settings.database_url)
    broker = broker or make_broker(settings.redis_url, settings.redis_max_connections)
    dramatiq.set_broker(broker)
    log = get_logger()
    parse_runner = None
    if readers is None:
        readers = ReadersOnFirstUse()
        # Real readers parse in child processes under the policy's limits; readers handed in
        # (fakes in tests) run inline. INVOICEPIPE_PARSE_ISOLATION=inline turns it off.
        if settings.parse_isolation == "process" and parses:
            from .adapters.parse_isolation import ChildProcessRunner

            parse_runner = ChildProcessRunner(policy.limits)
    return App(
        settings=settings,
        engine=engine,
        uow=UnitOfWork(engine, audit_key),
        blobs=make_blob_store(settings, engine),
        broker=broker,
        enqueuer=Enqueuer(broker, log),
        policy=policy,
        readers=readers,
        log=log,
        exporter=exporter,
        webhook_poster=SignedPoster(settings.webhook_timeout_s),
        parse_runner=parse_runner,
    )
