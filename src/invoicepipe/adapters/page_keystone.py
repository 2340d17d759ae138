"""Perspective of a page image without a found outline, measured from its text rows.

A page photographed at a slant shows its rows converging: held turned about its long side,
the rows on the near side of the page are further apart and tilt one way, those on the far
side the other. One rotation (``page_skew``) levels the rows in the middle and leaves the
top and bottom ones slanted, and Tesseract joins slanted rows of neighbouring columns
into one line. Without the page edge, the rows themselves say where they meet: every
straight run of print (a row of words, a table rule) is a line through the same vanishing
point. So:

- runs of print are found on a small binarised copy (ink closed sideways so that the
  letters of a row join, then connected components long and flat enough to be a row's run);
- each run's angle is fitted to its pixels, and the point all runs meet at (a point at
  infinity when they are parallel) is the least-squares solution of their lines, refitted
  without the runs that disagree;
- the page is flattened only when the evidence is strong: enough runs, a convergence across
  the print of at least ``MIN_CONVERGENCE`` degrees (a flatbed scan's rows are parallel),
  and the vanishing point explaining the runs' angles clearly better than one common angle.

The homography sends the vanishing point's line (through the rows' point and the point at
infinity of the columns, taken perpendicular to the rows at the page's centre) to infinity,
which makes the rows parallel, and turns them level; it is the identity at the image centre,
so the print there keeps its resolution. The columns' own convergence (a page held tilted
towards the camera) is not corrected: it leaves rows level and Tesseract reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image

from invoicepipe.adapters.opencv import cv2, pieces_with_stats

MEASURE_SIDE = 1400  # longest side of the copy the runs are found on (a row 8-14 px high)
CLOSE = 0.012  # sideways closing, share of the copy's width: joins the letters and words of a row
RULE = 0.06  # a run of ink this share of the copy's width long without a gap is a rule, not print
MIN_RUN = 0.03  # a run shorter than this share of the copy's width gives no usable angle
MAX_RUN_HEIGHT = 0.025  # a run thicker than this share of the copy's height is a logo or a block
MIN_RUNS = 24  # fewer runs are not enough to tell convergence from noise
MIN_CONVERGENCE = 0.5  # degrees between the rows' angles at the top and the bottom of the print
MIN_GAIN = 1.6  # the angles' spread around one common angle over their spread around the point
MAX_STRETCH = 1.6  # the most a corner of the image may be enlarged or shrunk: beyond, it is no photo of a page
MAX_RESIDUAL = 1.0  # degrees off the point that a run may be and still count as a row (short runs are ragged)
SEARCH = 15.0  # degrees: rows steeper than this are no rows of a page held upright


@dataclass(frozen=True)
class Keystone:
    """The rows' vanishing point in normalised image coordinates (homogeneous; centre at 0,
    half the longest side as unit), the rows' angle at the centre (degrees, rising to the
    right is positive), their convergence across the print (degrees), the gain of the point
    over one common angle and the number of runs measured."""

    point: Optional[tuple[float, float, float]]
    angle: float
    convergence: float
    gain: float
    runs: int

    @property
    def clear(self) -> bool:
        return (self.point is not None and self.runs >= MIN_RUNS and self.convergence >= MIN_CONVERGENCE
                and self.gain >= MIN_GAIN)

    def describe(self) -> dict:
        return {"keystone_convergence": round(float(self.convergence), 2), "keystone_gain": round(float(self.gain), 2),
                "keystone_runs": int(self.runs)}


NONE = Keystone(None, 0.0, 0.0, 1.0, 0)


def _runs(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(centres (n, 2), angles in radians (n,), lengths (n,)) of the runs of print, in the small
    copy's pixels, and the copy's scale against ``gray``."""
    h, w = gray.shape
    f = min(1.0, MEASURE_SIDE / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    sh, sw = small.shape
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    # long rules (a table's grid) are cut from the print before the letters are joined: a
    # grid joins its rows of text into one blob that no angle can be fitted to; the cells'
    # rows then count one by one. A rule slanted by a few degrees survives the opening of a
    # copy thickened by a few pixels
    thick = cv2.dilate(ink, np.ones((5, 1), np.uint8))
    rules = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, max(3, round(RULE * sw))), np.uint8))
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rules, np.ones((3, 3), np.uint8))))
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, max(3, round(CLOSE * sw))), np.uint8))
    count, labels, stats, _ = pieces_with_stats(closed, connectivity=8)
    min_len, max_h = MIN_RUN * sw, MAX_RUN_HEIGHT * sh
    # a run's box grows with its slant: allow for rows up to SEARCH degrees steep
    keep = [i for i in range(1, count)
            if stats[i, cv2.CC_STAT_WIDTH] >= min_len
            and stats[i, cv2.CC_STAT_HEIGHT] <= max_h + stats[i, cv2.CC_STAT_WIDTH] * np.tan(np.radians(SEARCH))
            and stats[i, cv2.CC_STAT_WIDTH] >= 4 * stats[i, cv2.CC_STAT_HEIGHT]]
    if not keep:
        return np.zeros((0, 2)), np.zeros(0), np.zeros(0), f
    wanted = np.zeros(count, bool)
    wanted[keep] = True
    ys, xs = np.nonzero(wanted[labels] & (ink > 0))  # the ink of the kept runs, not the closing's bridges
    lab = labels[ys, xs]
    order = np.argsort(lab, kind="stable")
    lab, xs, ys = lab[order], xs[order].astype(np.float64), ys[order].astype(np.float64)
    starts = np.searchsorted(lab, keep)
    ends = np.searchsorted(lab, keep, side="right")
    centres, angles, lengths = [], [], []
    for s, e in zip(starts, ends):
        if e - s < 10:
            continue
        x, y = xs[s:e], ys[s:e]
        mx, my = x.mean(), y.mean()
        vx = float(((x - mx) ** 2).mean())
        if vx <= 0:
            continue
        slope = float(((x - mx) * (y - my)).mean()) / vx
        centres.append((mx, my))
        angles.append(-np.arctan(slope))  # image y points down: a rising row has a negative slope
        lengths.append(float(x.max() - x.min()))
    return np.array(centres), np.array(angles), np.array(lengths), f


def _lines(centres: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Homogeneous lines (a, b, c) with a x + b y + c = 0 through each centre at its angle, in
    normalised coordinates with y pointing up (so a rising row has a positive angle)."""
    a, b = -np.sin(angles), np.cos(angles)
    c = -(a * centres[:, 0] + b * centres[:, 1])
    return np.stack([a, b, c], axis=1)


def _point(lines: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The point closest to all lines (weighted least squares of their algebraic distances)."""
    m = (lines * weights[:, None]).T @ lines
    _vals, vecs = np.linalg.eigh(m)
    return vecs[:, 0]


def _angles_towards(point: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The angle (radians, in (-pi/2, pi/2]) of the line from each centre to ``point``."""
    x, y, w = point
    if abs(w) < 1e-9:
        d = np.tile([x, y], (len(centres), 1))
    else:
        d = np.array([x / w, y / w]) - centres
    ang = np.arctan2(d[:, 1], d[:, 0])
    return (ang + np.pi / 2) % np.pi - np.pi / 2


def _spread(residuals: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sqrt(np.sum(weights * residuals ** 2) / max(np.sum(weights), 1e-9)))


def _wrap(a: np.ndarray) -> np.ndarray:
    return (a + np.pi / 2) % np.pi - np.pi / 2


def measure(gray: np.ndarray) -> Keystone:
    """The rows' vanishing point of a greyscale page and how clear it is."""
    centres, angles, lengths, f = _runs(gray)
    if len(angles) < MIN_RUNS:
        return Keystone(None, 0.0, 0.0, 1.0, len(angles))
    h, w = gray.shape[0] * f, gray.shape[1] * f
    half = max(h, w) / 2
    pts = np.stack([(centres[:, 0] - w / 2) / half, -(centres[:, 1] - h / 2) / half], axis=1)
    # a run's angle is as precise as it is long (the letters' ragged top and bottom over its length)
    weights = (lengths / lengths.max()) ** 2
    keep = np.abs(angles) <= np.radians(SEARCH)
    point = None
    for _ in range(3):  # refit without the runs that disagree (a slanted stamp, a signature)
        if keep.sum() < MIN_RUNS:
            return Keystone(None, 0.0, 0.0, 1.0, int(keep.sum()))
        point = _point(_lines(pts[keep], angles[keep]), weights[keep])
        residual = np.abs(_wrap(angles - _angles_towards(point, pts)))
        limit = max(np.radians(MAX_RESIDUAL), 3.0 * float(np.median(residual[keep])))
        keep = keep & (residual <= limit)
    used = keep
    common = float(np.average(angles[used], weights=weights[used]))
    spread_common = _spread(angles[used] - common, weights[used])
    spread_point = _spread(_wrap(angles[used] - _angles_towards(point, pts[used])), weights[used])
    gain = spread_common / max(spread_point, 1e-6)
    # the rows' angles at the top and bottom of the print (and at its sides), towards the point
    xs, ys = pts[used, 0], pts[used, 1]
    probes = np.array([[0.0, ys.max()], [0.0, ys.min()], [xs.min(), 0.0], [xs.max(), 0.0]])
    towards = np.degrees(_angles_towards(point, probes))
    convergence = max(abs(towards[0] - towards[1]), abs(towards[2] - towards[3]))
    centre_angle = float(np.degrees(_angles_towards(point, np.zeros((1, 2)))[0]))
    return Keystone(tuple(float(v) for v in point), centre_angle, float(convergence), float(gain), int(used.sum()))


def homography(shape: tuple[int, int], keystone: Keystone) -> Optional[tuple[np.ndarray, tuple[int, int]]]:
    """(3x3 matrix in image pixels, output (width, height)) that makes the rows parallel and
    level, or None when it would stretch the image beyond a photographed page's."""
    h, w = shape
    half = max(h, w) / 2
    theta = np.radians(keystone.angle)
    vh = np.array(keystone.point)
    vv = np.array([-np.sin(theta), np.cos(theta), 0.0])  # the columns: perpendicular to the rows at the centre
    horizon = np.cross(vh, vv)
    if abs(horizon[2]) < 1e-9:
        return None  # the horizon runs through the centre: the point is on the page
    l1, l2 = horizon[0] / horizon[2], horizon[1] / horizon[2]
    # normalised coordinates (y up, centre 0) -> pixels, and back
    to_norm = np.array([[1 / half, 0, -w / 2 / half], [0, -1 / half, h / 2 / half], [0, 0, 1]])
    project = np.array([[1, 0, 0], [0, 1, 0], [l1, l2, 1.0]])
    c, s = np.cos(-theta), np.sin(-theta)
    level = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    m = np.linalg.inv(to_norm) @ level @ project @ to_norm
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64)
    depth = (project @ to_norm @ corners.T)[2]
    if np.any(depth < 1 / MAX_STRETCH) or np.any(depth > MAX_STRETCH):
        return None
    moved = (m @ corners.T).T
    moved = moved[:, :2] / moved[:, 2:3]
    x0, y0 = moved.min(axis=0)
    x1, y1 = moved.max(axis=0)
    out_w, out_h = int(np.ceil(x1 - x0)), int(np.ceil(y1 - y0))
    if out_w * out_h > MAX_STRETCH * w * h:
        return None
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]])
    return shift @ m, (out_w, out_h)


def flatten(gray: np.ndarray, keystone: Keystone) -> Optional[Image.Image]:
    """The page with its rows parallel and level, or None when the measured point would
    stretch it implausibly. New corners repeat the nearest edge pixel (as ``page_skew``)."""
    found = homography(gray.shape, keystone)
    if found is None:
        return None
    m, size = found
    return Image.fromarray(cv2.warpPerspective(gray, m, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE))
