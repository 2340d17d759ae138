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
from typing import Callable, Optional

from PIL import Image

from invoicepipe.domain.models import Box, Word

_ENGINE = None
_BLOCK_ENGINE = None
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


# Upside down: at least this share of the sampled text lines classified as turned 180
# degrees, each at least ``TURN_SURE`` sure, out of at least ``TURN_MIN_LINES`` lines.
TURN_SHARE = 0.6
TURN_SURE = 0.9
TURN_MIN_LINES = 3
TURN_SAMPLE = 16  # the widest text lines are classified: a word or two say little


def read_page_rapidocr(image: Image.Image, px_per_pt: float, page_number: int) -> list[Word]:
    """Words of one page image, boxes converted to points; confidence is the word score.

    RapidOCR's line classifier turns each upside-down text line before reading it, so a
    page handed over upside down (an orientation guess gone wrong) reads its words right
    but with the lines in reverse order, the last line on top: the layout then puts the
    totals above the items. The evidence is taken from the lines themselves: when most of
    the widest lines are classified as turned 180 degrees (``upside_down``), the page is
    turned and read again, so the boxes and the line order are the print's."""
    import numpy as np

    pixels = np.asarray(image.convert("RGB"))
    result = _engine()(pixels, return_word_box=True)
    if upside_down(pixels, getattr(result, "boxes", None)):
        result = _engine()(np.ascontiguousarray(pixels[::-1, ::-1]), return_word_box=True)
    return _words(result, px_per_pt, page_number)


def upside_down(pixels, boxes) -> bool:
    """Most of the page's widest text lines (RapidOCR's detected quads) are classified as
    turned 180 degrees, surely, by RapidOCR's own line classifier."""
    import numpy as np

    if boxes is None or len(boxes) < TURN_MIN_LINES:
        return False
    engine = _engine()
    widest = sorted(boxes, key=lambda q: -(max(p[0] for p in q) - min(p[0] for p in q)))[:TURN_SAMPLE]
    try:
        _, classified = engine.cls_and_rotate(engine.crop_text_regions(pixels, np.asarray(widest)))
    except Exception:  # noqa: BLE001 - an orientation check never fails a page
        return False
    labels = classified.cls_res or []
    turned = sum(1 for label, score in labels if "180" in str(label) and score >= TURN_SURE)
    return len(labels) >= TURN_MIN_LINES and turned >= TURN_SHARE * len(labels)


def _block_engine():
    """An engine for a block or a line cut out of a page (``read_block_rapidocr``,
    ``read_line_rapidocr``): its detector reads the block at its own size. The page engine's
    detector scales an image's short side up to 736 pixels, a block of a few lines five times
    over, and a block then cost a page's CPU; one inference thread, as a block or a line is
    small and a spinning second thread only burns the other core (a line read by the page
    engine cost 60 ms of process CPU for 27 on the reading thread). The recognizer is the
    page engine's model with the same settings: a line reads the same either way."""
    global _BLOCK_ENGINE
    with _ENGINE_LOCK:
        if _BLOCK_ENGINE is None:
            from rapidocr import RapidOCR

            _BLOCK_ENGINE = RapidOCR(params={"Global.log_level": "critical", "Global.use_cls": False,
                                             "Det.limit_type": "max", "Det.limit_side_len": 2000,
                                             "EngineConfig.onnxruntime.intra_op_num_threads": 1})
        return _BLOCK_ENGINE


def read_block_rapidocr(image: Image.Image, px_per_pt: float, page_number: int,
                        skip: Optional[Callable[[Box], bool]] = None) -> list[Word]:
    """The words of a block of a few lines cut out of a page (``ocr_unread``), boxes in the
    block's points. The lines are detected first and only those ``skip`` (given a line's box)
    does not rule out are recognized: recognition is most of the cost (some 30 ms of CPU a
    line against 80 ms for detecting a block), and a line the page's reading already holds
    surely would be recognized for nothing. Each line is split into its words at the spaces,
    a word's box its share of the line by characters: RapidOCR's own word boxes cut a code
    without spaces ("INV0000448") into single characters."""
    import numpy as np

    engine = _block_engine()
    pixels = np.asarray(image.convert("RGB"))
    try:
        found = engine(pixels, use_rec=False)
        quads = [q for q in (found.boxes if found.boxes is not None else ())
                 if skip is None or not skip(_quad_box(q, px_per_pt))]
        if not quads:
            return []
        result = engine.recognize_txt(engine.crop_text_regions(pixels, np.asarray(quads)))
    except Exception:  # noqa: BLE001 - a failing second engine leaves the page's reading as it is
        return []
    words: list[Word] = []
    for quad, text, score in zip(quads, result.txts or (), result.scores or ()):
        text = (text or "").strip()
        if not text:
            continue
        line = _quad_box(quad, px_per_pt)
        per_char = (line.x1 - line.x0) / max(1, len(text))
        at = 0
        for part in text.split():
            start = text.index(part, at)
            at = start + len(part)
            words.append(Word(part, Box(line.x0 + start * per_char, line.top, line.x0 + at * per_char, line.bottom),
                              page_number, round(float(score), 3)))
    return words


def _quad_box(quad, px_per_pt: float) -> Box:
    """A detected line's quadrilateral (pixels) as a box in points; plain floats, as numpy's
    float32 does not go into the extraction's JSON."""
    xs = [float(p[0]) / px_per_pt for p in quad]
    ys = [float(p[1]) / px_per_pt for p in quad]
    return Box(min(xs), min(ys), max(xs), max(ys))


def read_line_rapidocr(image: Image.Image, px_per_pt: float, page_number: int) -> list[Word]:
    """One text line (a crop holding an invoice or PO number, ``ocr_confirm``) read by
    RapidOCR's recognizer alone: no detection pass over the crop (which would cut it again)
    and no line classifier, so a crop costs one pass of the recognition model on one thread
    (``_block_engine``), some 30 ms of CPU. One word spanning the crop; none when the model
    reads nothing."""
    import numpy as np

    try:
        result = _block_engine().recognize_txt([np.asarray(image.convert("RGB"))])
    except Exception:  # noqa: BLE001 - a failing second engine leaves the page's reading as it is
        return []
    text = ((result.txts or ("",))[0] or "").strip()
    if not text:
        return []
    score = float((result.scores or (0.0,))[0])
    return [Word(text, Box(0.0, 0.0, image.width / px_per_pt, image.height / px_per_pt), page_number, round(score, 3))]


def _words(result, px_per_pt: float, page_number: int) -> list[Word]:
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
