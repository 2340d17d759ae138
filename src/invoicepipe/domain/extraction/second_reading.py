"""A part of an OCR word read a second time, alike.

Tesseract sometimes reads a stretch of a line twice, and the second reading comes back as
words lying over the first ("FE2026-00785" with "20" and "85" over it, "A2026/224" with
"A2026/:" over its start). ``search._overlaid`` doubts a value read twice over itself,
because the two readings may disagree on which characters, or how many, the value has.
Where the second reading lies inside the value's word and reads the very characters the
word has at that place, the two readings agree: the same ink read alike twice says nothing
against the value. A second reading reaching past the word ("26-00775" over
"FE2026-0077") or reading other characters is still a disagreement. Two readings that agree
on a part say nothing of where the value ends, so this holds only for a value standing
apart on its line: a character a space from its end ("450001080" then "2", a boxed PO's
last digit read on its own) may be its own, and the doubt stays.
"""

from __future__ import annotations

from typing import Sequence

from invoicepipe.domain.models import Word

# how far, in characters, the second reading's place may lie from where its text stands in
# the word: OCR boxes hug the ink, and characters differ in width
_PLACE_TOLERANCE = 1.5
# a second reading of one character (a speck, a colon) agrees with anything by chance
_MIN_CHARS = 2


def read_again_alike(word: Word, other: Word) -> bool:
    """True when ``other`` lies within ``word`` and reads (marks at its ends aside) the
    characters ``word`` has at that place."""
    alnum = [i for i, ch in enumerate(other.text) if ch.isalnum()]
    if len(alnum) < _MIN_CHARS or not word.text or word.page != other.page:
        return False
    core = other.text[alnum[0]:alnum[-1] + 1]
    cw = (word.box.x1 - word.box.x0) / len(word.text)
    if other.box.x0 < word.box.x0 - cw or other.box.x1 > word.box.x1 + cw:
        return False
    expected = (other.box.x0 - word.box.x0) / cw + alnum[0]  # where its text starts in the word, in characters
    at = word.text.find(core)
    while at >= 0:
        if abs(at - expected) <= _PLACE_TOLERANCE:
            return True
        at = word.text.find(core, at + 1)
    return False


# a gap narrower than this many of the value's characters is no gap between two values
_APART = 1.5


def stands_apart(line_words: Sequence[Word], words: Sequence[Word]) -> bool:
    """True when no other word of the line comes within a space of ``words``' ends (words
    lying over them, second readings, aside)."""
    if not words:
        return False
    x0, x1 = min(w.box.x0 for w in words), max(w.box.x1 for w in words)
    cw = (x1 - x0) / max(1, sum(len(w.text) for w in words))
    for o in line_words:
        if o in words or (o.box.x1 > x0 and o.box.x0 < x1):
            continue
        if -_APART * cw < o.box.x0 - x1 < _APART * cw or -_APART * cw < x0 - o.box.x1 < _APART * cw:
            return False
    return True
