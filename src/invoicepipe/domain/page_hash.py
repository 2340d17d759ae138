"""The perceptual hash of a page image: 64 bits that survive scanning and re-rendering."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np

__all__ = ["HASH_SIDE", "image_hash", "hamming"]

HASH_SIDE = 32  # the page is averaged down to 32 x 32 before the DCT


@lru_cache(maxsize=1)
def _numpy():
    """numpy, imported at the first hash: processes that never hash a page (``invoicepipe
    ingest``, the pipeline pool) import this module through the content prints' repository."""
    import numpy

    return numpy


def _shrink(gray: Sequence[int], width: int, height: int, side: int) -> np.ndarray:
    """Area average of a row-major 8-bit grayscale buffer down to side x side: each cell's
    exact integer sum over its rows and columns, divided by its pixel count."""
    np = _numpy()
    pixels = np.frombuffer(gray, dtype=np.uint8, count=width * height) if isinstance(gray, (bytes, bytearray, memoryview)) \
        else np.asarray(gray[:width * height], dtype=np.int64)
    pixels = pixels.reshape(height, width).astype(np.int64)
    rows = np.arange(side) * height // side  # with width, height >= side every cell has a pixel
    cols = np.arange(side) * width // side
    sums = np.add.reduceat(np.add.reduceat(pixels, rows, axis=0), cols, axis=1)
    areas = np.outer(np.diff(rows, append=height), np.diff(cols, append=width))
    return sums / areas


@lru_cache(maxsize=1)
def _cosines() -> np.ndarray:
    return _numpy().array([[math.cos((2 * x + 1) * u * math.pi / (2 * HASH_SIDE)) for x in range(HASH_SIDE)] for u in range(8)])


def _running_sum(terms: np.ndarray) -> np.ndarray:
    """Sum over the last axis left to right, as Python's ``sum`` adds: a cumulative sum's last
    value, so the DCT coefficients (and the median they are compared with) are the same floats
    as in the hashes already stored."""
    return _numpy().cumsum(terms, axis=-1)[..., -1]


def image_hash(gray: Sequence[int], width: int, height: int) -> int:
    """64-bit DCT perceptual hash (pHash) of a grayscale page.

    ``gray`` is a row-major 8-bit buffer (``bytes`` or ints) of ``width`` x ``height``, already
    downsampled by the caller (a few hundred pixels a side is plenty). The page is averaged
    to 32 x 32, the 8 x 8 lowest DCT frequencies are compared with their median: page tone,
    contrast, JPEG noise and a degree of skew leave most bits alone.
    """
    if width < HASH_SIDE or height < HASH_SIDE or len(gray) < width * height:
        raise ValueError(f"need at least a {HASH_SIDE}x{HASH_SIDE} grayscale buffer, got {width}x{height}")
    pixels, cos = _shrink(gray, width, height, HASH_SIDE), _cosines()
    rows = _running_sum(pixels[:, None, :] * cos[None, :, :])  # [y][u]: each row's 8 horizontal frequencies
    coeffs = _running_sum(cos[:, None, :] * rows.T[None, :, :]).ravel().tolist()  # [v][u] over the rows
    median = sorted(coeffs[1:])[len(coeffs[1:]) // 2]  # the DC term only says how dark the page is
    bits = 0
    for c in coeffs:
        bits = (bits << 1) | (c > median)
    return bits


def hamming(a: int, b: int) -> int:
    return bin(a ^ b).count("1")

