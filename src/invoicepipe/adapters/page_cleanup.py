"""How a page image is cleaned before OCR, chosen from cheap measurements of the page.

Tesseract binarises with one global Otsu threshold. That is right for an evenly lit page
(a flatbed scan, an image export) and wrong for one lit from the side (a phone photo, a
scan with a shadowed fold): the dim side's paper falls below the threshold and its print
vanishes into black. So the paper's own brightness is estimated (a smooth surface fitted to the
bright part of each tile of a small copy: print is thin, paper is everywhere) and its spread measured; a page whose paper
varies by more than ``MAX_UNEVENNESS`` grey levels is divided by that background, which
makes the paper uniform and keeps the print's contrast, and the result goes to Tesseract
as greyscale (its own Otsu is then right). An even page is only contrast-stretched, so it
costs one small least-squares fit (a few milliseconds).

Table rules are then painted paper-coloured (``erase_rules``). Tesseract takes a rule that
touches the print for part of it: on a photographed grid invoice it read the bordered
column header "Nr. | Artikelnr. | Omschrijving | ... | Bedrag" as "Nja. [omschriving atl]
prisjemwx) _ seerg|" and the rows as "|__1|zAG-1003__|...", and lost the line items. A rule
is a run of ink far longer than any letter's stroke (a thirtieth of the page's long side
across, a fortieth down) and thin; a filled band (a shaded header, a banner) is thick and
is left alone, so white print on it keeps its background. About 60 ms of CPU on a 200 dpi
A4 page, against the seconds its reading takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

MEASURE_SIDE = 600  # the longest side of the copy the paper is measured on
MAX_UNEVENNESS = 40.0  # grey levels between the brightest and the dimmest 5 % of paper
RULE_ACROSS, RULE_DOWN = 30, 40  # a rule is at least 1/30 (1/40) of the long side across (down)
MAX_RULE_WIDTH = 300  # ...and at most 1/300 of the long side thick (7 px at 200 dpi A4)


@dataclass(frozen=True)
class PageStats:
    unevenness: float  # spread of the paper's brightness (p95 - p5 of the background)
    paper: float  # median paper brightness
    ink: float  # 2nd percentile of the page: how dark the print is

    @property
    def contrast(self) -> float:
        return self.paper - self.ink


def _percentile(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear interpolation, the same arithmetic) from a
    partial sort: the general function's bookkeeping cost ten times the work on a tile,
    256 times a page."""
    flat = values.ravel()
    at = q / 100 * (flat.size - 1)
    below = int(np.floor(at))
    above = min(below + 1, flat.size - 1)
    part = np.partition(flat, (below, above))
    a, b, t = float(part[below]), float(part[above]), at - below
    # numpy's lerp, which takes the nearer end when t >= 0.5
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _paper_surface(small: np.ndarray) -> np.ndarray:
    """The paper's brightness as a smooth surface (quadratic in x and y) over ``small``.

    Each tile of a grid gives its 90th percentile (the paper between the print); tiles much
    darker than the fitted surface are content (a dark banner, a photo, a table's shaded
    header) and are left out of the next fit, so only the light falling on the paper is
    modelled and a solid block is never "flattened" away."""
    h, w = small.shape
    n = 16
    ys, xs, vs = [], [], []
    for i in range(n):
        for j in range(n):
            tile = small[i * h // n:(i + 1) * h // n, j * w // n:(j + 1) * w // n]
            if tile.size:
                ys.append((i + 0.5) / n - 0.5)
                xs.append((j + 0.5) / n - 0.5)
                vs.append(_percentile(tile, 90))
    x, y, v = np.array(xs), np.array(ys), np.array(vs)
    design = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)
    keep = np.ones(len(v), bool)
    for _ in range(4):
        coef, *_ = np.linalg.lstsq(design[keep], v[keep], rcond=None)
        residual = v - design @ coef
        keep = residual > -15.0
        if keep.sum() < 12:
            break
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = (gx + 0.5) / w - 0.5, (gy + 0.5) / h - 0.5
    c = coef.astype(np.float32)
    return c[0] + c[1] * gx + c[2] * gy + c[3] * gx * gx + c[4] * gx * gy + c[5] * gy * gy


def _small(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    f = min(1.0, MEASURE_SIDE / max(h, w))
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def measure(gray: np.ndarray) -> PageStats:
    small = _small(gray)
    surface = _paper_surface(small)
    p5, p50, p95 = np.percentile(surface, (5, 50, 95))
    return PageStats(round(float(p95 - p5), 1), round(float(p50), 1), round(float(np.percentile(small, 2)), 1))


def flatten(gray: np.ndarray) -> np.ndarray:
    """The page divided by its estimated paper brightness: uniform paper, print kept."""
    h, w = gray.shape
    surface = cv2.resize(_paper_surface(_small(gray)), (w, h), interpolation=cv2.INTER_LINEAR)
    out = gray.astype(np.float32) / np.maximum(surface, 1.0) * 245.0
    return np.clip(out, 0, 255).astype(np.uint8)


def erase_rules(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """``gray`` with its long thin horizontal and vertical rules painted the paper's colour,
    and the share of the page's pixels that were painted."""
    h, w = gray.shape
    side = max(h, w)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(20, side // RULE_ACROSS)), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(20, side // RULE_DOWN), 1), np.uint8))
    # thin only: a rule has paper on both sides. Ink that fills a square of a rule's
    # greatest width is a band (a shaded header, a banner), and runs next to it are the ink
    # between its white letters, not rules
    width = 2 * max(3, side // MAX_RULE_WIDTH) + 1
    solid = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((width, width), np.uint8)),
                       np.ones((2 * width + 1, 2 * width + 1), np.uint8))
    across, down = cv2.subtract(across, solid), cv2.subtract(down, solid)
    # the rule's soft edge too (blur, JPEG): a grey fringe beside a letter is read as a stroke
    rules = cv2.dilate(cv2.bitwise_or(across, down), np.ones((3, 3), np.uint8))
    painted = int(cv2.countNonZero(rules))
    if not painted:
        return gray, 0.0
    out = gray.copy()
    out[rules > 0] = np.uint8(_percentile(gray[::4, ::4], 90))  # the paper, from a sparse sample
    return out, painted / float(h * w)


def clean(img: Image.Image, rules: bool = True) -> tuple[Image.Image, dict]:
    """(greyscale image for OCR, what was measured and chosen); ``rules`` False keeps table
    rules (a measurement of the page that removes them itself)."""
    gray_img = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1", "I", "I;16", "F") else img)
    gray = np.asarray(gray_img)
    stats = measure(gray)
    record = {"unevenness": stats.unevenness, "contrast": round(stats.contrast, 1)}
    if stats.unevenness > MAX_UNEVENNESS:
        gray_img = Image.fromarray(flatten(gray))
        record["cleanup"] = "flattened"
    else:
        record["cleanup"] = "contrast"
    out = ImageOps.autocontrast(gray_img, cutoff=1)
    if rules:
        erased, share = erase_rules(np.asarray(out))
        record["rules_erased"] = round(share, 4)
        out = Image.fromarray(erased) if share else out
    return out, record
