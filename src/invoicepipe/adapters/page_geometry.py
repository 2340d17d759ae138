"""Page detection and perspective correction for photographed pages (OpenCV).

A phone photo shows the page as a quadrilateral on a desk, tilted in perspective and lit
unevenly; Tesseract reads such an image badly (slanted lines break its line finder, the
desk becomes "words"). This module finds the page's four corners, warps the page to an
upright rectangle of the page's own aspect ratio at a resolution Tesseract reads well, and
turns it by a multiple of 90 degrees when Tesseract's orientation detection is sure.

Whether an image is a photo is decided from measured evidence, not from its file type: a
clear quadrilateral edge must enclose a good part of the frame, its corners must be
plausible for a sheet seen from above, and what lies outside it must not look like paper
(darker or textured than the page just inside). A flatbed scan or a clean image export has
paper up to its edges, so it fails the last test and is read as it is, at no extra cost
beyond one downscaled edge pass (a few milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from PIL import Image

from invoicepipe.adapters import page_cleanup, page_keystone, page_orientation, page_skew, page_stamps
from invoicepipe.adapters.opencv import cv2

DETECT_SIDE = 720  # the longest side of the copy corners are searched on
MIN_AREA = 0.20  # a page smaller than this part of the frame is not trusted as a page
MAX_AREA = 0.985  # a quadrilateral filling the frame is the frame (a scan), nothing to warp
MIN_ANGLE, MAX_ANGLE = 55.0, 125.0  # corner angles of a sheet photographed from roughly above
MIN_BORDER_DROP = 25.0  # outside must be this much darker (grey levels) than the paper inside...
MIN_BORDER_TEXTURE = 14.0  # ...or this much more textured (std of grey levels)
TARGET_LONG_SIDE = 2339  # A4's long side at 200 dpi: what Tesseract is tuned for on our scans
PAPER_RATIOS = {"A4": (595.0, 842.0), "Letter": (612.0, 792.0)}  # points
RATIO_SNAP = 0.06  # a measured aspect ratio within 6 % of a paper size is taken to be it


@dataclass(frozen=True)
class PageGeometry:
    """What was done to one page image before OCR, kept in the reading's evidence.

    ``corners`` are in the original image's pixels (top-left, top-right, bottom-right,
    bottom-left of the upright page); word boxes of a corrected page refer to the corrected
    image (``PageImages`` serves that one to the reviewer)."""

    warped: bool = False
    corners: tuple[tuple[float, float], ...] = ()
    rotation: int = 0  # degrees clockwise the page was turned after warping
    size: tuple[int, int] = (0, 0)  # pixels of the image OCR read
    evidence: dict = field(default_factory=dict)
    straightened: float = 0.0  # degrees the text rose to the right (page_skew), turned level; no outline found
    flattened: bool = False  # the rows' convergence undone (page_keystone); no outline found

    @property
    def changed(self) -> bool:
        """Whether OCR read another image than the one received (boxes refer to that one)."""
        return self.warped or bool(self.straightened) or self.flattened

    def describe(self) -> dict:
        """The record stored with the extraction (JSON): OpenCV hands back numpy scalars
        (float32 corners), which JSON cannot store, so every number is a Python one here."""
        out = {"warped": self.warped, "rotation": int(self.rotation),
               **{k: (v.item() if hasattr(v, "item") else v) for k, v in self.evidence.items()}}
        if self.straightened:
            out["straightened"] = round(float(self.straightened), 2)
        if self.flattened:
            out["flattened"] = True
        if self.warped:
            out["corners"] = [[round(float(x), 1), round(float(y), 1)] for x, y in self.corners]
        return out


def _to_gray(img: Image.Image) -> np.ndarray:
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    arr = np.asarray(img)
    return arr if arr.ndim == 2 else cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def _angles(quad: np.ndarray) -> list[float]:
    out = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        v1, v2 = a - b, c - b
        cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-9))
        out.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return out


def _quad_candidates(small: np.ndarray) -> list[np.ndarray]:
    """Four-cornered outlines: from edges (robust to uneven light) and from the bright region
    (robust to a low-contrast page edge)."""
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    med = float(np.median(blur))
    edges = cv2.Canny(blur, max(10, 0.5 * med), min(255, 1.2 * med + 20))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    quads = []
    for mask in (edges, bright):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            hull = cv2.convexHull(c)
            peri = cv2.arcLength(hull, True)
            for eps in (0.02, 0.035, 0.05):
                approx = cv2.approxPolyDP(hull, eps * peri, True)
                if len(approx) == 4:
                    quads.append(_order(approx))
                    break
    return quads


def _ring_stats(small: np.ndarray, quad: np.ndarray) -> tuple[float, float, float, float]:
    """(median and std of the band just inside the quadrilateral, same for the band outside)."""
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    band = max(4, round(0.03 * max(small.shape)))
    kernel = np.ones((band, band), np.uint8)
    inner = cv2.subtract(inside, cv2.erode(inside, kernel))
    outer = cv2.subtract(cv2.dilate(inside, kernel), inside)
    vi, vo = small[inner > 0], small[outer > 0]
    if vi.size == 0 or vo.size == 0:
        return 0.0, 0.0, 0.0, 0.0
    return float(np.median(vi)), float(vi.std()), float(np.median(vo)), float(vo.std())


def find_page(img: Image.Image) -> tuple[Optional[np.ndarray], dict]:
    """The page's corners in ``img`` pixels when the image is a photo of a page, else None;
    with the measurements the decision was made on."""
    gray = _to_gray(img)
    h, w = gray.shape
    f = DETECT_SIDE / max(h, w)
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    f = min(f, 1.0)
    area = float(small.shape[0] * small.shape[1])
    best, evidence = None, {"page_found": False}
    for quad in _quad_candidates(small):
        frac = cv2.contourArea(quad) / area
        angles = _angles(quad)
        if not MIN_AREA <= frac <= MAX_AREA or not all(MIN_ANGLE <= a <= MAX_ANGLE for a in angles):
            continue
        paper, paper_std, outside, outside_std = _ring_stats(small, quad)
        drop, texture = paper - outside, outside_std - paper_std
        if drop < MIN_BORDER_DROP and texture < MIN_BORDER_TEXTURE:
            continue  # paper on both sides of the line: a table rule or a box, not the page edge
        score = frac
        if best is None or score > best[0]:
            best = (score, quad)
            evidence = {"page_found": True, "page_area": round(frac, 3), "border_drop": round(drop, 1),
                        "border_texture": round(texture, 1), "corner_angles": [round(a) for a in angles]}
    if best is None:
        return None, evidence
    return _refine(gray, best[1] / f), evidence


def _refine(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Corners to sub-pixel precision on the full image: the coarse ones come from a dilated
    edge map on a small copy and sit a few pixels outside the true edge. A corner that the
    refinement moves further than its search window (it locked onto print or a shadow)
    keeps its coarse place."""
    win = 21
    refined = quad.reshape(-1, 1, 2).astype(np.float32).copy()
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    cv2.cornerSubPix(blur, refined, (win, win), (-1, -1), (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 0.01))
    refined = refined.reshape(4, 2)
    moved = np.linalg.norm(refined - quad, axis=1)
    return np.where((moved <= 1.5 * win)[:, None], refined, quad).astype(np.float32)


def _page_size(quad: np.ndarray) -> tuple[float, float, Optional[str]]:
    """(width, height) of the page in points, from its measured aspect ratio (snapped to a
    paper size when close; A4 width otherwise)."""
    tl, tr, br, bl = quad
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    ratio = height / max(width, 1.0)
    for name, (pw, ph) in PAPER_RATIOS.items():
        for (a, b) in ((pw, ph), (ph, pw)):
            if abs(ratio - b / a) / (b / a) <= RATIO_SNAP:
                return a, b, name
    return 595.0, 595.0 * ratio, None


def _warp(quad: np.ndarray) -> tuple[np.ndarray, tuple[int, int], float, Optional[str]]:
    """(perspective matrix, output size, pixels per point, paper name) of the page ``quad``."""
    width_pt, height_pt, paper = _page_size(quad)
    # a plain float: a numpy scalar here would reach page sizes and word boxes, which are stored as JSON
    px_per_pt = float(TARGET_LONG_SIDE / max(width_pt, height_pt))
    out_w, out_h = round(width_pt * px_per_pt), round(height_pt * px_per_pt)
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32)
    return cv2.getPerspectiveTransform(quad.astype(np.float32), dst), (out_w, out_h), px_per_pt, paper


def warp_page(img: Image.Image, quad: np.ndarray) -> tuple[Image.Image, float, Optional[str]]:
    """The page cut out and made rectangular: (grayscale image, pixels per point, paper name).
    A colour photo's stamps over the print are taken out of the grey page (``page_stamps``);
    ``warp_page_and_stamps`` says which were."""
    return warp_page_and_stamps(img, quad)[:3]


def warp_page_and_stamps(img: Image.Image, quad: np.ndarray) -> tuple[Image.Image, float, Optional[str], dict]:
    """``warp_page`` and the record of the stamps taken out (``page_stamps``; empty when none)."""
    m, size, px_per_pt, paper = _warp(quad)
    warped = cv2.warpPerspective(_to_gray(img), m, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    record: dict = {}
    colour = page_stamps.colour_pixels(img)
    if colour is not None:
        # the grey page is warped as before and stays bit for bit what it was unless a stamp
        # is found on the colour page warped alike (small first, whole only then)
        def colour_at(f: float) -> np.ndarray:
            scaled = np.diag([f, f, 1.0]) @ m
            return cv2.warpPerspective(colour, scaled, (round(size[0] * f), round(size[1] * f)),
                                       flags=cv2.INTER_LINEAR if f < 1.0 else cv2.INTER_CUBIC,
                                       borderMode=cv2.BORDER_REPLICATE)
        warped, record = page_stamps.without_stamps(warped, colour_at)
    return Image.fromarray(warped), px_per_pt, paper, record


def _without_stamps(img: Image.Image) -> tuple[Image.Image, dict]:
    """A colour image without an outline: its grey copy with the stamps over the print taken
    out (``page_stamps``), or ``img`` itself when it is grey or has none."""
    colour = page_stamps.colour_pixels(img)
    if colour is None:
        return img, {}
    gray, record = page_stamps.without_stamps(_to_gray(img), page_stamps.resized(colour))
    return (Image.fromarray(gray), record) if record else (img, {})


def orientation(img: Image.Image, detect) -> int:
    """Clockwise degrees (0/90/180/270) to turn ``img`` upright, from ``detect`` (Tesseract
    OSD: returns (rotate, confidence)); 0 when it is unsure or fails."""
    try:
        rotate, confidence = detect(img)
    except Exception:  # noqa: BLE001 - orientation is an improvement, never a reason to fail a page
        return 0
    return rotate if rotate in (90, 180, 270) and confidence >= 2.0 else 0


def _rotation(page: Image.Image, detect, evidence: dict) -> tuple[int, dict]:
    """Clockwise degrees to turn the warped ``page`` upright, and the evidence with what was
    measured. The print's own top/bottom balance (``page_orientation``) decides when it is
    clear: it reads a page turned 180 degrees that OSD was unsure of, and it overrules the
    "turn 180" OSD claims of upright photos. Only a page it cannot judge (too few words in
    rows, or a page on its side) asks OSD, which then has to say the same on the raw and on
    the evenly lit page."""
    cleaned = page_cleanup.clean(page)[0]
    measured = page_orientation.measure(_to_gray(cleaned))
    evidence = {**evidence, **measured.describe()}
    if measured.clear:
        return (180 if measured.upside_down else 0), evidence
    rotation = orientation(page, detect) if detect else 0
    if rotation and orientation(cleaned, detect) != rotation:
        # OSD is a weak witness on photos: it named a Courier page's script Greek and said
        # "turn 180" of the upright page. A turn must also be seen on the page lit evenly,
        # as Tesseract will read it (asked only when a turn is claimed, which is rare)
        rotation = 0
    return rotation, evidence


def _level(img: Image.Image, px_per_pt: float, evidence: dict) -> tuple[Image.Image, float, PageGeometry]:
    """A page without a found outline: its rows made parallel and level when they clearly
    converge (``page_keystone``: a page photographed at a slant), else turned level when its
    measured text angle is clear (``page_skew``), else as it is."""
    gray = _to_gray(img)
    skew = page_skew.measure(gray)
    keystone = page_keystone.measure(gray)
    evidence = {**evidence, **skew.describe(), **keystone.describe()}
    flat = page_keystone.flatten(gray, keystone) if keystone.clear else None
    if flat is not None:
        return flat, px_per_pt, PageGeometry(False, (), 0, flat.size, evidence, straightened=round(keystone.angle, 2),
                                             flattened=True)
    if not skew.clear:
        return img, px_per_pt, PageGeometry(False, (), 0, img.size, evidence)
    level = page_skew.straighten(gray, skew)
    return level, px_per_pt, PageGeometry(False, (), 0, level.size, evidence, straightened=skew.angle)


def turn(img: Image.Image, degrees_clockwise: int) -> Image.Image:
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return img.transpose(ops[degrees_clockwise]) if degrees_clockwise in ops else img


def correct(img: Image.Image, px_per_pt: float, detect_orientation=None) -> tuple[Image.Image, float, PageGeometry]:
    """The image OCR should read, its pixels per point and what was done.

    An image without a page outline comes back unchanged (``warped`` False), unless its
    rows clearly converge: then they are made parallel and level (``page_keystone``;
    ``flattened``), or its text is clearly tilted by more than a scanner's skew: then it is
    turned level (``page_skew``; ``straightened`` says by how much)."""
    quad, evidence = find_page(img)
    if quad is None:
        img, stamps = _without_stamps(img)
        return _level(img, px_per_pt, {**evidence, **stamps})
    page, px, paper, stamps = warp_page_and_stamps(img, quad)
    evidence = {**evidence, **stamps}
    rotation, evidence = _rotation(page, detect_orientation, evidence)
    page = turn(page, rotation)
    if paper:
        evidence = {**evidence, "paper": paper}
    corners = tuple((float(x), float(y)) for x, y in quad)
    return page, px, PageGeometry(True, corners, rotation, page.size, evidence)
