"""Which master names can fuzzy-match which lines at all, found before any fuzzy score.

Vendor resolution scores every long name against every line of the document (rapidfuzz
``cdist``), though a line holds one name at most and most pairs share few letters. The
letters of a name that a line does not hold bound the score from above, so the pairs that
cannot reach the threshold are set aside by counting letters alone:

For a window ``w`` of the line no longer than the name (partial ratio slides such windows,
cut short at the line's ends), or the whole line when it is shorter than the name (plain
ratio), the Indel distance is at least the number ``m`` of the name's characters that the
line lacks (Σ over characters of max(0, count in name − count in line)). The ratio is
``1 − Indel / (|name| + |w|)`` with ``|w| <= |name|``, so at most ``1 − m / (2 |name|)``.

A line as long as the name is kept whatever it lacks: rapidfuzz's partial ratio then also
slides the name over the line, and windows of the name are not bounded this way.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

# names scored against a document's lines at a time (the counts take names x lines x letters)
_BLOCK = 1024


class NameLetters:
    """The letter counts of a list of names, over the letters the names use."""

    def __init__(self, names: Sequence[str]):
        self.letters = np.array(sorted({ord(ch) for n in names for ch in n}), dtype=np.int64)
        self.lengths = np.array([len(n) for n in names], dtype=np.int64)
        self.counts = _counts(names, self.letters)

    def within_reach(self, texts: Sequence[str], score: float) -> np.ndarray:
        """names x texts: True where the pair may score ``score`` (0-100) or more by plain
        or partial ratio, False where it surely does not."""
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        have = _counts(texts, self.letters)
        # the highest share of the name's length it may lack (a hair over, against rounding)
        allowed = (1 - score / 100) * 2 * self.lengths + 1e-6
        out = np.empty((len(self.lengths), len(texts)), dtype=bool)
        for at in range(0, len(self.lengths), _BLOCK):
            part = self.counts[at:at + _BLOCK]
            lacking = np.maximum(part[:, None, :] - have[None, :, :], 0).sum(axis=2)
            out[at:at + _BLOCK] = lacking <= allowed[at:at + _BLOCK, None]
        return out | (self.lengths[:, None] == lengths[None, :])


def _counts(texts: Sequence[str], letters: np.ndarray) -> np.ndarray:
    """texts x letters: how often each letter occurs in each text (other characters ignored)."""
    if not len(letters) or not texts:
        return np.zeros((len(texts), len(letters)), dtype=np.int32)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    col = np.minimum(np.searchsorted(letters, codes), len(letters) - 1)
    known = letters[col] == codes
    flat = np.bincount(owner[known] * len(letters) + col[known], minlength=len(texts) * len(letters))
    return flat.reshape(len(texts), len(letters)).astype(np.int32)
