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

import cv2
import numpy as np
from PIL import Image, ImageOps

MEASURE_SIDE = 600  # the longest side of the copy the paper is measured on
MAX_UNEVENNESS = 40.0  # grey levels between the brightest and the dimmest 5 % of paper


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


def clean(img: Image.Image) -> tuple[Image.Image, dict]:
    """(greyscale image for OCR, what was measured and chosen)."""
    gray_img = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1", "I", "I;16", "F") else img)
    gray = np.asarray(gray_img)
    stats = measure(gray)
    record = {"unevenness": stats.unevenness, "contrast": round(stats.contrast, 1)}
    if stats.unevenness > MAX_UNEVENNESS:
        gray_img = Image.fromarray(flatten(gray))
        record["cleanup"] = "flattened"
    else:
        record["cleanup"] = "contrast"
    return ImageOps.autocontrast(gray_img, cutoff=1), record
