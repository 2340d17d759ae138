"""A value read where a stamp was taken out, checked against the page as it was.

``page_stamps`` takes a colour photo's stamp out of the grey page by unmixing the inks, and
the labels under the stamp come back. The same unmixing runs over any print the stamp
crosses: a date or a number beside the label loses the part of its strokes the stamp's ink
was taken for, or keeps a piece of the stamp's rim, and the label read again beside it
gives the changed value a label's confidence. A value the step changed must then not gain
confidence from the step alone.

So on a page the step changed, the page is also prepared without it (the grey photo as it
was, through the same correction; about a fifth of a second) and the pixels that differ
by more than ``CHANGED`` are the step's. Each word holding a digit whose box holds such
pixels is cut out of both pages alike and read by Tesseract as one line (``read_region``),
and where the two readings differ in their letters and digits (``_norm``), the page as it
was reading another value there (digits, about the value's length: ``competes``), the word is named
as doubted in the page's capture record (``DOUBTED_BOXES_KEY``, boxes as ``ocr_unread``
names its words): the extractor keeps the value it chose and holds it under every routing
threshold, as it does a value two engines read apart (``identifier_reread.doubted_words``).
A word the two pages read alike is left as it is.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PIL import Image

from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.adapters.ocr_unread import box_key
from invoicepipe.domain.extraction.identifier_reread import DOUBTED_BOXES_KEY
from invoicepipe.domain.models import Word

CHANGED = 40  # grey levels: a pixel the stamp step changed (the rest of the page is as it was)
MIN_CHANGED = 6  # changed pixels a word's box must hold to be looked at
MARGIN_X, MARGIN_Y = 2.0, 1.5  # points around a word's box in its crop
LINE_PSM = 7

ReadRegion = Callable[[Image.Image, float, int], list[Word]]


def _norm(words: list[Word]) -> str:
    return "".join(c for w in words for c in w.text if c.isalnum())


def competes(plain: str, value: str) -> bool:
    """Whether the page as it was reads another value there: digits, about the value's length
    (a crop read as "BRENNER" beside a stamp's rim is no reading of "2026000724")."""
    return any(c.isdigit() for c in plain) and abs(len(plain) - len(value)) <= 2


def changed_words(words: list[Word], changed: np.ndarray, px: float) -> list[int]:
    """The indexes of the words holding a digit whose box holds pixels the step changed."""
    out = []
    for i, w in enumerate(words):
        if not any(c.isdigit() for c in w.text):
            continue
        x0, y0 = max(0, int(w.box.x0 * px)), max(0, int(w.box.top * px))
        x1, y1 = min(changed.shape[1], int(w.box.x1 * px) + 1), min(changed.shape[0], int(w.box.bottom * px) + 1)
        if x1 > x0 and y1 > y0 and int(changed[y0:y1, x0:x1].sum()) >= MIN_CHANGED:
            out.append(i)
    return out


def witness(words: list[Word], read: Image.Image, plain: Image.Image, px: float, number: int,
            read_region: ReadRegion) -> dict:
    """The capture record of the words of ``read`` (the page with its stamps taken out) that
    ``plain`` (the same page without the step) reads otherwise: ``DOUBTED_BOXES_KEY`` and a
    count; empty when none (or when the two pages are not the same size)."""
    if read.size != plain.size:
        return {}
    a = np.asarray(read.convert("L"), dtype=np.int16)
    b = np.asarray(plain.convert("L"), dtype=np.int16)
    changed = np.abs(a - b) > CHANGED
    if not changed.any():
        return {}
    doubted = []
    for i in changed_words(words, changed, px):
        w = words[i]
        both = [enlarged_crop(img, px, w.box, MARGIN_X, MARGIN_Y) for img in (read, plain)]
        if any(c is None for c in both):
            continue
        readings = [_norm(read_region(c[0], px * 2.0, number)) for c in both]
        if readings[0] != readings[1] and competes(readings[1], _norm([w])):
            doubted.append(box_key(w.box))
    return {"stamp_doubted": len(doubted), DOUBTED_BOXES_KEY: tuple(doubted)} if doubted else {}
