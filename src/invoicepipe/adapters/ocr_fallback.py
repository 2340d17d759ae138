"""The second OCR engine: RapidOCR (PaddleOCR models on ONNX Runtime, shipped inside the
pip package, so nothing is downloaded at run time).

It is slower than Tesseract (several seconds per page) but reads noisy, skewed or faint
pages that Tesseract gives up on; ``adapters.ocr`` calls it only when Tesseract is missing
or its result for a page is poor.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from importlib import metadata
from typing import Optional

from PIL import Image

from invoicepipe.domain.models import Box, Word

_ENGINE = None
_ENGINE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def rapidocr_available() -> Optional[str]:
    """The version string of the installed RapidOCR, or None when it (or ONNX Runtime, its
    inference engine) is not installed. Looked up without importing: loading them takes a
    second that only a page needing the second engine should pay."""
    if importlib.util.find_spec("rapidocr") is None or importlib.util.find_spec("onnxruntime") is None:
        return None
    try:
        return f"rapidocr {metadata.version('rapidocr')}"
    except metadata.PackageNotFoundError:
        return "rapidocr"


def _engine():
    """One engine per process, built on first use (never at import time): loading the ONNX
    models takes a while and the sessions are safe to share between threads."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            _ENGINE = RapidOCR(params={"Global.log_level": "critical"})
        return _ENGINE


def read_page_rapidocr(image: Image.Image, px_per_pt: float, page_number: int) -> list[Word]:
    """Words of one page image, boxes converted to points; confidence is the word score."""
    import numpy as np

    result = _engine()(np.asarray(image.convert("RGB")), return_word_box=True)
    words: list[Word] = []
    for line in getattr(result, "word_results", None) or ():
        for text, score, quad in line:
            text = (text or "").strip()
            if not text or quad is None:
                continue
            xs = [p[0] / px_per_pt for p in quad]
            ys = [p[1] / px_per_pt for p in quad]
            words.append(Word(text, Box(min(xs), min(ys), max(xs), max(ys)), page_number, round(float(score), 3)))
    return words
