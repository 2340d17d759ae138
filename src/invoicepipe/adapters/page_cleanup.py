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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image, ImageOps

from invoicepipe.adapters.opencv import cv2

MEASURE_SIDE = 600  # the longest side of the copy the paper is measured on
MAX_UNEVENNESS = 40.0  # grey levels between the brightest and the dimmest 5 % of paper
TILES = 16  # the paper is measured in a grid of this many tiles each way


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
    return _lerp(float(part[below]), float(part[above]), at - below)


def _lerp(a: float, b: float, t: float) -> float:
    # numpy's lerp, which takes the nearer end when t >= 0.5
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _tile_percentiles(small: np.ndarray, n: int, q: float) -> list[float]:
    """``_percentile(tile, q)`` of each non-empty tile of an ``n`` x ``n`` grid over ``small``,
    row by row: the same order statistics and arithmetic, but one partition per tile shape
    (a grid over any image has at most four) instead of one per tile, whose call overhead
    was most of the lighting measurement's cost (256 tiles of about a thousand pixels)."""
    h, w = small.shape
    rows = [(i * h // n, (i + 1) * h // n) for i in range(n)]
    cols = [(j * w // n, (j + 1) * w // n) for j in range(n)]
    tiles = [(r, c) for r in rows for c in cols if r[1] > r[0] and c[1] > c[0]]
    out = [0.0] * len(tiles)
    by_shape: dict[tuple[int, int], list[int]] = {}
    for k, ((r0, r1), (c0, c1)) in enumerate(tiles):
        by_shape.setdefault((r1 - r0, c1 - c0), []).append(k)
    for (th, tw), members in by_shape.items():
        size = th * tw
        at = q / 100 * (size - 1)
        below = int(np.floor(at))
        above = min(below + 1, size - 1)
        stack = np.empty((len(members), size), small.dtype)
        for row, k in enumerate(members):
            (r0, r1), (c0, c1) = tiles[k]
            stack[row] = small[r0:r1, c0:c1].ravel()
        part = np.partition(stack, (below, above), axis=1)
        for row, k in enumerate(members):
            out[k] = _lerp(float(part[row, below]), float(part[row, above]), at - below)
    return out


def _paper_surface(small: np.ndarray) -> np.ndarray:
    """The paper's brightness as a smooth surface (quadratic in x and y) over ``small``.

    Each tile of a grid gives its 90th percentile (the paper between the print); tiles much
    darker than the fitted surface are content (a dark banner, a photo, a table's shaded
    header) and are left out of the next fit, so only the light falling on the paper is
    modelled and a solid block is never "flattened" away."""
    h, w = small.shape
    n = TILES
    ys, xs, vs = [], [], []
    for i in range(n):
        for j in range(n):
            if (i + 1) * h // n > i * h // n and (j + 1) * w // n > j * w // n:
                ys.append((i + 0.5) / n - 0.5)
                xs.append((j + 0.5) / n - 0.5)
    vs = _tile_percentiles(small, n, 90)
    x, y, v = np.array(xs), np.array(ys), np.array(vs)
    design = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)
    keep = np.ones(len(v), bool)
    for _ in range(4):
        coef, *_ = np.linalg.lstsq(design[keep], v[keep], rcond=None)
        residual = v - design @ coef
        keep = residual > -15.0
        if keep.sum() < 12:
            break
    # a row of x and a column of y, broadcast: the same float32 arithmetic per pixel as on
    # full coordinate grids, without building and filling two of them
    gx = (np.arange(w, dtype=np.float32)[None, :] + 0.5) / w - 0.5
    gy = (np.arange(h, dtype=np.float32)[:, None] + 0.5) / h - 0.5
    c = coef.astype(np.float32)
    return c[0] + c[1] * gx + c[2] * gy + c[3] * gx * gx + c[4] * gx * gy + c[5] * gy * gy


def _small(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    f = min(1.0, MEASURE_SIDE / max(h, w))
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def measure(gray: np.ndarray) -> PageStats:
    small = _small(gray)
    return _stats(small, _paper_surface(small))


def _stats(small: np.ndarray, surface: np.ndarray) -> PageStats:
    p5, p50, p95 = np.percentile(surface, (5, 50, 95))
    return PageStats(round(float(p95 - p5), 1), round(float(p50), 1), round(float(np.percentile(small, 2)), 1))


def flatten(gray: np.ndarray, surface: Optional[np.ndarray] = None) -> np.ndarray:
    """The page divided by its estimated paper brightness: uniform paper, print kept.
    ``surface``: the paper's surface over ``_small(gray)`` when it was already fitted."""
    h, w = gray.shape
    surface = _paper_surface(_small(gray)) if surface is None else surface
    surface = cv2.resize(surface, (w, h), interpolation=cv2.INTER_LINEAR)
    out = gray.astype(np.float32) / np.maximum(surface, 1.0) * 245.0
    return np.clip(out, 0, 255).astype(np.uint8)


def clean(img: Image.Image) -> tuple[Image.Image, dict]:
    """(greyscale image for OCR, what was measured and chosen)."""
    gray_img = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1", "I", "I;16", "F") else img)
    gray = np.asarray(gray_img)
    small = _small(gray)
    surface = _paper_surface(small)  # fitted once: the measurement and the flattening share it
    stats = _stats(small, surface)
    record = {"unevenness": stats.unevenness, "contrast": round(stats.contrast, 1)}
    if stats.unevenness > MAX_UNEVENNESS:
        gray_img = Image.fromarray(flatten(gray, surface))
        record["cleanup"] = "flattened"
    else:
        record["cleanup"] = "contrast"
    return ImageOps.autocontrast(gray_img, cutoff=1), record
