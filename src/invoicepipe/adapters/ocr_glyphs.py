"""The page's own print as a third witness between two engines' readings of a code.

Where Tesseract and RapidOCR read a scanned invoice number differently only in the shapes
OCR confuses (O/0, I/1, S/5, B/8: ``identifier_reread.confusable_only``), the value is held:
two engines, two answers, nothing to say which misread. On the dev scans RapidOCR was the
right one every time, but that is a fact about those fonts, not evidence on a new page.

The page itself can say which, though: a code is printed in the same font as the rest of
its line, and the letters and digits the page read surely elsewhere show what that font's
"O" and "0", "S" and "5" look like. Each disputed character's glyph is cut out of the value's
print and compared with the glyphs of the same characters in words read surely at the same
size (``exemplars``); the reading whose characters the glyphs resemble, at every disputed
place and by a clear margin (``MARGIN``), has a third witness (``vote``). A page that prints
none of one of the two characters at that size, a value whose print does not split into one
piece per character (touching letters, a speck between them), or glyphs that resemble both
alike say nothing.

Glyphs are compared as a person would compare them: their shape scaled to one box (the
correlation of the two bitmaps) and their proportions (an "O" is wider than a "0" in most
faces, an "I" narrower than a "1"), which scaling to one box hides. No model is trained or
downloaded: the exemplars are the page's own, so another face, weight or scan resolution is
compared with itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import numpy as np
from PIL import Image

from invoicepipe.adapters.ocr_unread import meet
from invoicepipe.domain.models import Box, Word

# words read at least this surely lend their glyphs as exemplars
SURE = 0.9
# an exemplar word's height against the value's: the same size of print
SIZE_RATIO = 1.8
# how many exemplars of one character are compared at most (the page's first ones)
PER_CHARACTER = 6
# words looked at for exemplars at most: bounds the cost on a page of small print
MAX_WORDS = 400
# a glyph is scaled to this box (width, height in pixels) to be compared
NORM = (16, 24)
# a glyph's bitmap is compared at these offsets too: where two scans cut its edge differently
SHIFTS = (-1, 0, 1)
# a glyph must resemble one reading's character by this much more than the other's
MARGIN = 0.12
# ... and resemble it at least this much
LEAST = 0.7
# what a difference in proportions costs the resemblance: log of the width/height ratios
SHAPE_WEIGHT = 1.0
# a glyph is taken for a character without the other's exemplar only when this alike
SAME = 0.85
# two characters' glyphs less alike than this are told apart by the face
DISTINCT = 0.6
# exemplar words printed this much heavier or lighter than the value are another weight
WEIGHT_RATIO = 1.45
# what a difference in mirror symmetry costs the resemblance (``_asymmetry``)
SYMMETRY_WEIGHT = 0.5
# a piece of ink smaller than this share of the line height both ways is a speck: a dot,
# a comma, a colon's dots, an i's dot (joined to its stem when it stands above it)
SPECK = 0.3
# the marks that are specks at that size, left out when a word's text is laid on its glyphs
_SMALL_MARKS = ".,:;'`’‘\"·"


@dataclass(frozen=True)
class Glyph:
    bitmap: np.ndarray  # NORM-sized, float 0..1, ink = 1
    aspect: float  # width / height of the glyph's ink
    height: float  # the glyph's ink height / the word's ink height


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink (1) and paper (0) of a crop, by Otsu's threshold of the crop itself."""
    from invoicepipe.adapters.opencv import cv2

    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def split_glyphs(gray: np.ndarray) -> list[Glyph]:
    """The glyphs of one word's crop, left to right: its pieces of ink, specks dropped, and
    pieces one above another (an i's dot, a broken stroke) joined."""
    from invoicepipe.adapters.opencv import pieces_with_stats

    ink = _ink(gray)
    count, labels, stats, _ = pieces_with_stats(ink, 8)
    # the tallest piece stands for the print's height (a capital, an ascender): the crop's
    # own height holds its margin
    tall = max((int(stats[i][3]) for i in range(1, count)), default=0)
    spans: list[list[int]] = []  # x0, x1, y0, y1 (exclusive ends)
    for i in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if w < SPECK * tall and h < SPECK * tall:
            continue
        spans.append([x, x + w, y, y + h, i])
    spans.sort()
    merged: list[list] = []
    for s in spans:
        if merged:
            m = merged[-1]
            overlap = min(m[1], s[1]) - max(m[0], s[0])
            if overlap > 0.5 * min(m[1] - m[0], s[1] - s[0]):
                merged[-1] = [min(m[0], s[0]), max(m[1], s[1]), min(m[2], s[2]), max(m[3], s[3]), *m[4:], s[4]]
                continue
        merged.append(list(s))
    if not merged:
        return []
    top = min(m[2] for m in merged)
    bottom = max(m[3] for m in merged)
    line = max(1, bottom - top)
    glyphs = []
    for m in merged:
        x0, x1, y0, y1 = m[:4]
        part = np.isin(labels[y0:y1, x0:x1], m[4:]).astype(np.float32)
        bitmap = np.asarray(Image.fromarray((part * 255).astype(np.uint8)).resize(NORM, Image.Resampling.BILINEAR),
                            dtype=np.float32) / 255.0
        glyphs.append(Glyph(bitmap, (x1 - x0) / max(1, y1 - y0), (y1 - y0) / line))
    return glyphs


def _shifted(bitmap: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``bitmap`` moved by (dx, dy) pixels, paper coming in at the edges."""
    out = np.zeros_like(bitmap)
    h, w = bitmap.shape
    out[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = bitmap[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    return out


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """The correlation of two bitmaps; a plain bar ("I", "l") scaled to the box is all ink,
    with nothing to correlate: two such are alike, one such and a shape are not."""
    x, y = a.ravel() - a.mean(), b.ravel() - b.mean()
    nx, ny = float(np.linalg.norm(x)), float(np.linalg.norm(y))
    if nx < 1e-6 or ny < 1e-6:
        return 1.0 if nx < 1e-6 and ny < 1e-6 else 0.0
    return float(x @ y) / (nx * ny)


def _asymmetry(bitmap: np.ndarray) -> float:
    """How unlike its mirror image a glyph is, 0 for a mirror-symmetric one: an "I" is
    symmetric and a "1" is not (its flag), a difference that scaling both to one box and
    blurring small print nearly hides from the correlation."""
    return 1.0 - _correlation(bitmap, bitmap[:, ::-1])


def resemblance(a: Glyph, b: Glyph) -> float:
    """How alike two glyphs are: the correlation of their bitmaps less what their proportions
    and heights differ by."""
    corr = max(_correlation(a.bitmap, _shifted(b.bitmap, dx, dy)) for dx in SHIFTS for dy in SHIFTS)
    shape = abs(math.log(max(a.aspect, 1e-3) / max(b.aspect, 1e-3))) + abs(math.log(max(a.height, 1e-3) / max(b.height, 1e-3)))
    shape += SYMMETRY_WEIGHT * abs(_asymmetry(a.bitmap) - _asymmetry(b.bitmap))
    return corr - SHAPE_WEIGHT * shape


def _crop(image: Image.Image, px: float, box: Box) -> Optional[np.ndarray]:
    pad = 0.15 * (box.bottom - box.top)
    left, right = max(0, int((box.x0 - pad) * px)), min(image.width, int((box.x1 + pad) * px) + 1)
    top, bottom = max(0, int((box.top - pad) * px)), min(image.height, int((box.bottom + pad) * px) + 1)
    if right - left < 4 or bottom - top < 4:
        return None
    return np.asarray(image.crop((left, top, right, bottom)).convert("L"))


def _laid(text: str) -> str:
    """A word's text as its glyphs are split: without spaces and the marks that are specks."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in _SMALL_MARKS)


def stroke_weight(gray: np.ndarray) -> float:
    """The print's stroke width against its height: ink over half its outline, per line
    height. A bold value and a regular word of one size differ here by a third or more."""
    from invoicepipe.adapters.opencv import cv2

    ink = _ink(gray)
    area = int(ink.sum())
    rows = np.flatnonzero(ink.any(axis=1))
    if not area or rows.size == 0:
        return 0.0
    edge = int((ink - cv2.erode(ink, np.ones((3, 3), np.uint8))).sum())
    return (2.0 * area / max(1, edge)) / (rows[-1] - rows[0] + 1)


def exemplars(image: Image.Image, px: float, words: Iterable[Word], wanted: set[str], height: float,
              skip: Box, weight: Optional[float] = None) -> dict[str, list[Glyph]]:
    """Glyphs of the ``wanted`` characters from the words read at least ``SURE`` surely at the
    value's size (``height`` points), whose print splits into one glyph per character; the
    value's own box (``skip``) lends none. With ``weight`` (``stroke_weight``), only words
    printed as heavily (a bold value's "0" is not a regular word's)."""
    found: dict[str, list[Glyph]] = {c: [] for c in wanted}
    looked = 0
    for w in words:
        text = _laid(w.text)
        if w.confidence < SURE or not text or not wanted & set(text):
            continue
        h = w.box.bottom - w.box.top
        if not (height / SIZE_RATIO <= h <= height * SIZE_RATIO) or meet(w.box, skip):
            continue
        if all(len(found[c]) >= PER_CHARACTER for c in wanted):
            break
        looked += 1
        if looked > MAX_WORDS:
            break
        gray = _crop(image, px, w.box)
        if gray is None:
            continue
        if weight is not None and not _alike(stroke_weight(gray), weight, WEIGHT_RATIO):
            continue
        glyphs = split_glyphs(gray)
        if len(glyphs) != len(text):
            continue
        for ch, g in zip(text, glyphs):
            if ch in found and len(found[ch]) < PER_CHARACTER:
                found[ch].append(g)
    return found


def _alike(a: float, b: float, ratio: float) -> bool:
    return a > 0 and b > 0 and max(a, b) / min(a, b) <= ratio


def _best(glyph: Glyph, examples: Sequence[Glyph]) -> Optional[float]:
    return max((resemblance(glyph, e) for e in examples), default=None)


def _distinct(examples: dict[str, list[Glyph]], a: str, b: str) -> bool:
    """The page prints ``a`` and ``b`` unlike each other (in any weight): a face whose "O"
    and "0" are one shape cannot tell a code's letters from its digits."""
    if not examples.get(a) or not examples.get(b):
        return False
    return max(resemblance(x, y) for x in examples[a] for y in examples[b]) < DISTINCT


def vote(image: Image.Image, px: float, words: Sequence[Word], word: Word, readings: Sequence[str]) -> Optional[str]:
    """The one of two ``readings`` of ``word``'s print (of one length, differing in some
    places) whose characters the print's glyphs resemble at every place they differ; None
    when the page cannot say.

    A disputed glyph is compared with the glyphs of the two characters in the value itself
    (the places both readings agree on: the same face, weight and scan) and in the words the
    page read surely at the same size and weight (``exemplars``). It is the character it
    resembles by ``MARGIN`` or more. Where the page shows only one of the two at that weight,
    it is that character only when it is nearly the same shape (``SAME``) and the page prints
    the two unlike each other in some weight (``_distinct``)."""
    texts = [_laid(r) for r in readings]
    if len(texts) != 2 or texts[0] == texts[1] or len(texts[0]) != len(texts[1]):
        return None
    places = [i for i in range(len(texts[0])) if texts[0][i] != texts[1][i]]
    gray = _crop(image, px, word.box)
    if gray is None:
        return None
    glyphs = split_glyphs(gray)
    if len(glyphs) != len(texts[0]):
        return None
    wanted = {t[i] for t in texts for i in places}
    height = word.box.bottom - word.box.top
    own: dict[str, list[Glyph]] = {c: [] for c in wanted}
    for i, (a, b) in enumerate(zip(*texts)):
        if a == b and a in own:
            own[a].append(glyphs[i])
    page = exemplars(image, px, words, wanted, height, word.box, stroke_weight(gray))
    anyweight: Optional[dict[str, list[Glyph]]] = None
    winner: Optional[int] = None
    for i in places:
        scores = [_best(glyphs[i], own[t[i]] + page[t[i]]) for t in texts]
        if all(s is not None for s in scores):
            top = 0 if scores[0] >= scores[1] else 1
            if scores[top] < LEAST or scores[top] - scores[1 - top] < MARGIN:
                return None
        else:
            top = 0 if scores[0] is not None else 1
            if scores[top] is None or scores[top] < SAME:
                return None
            if anyweight is None:
                anyweight = exemplars(image, px, words, wanted, height, word.box)
            if not _distinct(anyweight, texts[0][i], texts[1][i]):
                return None
        if winner is not None and winner != top:
            return None
        winner = top
    return readings[winner] if winner is not None else None
