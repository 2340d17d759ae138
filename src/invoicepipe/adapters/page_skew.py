"""Text skew of a page image whose outline was not found, and the page turned straight.

A phone photo taken close up, or on a desk as light as the paper, shows no page edge, so
``page_geometry`` cannot warp it; its text is then read at the angle it was held, and a few
degrees are enough to break Tesseract's rows (and more than ``domain/extraction/skew.py``
can follow, which stops at about 3.4 degrees). The angle is measured from the print itself:
the ink of a small binarised copy is projected onto the vertical at each candidate angle,
and the angle whose profile is sharpest (the largest sum of squared row counts: text rows
and gaps between them line up) is the text's (Postl's projection-profile method).

Straight pages must stay as they are: a rotation resamples every glyph. So the page is
turned only when the measurement is clear, judged by two numbers kept with the capture:
the angle (at least ``MIN_TURN`` degrees, beyond the 0.3-1.5 degrees of a flatbed scan,
which Tesseract and the word-level skew follow well) and the profile's gain (how much
sharper the profile is at that angle than on the image axes; text at the page's own angle
gains many times, a straight page or one without rows gains nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from invoicepipe.adapters.opencv import cv2

MEASURE_SIDE = 1000  # longest side of the copy the skew is measured on (text rows 4-8 px apart)
SEARCH = 12.0  # degrees either way: a hand-held page, not a page on its side (that is orientation)
COARSE_STEP, FINE_STEP = 0.5, 0.05  # degrees
MIN_INK = 2000  # ink pixels on the small copy; fewer are not enough rows to measure
MIN_TURN = 2.0  # degrees: straighter pages are read as they are
MIN_GAIN = 1.3  # profile sharpness at the angle over that on the image axes


@dataclass(frozen=True)
class Skew:
    """The measured text angle (degrees, counter-clockwise as the text rises to the right)
    and how much sharper the row profile is there than at 0 (1.0 when not measured)."""

    angle: float
    gain: float
    ink: int

    @property
    def clear(self) -> bool:
        """Worth turning: past a scanner's skew, sharper than on the axes, and inside the
        search (a best angle at its end is something slanted on the page, such as a stamp,
        or a page on its side, not rows of text)."""
        return MIN_TURN <= abs(self.angle) < SEARCH - COARSE_STEP and self.gain >= MIN_GAIN

    def describe(self) -> dict:
        return {"skew_angle": round(float(self.angle), 2), "skew_gain": round(float(self.gain), 2)}


def _ink(gray: np.ndarray) -> np.ndarray:
    """(x, y) of ink pixels on a small copy, centred on it. A local threshold keeps print
    and drops uneven light (a photo's side light would otherwise be "ink" on one side)."""
    h, w = gray.shape
    f = min(1.0, MEASURE_SIDE / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    ys, xs = np.nonzero(ink)
    sh, sw = small.shape
    return np.stack([xs - sw / 2.0, ys - sh / 2.0], axis=1).astype(np.float32)


def _sharpness(points: np.ndarray, angles_deg: np.ndarray) -> np.ndarray:
    """Sum of squared row counts of the ink turned by each angle."""
    out = np.empty(len(angles_deg))
    x, y = points[:, 0], points[:, 1]
    for i, a in enumerate(np.radians(angles_deg)):
        # the row a pixel falls in when the rows rise by ``a`` to the right (image y points
        # down, so a rising row has y falling with x): along such a row this is constant
        rows = np.round(y * np.cos(a) + x * np.sin(a)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        out[i] = float(np.dot(counts, counts))
    return out


def measure(gray: np.ndarray) -> Skew:
    """The text angle of a greyscale page (``Skew(0, 1, ink)`` when there is too little ink)."""
    points = _ink(gray)
    if len(points) < MIN_INK:
        return Skew(0.0, 1.0, len(points))
    coarse = np.arange(-SEARCH, SEARCH + COARSE_STEP / 2, COARSE_STEP)
    scores = _sharpness(points, coarse)
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - COARSE_STEP, best + COARSE_STEP + FINE_STEP / 2, FINE_STEP)
    fine_scores = _sharpness(points, fine)
    tied = fine[fine_scores == fine_scores.max()]
    angle = round(float(tied[np.argmin(np.abs(tied))]), 2)  # of equally sharp angles, the least turn
    level = float(_sharpness(points, np.array([0.0]))[0])
    return Skew(angle, float(fine_scores.max()) / max(level, 1.0), len(points))


def straighten(gray: np.ndarray, skew: Skew) -> Image.Image:
    """The greyscale page turned by the measured angle so its rows are level, on a canvas
    grown to keep the corners. The new corners repeat the nearest edge pixel: a constant
    fill would be a bright or dark wedge the lighting fit (``page_cleanup``) takes for paper
    lit otherwise, and a mirrored one would print words twice."""
    h, w = gray.shape
    # OpenCV turns counter-clockwise for a positive angle: rising rows are turned back clockwise
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -skew.angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    out_w, out_h = int(np.ceil(w * cos + h * sin)), int(np.ceil(w * sin + h * cos))
    m[0, 2] += out_w / 2.0 - w / 2.0
    m[1, 2] += out_h / 2.0 - h / 2.0
    turned = cv2.warpAffine(gray, m, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(turned)
