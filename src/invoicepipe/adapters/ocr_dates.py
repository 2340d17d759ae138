"""A second reading of a scanned date of issue's cell when the first reading lost the date.

After the pages are read and the document extracted once, a date of issue that is missing
or unsure (``date_reread.needs_reread``) has its labels' cells (``date_reread.label_regions``)
cut out, enlarged ``SCALE`` times and read as a block of rows, one label at a time. The
first reading that gives a date of issue, or the same date more surely
(``date_reread.better_reading``), is kept on the rows of that date only
(``date_reread.date_rows``). A page whose date was read surely costs nothing but the
extraction the other second readings share; one that needs it, a crop read per label (at
most ``date_reread.MAX_LABELS``).
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional

from PIL import Image

from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_reread import splice_words
from invoicepipe.domain.extraction.date_reread import better_reading, date_rows, label_regions, needs_reread
from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

SCALE = 2.0  # as the amounts' second reading (``ocr_amounts.SCALE``): the x-height the LSTM reads best at
BLOCK_PSM = 6  # a strip of label-value rows, not a page with columns

ReadWords = Callable[[Image.Image, float, int], list[Word]]
Extract = Callable[[DocumentText], Extraction]  # a document extracted without master data


def reread_dates(doc: DocumentText, images: Mapping[int, tuple[Image.Image, float]], read_words: ReadWords,
                 extract: Optional[Extract] = None) -> DocumentText:
    """``doc`` with a date-of-issue label's cell read again when that gives the date (see the
    module); else ``doc`` unchanged. ``images`` maps a page number to (the image its words'
    boxes refer to, pixels per point); ``read_words(image, px_per_pt, page_number)`` reads a
    region image into words with boxes in the region's points."""
    extract = extract or (lambda text: extract_invoice(text, ()))
    first = extract(doc)
    if not needs_reread(first):
        return doc
    for number, region in label_regions(doc):
        if number not in images:
            continue
        image, px = images[number]
        words = _read_region(image, px, number, region, read_words)
        if not words:
            continue
        second = extract(splice_words(doc, number, region, words))
        if not better_reading(first, second):
            continue
        rows = date_rows(second, number, region)
        if rows is None:
            continue
        narrow = splice_words(doc, number, rows, words)
        if better_reading(first, extract(narrow)):
            return narrow
    return doc


def _read_region(image: Image.Image, px: float, number: int, region: Box, read_words: ReadWords) -> list[Word]:
    found = enlarged_crop(image, px, region, 0.0, 0.0, SCALE)
    if found is None:
        return []
    crop, (left, top, _, _) = found
    dx, dy = left / px, top / px
    return [Word(w.text, Box(w.box.x0 + dx, w.box.top + dy, w.box.x1 + dx, w.box.bottom + dy), w.page, w.confidence)
            for w in read_words(crop, px * SCALE, number)]
