"""Reading-order lines built from positioned words.

A ``Line`` keeps its words left to right and the joined text with the character span of each
word, so a regular expression matched on the text can be mapped back to the words (and their
boxes and confidences) it covers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median
from typing import Optional, Sequence

from invoicepipe.domain.extraction.skew import estimate_slope
from invoicepipe.domain.models import Box, DocumentText, Word


@dataclass(frozen=True)
class Line:
    page: int
    words: tuple[Word, ...]
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of each word in ``text``
    index: int  # position of the line in reading order on its page
    # words joined from two overlapping OCR readings of one place (``_one_reading``): their
    # agreed characters are one value, but where the value ends only one reading says
    rereads: frozenset = frozenset()
    # values derived from the line alone (its amount tokens), kept for the one document: the
    # fields, the totals, the cross-checks and the tables all read the same lines again
    memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @cached_property
    def box(self) -> Box:
        return union_box(self.words)

    @cached_property
    def height(self) -> float:
        return max(1.0, self.box.bottom - self.box.top)

    def words_in(self, start: int, end: int) -> tuple[Word, ...]:
        """Words whose characters overlap ``[start, end)`` of ``text``."""
        # the spans run left to right (``make_line``), starts and ends both ascending: the
        # words overlapping are those from the first ending after ``start`` up to the first
        # starting at or after ``end``
        first = bisect_right(self._ends, start)
        last = bisect_left(self._starts, end)
        return self.words[first:last] if first < last else ()

    @cached_property
    def _starts(self) -> list[int]:
        return [s for s, _ in self.spans]

    @cached_property
    def _ends(self) -> list[int]:
        return [e for _, e in self.spans]

    def offset_at_x(self, x: float) -> int:
        """Character offset of the first word starting at or right of ``x``."""
        for w, (s, _) in zip(self.words, self.spans):
            if w.box.x0 >= x - 0.5:
                return s
        return len(self.text)


def union_box(words: Sequence[Word]) -> Box:
    # min/max over each side: the same fold ``Box.union`` makes pairwise (the first of equal
    # values kept), without a Box per word
    if len(words) <= 1:  # one word: its own box (none: IndexError, as the fold gave)
        return words[0].box
    boxes = [w.box for w in words]
    return Box(min([b.x0 for b in boxes]), min([b.top for b in boxes]), max([b.x1 for b in boxes]),
               max([b.bottom for b in boxes]))


def _glue(words: list[Word]) -> list[Word]:
    """Join words that touch (gap under a tenth of their height): a drop cap or a font change
    inside one word ("F" + "actuurnummer") is split by PDF readers but is one word."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and -0.5 < w.box.x0 - prev.box.x1 < 0.1 * (w.box.bottom - w.box.top):
            out[-1] = Word(prev.text + w.text, prev.box.union(w.box), prev.page, min(prev.confidence, w.confidence))
        else:
            out.append(w)
    return out


# the fewest characters two readings must share to be taken for one (a date's "/02/20")
MIN_SHARED = 3


def _one_reading(words: list[Word]) -> tuple[list[Word], set[int]]:
    """OCR that reads a boxed strip twice returns overlapping words for one printed value
    ("23/02/20" over "3/02/2026", "15/03/2026" over "/03/2"): where a word's box overlaps
    its left neighbour's by a third of the narrower one, and the overlap holds as many of
    the left word's last characters as the right word begins with (at least three, the
    same in both), the two are one reading, joined over their shared characters with the
    lower confidence of the two; a word lying inside its neighbour and repeating part of it
    adds nothing. Returns the words and the positions of the joined ones. Printed text never
    overlaps, so a text layer's words pass unchanged."""
    out: list[Word] = []
    joined: set[int] = set()
    for w in words:
        prev = out[-1] if out else None
        merged = _shared_reading(prev, w) if prev is not None else None
        if merged is None:
            out.append(w)
            continue
        out[-1] = merged
        if merged.text != prev.text:
            joined.add(len(out) - 1)
    return out, joined


def _shared_reading(a: Word, b: Word) -> Optional[Word]:
    cover = min(a.box.x1, b.box.x1) - b.box.x0
    width_a, width_b = a.box.x1 - a.box.x0, b.box.x1 - b.box.x0
    if cover <= 0.33 * min(width_a, width_b) or not a.text or not b.text:
        return None
    cw = width_a / len(a.text)
    if b.box.x1 <= a.box.x1 + cw and len(b.text) >= MIN_SHARED and b.text in a.text:
        at = a.text.find(b.text)  # where it lies inside the word must be where its box lies
        if abs((a.box.x0 + at * cw) - b.box.x0) <= 1.5 * cw:
            return a
        return None
    for k in range(min(len(a.text), len(b.text)) - 1, MIN_SHARED - 1, -1):
        if a.text.endswith(b.text[:k]) and sum(ch.isalnum() for ch in b.text[:k]) >= 2:
            # the shared characters must fill the overlap of the boxes
            if abs(cover - k * cw) <= max(1.5 * cw, 0.35 * k * cw) and b.box.x1 > a.box.x1:
                return Word(a.text + b.text[k:], a.box.union(b.box), a.page, min(a.confidence, b.confidence))
            return None
    return None


def make_line(page: int, words: Sequence[Word], index: int) -> Line:
    ordered, rereads = _one_reading(_glue(sorted(words, key=lambda w: w.box.x0)))
    parts, spans, pos = [], [], 0
    for w in ordered:
        if parts:
            pos += 1
        spans.append((pos, pos + len(w.text)))
        parts.append(w.text)
        pos += len(w.text)
    return Line(page, tuple(ordered), " ".join(parts), tuple(spans), index, frozenset(rereads))


def group_lines(words: Sequence[Word], page: int, slope: float = 0.0) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom.

    A word joins the current line when it overlaps the line's vertical band by more than half
    of the smaller height; this tolerates superscripts and baseline jitter in OCR output
    without merging neighbouring lines of normal spacing. ``slope`` (the page skew, dy/dx)
    straightens the vertical positions first.
    """
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []

    def band(w: Word) -> tuple[float, float]:
        shift = slope * (w.box.x0 + w.box.x1) / 2
        return w.box.top - shift, w.box.bottom - shift

    # An OCR box much taller than the text around it (a misread blot spanning two rows)
    # would glue those rows together: such words join the row around their centre later.
    typical = median([w.box.bottom - w.box.top for w in words]) if words else 0.0
    tall = [w for w in words if typical and w.box.bottom - w.box.top > 2 * typical]
    # tallness is a property of the word's value, so identity tells the same as equality, cheaper
    tall_ids = {id(w) for w in tall}
    banded = [(band(w), w) for w in words if id(w) not in tall_ids]
    banded.sort(key=lambda bw: (round(bw[0][0], 1), bw[1].box.x0))
    for (w_top, w_bottom), w in banded:
        placed = False
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = bands[i]
            overlap = min(bottom, w_bottom) - max(top, w_top)
            smaller = min(bottom - top, w_bottom - w_top) or 1.0
            if overlap > 0.5 * smaller:
                rows[i].append(w)
                bands[i] = (min(top, w_top), max(bottom, w_bottom))
                placed = True
                break
        if not placed:
            rows.append([w])
            bands.append((w_top, w_bottom))
    for w in tall:
        # only rows the word reaches into: a large printed title ("FATTURA" at twice the body
        # size) stands in a gap of its own and is never part of the address line above it
        w_top, w_bottom = band(w)
        centre = (w_top + w_bottom) / 2
        touched = [i for i in range(len(rows)) if min(bands[i][1], w_bottom) > max(bands[i][0], w_top)]
        nearest = min(touched, key=lambda i: abs(sum(bands[i]) / 2 - centre), default=None)
        if nearest is None or _runs_down(w):
            rows.append([w])
            bands.append(band(w))
        else:
            rows[nearest].append(w)
    order = sorted(range(len(rows)), key=lambda i: bands[i][0])
    return [make_line(page, rows[i], n) for n, i in enumerate(order)]


def _runs_down(w: Word) -> bool:
    """Text printed sideways (a generator's imprint up the margin): its box is far taller
    than wide. It belongs to none of the rows it passes, and joined to one it would move
    that row up the page and add its letters to the row's text."""
    height, width = w.box.bottom - w.box.top, w.box.x1 - w.box.x0
    return len(w.text) >= 4 and height > 3 * width


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]  # all pages, reading order
    by_page: dict
    char_width: float
    page_sizes: dict = field(default_factory=dict)  # page number -> (width, height) in points

    def line_at(self, word: Word) -> Optional[int]:
        """The index in ``lines`` of the first line holding ``word`` (or a word equal to it),
        None when none does: what ``next(i for i, ln in enumerate(lines) if word in
        ln.words)`` finds, from one dictionary instead of a comparison with every word of
        the document before it (the totals and their checks ask for many candidates)."""
        return self._first_line_of.get(word)

    def line_of(self, word: Word) -> Optional[Line]:
        """The first line holding ``word`` (see ``line_at``), or None."""
        at = self._first_line_of.get(word)
        return None if at is None else self.lines[at]

    @cached_property
    def _first_line_of(self) -> dict[Word, int]:
        first: dict[Word, int] = {}
        for i, ln in enumerate(self.lines):
            for w in ln.words:
                first.setdefault(w, i)
        return first

    def below(self, line: Line, x0: float, x1: float, max_lines: int = 3) -> list[tuple[Line, int, int]]:
        """Lines under ``line`` restricted to the column ``[x0, x1]``: (line, start, end) spans.

        Stops after ``max_lines`` lines or when the vertical gap exceeds three line heights,
        so a value is only taken from the label's own block.
        """
        out: list[tuple[Line, int, int]] = []
        page_lines = self.by_page[line.page]
        last_bottom = line.box.bottom
        for nxt in page_lines[line.index + 1:]:
            if nxt.box.top - last_bottom > 3 * line.height or len(out) >= max_lines:
                break
            inside = [(w, s) for w, s in zip(nxt.words, nxt.spans) if w.box.x1 > x0 and w.box.x0 < x1]
            if inside:
                out.append((nxt, inside[0][1][0], inside[-1][1][1]))
                last_bottom = nxt.box.bottom
        return out

    def lines_above(self, line: Line, x0: float, x1: float, max_lines: int = 2) -> list[tuple[Line, int, int]]:
        """Like ``below`` but upwards: the nearest lines above ``line`` within ``[x0, x1]``, nearest last."""
        out: list[tuple[Line, int, int]] = []
        last_top = line.box.top
        for prev in reversed(self.by_page[line.page][: line.index]):
            if last_top - prev.box.bottom > 3 * line.height or len(out) >= max_lines:
                break
            inside = [(w, s) for w, s in zip(prev.words, prev.spans) if w.box.x1 > x0 and w.box.x0 < x1]
            if inside:
                out.insert(0, (prev, inside[0][1][0], inside[-1][1][1]))
                last_top = prev.box.top
        return out


def build_layout(doc: DocumentText) -> Layout:
    """Lines of every page of ``doc`` plus the median character width (for gap tests)."""
    lines: list[Line] = []
    by_page: dict[int, list[Line]] = {}
    widths = []
    for page in doc.pages:
        words = [w for w in page.words if w.text.strip()]
        slope = estimate_slope(words) if page.method.startswith("ocr") else 0.0
        page_lines = group_lines(words, page.number, slope)
        by_page[page.number] = page_lines
        lines.extend(page_lines)
        widths.extend((w.box.x1 - w.box.x0) / max(1, len(w.text)) for w in page.words[:400])
    cw = median(widths) if widths else 5.0
    return Layout(tuple(lines), by_page, cw, {p.number: (p.width, p.height) for p in doc.pages})


# a heading's letters stand at least this many times as tall as the page's tall body words
HEADING_SCALE = 1.3
# the body words' height a heading is measured against: a high quantile, not the median. An
# OCR word's box is its ink, so "Hyvityslaskun" (ascenders and a descender) stands half as tall
# again as "numero" in the same print; a text layer's boxes are the font's, the same for both.
_TALL_BODY = 0.9


def heading_height(lines: Sequence[Line]) -> float:
    """The height a word of ``lines`` (a page's) must reach to be set as a heading: larger
    print, not a body word with ascenders and descenders; 0 for no words."""
    heights = sorted(w.box.bottom - w.box.top for ln in lines for w in ln.words)
    if not heights:
        return 0.0
    return HEADING_SCALE * heights[min(len(heights) - 1, int(_TALL_BODY * len(heights)))]


def min_confidence(words: Sequence[Word]) -> float:
    return min((w.confidence for w in words), default=1.0)


def first_page_top(layout: Layout, fraction: float = 0.3) -> Optional[list[Line]]:
    lines = layout.by_page.get(min(layout.by_page, default=1), [])
    if not lines:
        return None
    cut = lines[0].box.top + (lines[-1].box.bottom - lines[0].box.top) * fraction
    return [ln for ln in lines if ln.box.top <= cut]
