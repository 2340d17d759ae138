"""The quick English pass that names a document's language, read band by band.

The language of a document is told from the English words of the upper half of its first
page at half resolution (``ocr_languages``: invoice vocabulary). Tesseract's time goes
mostly to recognising text lines, not to pixels: halving the resolution saves little, and
the upper half of an invoice holds most of its print (its header, labels and the table's
head), so that pass cost about a third of the page's full reading (250 ms against 700 on
the generated scans). Yet the language is usually plain after the first few lines
("Rechnung", "Rechnungsdatum", "Facture"). So the upper half is cut into bands between text
lines and read from the top; the pass stops as soon as one language (or English) leads
every other by ``ocr_languages.MIN_HITS`` words, and reads on to the end of the half
otherwise, when the choice is made exactly as from the whole half.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PIL import Image

from invoicepipe.adapters.ocr_languages import LanguageChoice
from invoicepipe.domain.models import Word

# The share of the page (from the top) the pass reads at most: the title, the header
# labels and the table's column heads name the language; the rest mostly repeats them.
FIRST_PASS_SHARE = 0.5
BANDS = 8  # bands of the upper half: 1/16 of the page each, a few text lines
INK_LEVEL = 128  # darker than this (after the contrast stretch) is print

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def band_edges(gray: np.ndarray, bands: int) -> list[int]:
    """Row indices cutting ``gray`` into ``bands`` strips of about equal height, each cut
    moved to the row with the least print within a quarter of a band of its place, so that
    it falls between text lines rather than through one."""
    ink_per_row = (gray < INK_LEVEL).sum(axis=1)
    height = len(ink_per_row)
    edges = [0]
    reach = max(1, height // (4 * bands))
    for k in range(1, bands):
        place = height * k // bands
        lo, hi = max(edges[-1] + 1, place - reach), min(height - 1, place + reach)
        edges.append(lo + int(np.argmin(ink_per_row[lo:hi])) if hi > lo else place)
    edges.append(height)
    return edges


def read_language_pass(prepared: Image.Image, px_per_pt: float, number: int, read_words: ReadWords,
                       choice: LanguageChoice) -> int:
    """Read the upper half of ``prepared`` at half resolution band by band with
    ``read_words`` (English) until ``choice`` finds the language clear, then hand the words
    to ``choice.after_first_pass``; returns the number of bands read. The words only name
    the language: their boxes refer to the reduced bands and are never kept."""
    top = prepared.crop((0, 0, prepared.width, max(1, round(prepared.height * FIRST_PASS_SHARE))))
    half = top.resize((max(1, top.width // 2), max(1, top.height // 2)), Image.Resampling.BILINEAR)
    gray = np.asarray(half.convert("L"))
    edges = band_edges(gray, BANDS)
    words: list[Word] = []
    read = 0
    for y0, y1 in zip(edges, edges[1:]):
        if y1 <= y0 or gray[y0:y1].min() >= INK_LEVEL:
            continue  # a band of bare paper names nothing (and Tesseract complains about it)
        words += read_words(half.crop((0, y0, half.width, y1)), px_per_pt / 2, number)
        read += 1
        if choice.is_clear(words):
            break
    choice.after_first_pass(words)
    return read
