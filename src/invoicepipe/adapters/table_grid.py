"""Ruling lines (a grid table's cell borders, boxed label blocks) found on a page image, and
the column rules erased before Tesseract reads it.

A table that boxes every cell with ruling lines reads badly: Tesseract's line finder takes
a vertical rule for a glyph, so neighbouring cells come back glued to it and to each other
('| 2|piT-1061 |', '5 =| at] 2%]'), a header row as noise, and a lone quantity between two
rules is often not returned at all. On a digital PDF the text layer knows its cells; on a
raster page the rules are the evidence of the cell boundaries, and without them the same
print reads cleanly (measured on the generated grid layouts: every cell of every row read).
Only the upright rules are erased: painting the row rules out as well read the grids as well
but cost whole blocks of print elsewhere (Tesseract's layout analysis leans on them).

Rules are long, thin and straight where print is short: an opening of the page's ink with a
line several glyph heights long (``MIN_RULE_*``; vertical, then horizontal) keeps only the
rules, and what is thick (a word whose letters the blur joined) or lies in a dark area (white
print on a banner) is no rule. A glyph's stem or bar is far shorter, so text survives. The ink
is widened across the rule's direction first so a rule a photo left a degree or two off
level still holds together over the opening's length. The rules found are painted with the
paper's white, slightly widened to take their grey fringe along. A page without rules is
returned as it came (the opening costs a few tens of ms of CPU per page; nothing else runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image

from invoicepipe.adapters.opencv import cv2, pieces_with_stats

# measured in the page's own glyph height (the median height of its letters' blobs), not in
# points: a phone photo says nothing true about its resolution, its print's size on the image
# is what it is
# a straight run this many glyph heights long is a rule, not a glyph's stroke. Upright, a
# rule may be as short as a header and one row (rows of print never touch); level, print
# can run on: a blurred bold number's digits join along their bars and hyphens for ten
# glyph heights, where a table's row rule spans the table
MIN_RULE_UPRIGHT, MIN_RULE_LEVEL = 5.0, 15.0
MAX_RULE = 0.4  # and at most this thick: a run through a word whose letters the blur joined is not
PAPER_AROUND = 3.0  # the square (glyph heights) around a rule that must be mostly paper
MIN_GLYPHS = 50  # fewer letter-sized blobs than this: no text to measure by, nothing is erased
# blobs lower than this (pixels of the working copy) are specks, the grain a photo's local
# threshold picks up
MIN_GLYPH_PX = 6
# rules are looked for on a copy reduced by a whole factor to at most this height: a page
# photographed at 12 MP costs a quarter, and a rule a pixel wide still shows as a grey line
WORK_HEIGHT = 2400
SLANT_PX = 2  # ink widened by this many pixels each side across the rule: tolerates ~2° of slant
FRINGE_PX = 2  # a found rule is erased this much wider each side (anti-aliasing, blur)
INK_BLOCK, INK_OFFSET = 31, 15  # local threshold: pixels this much darker than their block's mean are ink


@dataclass(frozen=True)
class Rules:
    """The ruling lines of a page image: masks (uint8, 255 on a rule) of each direction."""

    vertical: np.ndarray
    horizontal: np.ndarray

    @property
    def found(self) -> bool:
        return bool(self.vertical.any() or self.horizontal.any())

    def count(self) -> tuple[int, int]:
        """(vertical, horizontal) separate rules: a grid has one more than its columns."""
        return tuple(_pieces(m) for m in (self.vertical, self.horizontal))


def _pieces(mask: np.ndarray) -> int:
    """The separate pieces of a mask, counted on the rows and columns that hold them (an
    empty mask, the row rules the eraser does not look for, costs nothing)."""
    if not mask.any():
        return 0
    return cv2.connectedComponents(np.ascontiguousarray(mask[_around(mask, 0)]))[0] - 1


def _ink(gray: np.ndarray) -> np.ndarray:
    # a local threshold: the cleaned page is even, but a grey header fill must not read as ink
    # all over (its rules, darker than the fill, still do)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, INK_BLOCK, INK_OFFSET)


def _runs(ink: np.ndarray, length: int, vertical: bool) -> np.ndarray:
    """Ink that holds a straight run ``length`` pixels long in one direction."""
    across = (2 * SLANT_PX + 1, 1) if vertical else (1, 2 * SLANT_PX + 1)  # cv2 sizes are (width, height)
    widened = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    along = (1, length) if vertical else (length, 1)
    runs = cv2.morphologyEx(widened, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    return cv2.bitwise_and(runs, ink)  # the widening is undone: only the rule's own pixels


def _thin(runs: np.ndarray, thickness: int) -> np.ndarray:
    """The runs without a solid square ``thickness`` pixels wide. A blurred word's letters
    run into each other along its x-height, but such a run is as thick as the letters are
    tall; what an opening with that square keeps is no rule (nor is its fringe). A square,
    not a bar across the run: where a column rule crosses a row rule the run is wide but
    only a rule thick."""
    square = (thickness + 1, thickness + 1)
    thick = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, square))
    if not thick.any():
        return runs
    thick = cv2.dilate(thick, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * SLANT_PX + 3, 2 * SLANT_PX + 3)))
    return cv2.bitwise_and(runs, cv2.bitwise_not(thick))


def _on_paper(light: np.ndarray, size: int) -> np.ndarray:
    """Where the page around a pixel (a ``size`` square) is mostly paper (``light``). White
    print on a dark banner leaves thin dark strips between its letters that run as long as
    a rule; a rule is dark on light paper, a strip of a dark band is not. Print beside a rule
    (a narrow cell's "Pck" a few pixels from its border) leaves its surroundings mostly paper."""
    share = cv2.boxFilter(light, cv2.CV_32F, (size, size), normalize=True)
    return (share > 0.5 * 255).astype(np.uint8) * 255


def glyph_height(ink: np.ndarray) -> Optional[float]:
    """The median height (pixels) of the letter-sized blobs of an ink mask, or None when
    there are too few to tell: a blob about as wide as tall or narrower, not a speck, not
    a rule or a picture, not lower than ``MIN_GLYPH_PX``."""
    _, _, stats, _ = pieces_with_stats(ink, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    letters = h[(h >= MIN_GLYPH_PX) & (h <= ink.shape[0] / 20) & (w <= 2 * h)]
    return float(np.median(letters)) if len(letters) >= MIN_GLYPHS else None


def find_rules(gray: np.ndarray, level: bool = True) -> Optional[Rules]:
    """The ruling lines of a greyscale page (uint8, paper light); None for a page without
    text to measure them by."""
    ink = _ink(gray)
    glyph = glyph_height(ink)
    if glyph is None:
        return None
    lengths = {True: max(15, round(MIN_RULE_UPRIGHT * glyph)), False: max(30, round(MIN_RULE_LEVEL * glyph))}
    thickness = max(2, round(MAX_RULE * glyph))
    upright = _runs(ink, lengths[True], True)
    if not level and not upright.any():
        # every test below only removes ink from the runs: a page without one long upright
        # run has no column rule, and the paper around (half the cost) is not measured
        return Rules(upright, np.zeros_like(ink))
    # paper by one threshold over the page (Otsu): the local threshold calls the inside of a
    # dark banner paper, this one does not
    _, light = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    light = cv2.bitwise_and(light, cv2.bitwise_not(ink))

    paper = _on_paper(light, round(PAPER_AROUND * glyph) | 1)
    def rules(vertical: bool) -> np.ndarray:
        runs = upright if vertical else _runs(ink, lengths[vertical], vertical)
        return _long(cv2.bitwise_and(_thin(runs, thickness), paper), lengths[vertical], vertical)

    # ``level=False``: the row rules are not looked for (the eraser leaves them; 40 % of the cost)
    return Rules(rules(True), rules(False) if level else np.zeros_like(ink))


def _long(runs: np.ndarray, length: int, vertical: bool) -> np.ndarray:
    """The pieces of ``runs`` that still reach half a rule's length: the tests above leave
    a few pixels of a logo's or a banner's edge, no rule."""
    if not runs.any():
        return runs
    # the pieces are found on the rows and columns that hold them (the same pieces; labelling
    # the whole page cost most of the eraser's time on a page whose rules are one table)
    box = _around(runs, 0)
    count, labels, stats, _ = pieces_with_stats(np.ascontiguousarray(runs[box]), connectivity=8)
    extent = stats[:, cv2.CC_STAT_HEIGHT if vertical else cv2.CC_STAT_WIDTH]
    keep = extent >= length // 2
    keep[0] = False  # the background
    out = np.zeros_like(runs)
    out[box] = np.where(keep[labels], 255, 0).astype(np.uint8)
    return out


def _paper_beside(gray: np.ndarray, mask: np.ndarray, ink: np.ndarray, size: int, fallback: float) -> np.ndarray:
    """The mean brightness of the paper (neither rule nor print) in a ``size`` square around
    each pixel: a rule painted with the paper beside it, not with white, leaves no bright
    stripe on a page photographed grey (an outline Tesseract would take for print). Print is
    left out of the mean: a glyph a point from the rule (a closing parenthesis of a
    right-aligned "(1,234.56)") would darken the fill into a grey copy of itself, which
    Tesseract reads as one more glyph ("(12.50))"). Where the square holds no paper (two
    rules crossing, thick), ``fallback`` (the page's light end) stands in."""
    print_ = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))  # with its grey fringe
    keep = ((mask == 0) & (print_ == 0)).astype(np.float32)
    total = cv2.boxFilter(gray.astype(np.float32) * keep, -1, (size, size), normalize=False)
    count = cv2.boxFilter(keep, -1, (size, size), normalize=False)
    return np.where(count > 0.5, total / np.maximum(count, 1e-6), fallback).clip(0, 255).astype(np.uint8)


def _around(mask: np.ndarray, margin: int) -> tuple[slice, slice]:
    """The rows and columns of ``mask``'s ink, ``margin`` pixels wider each side (clipped)."""
    ys, xs = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    return (slice(max(0, ys[0] - margin), ys[-1] + margin + 1), slice(max(0, xs[0] - margin), xs[-1] + margin + 1))


def erase_rules(img: Image.Image) -> tuple[Image.Image, dict]:
    """(the page with its column rules painted as paper, a record for the capture evidence).
    A page without column rules comes back unchanged (the same object)."""
    gray = np.asarray(img.convert("L"))
    step = -(-gray.shape[0] // WORK_HEIGHT)
    small = cv2.resize(gray, (gray.shape[1] // step, gray.shape[0] // step), interpolation=cv2.INTER_AREA) \
        if step > 1 else gray
    rules = find_rules(small, level=False)
    if rules is None or not rules.vertical.any():
        return img, {}
    # column rules only: they are what glues cells. Row rules stay: Tesseract's page layout
    # leans on them, and with an items table's row rules painted out it dropped whole blocks
    # of print far from any rule (the label-value block beside it: invoice number, dates, PO)
    mask = rules.vertical
    # the paper beside the rules is measured on the working copy (it changes slowly) and
    # brought to the page's size with the mask
    wide = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * FRINGE_PX + 1, 2 * FRINGE_PX + 1)))
    size = 4 * (FRINGE_PX + 1) + 1
    # the fill is read only on (and a pixel or two beside) the widened rules: measured over
    # their bounding box with the box filter's reach around it, which gives the same values
    # there as over the whole page at a fraction of the cost (a grid is a part of a page)
    fallback = float(np.percentile(small[::4, ::4], 90))
    fill = np.full_like(small, int(min(255.0, fallback)))  # never read away from the rules
    box = _around(wide, size + FRINGE_PX + 2)
    ink = _ink(small[box])
    fill[box] = _paper_beside(small[box], wide[box], ink, size, fallback)
    if step > 1:
        mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
        fill = cv2.resize(fill, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    fringe = FRINGE_PX + step - 1  # and the copy's coarser pixel
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * fringe + 1, 2 * fringe + 1)))
    out = gray.copy()
    out[mask > 0] = fill[mask > 0]
    return Image.fromarray(out), {"rules_vertical": rules.count()[0]}
