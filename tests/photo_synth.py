"""Synthetic phone photos of a page, with the true page corners, for the geometry tests and
the capture benchmark.

A page image is warped with ``cv2.warpPerspective`` onto a textured, darker background (a
desk), then lit unevenly (a gradient and a vignette, as from a lamp at one side), blurred a
little, given sensor noise and saved as JPEG, the way a phone camera delivers it. Everything
is driven by one seed.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image


def desk_texture(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """A wood-grain-like RGB background: low-frequency noise plus streaks, mid to dark."""
    h, w = size
    low = cv2.resize(rng.random((h // 64 + 2, w // 64 + 2)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    streaks = np.sin(np.linspace(0, rng.uniform(20, 60), w, dtype=np.float32))[None, :] * 0.15
    fine = rng.normal(0, 0.05, (h, w)).astype(np.float32)
    base = np.clip(0.35 + 0.25 * low + streaks + fine, 0, 1)
    tint = np.array(rng.uniform(0.6, 1.0, 3), dtype=np.float32)
    return (base[..., None] * tint[None, None, :] * 200).astype(np.uint8)


def white_desk(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """A white table or sheet under the page: as bright and as smooth as paper, so the page
    has no edge to find."""
    h, w = size
    low = cv2.resize(rng.random((h // 256 + 2, w // 256 + 2)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    return np.repeat((238 + 8 * low)[..., None], 3, axis=2).astype(np.uint8)


def photograph(page: Image.Image, seed: int = 0, canvas: tuple[int, int] = (2600, 3400), tilt: float = 0.08,
               light: float = 0.45, rotate180: bool = False, spin: float = 0.0, white: bool = False,
               share: tuple[float, float] = (0.55, 0.75)) -> tuple[bytes, np.ndarray]:
    """(JPEG bytes, the page's 4 corners in the photo: top-left, top-right, bottom-right,
    bottom-left of the upright page). ``tilt`` is the corner jitter as a fraction of the page
    size, ``light`` how much darker the dim side is, ``spin`` the page's turn in the frame
    (degrees, counter-clockwise), ``white`` a desk as light as the paper (no page edge to
    find), ``share`` the range of the frame's width the page covers."""
    rng = np.random.default_rng(seed)
    src = np.asarray(page.convert("RGB"))
    if rotate180:
        src = src[::-1, ::-1].copy()
    ph, pw = src.shape[:2]
    H, W = canvas[1], canvas[0]
    # the page covers 55-75 % of the frame's width, centred with some play
    scale = rng.uniform(*share) * W / pw
    cw, chh = pw * scale, ph * scale
    cx, cy = W / 2 + rng.uniform(-0.05, 0.05) * W, H / 2 + rng.uniform(-0.04, 0.04) * H
    square = np.array([[cx - cw / 2, cy - chh / 2], [cx + cw / 2, cy - chh / 2],
                       [cx + cw / 2, cy + chh / 2], [cx - cw / 2, cy + chh / 2]], dtype=np.float32)
    jitter = rng.uniform(-tilt, tilt, (4, 2)).astype(np.float32) * np.array([cw, chh], dtype=np.float32)
    corners = square + jitter
    if spin:
        a = np.radians(spin)
        turn = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]], dtype=np.float32)  # y points down
        corners = ((corners - [cx, cy]) @ turn.T + [cx, cy]).astype(np.float32)
    src_pts = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src_pts, corners)
    warped = cv2.warpPerspective(src, m, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (W, H), flags=cv2.INTER_NEAREST)
    desk = white_desk(rng, (H, W)) if white else desk_texture(rng, (H, W))
    photo = np.where(mask[..., None] > 0, warped, desk).astype(np.float32)
    # light falls off from one side, and towards the corners
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ramp = (np.cos(angle) * (xx / W - 0.5) + np.sin(angle) * (yy / H - 0.5)) + 0.5
    vignette = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2)
    gain = np.clip(1.0 - light * ramp - 0.35 * vignette, 0.3, 1.0)
    photo = photo * gain[..., None] * rng.uniform(0.85, 0.95)
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.6, 1.1))
    photo += rng.normal(0, 3.0, photo.shape).astype(np.float32)
    out = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=int(rng.integers(78, 90)))
    if rotate180:  # the upright page's top-left is where the photo shows the page's bottom-right
        corners = corners[[2, 3, 0, 1]]
    return buf.getvalue(), corners


def render_pdf_page(pdf: bytes, dpi: int = 200) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
