"""OCR-confusion repair of an Indian GSTIN by its format, confirmed by its check character.

A GSTIN is two digits (the state), a PAN (five letters, four digits, a letter), the entity
number, a fixed "Z" and a check character (python-stdnum's ``stdnum.in_.gstin``). On a scan
OCR reads a 5 as S, a 0 as O, an 8 as B ... and the reverse; where the format says a
position is a digit or a letter, only one reading fits, so the lookalike is read back as
``iban_repair`` does for an IBAN (its translation tables). The entity number and the check
character admit both, so they are never changed: the check character must confirm the
repair, else the token is no GSTIN. A token needing more than a few repairs is something
else that happens to have the length (a reference, an order code).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from stdnum.in_ import gstin as stdnum_gstin

from invoicepipe.domain.extraction.iban_repair import TO_DIGIT, TO_LETTER

# n: digit, a: letter, c: either (kept as read), Z: the fixed letter Z
_GSTIN_CLASSES = "nnaaaaannnnacZc"
# fifteen letters or digits with a Z (or its lookalike 2) at the fourteenth place, alone as a word
LOOSE_GSTIN = re.compile(r"(?<![A-Z0-9])[A-Z0-9]{13}[Z2][A-Z0-9](?![A-Z0-9])")
_MAX_REPAIRS = 3


@lru_cache(maxsize=4096)
def repaired_gstin(token: str) -> Optional[str]:
    """``token`` (upper case, compact) read as a GSTIN whose check character holds only
    after its lookalike characters are read as their positions' class demands; None when
    it needs no repair, too many, or the check character refutes it."""
    if len(token) != len(_GSTIN_CLASSES) or stdnum_gstin.is_valid(token):
        return None
    out = []
    for ch, kind in zip(token, _GSTIN_CLASSES):
        if kind == "n":
            ch = ch.translate(TO_DIGIT)
        elif kind in "aZ":
            ch = ch.translate(TO_LETTER)
        out.append(ch)
    fixed = "".join(out)
    changed = sum(a != b for a, b in zip(token, fixed))
    if not changed or changed > _MAX_REPAIRS or not stdnum_gstin.is_valid(fixed):
        return None
    return fixed
