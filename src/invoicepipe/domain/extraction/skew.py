"""Page skew of OCR words, so lines are grouped along the text and not the image axes.

A scan tilted by one degree moves a word at the right edge of an A4 page about 9 pt
(most of a line) up or down relative to one at the left edge, so grouping words by their
vertical position alone merges neighbouring rows (a row of labels with the row of values
under it). The skew is the median slope between horizontally adjacent words of similar
height on one text row; it is measured from the words themselves, whatever engine
produced them.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import median
from typing import Sequence

from invoicepipe.domain.models import Word

MIN_PAIRS = 8
MAX_SLOPE = 0.06  # about 3.4 degrees; steeper "slopes" come from pairs on different rows


def estimate_slope(words: Sequence[Word]) -> float:
    """dy/dx of the text rows (0.0 when there is too little evidence)."""
    buckets: dict[int, list[Word]] = defaultdict(list)
    for w in words:
        buckets[int((w.box.top + w.box.bottom) / 2 // 12)].append(w)
    slopes = []
    for w in words:
        h = w.box.bottom - w.box.top
        if h <= 0:
            continue
        cy = (w.box.top + w.box.bottom) / 2
        key = int(cy // 12)
        best = None
        for other in buckets[key - 1] + buckets[key] + buckets[key + 1]:
            gap = other.box.x0 - w.box.x1
            oh = other.box.bottom - other.box.top
            if other is w or not 0 <= gap <= 2.5 * h or not 0.75 <= oh / h <= 1.33:
                continue
            if best is None or other.box.x0 < best.box.x0:
                best = other
        if best is None:
            continue
        dx = (best.box.x0 + best.box.x1) / 2 - (w.box.x0 + w.box.x1) / 2
        dy = (best.box.top + best.box.bottom) / 2 - cy
        if dx > 0 and abs(dy) < 0.5 * h:
            slopes.append(dy / dx)
    if len(slopes) < MIN_PAIRS:
        return 0.0
    slope = median(slopes)
    return slope if abs(slope) <= MAX_SLOPE else 0.0
