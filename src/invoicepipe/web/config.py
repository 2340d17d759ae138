"""Web settings, read from the environment when the app is built (never at import time)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from ..errors import ConfigError


@dataclass(frozen=True)
class WebConfig:
    review_sla_hours: float = 48.0
    # "auto": Secure cookies when the request came over https; "true" behind a TLS proxy.
    cookie_secure: str = "auto"
    max_upload_bytes: int = 25 * 1024 * 1024
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto
    # are believed. Empty: none, so a client cannot pick the address the login limit counts.
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "WebConfig":
        env = os.environ if env is None else env
        secure = env.get("INVOICEPIPE_COOKIE_SECURE", "auto").lower()
        if secure not in ("auto", "true", "false"):
            raise ConfigError(f"INVOICEPIPE_COOKIE_SECURE must be auto, true or false, got {secure!r}")
        try:
            sla = float(env.get("INVOICEPIPE_REVIEW_SLA_HOURS", "48"))
            upload_mb = float(env.get("INVOICEPIPE_MAX_UPLOAD_MB", "25"))
        except ValueError as exc:
            raise ConfigError(f"INVOICEPIPE_REVIEW_SLA_HOURS / INVOICEPIPE_MAX_UPLOAD_MB must be numbers: {exc}") from None
        return cls(review_sla_hours=sla, cookie_secure=secure, max_upload_bytes=int(upload_mb * 1024 * 1024),
                   trusted_proxies=parse_trusted_proxies(env.get("INVOICEPIPE_TRUSTED_PROXIES", "")))


def parse_trusted_proxies(raw: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (``10.0.0.5, 10.1.0.0/16``); anything else is
    refused, because a typo would silently trust nobody (or, as ``*``, everybody)."""
    entries = tuple(item.strip() for item in raw.split(",") if item.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(f"INVOICEPIPE_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from None
    return entries
