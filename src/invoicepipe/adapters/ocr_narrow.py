"""A narrow page (a till roll) read again as one block of rows.

Tesseract's automatic page segmentation (mode 3) looks for columns and text blocks. On a
58/80 mm till roll the amounts stand in a right-hand column a few characters from the
paper's edge, apart from the item names by a wide gap; the layout analysis can take that
column, together with the edge's specks or the cut-out's border, for a non-text region and
drop it whole: every row keeps its label ("SUMA PLN", "Gotówka") and loses its amount,
although the same print cut out or read as one block of rows (mode 6) reads clean.
Measured on the receipts dev set: a photographed Polish receipt read 66 words and none of
its 14 amounts in mode 3, 101 words and 13 of the amounts in mode 6; cutting 2 % off the
page's sides also brought them back, but a crop can cut print that runs to the edge.

A roll is a page whose width is at most ``NARROW_COLUMNS`` characters of its own print
(58 mm rolls print 32, 80 mm rolls 42-48; an A4 page 80-140), measured from the words the
first reading found, so it works for a photo whose points are not the paper's. Such a page
is read once more in ``ROWS_PSM`` and that reading is kept when its sure words (confidence
``SURE`` or more) weigh more than the first reading's by ``GAIN``: mode 6 also reads
specks beside the print as unsure marks, which must not buy it the page. Wider pages cost
nothing.
"""

from __future__ import annotations

from statistics import median
from typing import Callable, Optional

from PIL import Image

from invoicepipe.domain.models import Word

NARROW_COLUMNS = 64
ROWS_PSM = 6  # Tesseract: a single uniform block of text, read row by row
SURE = 0.6
GAIN = 1.05
_MIN_WORDS = 5  # too few words to measure the print's character width

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def print_columns(words: list[Word], page_width_pt: float) -> Optional[float]:
    """The page's width in characters of its own print (the median width of a character
    in words of three or more), or None when too few words were read to tell."""
    widths = [(w.box.x1 - w.box.x0) / len(w.text) for w in words if len(w.text) >= 3 and w.box.x1 > w.box.x0]
    if len(widths) < _MIN_WORDS:
        return None
    return page_width_pt / median(widths)


def sure_weight(words: list[Word]) -> float:
    return sum(w.confidence for w in words if w.confidence >= SURE)


def reread_narrow(words: list[Word], image: Image.Image, px: float, number: int,
                  read_rows: ReadWords) -> tuple[list[Word], dict]:
    """``words`` or, on a narrow page, its reading as one block of rows where that is surer;
    with a record for the capture evidence."""
    columns = print_columns(words, image.width / px)
    if columns is None or columns > NARROW_COLUMNS:
        return words, {}
    rows = read_rows(image, px, number)
    taken = sure_weight(rows) > GAIN * sure_weight(words)
    return (rows if taken else words), {"narrow_columns": round(columns), "rows_read": taken}
