"""Tesseract inside the worker process (tesserocr), its models kept loaded between pages.

Starting the ``tesseract`` program costs every page a process start and a model load:
measured on this machine (one OCR thread, child CPU time), 175 ms for ``eng`` and 375 ms
for ``deu+eng`` before the first pixel is read, on pages that take 0.5-0.8 s to read. The
in-process API pays the load once per language list and process, so a cheap first pass
that picks the language (``adapters.ocr``) costs only its reading.

Used when the ``tesserocr`` package imports and the configured program is the default
``tesseract`` (its language data is found from that program); a configured program path
keeps the program (``pytesseract``), so ``INVOICEPIPE_TESSERACT_CMD`` still means what it
says, and so does a missing engine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Optional

from PIL import Image

from invoicepipe.domain.models import Box, Word

# language lists kept loaded per process: English and the seven packs beside it fit (about
# 25 MB resident each with the fast models, measured), so a worker never reloads one
MAX_MODELS = 8
_APIS: "OrderedDict[str, object]" = OrderedDict()
_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def tessdata_dir(cmd: str = "tesseract") -> Optional[str]:
    """The language data folder the ``tesseract`` program uses, or None."""
    if shutil.which(cmd) is None:
        return None
    try:
        out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    return found.group(1) if found else None


@lru_cache(maxsize=1)
def in_process_version() -> Optional[str]:
    """``tesseract X (tesserocr)`` when the in-process engine can run, else None."""
    try:
        import tesserocr
    except ImportError:
        return None
    if tessdata_dir() is None:
        return None
    return f"tesseract {tesserocr.tesseract_version().split()[1]} (tesserocr)"


def usable(cmd: str) -> bool:
    return cmd == "tesseract" and in_process_version() is not None


def _api(lang: str):
    import tesserocr

    api = _APIS.get(lang)
    if api is None:
        api = tesserocr.PyTessBaseAPI(path=tessdata_dir().rstrip("/") + "/", lang=lang, psm=tesserocr.PSM.AUTO,
                                      oem=tesserocr.OEM.LSTM_ONLY)
        _APIS[lang] = api
        while len(_APIS) > MAX_MODELS:
            _APIS.popitem(last=False)[1].End()
    _APIS.move_to_end(lang)
    return api


def read_words(image: Image.Image, px_per_pt: float, number: int, lang: str, psm: int = 3) -> list[Word]:
    """Words with boxes in points and confidence in [0, 1], as ``tesseract_words`` gives them;
    ``psm`` is Tesseract's page segmentation mode (3: automatic, 6: one uniform block)."""
    import tesserocr

    with _LOCK:  # one API object reads one image at a time; worker threads take turns
        api = _api(lang)
        # the mode is set per read: the loaded model is shared by full pages and regions
        api.SetPageSegMode(psm)
        api.SetImage(image)
        api.SetSourceResolution(max(70, round(px_per_pt * 72)))
        api.Recognize()
        words = []
        level = tesserocr.RIL.WORD
        iterator = api.GetIterator()
        for it in tesserocr.iterate_level(iterator, level) if iterator is not None else ():
            try:
                text = (it.GetUTF8Text(level) or "").strip()
            except RuntimeError:  # tesserocr's word for "no text here" (a blank page)
                continue
            box = it.BoundingBox(level)
            conf = it.Confidence(level)
            if not text or box is None or conf < 0:
                continue
            x0, y0, x1, y1 = (v / px_per_pt for v in box)
            words.append(Word(text, Box(x0, y0, x1, y1), number, round(conf / 100, 3)))
        api.Clear()
    return words
