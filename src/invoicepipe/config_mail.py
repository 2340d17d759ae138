"""The mailbox settings (``INVOICEPIPE_IMAP_*``), read with the others by ``Settings.from_env``.

The mailbox is polled only when ``INVOICEPIPE_IMAP_HOST`` is set. The password comes from
the environment only; it is never in ``repr``, a log line or an error message (it is
registered with the log redaction as soon as it is read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from .errors import ConfigError

SECURITY = ("tls", "starttls")  # IMAPS (implicit TLS) or STARTTLS on the plain port; never clear text
DEFAULT_PORTS = {"tls": 993, "starttls": 143}


@dataclass(frozen=True)
class MailSettings:
    host: str
    user: str
    password: str = field(repr=False)
    port: int = 993
    security: str = "tls"
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    rejected_folder: str = "Rejected"
    # Certificates are always verified; a private CA (or a self-signed server) is trusted by
    # naming its certificate here instead of turning verification off.
    ca_file: Optional[Path] = None
    poll_interval_s: float = 60.0
    max_message_bytes: int = 25 * 1024 * 1024
    timeout_s: float = 30.0
    backoff_base_s: float = 5.0
    backoff_cap_s: float = 300.0
    # A claimed message whose poller died is taken over after this long.
    claim_s: float = 600.0

    @property
    def mailbox(self) -> str:
        """The mailbox's name in the ledger, logs and metrics: never the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def _number(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def mail_settings_from_env(env: Mapping[str, str]) -> Optional[MailSettings]:
    """The mailbox to poll, or None when ``INVOICEPIPE_IMAP_HOST`` is not set."""
    host = (env.get("INVOICEPIPE_IMAP_HOST") or "").strip()
    if not host:
        return None
    from .logs import register_secret

    password = env.get("INVOICEPIPE_IMAP_PASSWORD") or ""
    register_secret(password)
    user = (env.get("INVOICEPIPE_IMAP_USER") or "").strip()
    if not user or not password:
        raise ConfigError("INVOICEPIPE_IMAP_HOST is set: INVOICEPIPE_IMAP_USER and INVOICEPIPE_IMAP_PASSWORD are required too")
    security = (env.get("INVOICEPIPE_IMAP_SECURITY") or "tls").strip().lower()
    if security not in SECURITY:
        raise ConfigError(f"INVOICEPIPE_IMAP_SECURITY must be tls or starttls, got {security!r}")
    ca_file = env.get("INVOICEPIPE_IMAP_CA_FILE") or None
    if ca_file and not Path(ca_file).is_file():
        raise ConfigError(f"INVOICEPIPE_IMAP_CA_FILE not found: {ca_file}")
    folders = {key: (env.get(f"INVOICEPIPE_IMAP_{key.upper()}") or default).strip()
               for key, default in (("folder", "INBOX"), ("processed_folder", "Processed"), ("rejected_folder", "Rejected"))}
    if len(set(folders.values())) < 3:
        raise ConfigError("INVOICEPIPE_IMAP_FOLDER, _PROCESSED_FOLDER and _REJECTED_FOLDER must be three different folders")
    settings = MailSettings(
        host=host, user=user, password=password, security=security,
        port=int(_number(env, "INVOICEPIPE_IMAP_PORT", DEFAULT_PORTS[security], 1)),
        ca_file=Path(ca_file).resolve() if ca_file else None,
        poll_interval_s=_number(env, "INVOICEPIPE_IMAP_POLL_INTERVAL", 60.0, 0.1),
        max_message_bytes=int(_number(env, "INVOICEPIPE_IMAP_MAX_MESSAGE_BYTES", 25 * 1024 * 1024, 1)),
        timeout_s=_number(env, "INVOICEPIPE_IMAP_TIMEOUT", 30.0, 0.1),
        backoff_base_s=_number(env, "INVOICEPIPE_IMAP_BACKOFF_BASE", 5.0, 0.01),
        backoff_cap_s=_number(env, "INVOICEPIPE_IMAP_BACKOFF_CAP", 300.0, 0.01),
        claim_s=_number(env, "INVOICEPIPE_IMAP_CLAIM_SECONDS", 600.0, 1),
        **folders,
    )
    if settings.backoff_base_s > settings.backoff_cap_s:
        raise ConfigError("INVOICEPIPE_IMAP_BACKOFF_BASE must not exceed INVOICEPIPE_IMAP_BACKOFF_CAP")
    return settings
