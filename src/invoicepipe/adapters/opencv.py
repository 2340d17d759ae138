"""OpenCV for the page-image modules, run on one thread.

OpenCV's pip build spreads a resize, a morphology or a labelling over a pool of its own
threads, one per core; neither ``OMP_NUM_THREADS`` nor ``OMP_THREAD_LIMIT`` reaches that
pool. A scan is read by one worker process among others (parallelism comes from the pool's
processes, as for Tesseract), so the helper threads only add their hand-over and idle
spinning to the page's CPU: measured on 13 stamped scan pages (2 cores), page preparation
took 2.28 s of process CPU against 1.69 s on the reading thread with OpenCV's threads, and
1.99 s on one thread. The results are OpenCV's same pixels and labels either way.

Every module that works on page images takes ``cv2`` from here, so the setting holds before
the first of them runs.
"""

from __future__ import annotations

import cv2

cv2.setNumThreads(1)

__all__ = ["cv2"]
