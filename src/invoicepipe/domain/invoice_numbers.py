"""Invoice numbers as duplicate detection compares them: canonical forms and likeness.

The same number reaches us typed, printed, scanned and re-keyed: case, punctuation,
spaces, leading zeros and OCR confusions (O/0, I/1/l, S/5, B/8) change the characters but
not the number. A *similar* number is one that looks like the same number mangled (a
prefix dropped, two characters swapped, one character lost), not merely one close in
edit distance: consecutive numbers of a recurring invoice ("2026-0141", "2026-0142") are
close in edit distance and are different invoices, so a single changed character never makes two
numbers similar; only structural manglings do.
"""

from __future__ import annotations

import re
from typing import Optional

# Characters OCR and people confuse, mapped to one representative. Applied to both sides
# of a comparison, so folding a letter that really is a letter costs nothing.
_CONFUSIONS = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})
_TOKENS = re.compile(r"[0-9]+|[A-Z]+")
MAX_LENGTH = 128  # the width of invoices.invoice_number_norm


def _canonical(upper: str) -> str:
    tokens = [tok.lstrip("0") or "0" if tok.isdigit() else tok for tok in _TOKENS.findall(upper)]
    return "".join(tokens)[:MAX_LENGTH]


def canonical_invoice_number(number: str) -> str:
    """Upper case, punctuation and spaces dropped, leading zeros of every digit group dropped."""
    return _canonical(number.upper())


def normalise_invoice_number(number: str) -> str:
    """The canonical form after folding OCR confusions: the key duplicate blocking uses."""
    return _canonical(number.upper().translate(_CONFUSIONS))


def search_key(text: str) -> str:
    """A number or PO as search stores and compares it: upper case, OCR look-alikes folded,
    only letters and digits kept, leading zeros kept ("FA-2026/00759" -> "FA202600759").

    One function for both sides, so the stored column and the typed fragment can never fold
    differently. Leading zeros stay (unlike the duplicate key) because a fragment such as
    "600759" spans them; letters of any script stay, so a number in Cyrillic or Greek is
    still found by a fragment of it.
    """
    return "".join(c for c in text.upper().translate(_CONFUSIONS) if c.isalnum())[:MAX_LENGTH]


def _one_transposition(a: str, b: str) -> bool:
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(a) == len(b) and len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _one_deletion(short: str, long_: str) -> bool:
    return len(long_) == len(short) + 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def similar_numbers(first: Optional[str], second: Optional[str]) -> Optional[str]:
    """Why two printed numbers look like one number mangled, or None when they do not."""
    a, b = normalise_invoice_number(first or ""), normalise_invoice_number(second or "")
    if not a or not b or a == b:
        return None
    short, long_ = sorted((a, b), key=len)
    if long_.endswith(short):
        # Judge length on the number as printed: "00561" is a five-character sequence
        # number even though it normalises to "561"; a dropped prefix of letters only
        # ("FA-412" vs "412") is a mangling at any length.
        printed_short = re.sub(r"[^0-9A-Za-z]", "", second if len(a) > len(b) else first)
        printed_prefix = canonical_invoice_number(first if len(a) > len(b) else second)[: len(long_) - len(short)]
        if len(printed_short) >= 4 or printed_prefix.isalpha():
            return "one number is the other with a prefix dropped"
    if len(short) >= 5 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return "one number is the other with a suffix dropped"
    printed = sorted((canonical_invoice_number(first or ""), canonical_invoice_number(second or "")), key=len)
    if len(printed[0]) >= 5 and printed[1].startswith(printed[0]) and printed[1][len(printed[0]):].isalpha():
        return "one number is the other with a note appended"  # "INV-1001 COPY", "INV-1001-DUP"
    if len(short) >= 4 and _one_transposition(a, b):
        return "two adjacent characters are swapped"
    if len(short) >= 5 and _one_deletion(short, long_):
        return "one character is missing"
    return None
