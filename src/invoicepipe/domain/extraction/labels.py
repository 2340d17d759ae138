"""Label matching on lines, over the vocabulary of ``vocabulary.py``.

Each label is a regular expression with a strength in [0, 1] (how surely it names the field)
and a language tag (used as locale evidence for dates and decimal marks). Matches on a line
are resolved longest-first so "Total HT" is never also read as a bare "Total".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.vocabulary import RAW

@dataclass(frozen=True)
class LabelHit:
    field: str
    strength: float
    lang: str
    line: Line
    start: int
    end: int


def fold_accents(text: str) -> str:
    """Drop diacritics character by character (offsets stay valid): OCR often reads "à" as
    "a" or "ä" as "a", and a label should match either way."""
    return "".join(_UNDECOMPOSED.get(ch) or unicodedata.normalize("NFD", ch)[0] if ord(ch) > 127 else ch for ch in text)


# letters with a stroke have no decomposition: "zapłaty" prints or is read as "zaplaty"
_UNDECOMPOSED = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}


_COMPILED = [
    # a label must not start or end inside a word ("Pos" is not "PO", "invoice_number_1" holds
    # no label); a digit may follow directly ("n°562044387")
    (field, re.compile(r"(?<![\w])(?:%s)(?![^\W\d])" % fold_accents(rx), re.I), s, lang)
    for field, items in RAW.items()
    for rx, s, lang in items
]


CREDIT_NOTE = re.compile(r"(?i)(?<!\w)(?:%s)(?!\w)" % fold_accents(RAW["credit_note"][0][0]))
SELF_BILLED = re.compile(r"(?i)selbst\s*ausgestellt|gutschriftsverfahren|self[-\s]*billed|self[-\s]*billing|autofactur")


# "Summe netto (excl. USt.)", "Net amount excluding VAT", "Total hors TVA": a tax word after
# one of these words says what a sum leaves out; it is not the tax line's label.
_EXCLUDING = re.compile(r"(?i)(?:\b(?:excl|exkl|excluding|exclusive\s+of|ohne|before|without|w/o|hors|sin|senza|sem|bez|"
                        r"exclusief|zonder)\.?)[\s(]*$")


def _qualifier(text: str, field: str, start: int) -> bool:
    return field == "tax" and bool(_EXCLUDING.search(text[max(0, start - 24):start]))


def find_labels(line: Line) -> list[LabelHit]:
    """All label hits on ``line``, overlapping hits resolved in favour of the longest; a tax
    word that only qualifies another sum ("excl. VAT") is no tax label."""
    hits = []
    text = fold_accents(line.text)
    for field, rx, strength, lang in _COMPILED:
        for m in rx.finditer(text):
            if m.end() > m.start() and not _qualifier(text, field, m.start()):
                hits.append(LabelHit(field, strength, lang, line, m.start(), m.end()))
    hits.sort(key=lambda h: (-(h.end - h.start), -h.strength))
    kept: list[LabelHit] = []
    for h in hits:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)
