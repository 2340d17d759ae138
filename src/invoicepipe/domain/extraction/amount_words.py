"""Amounts written in words ("Rupees Six Lakh Twelve Thousand Only", "sechstausendachtzehn
Euro"), used to confirm a candidate amount read from digits.

Parsing number words in eight languages by hand is a large grammar; generating them is not:
``num2words`` writes any integer in every language we need (including the Indian lakh/crore
system as ``en_IN``). So the check runs backwards: the words of a candidate's integer part
are generated in each language and looked for in the document's words. Only the integer
part is compared (cents are written in too many ways: "and 78/100", "paise seventy eight",
"Komma 78"), which is the part a dropped thousands group changes.

A match must be a whole run of number words: "eight" inside "six thousand and eighteen" is
no match, because the generated words must start and end on word boundaries and the words
around the match must not be number words themselves.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Iterator, Optional, Sequence

from num2words import num2words

LANGUAGES = ("en", "en_IN", "de", "fr", "es", "it", "nl", "pt", "pl")
# Below this an integer's words are too common in running text ("two", "zwölf") to count as
# an amount in words.
MIN_INTEGER = 20
# Connectors that writers include or leave out ("six thousand and eighteen", "vingt et un",
# "mil e dezoito", "dreißig und"): dropped on both sides before comparing.
_CONNECTORS = frozenset({"and", "und", "et", "y", "e", "en", "i"})
_TOKEN = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Lower case, accents dropped (OCR and ASCII printers drop them too), "ł" as "l", "ß" as "ss"."""
    if text.isascii():  # nothing to decompose (most lines of most invoices)
        return text.lower()
    text = unicodedata.normalize("NFD", text.lower().replace("ł", "l").replace("ß", "ss"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(fold(text)) if t not in _CONNECTORS]


@lru_cache(maxsize=None)
def _number_words(lang: str) -> frozenset[str]:
    """Every word ``num2words`` uses for the numbers a written amount is built of."""
    numbers = list(range(0, 101)) + [n * 100 for n in range(2, 10)] + [1000, 2000, 100_000, 10**6, 2 * 10**6, 10**7, 10**9]
    words: set[str] = set()
    for n in numbers:
        words.update(_tokens(num2words(n, lang=lang)))
    return frozenset(words)


@lru_cache(maxsize=None)
def _all_number_words() -> frozenset[str]:
    # the same union for every document: built once (a union of nine sets per document was
    # a third of this module's cost)
    return frozenset().union(*(_number_words(lang) for lang in LANGUAGES))


@lru_cache(maxsize=4096)
def _spellings(integer: int) -> tuple[tuple[str, str], ...]:
    """(language, words joined without spaces) of ``integer`` in every language, distinct."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        joined = "".join(_tokens(num2words(integer, lang=lang)))
        out.setdefault(joined, lang)
    return tuple((lang, joined) for joined, lang in out.items())


class WrittenAmounts:
    """The document's words, prepared once for any number of ``confirms`` look-ups."""

    def __init__(self, texts: Iterable[str]):
        self.tokens = [t for text in texts for t in _tokens(text)]
        self.joined = "".join(self.tokens)
        # start offset of each token in ``joined``, and its index, to check boundaries
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        pos = 0
        for i, tok in enumerate(self.tokens):
            self.starts[pos] = i
            pos += len(tok)
            self.ends[pos] = i
        self.number_words = _all_number_words() if self.tokens else frozenset()

    def confirms(self, amount: Decimal) -> Optional[str]:
        """The language in which the document writes the integer part of ``amount`` in
        words, or None when it does not."""
        integer = int(abs(amount))
        if integer < MIN_INTEGER or integer >= 10 ** 9 or not self.tokens:  # num2words spells no larger numbers in some languages
            return None
        for lang, spelled in _spellings(integer):
            for start in _occurrences(spelled, self.joined):
                first, last = self.starts.get(start), self.ends.get(start + len(spelled))
                if first is None or last is None:
                    continue
                before = self.tokens[first - 1] if first > 0 else ""
                after = self.tokens[last + 1] if last + 1 < len(self.tokens) else ""
                if before not in self.number_words and after not in self.number_words:
                    return lang
        return None


def _occurrences(needle: str, haystack: str) -> Iterator[int]:
    """Start of each non-overlapping occurrence of ``needle``, left to right (a plain
    search: a regular expression per spelled amount would be compiled for one look-up)."""
    if not needle:  # as a regular expression would: an empty match at every position
        yield from range(len(haystack) + 1)
        return
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + len(needle))


def written_amounts(lines: Sequence[str]) -> WrittenAmounts:
    return WrittenAmounts(lines)
