"""A label lost under a stamp in a key-value column, read again with the stamp's grey left out.

A receipt stamp ("RECEIVED 01/30/2026", "EINGEGANGEN") put across an invoice's label block
on a grey scan is mid grey over the labels' darker print: Tesseract reads the two inks
together as marks ("ipa", "_Q EC") and the label is lost, while the value beside it, in
bold black print, is read surely. The date is then the first date on the page, a guess
held for review. The stamp's ink is lighter than the print it lies on (a pad's red or blue
turns mid grey), so the label is still there in the darker pixels alone.

The cells looked at come from the page's own structure: a key-value column, where a value
(a word read at least ``LABEL_WORD`` surely, mostly digits, no amount: ``_is_value``) stands
in the same column as the values of other rows (left edges within ``ALIGN``) whose labels
were read surely, while its own row holds only marks (words read under ``MARKS``, or a
stamp's reading taller than ``TALL`` rows) between the labels' left edge and the value. That
cell, if it holds print, is cut out and, at a few
grey levels between its darkest print and its paper (``LEVELS``), everything lighter than
the level is made paper and the cell read by both engines (Tesseract as one line, RapidOCR's
recognizer). The words are taken only when the two engines read the same letters at the
same level (``agree``): two readings by different models of the same pixels, not a guess
from the structure, which only says where to look. They replace the marks read in the cell,
as RapidOCR spaced them and at its score, capped at ``TAKEN_CAP`` (what a word only a second
reading found is worth, as ``ocr_unread``'s), over the print's extent in the cell. A clean
page has no such cell and costs nothing; a cell the engines read apart, or whose marks
already read the same letters, is left as it was.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

import numpy as np
from PIL import Image

from invoicepipe.domain.models import Box, Word

SURE = 0.8  # a label or value read at least this surely stands (as ``ocr_specks``' neighbours do)
LABEL_WORD = 0.6  # each word of a neighbour's label at least this surely ("No." read at 0.73)
MARKS = 0.5  # a lost label's cell holds only marks read under this (a word read at 0.59 is print read)
TALL = 1.8  # a word this many line heights tall is no row's label (a tilted stamp's reading)
ALIGN = 12.0  # points: the left edges of one column's values (a stamp's edge can widen a box)
NEAR_ROWS = 4.0  # the rows of one block lie within this many line heights of each other
GAP = 1.5  # line heights: a wider gap ends a label leftwards
MARGIN = 0.3  # line heights above and below the value the cell is cut with
LINE_PSM = 7  # Tesseract reads the cell as one line
SCALE = 2.0  # the cell enlarged for Tesseract's LSTM, as ``ocr_crop``
# the grey levels tried, as shares of the way from the cell's darkest print to its paper: a
# stamp's grey lies above 0.3 of it, the labels' print about 0.15-0.2 (on the prepared page)
LEVELS = (None, 0.25, 0.2, 0.15)
MIN_LETTERS = 3  # an agreed reading needs this many letters to be a label
ACCEPT = 0.8  # RapidOCR's score of an agreed reading at least this (the dev cells' labels 0.98-0.99)
TAKEN_CAP = 0.85
MAX_CELLS = 4  # cells read per page at most
_LETTERS = re.compile(r"[^\W\d_]")
# an amount with decimals ("22.966,76", "$264.79", "1'228.68"): its label is read again by
# no one here. A totals label read again (the same letters, a surer word) moved what the
# amounts' own checks decided: a harbor dev photo's amounts region was read again and a
# table row lost (``ocr_amounts``); amounts have the arithmetic to be judged by
_AMOUNT = re.compile(r"^[-(]?[^\d\s]{0,3}\d{1,3}(?:[.,' \u00a0]?\d{3})*[.,]\d{2}\)?[^\d]{0,2}$")

# a reader of one line: (image, pixels per point, page number) -> words (boxes in the image's points)
ReadLine = Callable[[Image.Image, float, int], list[Word]]


def _mid(w: Word) -> float:
    return (w.box.top + w.box.bottom) / 2


def _height(w: Word) -> float:
    return max(1.0, w.box.bottom - w.box.top)


def _same_row(a: Word, b: Word) -> bool:
    return abs(_mid(a) - _mid(b)) < 0.5 * min(_height(a), _height(b))


def _letters(text: str) -> int:
    return len(_LETTERS.findall(text))


def _is_value(w: Word) -> bool:
    """A value of a key-value column: mostly digits ("01/26/2026", "INV0000427", "68711"; a
    description's "PH1," is no such value), and no amount (``_AMOUNT``)."""
    alnum = [c for c in w.text if c.isalnum()]
    digits = sum(c.isdigit() for c in alnum)
    return (w.confidence >= LABEL_WORD and len(w.text) >= 3 and digits >= 2 and digits >= 0.5 * len(alnum)
            and not _AMOUNT.match(w.text))


def _label_left(words: list[Word], value: Word) -> Optional[float]:
    """The left edge of the label read just left of ``value`` on its row (words a gap of at
    most ``GAP`` line heights apart; marks without a letter or digit passed over), or None
    when there is none or an unsure word stands in it."""
    row = sorted((w for w in words if w is not value and _same_row(w, value) and w.box.x1 <= value.box.x0 + 1),
                 key=lambda w: -w.box.x1)
    edge, left, sure, h = value.box.x0, None, False, _height(value)
    for w in row:
        if not any(c.isalnum() for c in w.text):
            continue
        if edge - w.box.x1 > GAP * h * (3 if left is None else 1):
            break
        if w.confidence < LABEL_WORD:
            return None
        edge, left = w.box.x0, w.box.x0 if _letters(w.text) else left
        sure = sure or (w.confidence >= SURE and _letters(w.text) >= 2)
    return left if sure else None


def lost_label_cells(words: list[Word]) -> list[tuple[Box, Word]]:
    """The cells (page points) of labels lost in a key-value column, each with its value."""
    values = [w for w in words if _is_value(w)]
    cells = []
    for v in values:
        h = _height(v)
        lefts = [left for u in values if u is not v and abs(u.box.x0 - v.box.x0) <= ALIGN and not _same_row(u, v)
                 and abs(_mid(u) - _mid(v)) <= NEAR_ROWS * 2 * h
                 for left in [_label_left(words, u)] if left is not None and left < u.box.x0 - 2 * h]
        if not lefts:
            continue
        x0, x1 = min(lefts) - 2.0, v.box.x0 - 1.0
        if x1 - x0 < 2 * h:
            continue
        top, bottom = v.box.top - MARGIN * h, v.box.bottom + MARGIN * h
        inside = [w for w in words if w is not v and x0 <= (w.box.x0 + w.box.x1) / 2 <= x1 and top <= _mid(w) <= bottom]
        if any(w.confidence >= MARKS and _height(w) <= TALL * h for w in inside):
            continue  # the label was read, if unsurely (or the row holds other print: no lost label alone)
        cells.append((Box(x0, top, x1, bottom), v))
    return cells[:MAX_CELLS]


def _norm(words: list[Word]) -> str:
    return "".join(c for w in words for c in w.text.lower() if c.isalnum())


def agree(a: list[Word], b: list[Word]) -> bool:
    """Two readings of a cell are one label: the same letters and digits, enough letters, and
    mostly letters (a table row's cells read alike are no label)."""
    na, nb = _norm(a), _norm(b)
    return bool(na) and na == nb and _letters(na) >= MIN_LETTERS and _letters(na) >= 0.7 * len(na)


def _levelled(crop: np.ndarray, share: Optional[float]) -> np.ndarray:
    if share is None:
        return crop
    dark, paper = np.percentile(crop, 2), np.percentile(crop, 90)
    if paper - dark < 40:
        return crop  # no print and stamp to tell apart
    level = dark + share * (paper - dark)
    return np.where(crop > level, 255, crop).astype(np.uint8)


def _ink_box(levelled: np.ndarray, cell: Box, left: int, top: int, px: float) -> Box:
    """The part of the cell the print read spans (page points): its dark columns and rows."""
    dark = levelled < 128
    cols, rows = np.flatnonzero(dark.any(axis=0)), np.flatnonzero(dark.any(axis=1))
    if not len(cols) or not len(rows):
        return cell
    return Box((left + cols[0]) / px, (top + rows[0]) / px, (left + cols[-1] + 1) / px, (top + rows[-1] + 1) / px)


def _spread(text_words: list[Word], cell: Box, page: int, confidence: float) -> list[Word]:
    """The agreed words placed across the cell, each its share by characters."""
    tokens = [w.text for w in text_words if w.text.strip()]
    total = sum(len(t) for t in tokens) + max(0, len(tokens) - 1)
    out, x = [], cell.x0
    step = (cell.x1 - cell.x0) / max(1, total)
    for t in tokens:
        out.append(Word(t, Box(x, cell.top, x + step * len(t), cell.bottom), page, confidence))
        x += step * (len(t) + 1)
    return out


def reread_label_cells(words: list[Word], image: Image.Image, px: float, number: int,
                       read_tesseract: ReadLine, read_other: ReadLine) -> tuple[list[Word], dict]:
    """``words`` with the labels lost in key-value columns read again (see the module), and a
    capture record counting them (empty when none was read)."""
    cells = lost_label_cells(words)
    if not cells:
        return words, {}
    gray = np.asarray(image.convert("L"))
    taken = 0
    for cell, _value in cells:
        left, top = max(0, int(cell.x0 * px)), max(0, int(cell.top * px))
        right, bottom = min(gray.shape[1], int(cell.x1 * px) + 1), min(gray.shape[0], int(cell.bottom * px) + 1)
        if right - left < 8 or bottom - top < 8:
            continue
        crop = gray[top:bottom, left:right]
        if np.percentile(crop, 90) - np.percentile(crop, 2) < 40:
            continue  # no print in the cell: nothing was lost there
        for share in LEVELS:
            levelled = _levelled(crop, share)
            img = Image.fromarray(levelled)
            first = read_tesseract(img.resize((img.width * 2, img.height * 2), Image.Resampling.LANCZOS), px * SCALE, number)
            if _letters(_norm(first)) < MIN_LETTERS:
                continue
            second = read_other(img, px, number)
            if agree(first, second) and min(w.confidence for w in second) >= ACCEPT:
                # RapidOCR's line keeps the label's spaces ("Invoice Date", "Rechnungsdatum"),
                # where Tesseract's words of a cell can split one ("Rechn ungsdatum"); its score
                # is the words' (Tesseract's word scores on a one-line cell are no measure)
                tokens = [Word(t, w.box, number, w.confidence) for w in second for t in w.text.split()]
                score = min(TAKEN_CAP, min(w.confidence for w in second))
                inside = [w for w in words if cell.x0 <= (w.box.x0 + w.box.x1) / 2 <= cell.x1
                          and cell.top <= _mid(w) <= cell.bottom]
                if _norm(sorted(inside, key=lambda w: w.box.x0)) == _norm(second):
                    break  # the page read the same letters there: its words stay as they are
                words = [w for w in words if not any(w is i for i in inside)]
                words = words + _spread(tokens, _ink_box(levelled, cell, left, top, px), number, score)
                taken += 1
                break
    return words, ({"labels_reread": taken} if taken else {})
