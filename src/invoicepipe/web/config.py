"""Web settings, read from the environment when the app is built (never at import time)."""

from __future__ import annotations

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
        return cls(review_sla_hours=sla, cookie_secure=secure, max_upload_bytes=int(upload_mb * 1024 * 1024))
