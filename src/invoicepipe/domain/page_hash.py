"""The perceptual hash of a page image: 64 bits that survive scanning and re-rendering."""

from __future__ import annotations

import math
from typing import Sequence

__all__ = ["HASH_SIDE", "image_hash", "hamming"]

HASH_SIDE = 32  # the page is averaged down to 32 x 32 before the DCT


def _shrink(gray: Sequence[int], width: int, height: int, side: int) -> list[list[float]]:
    """Area average of a row-major 8-bit grayscale buffer down to side x side."""
    rows = []
    for j in range(side):
        y0, y1 = j * height // side, max((j + 1) * height // side, j * height // side + 1)
        row = []
        for i in range(side):
            x0, x1 = i * width // side, max((i + 1) * width // side, i * width // side + 1)
            total = 0
            for y in range(y0, y1):
                start = y * width
                total += sum(gray[start + x0:start + x1])
            row.append(total / ((y1 - y0) * (x1 - x0)))
        rows.append(row)
    return rows


_COS = tuple(tuple(math.cos((2 * x + 1) * u * math.pi / (2 * HASH_SIDE)) for x in range(HASH_SIDE)) for u in range(8))


def image_hash(gray: Sequence[int], width: int, height: int) -> int:
    """64-bit DCT perceptual hash (pHash) of a grayscale page.

    ``gray`` is a row-major 8-bit buffer (``bytes`` or ints) of ``width`` x ``height``, already
    downsampled by the caller (a few hundred pixels a side is plenty). The page is averaged
    to 32 x 32, the 8 x 8 lowest DCT frequencies are compared with their median: page tone,
    contrast, JPEG noise and a degree of skew leave most bits alone.
    """
    if width < HASH_SIDE or height < HASH_SIDE or len(gray) < width * height:
        raise ValueError(f"need at least a {HASH_SIDE}x{HASH_SIDE} grayscale buffer, got {width}x{height}")
    pixels = _shrink(gray, width, height, HASH_SIDE)
    rows = [[sum(c * p for c, p in zip(_COS[u], row)) for u in range(8)] for row in pixels]
    coeffs = [sum(_COS[v][y] * rows[y][u] for y in range(HASH_SIDE)) for v in range(8) for u in range(8)]
    median = sorted(coeffs[1:])[len(coeffs[1:]) // 2]  # the DC term only says how dark the page is
    bits = 0
    for c in coeffs:
        bits = (bits << 1) | (c > median)
    return bits


def hamming(a: int, b: int) -> int:
    return bin(a ^ b).count("1")

