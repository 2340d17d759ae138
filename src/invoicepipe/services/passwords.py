"""Password rules for people's accounts: long enough, and not a commonly used password.

The list of common passwords is the 30,000 most frequent ones from leaked-password corpora
that the ``zxcvbn`` package ships (``zxcvbn.frequency_lists``), so the check works offline
and stays maintained with that package instead of a list copied into this repository.
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import PermanentError

MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _variants(password: str) -> set[str]:
    """The password as people usually dress up a common one: any case, digits or symbols
    tacked on at the end (``Password2024!``), or a short word repeated (``qwertyqwerty``)."""
    lower = password.lower()
    out = {lower, lower.rstrip("0123456789!@#$%^&*?.,-_+=~ ")}
    for size in range(1, len(lower) // 2 + 1):
        if len(lower) % size == 0 and lower[:size] * (len(lower) // size) == lower:
            out.add(lower[:size])
            break
    return {v for v in out if v}


def check_password(password: str | None) -> None:
    """Raise PermanentError with the rule it breaks, or return when the password is acceptable."""
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise PermanentError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(set(password)) < 4 or _variants(password) & common_passwords():
        raise PermanentError("password is too common (it is, or is built on, a frequently used password); choose another")
