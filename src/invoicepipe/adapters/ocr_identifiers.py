"""Identifiers whose letters and digits OCR may have swapped, read again on their own.

In a code that mixes letters and digits ("CVF000082", "FV/00747/2026", "ES31") the shapes
O/0, I/l/1, S/5, B/8 and Z/2 differ by a few pixels; on a scan Tesseract's page reading
takes one for the other ("CVFO00082") while its word confidence stays middling, and the
extractor has no way to tell a misread code from a printed one: the letter O is as valid
in an invoice number as the digit 0. The same print cut out alone and read at twice the
resolution (the x-height the LSTM reads best, as in ``ocr_garbled``) is a second reading of
the same ink. Where the two agree nothing changes. Where they differ only in such pairs, the
surer reading is kept and the word's confidence is held at ``DOUBT``: two readings of the
page disagreed on a character of a code, so no confidence built on it may route the
document without a look (the extractor multiplies a value's score by its words' lowest
confidence). Readings that differ otherwise (a character more or less, other letters) say
the crop caught something else, and the page's reading stands.

A word is looked at only when a confusable letter touches a digit and it holds two digits
or more: most pages have none or a handful (a few tens of ms each); at most ``MAX_WORDS``
are read per page. Only the evidence of this page is used.
"""

from __future__ import annotations

import re
from typing import Callable

from PIL import Image

from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.domain.models import Box, Word

SCALE = 2.0
LINE_PSM = 7  # one text line: the crop holds the word alone
MAX_WORDS = 20
# the word confidence of a code whose two readings disagreed: under every routing threshold
# once the extractor's label and placement factors are applied (see the calibration maps)
DOUBT = 0.45
MARGIN_X, MARGIN_Y = 0.3, 0.25  # the crop's margin around the word, in its own heights
# the character pairs a scan's print confuses, both ways
_PAIRS = {frozenset(p) for p in ("O0", "o0", "D0", "Q0", "I1", "l1", "|1", "S5", "s5", "B8", "Z2", "z2")}
_SUSPECT = re.compile(r"(?<=\d)[OoDQIl|SsBZz]|[OoDQIl|SsBZz](?=\d)")
_DIGIT = re.compile(r"\d")

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def suspect(word: Word) -> bool:
    """A code with a confusable letter next to a digit."""
    return len(_DIGIT.findall(word.text)) >= 2 and bool(_SUSPECT.search(word.text))


def confusable_only(a: str, b: str) -> bool:
    """``a`` and ``b`` differ, and only in confusable pairs at the same positions."""
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or frozenset((x, y)) in _PAIRS for x, y in zip(a, b))


def _read_word(image: Image.Image, px: float, word: Word, read_words: ReadWords) -> list[Word]:
    h = word.box.bottom - word.box.top
    cut = enlarged_crop(image, px, word.box, MARGIN_X * h, MARGIN_Y * h, SCALE)
    return read_words(cut[0], px * SCALE, word.page) if cut else []


def reread_identifiers(words: list[Word], image: Image.Image, px: float, number: int,
                       read_words: ReadWords) -> tuple[list[Word], dict, frozenset[Word]]:
    """``words`` with each suspect code read again (see the module); a record for the capture
    evidence (codes read again, codes whose readings disagreed); the doubted codes as they now
    read, which no later reading of the same print may vouch for (``ocr_confirm``)."""
    looked = [i for i, w in enumerate(words) if suspect(w)][:MAX_WORDS]
    if not looked:
        return words, {}, frozenset()
    out = list(words)
    doubted: set[Word] = set()
    for i in looked:
        w = words[i]
        again = _read_word(image, px, w, read_words)
        if len(again) != 1 or not confusable_only(w.text, again[0].text):
            continue
        surer = again[0].text if again[0].confidence > w.confidence else w.text
        out[i] = Word(surer, Box(w.box.x0, w.box.top, w.box.x1, w.box.bottom), w.page,
                      min(DOUBT, w.confidence, again[0].confidence))
        doubted.add(out[i])
    return out, {"codes_reread": len(looked), "codes_doubted": len(doubted)}, frozenset(doubted)
