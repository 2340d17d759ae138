"""Printed text as content prints compare it: words, numbers and dates normalised so that
a text layer and an OCR reading of the same page give the same tokens."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Optional, Sequence

__all__ = ["word_token", "numeric_token", "joined_words", "printed_dates"]

# OCR confusions folded inside tokens that carry a digit ("RE-2O26" is "RE-2026").
_FOLD = str.maketrans({"o": "0", "q": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8"})
_CURRENCY = "€$£¥₹"
_NUMERIC = re.compile(r"^[0-9.,'’/:\-]*[0-9][0-9.,'’/:\-]*$")
_AMOUNT = re.compile(r"^([0-9][0-9.,'’ ]*?)[.,]([0-9]{1,2})$")
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]")
_GROUP_HEAD = re.compile(r"^[0-9]{1,3}$")
_GROUP_TAIL = re.compile(r"^[0-9]{3}(?:[.,][0-9]{3})*[.,][0-9]{2}$")
_DMY = re.compile(r"^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})$")
_YMD = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_MONTHS = {
    **dict.fromkeys(("january", "jan", "januar", "janvier", "janv"), 1),
    **dict.fromkeys(("february", "feb", "februar", "fevrier", "fevr", "fev"), 2),
    **dict.fromkeys(("march", "mar", "marz", "maerz", "mars"), 3),
    **dict.fromkeys(("april", "apr", "avril", "avr"), 4),
    **dict.fromkeys(("may", "mai"), 5),
    **dict.fromkeys(("june", "jun", "juni", "juin"), 6),
    **dict.fromkeys(("july", "jul", "juli", "juillet", "juil"), 7),
    **dict.fromkeys(("august", "aug", "aout"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septembre"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "octobre", "okt"), 10),
    **dict.fromkeys(("november", "nov", "novembre"), 11),
    **dict.fromkeys(("december", "dec", "dezember", "decembre", "dez"), 12),
}



def _plain(text: str) -> str:
    if text.isascii():  # NFKD leaves ASCII as it is and none of it is a combining mark
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def word_token(text: str) -> str:
    """Lower case, accents and punctuation dropped; OCR confusions folded when a digit is in it."""
    plain = _plain(text)
    # in lower-case ASCII the alphanumerics are exactly a-z and 0-9
    token = _NOT_ASCII_ALNUM.sub("", plain) if plain.isascii() else "".join(ch for ch in plain if ch.isalnum())
    return token.translate(_FOLD) if any(ch.isdigit() for ch in token) else token


def numeric_token(text: str) -> Optional[str]:
    """The canonical form of a printed number, or None for a word that is not one.

    Currency signs, signs and percent are dropped; O/0, I/l/1, S/5, B/8 folded; an amount
    (two or one decimals after the last separator) keeps its decimals after a dot and loses
    its grouping ("6,018.78", "6.018,78", "6 018,78", "6'018.78" all give "6018.78"); any
    other number keeps only its digits without leading zeros ("14.03.2026" -> "14032026").
    Numbers of fewer than two digits carry no information and give None.
    """
    raw = _plain(text).strip().strip(_CURRENCY + "+-−()%*").strip()
    if not any(map(str.isdigit, raw)):  # most words: no digit at all
        return None
    raw = raw.translate(_FOLD)
    if not _NUMERIC.match(raw.replace(" ", "")):
        return None
    amount = _AMOUNT.match(raw)
    if amount and not _DMY.match(raw):
        whole = re.sub(r"[^0-9]", "", amount.group(1)).lstrip("0") or "0"
        value = f"{whole}.{amount.group(2).ljust(2, '0')}"
    else:
        value = re.sub(r"[^0-9]", "", raw).lstrip("0") or "0"
    return value if sum(ch.isdigit() for ch in value) >= 2 else None


def _adjacent(a, b) -> bool:
    """Two words on one line with at most a wide space between them (grouping by space)."""
    box_a, box_b = getattr(a, "box", None), getattr(b, "box", None)
    if box_a is None or box_b is None:
        return True
    height = max(box_a.bottom - box_a.top, box_b.bottom - box_b.top, 1e-6)
    same_line = abs((box_a.top + box_a.bottom) - (box_b.top + box_b.bottom)) / 2 < height / 2
    return same_line and 0 <= box_b.x0 - box_a.x1 < height


def joined_words(words: Sequence) -> list[str]:
    """Word texts, with a number split at its thousands space ("6" "018,78") joined again."""
    out, i = [], 0
    while i < len(words):
        text = words[i].text
        while (i + 1 < len(words) and _GROUP_HEAD.match(text.strip(_CURRENCY)) and _GROUP_TAIL.match(words[i + 1].text)
               and _adjacent(words[i], words[i + 1])):
            text, i = text + words[i + 1].text, i + 1
        out.append(text)
        i += 1
    return out


def _date(day: int, month: int, year: int) -> Optional[str]:
    try:
        return date(year, month, day).isoformat() if 1900 <= year <= 2200 else None
    except ValueError:
        return None


def printed_dates(texts: Sequence[str]) -> set[str]:
    """ISO dates printed as 14.03.2026, 14/03/2026, 03/14/2026, 2026-03-14 or 14 March 2026."""
    found = set()
    distinct = {t: _plain(t).strip(".,;:()") for t in set(texts)}  # labels and codes repeat: normalise once
    # a numeric date is a token's own: each distinct token is read once; only a month name
    # needs its neighbours (the day before, the year after), so only those places are visited
    months: dict[str, int] = {}
    for token in set(distinct.values()):
        digits = token.translate(_FOLD) if any(map(str.isdigit, token)) else token
        if m := _DMY.match(digits):
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            day, month = (b, a) if b > 12 >= a else (a, b)  # day first unless only month-first fits
            found.add(_date(day, month, year))
        elif m := _YMD.match(digits):
            found.add(_date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        elif token.rstrip(".") in _MONTHS:
            months[token] = _MONTHS[token.rstrip(".")]
    if months:
        plain = [distinct[t] for t in texts]
        for k in range(1, len(plain) - 1):
            month = months.get(plain[k])
            if month is not None:
                day, year = plain[k - 1].rstrip(".").translate(_FOLD), plain[k + 1].translate(_FOLD)
                if day.isdigit() and year.isdigit() and len(year) == 4:
                    found.add(_date(int(day), month, int(year)))
    found.discard(None)
    return found
