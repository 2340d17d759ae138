"""Whether a page image is upside down, from the shape of its print (no OCR engine).

Latin-script text is top-heavy: ascenders (b d f h k l t), capitals, digits and accents
reach above the x-height, while only a few letters (g j p q y) hang below the baseline.
So in each word the ink above the row band where the letters' bodies sit outweighs the
ink below it, by a wide margin over a page of words; a page turned 180 degrees shows the
mirror image. Counted over every word-sized blob of the page this is a cheap (numpy and
OpenCV on one binarised copy, tens of milliseconds) and language-independent witness,
unlike Tesseract's orientation detection, which on photos names the wrong script and
claims "turn 180" of upright pages, and unlike a reading of both turns, which costs two
OCR passes.

Words in capitals or digits only have no body band narrower than the word and add nothing
either way; table rules and frames are removed before words are looked for, so a grid
layout is measured on its text only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from invoicepipe.adapters.opencv import cv2, pieces_with_stats

MEASURE_LONG_SIDE = 1200  # pixels: body bands of 8-10 pt print stay 5+ rows tall
MIN_WORDS = 12  # fewer usable words are no evidence either way
CLEAR = 0.2  # |balance| at or beyond this is a clear verdict (upright pages measure 0.4-0.7)


@dataclass(frozen=True)
class Orientation:
    """``balance``: (ink above the body band - ink below) / (both), summed over the page's
    words: positive on an upright page, negative on one upside down; ``words``: how many
    word blobs were measured."""

    balance: float
    words: int

    @property
    def clear(self) -> bool:
        return self.words >= MIN_WORDS and abs(self.balance) >= CLEAR

    @property
    def upside_down(self) -> bool:
        return self.clear and self.balance < 0

    @property
    def upright(self) -> bool:
        return self.clear and self.balance > 0

    def describe(self) -> dict:
        return {"orientation_balance": round(self.balance, 3), "orientation_words": self.words}


def _ink(gray: np.ndarray) -> np.ndarray:
    """Print as 1, paper as 0, with long horizontal and vertical rules taken out."""
    h, w = gray.shape
    f = min(1.0, MEASURE_LONG_SIDE / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    run = max(25, small.shape[1] // 40)  # a rule is far longer than any letter's stroke
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    return ink & ~cv2.dilate(rules, np.ones((3, 3), np.uint8)) & 1


def measure(gray: np.ndarray) -> Orientation:
    """The top/bottom ink balance of the words on a greyscale page (uint8 array)."""
    ink = _ink(gray)
    # letters merged into word blobs: a horizontal closing wider than a letter gap
    words = cv2.dilate(ink, np.ones((1, 9), np.uint8))
    count, _, stats, _ = pieces_with_stats(words, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    if count <= 1:
        return Orientation(0.0, 0)
    typical = float(np.median(heights[heights >= 5])) if np.any(heights >= 5) else 0.0
    above = below = 0.0
    used = 0
    for x, y, w, h, _area in stats[1:]:
        # a word: wider than tall, about the height of the page's text (not a logo, a
        # stamp, a dot or a letter on its own)
        if h < 6 or w < 2 * h or not 0.5 * typical <= h <= 2.5 * typical:
            continue
        rows = ink[y:y + h, x:x + w].sum(axis=1).astype(np.float64)
        peak = rows.max()
        if peak <= 0:
            continue
        body = np.flatnonzero(rows >= 0.5 * peak)
        top, bottom = body[0], body[-1]
        if bottom - top + 1 >= 0.85 * h:
            continue  # capitals or digits: no band narrower than the word
        above += rows[:top].sum()
        below += rows[bottom + 1:].sum()
        used += 1
    total = above + below
    return Orientation(float((above - below) / total) if total else 0.0, used)
