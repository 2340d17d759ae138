"""A second reading of the amounts' part of an OCR page when the amounts disagree.

A phone photo's or scan's total is the field most worth reading right and its print is
often the one Tesseract reads worst at page scale (a bold, larger figure next to a rule,
a comma the size of a speck). After the pages are read, the document is extracted once
(``domain.extraction``); only when its total is missing or no independent evidence agrees
with it (``amount_reread.needs_reread``) is the region of the amounts read again, at
``SCALE`` times the resolution as one block of rows, and the reading kept only when the
cross-checks back its total better (``amount_reread.better_reading``), then narrowed to
the rows of the amounts it found when that keeps the gain. So a page whose
amounts agree costs one extraction (a few per cent of its OCR), and a value never rises
without the arithmetic or a repeated printing agreeing with it.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional

from PIL import Image

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_reread import (
    amount_rows, better_reading, needs_reread, reread_region, splice_words)
from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

# upscaling a 200-300 dpi page to 2x gives Tesseract's LSTM the x-height it reads best at
# for small print and separates a decimal comma from the digits beside it
SCALE = 2.0
# a block of rows: the region is a strip of label-value lines, not a page with columns
BLOCK_PSM = 6

ReadWords = Callable[[Image.Image, float, int], list[Word]]
Extract = Callable[[DocumentText], Extraction]  # a document extracted without master data


def reread_amounts(doc: DocumentText, images: Mapping[int, tuple[Image.Image, float]], read_words: ReadWords,
                   extract: Optional[Extract] = None) -> DocumentText:
    """``doc`` with the amounts' region of one page read again when that makes its total
    agree with the other evidence; else ``doc`` unchanged. ``images`` maps a page number to
    (the image its words' boxes refer to, pixels per point); ``read_words(image, px_per_pt,
    page_number)`` reads a region image into words with boxes in the region's points.
    ``extract(doc)`` is ``extract_invoice(doc, ())``, or a caller's that remembers it (the
    identifiers' check after this one extracts the same document when it is not read again)."""
    extract = extract or (lambda text: extract_invoice(text, ()))
    first = extract(doc)
    if not needs_reread(first):
        return doc
    where = reread_region(doc, first)
    words = read_again(where, images, read_words)
    if not words:
        return doc
    number, region = where
    candidate = splice_words(doc, number, region, words)
    second = extract(candidate)
    if not better_reading(first, second):
        return doc
    # the region also holds table rows and the footer, which the first reading (at page
    # scale, page layout) read as well or better: take only the amounts' rows when that
    # keeps the gain
    rows = amount_rows(second, number, region)
    if rows is not None:
        narrow = splice_words(doc, number, rows, words)
        if better_reading(first, extract(narrow)):
            return narrow
    return candidate


def read_again(where: Optional[tuple[int, Box]], images: Mapping[int, tuple[Image.Image, float]],
               read_words: ReadWords) -> list[Word]:
    """The words of the region ``where`` (page number, box in points) read again, in page
    points; none without a region or the page's image."""
    if where is None or where[0] not in images:
        return []
    number, region = where
    image, px = images[number]
    return read_region(image, px, number, region, read_words)


def read_region(image: Image.Image, px: float, number: int, region: Box, read_words: ReadWords) -> list[Word]:
    left, top = max(0, int(region.x0 * px)), max(0, int(region.top * px))
    right, bottom = min(image.width, int(region.x1 * px) + 1), min(image.height, int(region.bottom * px) + 1)
    if right - left < 8 or bottom - top < 8:
        return []
    crop = image.crop((left, top, right, bottom))
    crop = crop.resize((round(crop.width * SCALE), round(crop.height * SCALE)), Image.Resampling.LANCZOS)
    found = read_words(crop, px * SCALE, number)
    dx, dy = left / px, top / px
    return [Word(w.text, Box(w.box.x0 + dx, w.box.top + dy, w.box.x1 + dx, w.box.bottom + dy), w.page, w.confidence)
            for w in found]
