"""Settings, read once from the environment and validated.

Everything has an embedded default so ``invoicepipe up`` works with no configuration:
SQLite and blobs under ``./var/``, the drop folder ``./inbox/``, in-process workers.
Production sets ``INVOICEPIPE_DATABASE_URL`` and ``INVOICEPIPE_REDIS_URL``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from .config_mail import MailSettings, mail_settings_from_env
from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# Each embedded fast-pool thread keeps one parse child (~210 MB of loaded libraries plus
# the policy's parse_memory_mb at its worst), so the default follows the cores only this far.
MAX_DEFAULT_FAST_THREADS = 8


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_fast_threads(cores: Optional[int] = None) -> int:
    """Embedded fast-pool threads, hence parse children: one per usable core and one more,
    at most ``MAX_DEFAULT_FAST_THREADS`` (memory). ``INVOICEPIPE_FAST_THREADS`` overrides it.

    A fast thread is not in its child all the time: it moves the document to PARSING before
    the parse, answers the child's question half-way and records the result after it, all
    in the `up` process (its GIL, its turn at the SQLite write lock), and its child sits
    idle meanwhile. Sampled in `up` with one thread per core (py-spy --idle, 150 digital
    invoices), a fast thread spent 44 % of its time outside its child with the writers
    taking turns (61 % before), so one child per core left a core idle that share of the
    time (1.51 of 2 cores busy, benchmarks/throughput.py); the extra thread's child parses
    while another thread does its bookkeeping."""
    cores = usable_cores() if cores is None else cores
    return max(2, min(MAX_DEFAULT_FAST_THREADS, cores + 1))


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _prepare_threshold(env: Mapping[str, str]) -> Optional[int]:
    """INVOICEPIPE_DB_PREPARE_THRESHOLD: a number, or ``none`` (never prepare on the server)."""
    raw = (env.get("INVOICEPIPE_DB_PREPARE_THRESHOLD") or "").strip().lower()
    return None if raw in ("none", "off", "0") else _int(env, "INVOICEPIPE_DB_PREPARE_THRESHOLD", 5)


def _path(env: Mapping[str, str], name: str) -> Optional[Path]:
    raw = env.get(name)
    return Path(raw).resolve() if raw else None


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``: error messages and logs never carry it."""
    return re.sub(r"(//[^/@:]*):.*@", r"\1:***@", url)


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    inbox_dir: Path
    database_url: str
    redis_url: Optional[str]
    policy_path: Path
    schemas_dir: Path
    fast_threads: int = 2
    slow_threads: int = 1
    pipeline_threads: int = 2
    sweep_interval_s: int = 30
    # How long a document may sit in an in-flight state before the sweeper re-enqueues it.
    stuck_after_s: int = 300
    # A document in progress holds a lease this long, renewed every third of it while the
    # work runs; the sweeper never re-sends a document whose lease is alive.
    lease_s: int = 60
    # "process": parses run in child processes under the policy's limits; "inline": in the
    # worker thread itself (no memory or CPU limit; for debugging).
    parse_isolation: str = "process"
    watch_interval_s: float = 1.0
    # A dropped file is taken only once size and mtime have been unchanged this long.
    settle_s: float = 1.0
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # The audit chain's key is never stored in the database (see adapters/audit_key.py).
    audit_key: Optional[str] = field(default=None, repr=False)
    audit_key_file: Optional[Path] = None
    audit_checkpoint_file: Optional[Path] = None
    # Keys that took over from the configured one (``invoicepipe audit rotate-key``), by id.
    audit_keyring_file: Optional[Path] = None
    # Where the sweeper ships each new checkpoint every round (folders, file:// URLs, http(s)
    # witnesses; ``services.audit.ship_checkpoints``), and the witness's bearer token.
    audit_ship_to: tuple[str, ...] = ()
    audit_witness_token: Optional[str] = field(default=None, repr=False)
    # A failed delivery is tried again after an exponential back-off: the ceiling doubles
    # from the base to the cap (services/export.backoff_delay). Shorter in tests and drills.
    export_backoff_base_s: int = 30
    export_backoff_cap_s: int = 3600
    # The IMAP mailbox `invoicepipe mail` (and up / serve) polls; None: no mailbox (config_mail.py).
    mail: Optional[MailSettings] = None
    # Where approved invoices go: an http(s):// URL (signed JSON POSTs, docs/http-delivery.md)
    # or a folder / file:// URL; None: the folder var/outbox.
    export_url: Optional[str] = None
    # The HMAC key of the HTTP export's signatures; from the environment only, never logged.
    export_secret: Optional[str] = field(default=None, repr=False)
    export_timeout_s: int = 30
    # Outgoing webhooks: a delivery is tried this many times (with the export's back-off)
    # before it is dead; each try waits at most the timeout; due deliveries are looked for
    # every poll interval by ``up`` and ``serve``.
    webhook_max_attempts: int = 12
    webhook_timeout_s: int = 10
    webhook_poll_s: float = 2.0
    # Where document bytes live (adapters/blob_url.py): None or a folder / file:// URL (default
    # var/blobs), ``db:`` (the application database) or a postgresql:// URL (shared by every
    # machine, read through a local cache of this many MiB under var/blob-cache).
    blob_url: Optional[str] = field(default=None, repr=False)
    blob_cache_mb: int = 1024
    # Webhook delivery rows: delivered ones are deleted after this many days, dead ones
    # (not replayed) after the longer one, by the sweeper (services/webhooks.prune_deliveries).
    webhook_keep_days: int = 30
    webhook_dead_keep_days: int = 180
    # Connections one process may hold (adapters/db/engine.PoolLimits; the per-node total is
    # in docs/operations.md): PostgreSQL pool size and overflow, how long a thread waits for
    # a pooled connection, psycopg's prepare threshold (None: never prepare, for PgBouncer
    # in transaction mode), the application_name shown in pg_stat_activity, and Redis.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout_s: int = 30
    db_prepare_threshold: Optional[int] = 5
    db_application_name: str = "invoicepipe"
    redis_max_connections: int = 20
    # Files `invoicepipe ingest` and the drop folder read and record at once.
    ingest_workers: int = 4
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def blob_dir(self) -> Path:
        return self.var_dir / "blobs"

    @property
    def blob_cache_dir(self) -> Path:
        return self.var_dir / "blob-cache"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def audit_checkpoint_path(self) -> Path:
        """The append-only checkpoint file; keep it off the database's host in production."""
        return self.audit_checkpoint_file or self.var_dir / "audit-checkpoints.jsonl"

    @property
    def audit_keyring_path(self) -> Path:
        """Rotated audit keys, one ``id key`` line each, the last one signing; keep it with the key."""
        return self.audit_keyring_file or self.var_dir / "audit-keyring"

    @property
    def generated_audit_key_path(self) -> Path:
        """Where the embedded default keeps the key it generates when none is configured."""
        return self.var_dir / "audit.key"

    @property
    def embedded(self) -> bool:
        return self.redis_url is None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None, **overrides) -> "Settings":
        """Read settings from ``env`` (default ``os.environ``); keyword overrides win."""
        env = os.environ if env is None else env
        var_dir = Path(env.get("INVOICEPIPE_VAR_DIR", "var")).resolve()
        values = dict(
            var_dir=var_dir,
            inbox_dir=Path(env.get("INVOICEPIPE_INBOX", "inbox")).resolve(),
            database_url=env.get("INVOICEPIPE_DATABASE_URL") or f"sqlite:///{var_dir / 'invoicepipe.db'}",
            redis_url=env.get("INVOICEPIPE_REDIS_URL") or None,
            policy_path=Path(env.get("INVOICEPIPE_POLICY", PROJECT_ROOT / "policy" / "default.yaml")),
            schemas_dir=Path(env.get("INVOICEPIPE_SCHEMAS", PROJECT_ROOT / "schemas")),
            fast_threads=_int(env, "INVOICEPIPE_FAST_THREADS", default_fast_threads()),
            slow_threads=_int(env, "INVOICEPIPE_SLOW_THREADS", 1),
            pipeline_threads=_int(env, "INVOICEPIPE_PIPELINE_THREADS", 2),
            sweep_interval_s=_int(env, "INVOICEPIPE_SWEEP_INTERVAL", 30),
            stuck_after_s=_int(env, "INVOICEPIPE_STUCK_AFTER", 300),
            lease_s=_int(env, "INVOICEPIPE_LEASE_SECONDS", 60),
            parse_isolation=(env.get("INVOICEPIPE_PARSE_ISOLATION") or "process").strip().lower(),
            web_port=_int(env, "INVOICEPIPE_WEB_PORT", 8080),
            web_host=env.get("INVOICEPIPE_WEB_HOST", "127.0.0.1"),
            audit_key=env.get("INVOICEPIPE_AUDIT_KEY") or None,
            audit_key_file=_path(env, "INVOICEPIPE_AUDIT_KEY_FILE"),
            audit_checkpoint_file=_path(env, "INVOICEPIPE_AUDIT_CHECKPOINT_PATH"),
            audit_keyring_file=_path(env, "INVOICEPIPE_AUDIT_KEYRING"),
            audit_ship_to=tuple((env.get("INVOICEPIPE_AUDIT_SHIP_TO") or "").split()),
            audit_witness_token=env.get("INVOICEPIPE_AUDIT_WITNESS_TOKEN") or None,
            export_backoff_base_s=_int(env, "INVOICEPIPE_EXPORT_BACKOFF_BASE", 30),
            export_backoff_cap_s=_int(env, "INVOICEPIPE_EXPORT_BACKOFF_CAP", 3600),
            mail=mail_settings_from_env(env),
            export_url=(env.get("INVOICEPIPE_EXPORT_URL") or "").strip() or None,
            export_secret=env.get("INVOICEPIPE_EXPORT_SECRET") or None,
            export_timeout_s=_int(env, "INVOICEPIPE_EXPORT_TIMEOUT", 30),
            webhook_max_attempts=_int(env, "INVOICEPIPE_WEBHOOK_MAX_ATTEMPTS", 12),
            webhook_timeout_s=_int(env, "INVOICEPIPE_WEBHOOK_TIMEOUT", 10),
            webhook_poll_s=_int(env, "INVOICEPIPE_WEBHOOK_POLL", 2),
            blob_url=(env.get("INVOICEPIPE_BLOB_URL") or "").strip() or None,
            blob_cache_mb=_int(env, "INVOICEPIPE_BLOB_CACHE_MB", 1024),
            webhook_keep_days=_int(env, "INVOICEPIPE_WEBHOOK_KEEP_DAYS", 30),
            webhook_dead_keep_days=_int(env, "INVOICEPIPE_WEBHOOK_DEAD_KEEP_DAYS", 180),
            db_pool_size=_int(env, "INVOICEPIPE_DB_POOL_SIZE", 5),
            db_max_overflow=_int(env, "INVOICEPIPE_DB_MAX_OVERFLOW", 5),
            db_pool_timeout_s=_int(env, "INVOICEPIPE_DB_POOL_TIMEOUT", 30),
            db_prepare_threshold=_prepare_threshold(env),
            db_application_name=(env.get("INVOICEPIPE_DB_APPLICATION_NAME") or "invoicepipe").strip(),
            redis_max_connections=_int(env, "INVOICEPIPE_REDIS_MAX_CONNECTIONS", 20),
            ingest_workers=_int(env, "INVOICEPIPE_INGEST_WORKERS", 4),
        )
        values.update(overrides)
        settings = cls(**values)
        if not settings.database_url.startswith(("sqlite", "postgresql")):
            raise ConfigError(f"INVOICEPIPE_DATABASE_URL must be sqlite:// or postgresql+psycopg://, got {redact_url(settings.database_url)!r}")
        if settings.parse_isolation not in ("process", "inline"):
            raise ConfigError(f"INVOICEPIPE_PARSE_ISOLATION must be process or inline, got {settings.parse_isolation!r}")
        if not 1 <= settings.export_backoff_base_s <= settings.export_backoff_cap_s:
            raise ConfigError("INVOICEPIPE_EXPORT_BACKOFF_BASE must be at least 1 and at most INVOICEPIPE_EXPORT_BACKOFF_CAP "
                              f"(got {settings.export_backoff_base_s} and {settings.export_backoff_cap_s})")
        if settings.export_url and "://" in settings.export_url and not settings.export_url.startswith(("http://", "https://", "file://")):
            raise ConfigError(f"INVOICEPIPE_EXPORT_URL must be an http(s):// URL, a file:// URL or a folder, got {redact_url(settings.export_url)!r}")
        if settings.export_timeout_s < 1 or settings.webhook_timeout_s < 1 or settings.webhook_max_attempts < 1 or settings.webhook_poll_s <= 0:
            raise ConfigError("INVOICEPIPE_EXPORT_TIMEOUT, INVOICEPIPE_WEBHOOK_TIMEOUT, INVOICEPIPE_WEBHOOK_MAX_ATTEMPTS and "
                              "INVOICEPIPE_WEBHOOK_POLL must be at least 1")
        if settings.blob_cache_mb < 1:
            raise ConfigError(f"INVOICEPIPE_BLOB_CACHE_MB must be at least 1, got {settings.blob_cache_mb}")
        if not 1 <= settings.webhook_keep_days <= settings.webhook_dead_keep_days:
            raise ConfigError("INVOICEPIPE_WEBHOOK_KEEP_DAYS must be at least 1 and at most INVOICEPIPE_WEBHOOK_DEAD_KEEP_DAYS "
                              f"(got {settings.webhook_keep_days} and {settings.webhook_dead_keep_days})")
        from .adapters.blob_url import parse_blob_url  # validated at start: a typo fails here, not at the first upload

        parse_blob_url(settings.blob_url, settings.blob_dir)
        if settings.db_pool_size < 1 or settings.db_max_overflow < 0 or settings.db_pool_timeout_s < 1 \
                or settings.redis_max_connections < 2 or settings.ingest_workers < 1:
            raise ConfigError("INVOICEPIPE_DB_POOL_SIZE, INVOICEPIPE_DB_POOL_TIMEOUT and INVOICEPIPE_INGEST_WORKERS must be at "
                              "least 1, INVOICEPIPE_DB_MAX_OVERFLOW at least 0, INVOICEPIPE_REDIS_MAX_CONNECTIONS at least 2")
        if not settings.policy_path.is_file():
            raise ConfigError(f"policy file not found: {settings.policy_path}")
        return settings
