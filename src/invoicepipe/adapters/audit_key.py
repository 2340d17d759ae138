"""The audit chain's key: from the environment, a key file, or generated once (embedded default).

The key must never be in the database: whoever holds both can recompute a chain that
verifies. Order: ``INVOICEPIPE_AUDIT_KEY`` (the key itself), ``INVOICEPIPE_AUDIT_KEY_FILE``
(a file holding it, e.g. a mounted secret), else ``<var>/audit.key``, created on first use
with mode 0600 and reused from then on. That key is the *base* key; ``rotate_audit_key``
adds later keys by id to the keyring file (``INVOICEPIPE_AUDIT_KEYRING``, default
``<var>/audit-keyring``), and the last one signs new events and checkpoints while every
earlier one still verifies what it signed.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
from pathlib import Path
from typing import Callable, Optional

from ..config import Settings
from ..domain.audit_keys import BASE_KEY_ID, Keyring
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


# -- rotation: later keys by id, in a keyring file next to the key -------------------------------
KEY_ID = re.compile(r"^k[0-9]+$")


def _keyring_lines(path: Path) -> list[tuple[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ConfigError(f"cannot read the audit keyring {path}: {exc.strerror}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or not KEY_ID.match(parts[0]):
            raise ConfigError(f"audit keyring {path}, line {number}: expected 'kN KEY'")
        entries.append((parts[0], parts[1]))
    return entries


def load_audit_keyring(settings: Settings) -> Keyring:
    """The configured key (the base, no id) and every rotated key; the last one signs."""
    keys: dict = {BASE_KEY_ID: load_audit_key(settings)}
    active = BASE_KEY_ID
    path = settings.audit_keyring_path
    for key_id, raw in _keyring_lines(path):
        if key_id in keys:
            raise ConfigError(f"audit keyring {path}: key id {key_id} appears twice")
        keys[key_id] = _checked(raw, f"the audit keyring {path} ({key_id})")
        active = key_id
    return Keyring(keys, active)


def rotate_audit_key(settings: Settings) -> str:
    """Append a fresh random key under the next id to the keyring (0600, fsynced, under an
    exclusive lock so two rotations cannot pick one id); returns the new id."""
    path = settings.audit_keyring_path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        taken = [int(key_id[1:]) for key_id, _ in _keyring_lines(path)]
        key_id = f"k{max(taken, default=0) + 1}"
        f.seek(0, os.SEEK_END)
        f.write(f"{key_id} {secrets.token_hex(32)}\n")
        f.flush()
        os.fsync(f.fileno())
    return key_id


def _load_locked(settings: Settings) -> Keyring:
    """Read the keyring under a shared lock, so a rotation's line is never read half-written."""
    path = settings.audit_keyring_path
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return load_audit_keyring(settings)  # no keyring yet (or unreadable: the load says why)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        return load_audit_keyring(settings)
    finally:
        os.close(fd)


class KeyringWatch:
    """The keyring as it is on disk now: re-read when the keyring file changed.

    A key is valid for the events of its period only (``domain.audit_keys.retirements``), so
    a running worker must not go on signing with a key another process retired. Appenders
    ask for the keyring after they locked their partition's head, and ``rotate_key`` writes
    the new key before it locks every head to record the hand-over: an append either commits
    before the rotation event or sees the new key. One ``stat`` per append; the file is read
    again only when its size, inode or modification time changed.
    """

    def __init__(self, path: Path, load: Callable[[], Keyring], keyring: Keyring):
        self.path, self._load, self._keyring = path, load, keyring
        self._seen = self._signature()

    def _signature(self) -> Optional[tuple]:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def current(self) -> Keyring:
        seen = self._signature()
        if seen != self._seen:
            self._keyring, self._seen = self._load(), seen
        return self._keyring

    def replace(self, keyring: Keyring) -> None:
        self._keyring, self._seen = keyring, self._signature()


def watch_audit_keyring(settings: Settings, on_load: Callable[[Keyring], None] = lambda ring: None) -> KeyringWatch:
    """Load the keyring and follow its file; ``on_load`` sees every keyring read (e.g. to
    register its keys for redaction)."""
    def load() -> Keyring:
        ring = _load_locked(settings)
        on_load(ring)
        return ring

    return KeyringWatch(settings.audit_keyring_path, load, load())
