"""The audit chain's key: from the environment, a key file, or generated once (embedded default).

The key must never be in the database: whoever holds both can recompute a chain that
verifies. Order: ``INVOICEPIPE_AUDIT_KEY`` (the key itself), ``INVOICEPIPE_AUDIT_KEY_FILE``
(a file holding it, e.g. a mounted secret), else ``<var>/audit.key``, created on first use
with mode 0600 and reused from then on.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError

MIN_KEY_CHARS = 32


def _checked(raw: str, where: str) -> bytes:
    key = raw.strip()
    if len(key) < MIN_KEY_CHARS:
        raise ConfigError(f"the audit key from {where} is too short ({len(key)} characters, at least {MIN_KEY_CHARS}); "
                          "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'")
    return key.encode("utf-8")


def _read(path: Path, where: str) -> bytes:
    try:
        return _checked(path.read_text(encoding="utf-8"), where)
    except OSError as exc:
        raise ConfigError(f"cannot read the audit key file {path}: {exc.strerror}") from None


def _create_once(path: Path) -> None:
    """Write a fresh random key to ``path`` unless it exists; safe when processes race.

    The key is written to a private temporary file and then hard-linked into place, so
    another process never reads a half-written key, and only one key ever wins.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def load_audit_key(settings: Settings) -> bytes:
    if settings.audit_key:
        return _checked(settings.audit_key, "INVOICEPIPE_AUDIT_KEY")
    if settings.audit_key_file:
        return _read(settings.audit_key_file, f"INVOICEPIPE_AUDIT_KEY_FILE ({settings.audit_key_file})")
    path = settings.generated_audit_key_path
    if not path.exists():
        _create_once(path)
    return _read(path, str(path))
