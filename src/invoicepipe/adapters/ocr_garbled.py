"""Words Tesseract read as garbage, read again on their own.

Beside an address block, an invoice prints its label-value block (invoice date, due date,
delivery note) in rows that are not level with the address's rows. Tesseract's line finder
can join a row of one column with the nearest row of the other into one text line, and the
recogniser then reads a band cut across two rows: where "Due date:" was printed it returns
"eae" or "'" at a confidence of 0.04-0.3, and the field is lost although its print is clean.
The same print cut out alone reads right. Phone photos suffer most (their rows are rarely
exactly level after the warp), scans sometimes.

So after a page is read, its words with a letter or digit and a confidence below
``GARBLED`` are grouped into spots (neighbours on one row), each spot is cut out of the page
image with a margin, enlarged ``SCALE`` times and read as a block of rows. The new words
replace the spot's words (and the unsure marks inside it) only when they are confident
(``ACCEPT``), together weigh more than what they replace (the sum of confidences, as
``page_quality``) and hold about as many letters and digits (``COVER``); words cut by the crop's side and words a confident first reading
already holds are not taken. A page with
no garbled word costs nothing; each spot costs one small read (a few tens of ms), and at
most ``MAX_SPOTS`` are read per page.
"""

from __future__ import annotations

import re
import statistics
from typing import Callable

from PIL import Image

from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.domain.models import Box, Word

GARBLED = 0.5  # Tesseract's confidence (0-1) below which a word is taken for a misread band
ACCEPT = 0.6  # a re-read word must be at least this sure to replace anything
SCALE = 2.0  # small print at twice the page's resolution: the x-height the LSTM reads best
BLOCK_PSM = 6  # a block of rows: a spot may hold the two rows the line finder joined
MAX_SPOTS = 12  # spots read per page: bounds the cost of a page read badly all over
COVER = 0.8  # the new words must hold this share of the letters and digits of the words they replace
MARGIN_X, MARGIN_Y = 1.5, 0.35  # the crop's margin around a spot, in line heights
_HAS_TEXT = re.compile(r"[^\W_]")  # a letter or digit: table rules read as '|' or '—' are no words

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def _garbled(word: Word) -> bool:
    return word.confidence < GARBLED and bool(_HAS_TEXT.search(word.text))


def _line_height(words: list[Word]) -> float:
    """The median height of the page's sure words, in points (a garbled word's box is not one)."""
    heights = [w.box.bottom - w.box.top for w in words if w.confidence >= ACCEPT and w.box.bottom > w.box.top]
    return statistics.median(heights) if heights else 10.0


def spots(words: list[Word]) -> list[tuple[Box, list[int]]]:
    """Garbled words grouped into spots: (the spot's box, the indexes of its words). Words join
    a spot when they overlap its rows and lie within three line heights of it sideways."""
    height = _line_height(words)
    found: list[tuple[Box, list[int]]] = []
    for i in sorted((i for i, w in enumerate(words) if _garbled(w)), key=lambda i: (words[i].box.top, words[i].box.x0)):
        b = words[i].box
        for k, (box, members) in enumerate(found):
            same_rows = b.top < box.bottom + 0.5 * height and b.bottom > box.top - 0.5 * height
            near = b.x0 < box.x1 + 3 * height and b.x1 > box.x0 - 3 * height
            if same_rows and near:
                found[k] = (box.union(b), members + [i])
                break
        else:
            found.append((b, [i]))
    return found


def _read_spot(image: Image.Image, px: float, number: int, spot: Box, height: float,
               read_words: ReadWords) -> list[Word]:
    """The sure words of the spot's crop, in page points; those its sides cut are left out."""
    cut = enlarged_crop(image, px, spot, MARGIN_X * height, MARGIN_Y * height, SCALE)
    if cut is None:
        return []
    crop, (left, top, right, _) = cut
    edge = 1.0 / px  # a word within a pixel of the crop's side was cut by it
    width = (right - left) / px
    out = []
    for w in read_words(crop, px * SCALE, number):
        if w.confidence < ACCEPT or not _HAS_TEXT.search(w.text):
            continue
        if w.box.x0 <= edge or w.box.x1 >= width - edge:
            continue
        box = Box(w.box.x0 + left / px, w.box.top + top / px, w.box.x1 + left / px, w.box.bottom + top / px)
        out.append(Word(w.text, box, w.page, w.confidence))
    return out


def _letters(words) -> int:
    return sum(len(_HAS_TEXT.findall(w.text)) for w in words)


def _settle(new: list[Word], words: list[Word], members: set[int]) -> tuple[list[Word], set[int]]:
    """The re-read words worth adding, and the first reading's words outside the spot they
    replace. The crop's margin catches neighbours the first reading also holds: a new word
    over one at least as sure and as long is that word again and is left out; over a less
    sure or shorter one (the first reading's "te:" of "Due date:") it replaces it."""
    taken, superseded = [], set()
    for w in new:
        under = [i for i, old in enumerate(words) if i not in members and overlap(w.box, old.box)]
        if any(words[i].confidence >= w.confidence and _letters([words[i]]) >= _letters([w]) for i in under):
            continue
        taken.append(w)
        superseded.update(under)
    return taken, superseded


def overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share more than a third of the smaller one (two readings of one word;
    also ``ocr_unread``'s test)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return False
    smaller = min((a.x1 - a.x0) * (a.bottom - a.top), (b.x1 - b.x0) * (b.bottom - b.top))
    return w * h > smaller / 3


def _centre_in(word: Word, box: Box) -> bool:
    cx, cy = (word.box.x0 + word.box.x1) / 2, (word.box.top + word.box.bottom) / 2
    return box.x0 <= cx <= box.x1 and box.top <= cy <= box.bottom


def reread_garbled(words: list[Word], image: Image.Image, px: float, number: int,
                   read_words: ReadWords) -> tuple[list[Word], dict]:
    """``words`` with each garbled spot replaced by its own reading where that is surer, and
    a record for the capture evidence (spots found, spots replaced)."""
    found = spots(words)
    if not found:
        return words, {}
    height = _line_height(words)
    replaced: dict[int, list[Word]] = {}  # index of a spot's first word -> the words it becomes
    dropped: set[int] = set()
    for box, members in sorted(found, key=lambda s: -len(s[1]))[:MAX_SPOTS]:
        new, superseded = _settle(_read_spot(image, px, number, box, height, read_words), words, set(members))
        if sum(w.confidence for w in new) <= sum(words[i].confidence for i in set(members) | superseded):
            continue
        if _letters(new) < COVER * _letters(words[i] for i in members):
            # fewer letters than the garbage held: a table row whose cells and rules came back
            # as '_1|zAG-1003' reads as a few sure numbers alone, and the rest would be lost
            continue
        # marks without a letter the band left inside the spot ("'" at 0.04) go with it
        dropped.update(members, superseded, (i for i, w in enumerate(words) if w.confidence < GARBLED and _centre_in(w, box)))
        replaced[min(members)] = new
    if not replaced:
        return words, {"garbled_spots": len(found), "garbled_replaced": 0}
    out: list[Word] = []
    for i, w in enumerate(words):
        out.extend(replaced.get(i, ()))
        if i not in dropped:
            out.append(w)
    return out, {"garbled_spots": len(found), "garbled_replaced": len(replaced)}
