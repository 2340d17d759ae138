"""OpenCV for the page-image modules, run on one thread.

OpenCV's pip build spreads a resize, a morphology or a labelling over a pool of its own
threads, one per core; neither ``OMP_NUM_THREADS`` nor ``OMP_THREAD_LIMIT`` reaches that
pool. A scan is read by one worker process among others (parallelism comes from the pool's
processes, as for Tesseract), so the helper threads only add their hand-over and idle
spinning to the page's CPU: measured on 13 stamped scan pages (2 cores), page preparation
took 2.28 s of process CPU against 1.69 s on the reading thread with OpenCV's threads, and
1.99 s on one thread. The results are OpenCV's same pixels and labels either way.

Every module that works on page images takes ``cv2`` from here, so the setting holds before
the first of them runs, and labels a mask's pieces with ``pieces_with_stats``.
"""

from __future__ import annotations

import cv2

cv2.setNumThreads(1)

__all__ = ["cv2", "pieces_with_stats"]


def pieces_with_stats(binary, connectivity: int = 8):
    """``cv2.connectedComponentsWithStats(binary, connectivity)``: (count, labels, stats,
    centroids), with 16-bit labels while their count fits. OpenCV labels and measures a page
    with 16-bit labels in about a third of the CPU it takes with its default 32-bit ones (on
    the stamped scans, 4.7 against 13.8 ms for the unread-print search's page at 150 dpi, 11
    against 25 for the rule eraser's), the same labels and stats; a mask of more pieces than
    16 bits can number (noise) is labelled with 32-bit labels, as before."""
    try:
        return cv2.connectedComponentsWithStats(binary, connectivity=connectivity, ltype=cv2.CV_16U)
    except cv2.error:
        return cv2.connectedComponentsWithStats(binary, connectivity=connectivity)
