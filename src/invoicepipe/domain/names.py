"""File and attachment names from outside, made safe to store and print.

A name is chosen by whoever sent the file. A newline in it would forge an extra line in
``invoicepipe list`` or a log read by a person; a right-to-left override would show
``fdp.exe`` as ``exe.pdf``. Every control or format character becomes ``_`` before the name
is stored, so every screen, CSV and log line that shows it later shows one honest line.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 200
# Cc: C0/C1 controls (\n, \r, \t, ESC, DEL...); Cf: format characters (bidi overrides,
# zero-width joiners); Zl/Zp: the Unicode line and paragraph separators.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def safe_line(text: str) -> str:
    """``text`` with every control, format and line-separator character replaced by ``_``."""
    return "".join("_" if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in text)


def safe_name(name: str | None, fallback: str = "unnamed") -> str:
    """A name fit to store: one line, no control characters, at most 200 characters."""
    cleaned = safe_line(name or "").strip()[:MAX_NAME_LENGTH]
    return cleaned or fallback
