"""A second reading of an OCR page's item rows when they do not add up to the net.

After the amounts (``ocr_amounts``) the document is extracted again; only when its items fall
short of a net that independent evidence backs (``item_reread.needs_item_reread``) is the
items' part of the page read again, at ``ocr_amounts.SCALE`` times the resolution as one
block of rows, its words added where the first reading read nothing
(``item_reread.fill_gaps``), and kept only when the items then add up to that same net
(``item_reread.better_items``). A page whose items add up costs one extraction (which the
identifiers' check after this one reuses).
"""

from __future__ import annotations

from typing import Callable, Mapping

from PIL import Image

from invoicepipe.adapters.ocr_amounts import read_again
from invoicepipe.domain.extraction.item_reread import better_items, fill_gaps, items_region, needs_item_reread
from invoicepipe.domain.models import DocumentText, Extraction, Word

# a block of rows: Tesseract's own page layout split the table's columns into blocks and lost
# a row's figures among them; read as one block, each row is a line
BLOCK_PSM = 6

ReadWords = Callable[[Image.Image, float, int], list[Word]]
Extract = Callable[[DocumentText], Extraction]


def reread_items(doc: DocumentText, images: Mapping[int, tuple[Image.Image, float]], read_words: ReadWords,
                 extract: Extract) -> DocumentText:
    """``doc`` with the items' region of one page read again when that makes the items add up
    to the net; else ``doc`` unchanged (arguments as ``ocr_amounts.reread_amounts``)."""
    first = extract(doc)
    if not needs_item_reread(first):
        return doc
    where = items_region(doc, first)
    # the same crop, scale and word boxes as the amounts' second reading
    words = read_again(where, images, read_words)
    if not words:
        return doc
    number, region = where
    candidate = fill_gaps(doc, number, region, words)
    return candidate if better_items(first, extract(candidate)) else doc
