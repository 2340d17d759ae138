"""Print no word covers, read by the other engine.

A receipt stamp ("EINGEGANGEN", "RECEIVED 03/11/2026") put over an invoice's label block
takes Tesseract's page segmentation with it: the block under the stamp is taken for a
picture and not read at all ("Rechnungs-Nr. 2026000833", "Rechnungsdatum 26.02.2026" gone
without a trace), or read as a few marks ("ony", "BD") with a date's first digit lost under
the stamp's frame. Tesseract reading the same block cut out again loses the same digit: its
line finder meets the same frame. RapidOCR's detector finds text lines by another model and
reads "Invoice Date 03/07/2026" and "Rechnungs-Nr. 2026000833" under the stamp surely; it is
too slow to read every page (several CPU seconds), not to read a block.

So after Tesseract's reading, the page image is searched for print that none of its words
covers (``unread_regions``, at ``SEARCH_PX``): the ink outside the boxes of the words read at
least ``COVERED`` surely, specks and ruling lines dropped (a stamp's frame tilted past the
eraser stays, joined to the letters it touches), the pieces a space or a line apart joined
into blocks. A block holding at least ``MIN_LETTERS`` pieces of a letter's size is cut out
with a margin and read by RapidOCR at the page's own resolution (``read_region``): its lines
are detected, and only those holding a piece of the unread print are recognized (the
margin's lines were read surely; recognizing a line costs more than detecting the block). A
logo, a signature or a barcode is one piece or none of a letter's size; a clean page has no
block and costs the search only (about 30 ms).

The other engine's words join the page where no sure Tesseract word stands (``merge``): in
empty space, and over Tesseract's marks (a word read below ``COVERED``) when they are surer
and hold most of their characters. A Tesseract word read surely is never replaced, nor read
twice (the same letters beside it are its print). The words taken keep the other engine's
score but no more than ``TAKEN_CAP``: under ``identifier_reread.READ_BELOW``, so an
invoice number read only by RapidOCR is a value to read again, and the second reading is
then Tesseract's own (``ocr_confirm``: the page's capture record names the words,
``UNREAD_KEY``), another engine's as it must be.
"""

from __future__ import annotations

import re
import statistics
from typing import Callable, Optional

from PIL import Image

from invoicepipe.adapters.ocr_garbled import overlap
from invoicepipe.domain.models import Box, Word

COVERED = 0.5  # a Tesseract word at least this sure covers its print (garbled marks do not)
INK = 150  # gray level (0-255) under which a pixel is print
MIN_LETTERS = 8  # letters of unread print a block must hold to be read
SEARCH_PX = 150 / 72  # pixels per point the search runs at (a finer page is scaled down)
MAX_REGIONS = 3  # regions read per page: bounds the cost of a page read badly all over
ACCEPT = 0.6  # the other engine's words below this score are not taken
COVER = 0.8  # a word over marks must hold this share of their letters and digits (see ``merge``)
TAKEN_CAP = 0.85  # the most a word read by the other engine alone is worth (see the module)
CROP_X, CROP_Y = 8.0, 1.5  # the margin a region is cut out with, in line heights
# the capture record's key: the boxes of the page's words read by the other engine (boxes,
# not indexes: a later reading of the amounts' region splices the page's words)
UNREAD_KEY = "unread_boxes"
_HAS_TEXT = re.compile(r"[^\W_]")

# the other engine on a crop: (image, pixels per point, page number, a line box -> skip it?)
ReadRegion = Callable[[Image.Image, float, int, Callable[[Box], bool]], list[Word]]


def _line_height(words: list[Word]) -> float:
    heights = [w.box.bottom - w.box.top for w in words if w.confidence >= COVERED and w.box.bottom > w.box.top]
    return statistics.median(heights) if heights else 10.0


def unread_regions(image: Image.Image, px: float, words: list[Word]) -> list[Box]:
    """Boxes (page points) of the blocks of print no sure word covers, most letters first."""
    return _search(image, px, words)[0]


def _search(image: Image.Image, px: float, words: list[Word]) -> tuple[list[Box], list[Box]]:
    """(``unread_regions``, the boxes in page points of every piece of print no sure word covers)."""
    from invoicepipe.adapters.opencv import cv2, pieces_with_stats
    import numpy as np

    height_pt = _line_height(words)
    ink = (np.asarray(image.convert("L")) < INK).astype(np.uint8)
    if px > SEARCH_PX:
        # the search needs letters, not their strokes: at 150 dpi it costs about half. The
        # print is told from the paper first: a thin stroke averaged with its paper would fade
        # under the threshold; a quarter of a pixel's area inked keeps it
        factor = SEARCH_PX / px
        ink = (cv2.resize(ink * 255, (max(1, round(ink.shape[1] * factor)), max(1, round(ink.shape[0] * factor))),
                          interpolation=cv2.INTER_AREA) > 63).astype(np.uint8)
        px = SEARCH_PX
    lh = max(4, round(height_pt * px))  # a line's height in pixels
    pad_x, pad_y = round(0.3 * lh), round(0.25 * lh)
    for w in words:
        if w.confidence < COVERED:
            continue
        x0, x1 = max(0, int(w.box.x0 * px) - pad_x), int(w.box.x1 * px) + pad_x + 1
        y0, y1 = max(0, int(w.box.top * px) - pad_y), int(w.box.bottom * px) + pad_y + 1
        ink[y0:y1, x0:x1] = 0
    # ruling lines and a stamp's frame: long in one direction, thin in the other
    long_ = 3 * lh
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_)))
    ink &= 1 - rules
    # pieces of print: not a speck, not a rule; a letter's size or more (a stamp's frame
    # tilted past the eraser joins the letters it touches into one piece)
    count, labels, stats, _ = pieces_with_stats(ink, connectivity=8)
    keep = np.zeros(count, dtype=np.uint8)
    centres, unread = [], []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if max(w, h) < 0.3 * lh or (max(w, h) > 3 * lh and min(w, h) < 0.3 * lh):
            continue
        keep[i] = 1
        unread.append(Box(x / px, y / px, (x + w) / px, (y + h) / px))
        if 0.3 * lh <= h <= 1.6 * lh and 0.08 * lh <= w <= 1.6 * lh:
            centres.append((y + h // 2, x + w // 2))
    if len(centres) < MIN_LETTERS:
        return [], unread
    pieces = keep[labels]
    # pieces a space or a line apart make one block
    blocks = cv2.dilate(pieces, cv2.getStructuringElement(cv2.MORPH_RECT, (3 * lh, max(1, lh // 2))))
    count, labels, stats, _ = pieces_with_stats(blocks, connectivity=8)
    per_block = np.bincount([int(labels[cy, cx]) for cy, cx in centres], minlength=count)
    found = []
    for i in range(1, count):
        if per_block[i] >= MIN_LETTERS:
            x, y, w, h, _ = (int(v) for v in stats[i])
            found.append((int(per_block[i]), Box(x / px, y / px, (x + w) / px, (y + h) / px)))
    found = _read_once(found, height_pt)
    return [b for _, b in sorted(found, key=lambda nb: -nb[0])[:MAX_REGIONS]], unread


def _read_once(blocks: list[tuple[int, Box]], height: float) -> list[tuple[int, Box]]:
    """(letters, box) of ``blocks`` with those whose crops would overlap joined: a line is read once."""
    blocks = list(blocks)
    i = 0
    while i < len(blocks):
        j = next((j for j in range(i + 1, len(blocks))
                  if meet(_grown(blocks[i][1], height), _grown(blocks[j][1], height))), None)
        if j is None:
            i += 1
            continue
        blocks[i] = (blocks[i][0] + blocks[j][0], blocks[i][1].union(blocks[j][1]))
        del blocks[j]
        i = 0  # the grown block may now meet one passed over
    return blocks


def _grown(box: Box, height: float) -> Box:
    """``box`` with the margin its crop is cut with (``CROP_X``, ``CROP_Y`` line heights)."""
    return Box(box.x0 - CROP_X * height, box.top - CROP_Y * height, box.x1 + CROP_X * height, box.bottom + CROP_Y * height)


def meet(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom


def read_region(image: Image.Image, px: float, number: int, region: Box, height: float,
                read: ReadRegion, unread: list[Box] = ()) -> list[Word]:
    """The other engine's words of ``region``, in page points: the region is cut out with a
    margin (``CROP_X``, ``CROP_Y`` line heights) so that the lines through it are read whole;
    a detected line that holds none of the ``unread`` pieces of print (page points) is not
    recognized: the page's reading holds it surely, and ``merge`` would take none of it."""
    left = max(0, int((region.x0 - CROP_X * height) * px))
    top = max(0, int((region.top - CROP_Y * height) * px))
    right = min(image.width, int((region.x1 + CROP_X * height) * px) + 1)
    bottom = min(image.height, int((region.bottom + CROP_Y * height) * px) + 1)
    if right - left < 8 or bottom - top < 8:
        return []
    dx, dy = left / px, top / px
    crop = Box(dx, dy, right / px, bottom / px)
    near = [b for b in unread if meet(b, crop)]

    def read_already(line: Box) -> bool:
        return not any(meet(Box(line.x0 + dx, line.top + dy, line.x1 + dx, line.bottom + dy), b) for b in near)

    out = []
    for w in read(image.crop((left, top, right, bottom)), px, number, read_already):
        out.append(Word(w.text, Box(w.box.x0 + dx, w.box.top + dy, w.box.x1 + dx, w.box.bottom + dy), number, w.confidence))
    return out


def _same_print(new: Word, old: Word, height: float) -> bool:
    """Whether ``old`` is the page's reading of the print ``new`` stands on: its box under
    the new word's middle, or the same letters and digits within a line's height (the other
    engine's word boxes are shares of its line, not the glyphs' own)."""
    cx, cy = (new.box.x0 + new.box.x1) / 2, (new.box.top + new.box.bottom) / 2
    if old.box.x0 <= cx <= old.box.x1 and old.box.top <= cy <= old.box.bottom:
        return True
    ocx, ocy = (old.box.x0 + old.box.x1) / 2, (old.box.top + old.box.bottom) / 2
    return abs(cx - ocx) <= 2 * height and abs(cy - ocy) <= height and _letters(new.text) == _letters(old.text) != ""


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def merge(words: list[Word], new: list[Word]) -> tuple[list[Word], list[int]]:
    """``words`` with the other engine's ``new`` words taken where no sure word stands (see
    the module), and the indexes of the taken words in the result. A new word over marks
    replaces them only when it holds most of their letters and digits (``COVER``): the other
    engine's detector can cut a word Tesseract read as garbage ("967" of "SI000067")."""
    height = _line_height(words)
    taken: list[Word] = []
    dropped: set[int] = set()
    for w in new:
        if w.confidence < ACCEPT or not _HAS_TEXT.search(w.text):
            continue
        if any(_same_print(w, old, height) and old.confidence >= COVERED for old in words):
            continue
        under = [i for i, old in enumerate(words) if overlap(w.box, old.box)]
        if any(words[i].confidence >= COVERED or words[i].confidence >= w.confidence for i in under):
            continue
        if len(_letters(w.text)) < COVER * sum(len(_letters(words[i].text)) for i in under):
            continue
        if any(overlap(w.box, t.box) or _same_print(w, t, height) for t in taken):
            continue
        dropped.update(under)
        taken.append(Word(w.text, w.box, w.page, round(min(w.confidence, TAKEN_CAP), 3)))
    if not taken:
        return words, []
    kept = [w for i, w in enumerate(words) if i not in dropped]
    # after the page's own words: the indexes of the words kept stay in their order
    return kept + taken, list(range(len(kept), len(kept) + len(taken)))


def reread_unread(words: list[Word], image: Image.Image, px: float, number: int,
                  read: Optional[ReadRegion]) -> tuple[list[Word], dict]:
    """``words`` with the print no sure word covers read by ``read`` (the other engine) and
    merged (see the module), and a record for the page's capture evidence."""
    if read is None or not words:
        return words, {}
    regions, unread = _search(image, px, words)
    if not regions:
        return words, {}
    height = _line_height(words)
    new: list[Word] = []
    for region in regions:
        new.extend(read_region(image, px, number, region, height, read, unread))
    merged, taken = merge(words, new)
    record = {"unread_regions": len(regions), "unread_taken": len(taken)}
    if taken:
        record[UNREAD_KEY] = tuple(box_key(merged[i].box) for i in taken)
    return merged, record


def box_key(box: Box) -> tuple[float, float, float, float]:
    """A word's box as the capture record names it."""
    return (round(float(box.x0), 2), round(float(box.top), 2), round(float(box.x1), 2), round(float(box.bottom), 2))


def read_by_other_engine(page_capture: Optional[dict], word: Word) -> bool:
    """Whether ``word`` is one the other engine read (``reread_unread``)."""
    boxes = (page_capture or {}).get(UNREAD_KEY) or ()
    return bool(boxes) and box_key(word.box) in {tuple(b) for b in boxes}
