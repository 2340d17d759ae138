"""Light coloured ink over the print (a receipt stamp, a pen mark) taken out of a colour page.

A paper invoice is stamped when it arrives ("EINGEGANGEN 26.01.2026", "RECEIVED"), often
across the label block, and the stamp pad's red or blue ink turns into mid grey when the
photo is made greyscale: Tesseract then reads the stamp and loses the label under it (a
"Rechnungsdatum" or "Invoice Date" gone, the date beside it taken as a guess). The colour
photo still tells the two inks apart, as a form scanner's drop-out colour does: print is
black or grey, and a stamp pad's ink is a light colour that absorbs part of the spectrum
and lets the rest through.

On a copy of half the resolution, each channel is divided by the paper's own brightness in
that channel (``page_cleanup``'s surface, fitted per channel, so a tinted light or paper is
no colour). *Light coloured ink* is a pixel far from grey (``MIN_CHROMA``) whose brightest
channel stays near the paper (``MIN_BRIGHTEST``): a navy or dark red heading is dark in every
channel and is not such ink. Such pixels are gathered into groups (letters and frame of one
stamp joined), and a group is taken out only when

- it lies over print: enough grey, dark pixels (``MIN_OVER``) touch its strokes (a coloured
  label beside a black value, a light coloured heading or logo on its own is left as it is;
  a stamp on blank paper hides nothing);
- it is strokes, not a filled area (``MAX_FILL``): a coloured band or a shaded cell is the
  layout, and white print on it would go with it;
- it is a stamp's size (``MIN_STAMP``) and its ink is translucent (``MIN_TINT``): a word or an
  amount printed in a full red (a credit note's negative total on a rule) is print to read.

A taken group is unmixed with the channel its ink lets through best (its tint: the median
colour of its strokes; for red ink the red channel): ink over print multiplies, so that
channel divided by the tint's share is the print alone, paper where only the stamp was and
dark where the print was under it. Only the group's strokes (and two pixels around them)
change; the rest of the page is the greyscale it was, and a page without such ink is
returned unchanged, bit for bit. Pages that arrive in grey (rendered PDFs, grey scans) have
no colour to tell the inks apart and are not looked at.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from PIL import Image

from invoicepipe.adapters import page_cleanup
from invoicepipe.adapters.opencv import cv2

# the copy the ink is looked for on: half of a 200 dpi page (a stamp's strokes are several
# pixels wide at 200 dpi, so they stay strokes)
FIND_SIDE = 1200
# how far from grey a pixel must be to be coloured ink (max - min of its channels, each as a
# share of the paper's): JPEG noise and the colour fringes of a photo's black print stay
# under 0.12
MIN_CHROMA = 0.2
# the brightest channel of light coloured ink, as a share of the paper: a stamp pad's red
# lets 0.8-0.9 of the red through; a printed navy, teal or dark red heading stays under 0.6
MIN_BRIGHTEST = 0.75
# and some ink at all in its darkest channel (the paper's own tint is no ink)
MAX_DARKEST = 0.8
# grey print: near grey, and darker than the paper by a third or more (a grey label counts)
PRINT_CHROMA = 0.12
PRINT_BRIGHTEST = 0.7
# a group is strokes over print when this many print pixels touch them (and this share of its
# strokes), on the half-size copy: a stamp across a label block touches 12-41, a coloured
# heading's fringe at most 2
MIN_OVER = 8
MIN_OVER_SHARE = 0.002
# strokes fill little of their box; a band or a shaded cell fills most of it
MAX_FILL = 0.35
# too few coloured pixels on the whole page to be a stamp: nothing more is done
MIN_INK = 100
# a stamp's strokes on the small copy: the dev photos' stamps have 2,700-3,300; a coloured
# word or amount a few hundred
MIN_STAMP = 1000
# a stamp pad's ink is translucent: its darkest channel keeps 0.4-0.55 of the paper's (the dev
# photos' red stamps 0.51-0.54); print in a full colour (a red negative amount, a red heading)
# keeps 0.1-0.2, and it is print to be read, whatever it touches
MIN_TINT = 0.3
# the stroke pixels of one stamp are joined across this share of the page's width
JOIN = 0.012
# the strokes' soft edges unmixed with them, in pixels of the small copy (a square this wide)
EDGE = 5
# inside the strokes, print is darker than this share of the paper; a lighter rest is the rim
RIM = 0.85


def _scale(gray: np.ndarray) -> float:
    """The scale of the copy the ink is looked for on (at most ``FIND_SIDE`` long)."""
    return min(1.0, FIND_SIDE / max(gray.shape))


def resized(colour: np.ndarray) -> Callable[[float], np.ndarray]:
    """``colour_at`` of ``without_stamps`` for a colour page as it is."""
    def at(f: float) -> np.ndarray:
        if f >= 1.0:
            return colour
        h, w = colour.shape[:2]
        return cv2.resize(colour, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    return at


def _ratios(colour: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each channel of ``colour`` as a share of the paper's brightness in that channel, and
    the paper's brightness per channel. The paper's light is ``page_cleanup``'s surface fitted
    on the grey copy, times the paper's colour (each channel's median share of the grey on
    the paper pixels): a tinted light or paper is no colour, at one fit instead of three."""
    h, w = colour.shape[:2]
    planes = [colour[:, :, c].astype(np.float32) for c in range(3)]
    luma = 0.299 * planes[0] + 0.587 * planes[1] + 0.114 * planes[2]
    surface = cv2.resize(page_cleanup._paper_surface(page_cleanup._small(luma)), (w, h), interpolation=cv2.INTER_LINEAR)
    surface = np.maximum(surface, 1.0)
    # the paper's colour from every fourth pixel each way: a median of thousands is as good
    sample = (slice(None, None, 4), slice(None, None, 4))
    paper_px = luma[sample] >= 0.9 * surface[sample]
    papers, ratios = [], []
    for plane in planes:
        gain = (float(np.median(plane[sample][paper_px] / surface[sample][paper_px])) if paper_px.any() else 1.0)
        paper = surface * max(gain, 0.05)
        papers.append(paper)
        ratios.append(np.clip(plane / paper, 0.0, 1.5))
    return ratios, papers


def _groups(ratios: list[np.ndarray]) -> list[tuple[tuple[slice, slice], np.ndarray, np.ndarray]]:
    """The groups of light coloured ink over print on the copy (``_ratios``): (its box, the mask
    of its strokes inside the box, its tint)."""
    top = np.maximum(np.maximum(ratios[0], ratios[1]), ratios[2])
    bottom = np.minimum(np.minimum(ratios[0], ratios[1]), ratios[2])
    chroma = top - bottom
    ink = (chroma >= MIN_CHROMA) & (top >= MIN_BRIGHTEST) & (bottom <= MAX_DARKEST)
    if int(ink.sum()) < MIN_INK:
        return []
    printed = (chroma < PRINT_CHROMA) & (top < PRINT_BRIGHTEST)
    ink8 = ink.astype(np.uint8)
    join = max(3, round(JOIN * top.shape[1])) | 1
    joined = cv2.dilate(ink8, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join)))
    near = cv2.dilate(ink8, np.ones((3, 3), np.uint8)).astype(bool)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        box = (slice(y, y + h), slice(x, x + w))
        member = labels[box] == i
        strokes = ink[box] & member
        n = int(strokes.sum())
        if n < MIN_INK // 4:
            continue
        over = int((printed[box] & near[box] & member).sum())
        if over < max(MIN_OVER, MIN_OVER_SHARE * n) or n / float(w * h) > MAX_FILL:
            continue
        tint = np.array([float(np.median(r[box][strokes])) for r in ratios])
        if n < MIN_STAMP or tint.min() < MIN_TINT:
            continue  # a printed word in a full colour (a red credit amount on a rule), not a pad's ink
        found.append((box, strokes, tint))
    return found


def without_stamps(gray: np.ndarray, colour_at: Callable[[float], np.ndarray]) -> tuple[np.ndarray, dict]:
    """``gray`` (a greyscale page) with each group of light coloured ink over print unmixed (see
    the module), and a record for the capture evidence (``stamps``: the groups taken out);
    ``gray`` itself when there is none. ``colour_at(f)`` is the same page in colour, scaled by
    ``f`` (H x W x 3 RGB): it is asked for the small copy, and for the whole page only when a
    stamp was found (a photo's colour page is warped again only then)."""
    f = _scale(gray)
    small = colour_at(f)
    ratios, _ = _ratios(small)
    groups = _groups(ratios)
    if not groups:
        return gray, {}
    rgb = colour_at(1.0) if f < 1.0 else small
    out = gray.copy()
    h, w = gray.shape
    paper_gray = cv2.resize(page_cleanup._paper_surface(page_cleanup._small(gray)), (w, h), interpolation=cv2.INTER_LINEAR)
    for (rows, cols), mask, tint in groups:
        y0, y1 = int(rows.start / f), min(h, int(np.ceil(rows.stop / f)))
        x0, x1 = int(cols.start / f), min(w, int(np.ceil(cols.stop / f)))
        # the strokes and their soft edges (blur and JPEG spread the ink a few pixels; a rim
        # left grey draws the stamp's letters hollow)
        strokes = cv2.dilate(mask.astype(np.uint8), np.ones((EDGE, EDGE), np.uint8))
        strokes = cv2.resize(strokes, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        strokes = cv2.dilate(strokes, np.ones((3, 3), np.uint8)).astype(bool)
        region = out[y0:y1, x0:x1]
        region[strokes] = _unmixed(rgb[y0:y1, x0:x1], gray[y0:y1, x0:x1], paper_gray[y0:y1, x0:x1], tint)[strokes]
    return out, {"stamps": len(groups)}


def _unmixed(rgb: np.ndarray, gray: np.ndarray, paper: np.ndarray, tint: np.ndarray) -> np.ndarray:
    """The grey print under a stamp of colour ``tint`` (each channel's share of the paper).

    Ink over print multiplies: where the stamp covers a share ``a`` of a pixel, its grey is the
    print's times ``1 - a * (1 - tint's grey)``. The share is read from the pixel's colour
    (its chroma against the tint's), and only the grey is divided: a photo's JPEG keeps
    colour at half resolution, so a channel of its own draws thin print broken, while its grey
    is sharp. Under dark print the colour is weak, the share under-read and the print left a
    little darker: print is never lightened away. What is left near the paper is the stamp's
    rim (``RIM``): paper."""
    planes = [rgb[:, :, c].astype(np.float32) for c in range(3)]
    chroma = np.maximum(np.maximum(planes[0], planes[1]), planes[2]) - np.minimum(np.minimum(planes[0], planes[1]), planes[2])
    tint_chroma = max(float(tint.max() - tint.min()), MIN_CHROMA)
    tint_gray = float(0.299 * tint[0] + 0.587 * tint[1] + 0.114 * tint[2])
    share = np.clip(chroma / np.maximum(paper, 1.0) / tint_chroma, 0.0, 1.0)
    alone = np.clip(gray.astype(np.float32) / np.maximum(paper, 1.0) / (1.0 - share * (1.0 - tint_gray)), 0.0, 1.0)
    alone[alone >= RIM] = 1.0
    return np.clip(alone * paper, 0, 255).astype(np.uint8)


def colour_pixels(img: Image.Image) -> Optional[np.ndarray]:
    """The pixels of ``img`` as H x W x 3 RGB when it is a colour image, else None (a grey
    image has no colour to tell inks apart)."""
    if img.mode in ("L", "1", "I", "I;16", "F", "LA", "La"):
        return None
    return np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
