"""OCR-confusion repair of an IBAN, position by position, by the country's own format.

OCR reads a 0 as O, a 5 as S, an 8 as B ... and the reverse. Which reading is right is
decided by the IBAN's format: its check digits (positions 3-4) are digits, and the
country's BBAN format in python-stdnum's registry says of every later position whether it
is a digit (``n``), a capital letter (``a``) or either (``c``). So "ITS6 T847 …" is read
"IT56 T847 …" (an Italian CIN is a letter, its account digits are digits), where mapping
every lookalike to a digit would turn a letter CIN into a digit and fail the check. Only
``n`` and ``a`` positions are repaired at first: a ``c`` position admits both readings, so
reading it as a digit is a second guess. Each repaired string is one more candidate; the
check digits decide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from stdnum import numdb

_IBAN_DB = numdb.get("iban")
_PART = re.compile(r"(\d+)!([nac])")

TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "S": "5", "I": "1", "L": "1", "Z": "2", "B": "8", "G": "6"})
TO_LETTER = str.maketrans({"0": "O", "5": "S", "1": "I", "2": "Z", "8": "B", "6": "G"})


@lru_cache(maxsize=None)
def position_classes(country: str) -> Optional[str]:
    """``country``'s IBAN as one class letter per position ("aann" then the BBAN's ``n``,
    ``a``, ``c``), or None for a country the registry does not know."""
    if len(country) != 2 or not country.isalpha():
        return None
    bban = _IBAN_DB.info(country)[0][1].get("bban")
    if not bban:
        return None
    return "aann" + "".join(kind * int(n) for n, kind in _PART.findall(bban))


def repair(iban: str, c_as_digit: bool = False) -> str:
    """``iban`` (compact, upper case) with each lookalike character read as its position's
    class demands; unchanged where the country or the length does not fit. ``c_as_digit``
    also reads lookalikes at ``c`` positions as digits (accounts are mostly digits): a
    second guess, for the check digits to confirm or refute."""
    classes = position_classes(iban[:2])
    if classes is None or len(classes) != len(iban):
        return iban
    out = []
    for ch, kind in zip(iban, classes):
        if kind == "n" or (kind == "c" and c_as_digit):
            ch = ch.translate(TO_DIGIT)
        elif kind == "a" and out:  # the country code itself is what chose the format
            ch = ch.translate(TO_LETTER)
        out.append(ch)
    return "".join(out)
