"""A series code whose digit OCR read as a letter ("A1" read "Al"), put right by the page.

A series code with a digit ("A1 2026/0042", "B2 004512") is joined with its number
(``number_prefix.code_and_number``). Read from a scan, its digit may come out as the letter
it resembles (1 as l or I, 0 as O, 5 as S, 8 as B, 2 as Z); the code is then a word the
identifier reader skips, and the number is taken without it. The code's shape says only
that the word *may* be such a code ("Al" is also a name). The page can say which: a
payment reference printed elsewhere that repeats the whole number's digits, the code's
digit among them (a variable symbol "120260646" for "A1 2026/0646"), is that digit read
from other ink. Only with such a witness is the code repaired and joined to its number;
without one, ``number_prefix.code_before`` holds the number for a person.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.agreement import id_witnesses
from invoicepipe.domain.extraction.layout import min_confidence
from invoicepipe.domain.extraction.search import SKIPPED_WORD_QUALITY, Candidate, Context

# the letters (and the bar) OCR reads for a digit in print, by the digit they stand for
_DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0", "S": "5", "B": "8", "Z": "2"})
# a code of a capital and one to three capitals or digits, holding a digit ("A1", "B2", "FA1")
_DIGIT_CODE = re.compile(r"[A-Z](?=[A-Z]*[0-9])[A-Z0-9]{1,3}")
# a witness repeating fewer digits than this may be any other number of the page
MIN_WITNESS_DIGITS = 6
# a space between a code and its number: see ``number_prefix._SPACE_GAP``
_SPACE_GAP = 1.5


def code_read_as_letters(text: str) -> Optional[str]:
    """The series code with a digit that OCR text ``text`` may be, its first character kept
    ("Al" -> "A1"); None when folding look-alikes changes nothing or makes no such code."""
    if len(text) < 2 or len(text) > 4:
        return None
    folded = text[0] + text[1:].translate(_DIGIT_LOOKALIKES)
    return folded if folded != text and _DIGIT_CODE.fullmatch(folded) else None


def code_before_repaired(ctx: Context, cand: Candidate, line, k: int) -> Optional[tuple[str, object]]:
    """(repaired code, its word) when the OCR word before ``cand``'s first word (``line``'s
    word ``k``) is a series code read with a letter for its digit, else None."""
    if k <= 0 or not cand.words or cand.words[0].confidence >= 1.0:
        return None
    prev, first = line.words[k - 1], cand.words[0]
    if prev.confidence >= 1.0 or first.box.x0 - prev.box.x1 > _SPACE_GAP * ctx.layout.char_width:
        return None
    if not first.text.lstrip("#:(").startswith(cand.value[:1]):
        return None  # the value does not open its word: something else is glued before it
    ps, pe = line.spans[k - 1]
    if any(h.start < pe and h.end > ps for h in ctx.hits[id(line)]):
        return None  # a label word, not a code
    code = code_read_as_letters(prev.text)
    return (code, prev) if code else None


def witnessed_code_and_number(ctx: Context, cand: Candidate, conf: float) -> Optional[tuple[Candidate, float]]:
    """``cand`` with the misread series code before it repaired and joined, and its
    confidence, when another reading on the page repeats the whole number's digits; else None."""
    if not cand.words or not cand.value or " " in cand.value:
        return None
    line = ctx.layout.line_of(cand.words[0])
    if line is None:
        return None
    k = next((i for i, w in enumerate(line.words) if w is cand.words[0]), -1)
    found = code_before_repaired(ctx, cand, line, k)
    if found is None:
        return None
    code, prev = found
    value = f"{code} {cand.value}"
    digits = "".join(ch for ch in value if ch.isdigit())
    words = (prev, *cand.words)
    if len(digits) < MIN_WITNESS_DIGITS or not id_witnesses(ctx, digits, words):
        return None
    # the score as the joined value's: its words' reading, and no doubt for a skipped word
    # when the code stood between the label and the number on the label's own line
    factor = min_confidence(words) / (min_confidence(cand.words) or 1.0)
    label = cand.label
    if cand.method == "label_right" and label is not None and label.line is line and label.end <= line.spans[k - 1][0]:
        factor /= SKIPPED_WORD_QUALITY
    joined = replace(cand, value=value, raw=value, words=words, score=min(0.99, cand.score * factor),
                     notes=[*cand.notes, "code_repaired"])
    return joined, round(min(0.99, conf * factor), 3)
