"""A part of a page image cut out, with a margin, and enlarged for a second reading.

The second readings of a page (``ocr_garbled``'s spots, ``ocr_identifiers``' codes,
``ocr_confirm``'s invoice and PO numbers) all read a small box again at twice the page's
resolution: the x-height Tesseract's LSTM reads best at. Their margins differ with what the
crop must hold and must not reach; the cut and the enlargement are the same.
"""

from __future__ import annotations

from typing import Optional

from PIL import Image

from invoicepipe.domain.models import Box

SCALE = 2.0


def enlarged_crop(image: Image.Image, px: float, box: Box, margin_x: float, margin_y: float,
                  scale: float = SCALE) -> Optional[tuple[Image.Image, tuple[int, int, int, int]]]:
    """(the crop enlarged ``scale`` times, its left, top, right and bottom in page pixels) of ``box`` (page
    points) widened by ``margin_x`` / ``margin_y`` points; None when the crop would be under
    8 pixels either way (nothing a reading could use)."""
    left = max(0, int((box.x0 - margin_x) * px))
    right = min(image.width, int((box.x1 + margin_x) * px) + 1)
    top = max(0, int((box.top - margin_y) * px))
    bottom = min(image.height, int((box.bottom + margin_y) * px) + 1)
    if right - left < 8 or bottom - top < 8:
        return None
    crop = image.crop((left, top, right, bottom))
    enlarged = crop.resize((round(crop.width * scale), round(crop.height * scale)), Image.Resampling.LANCZOS)
    return enlarged, (left, top, right, bottom)
