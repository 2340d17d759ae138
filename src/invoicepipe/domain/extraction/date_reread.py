"""Reading a scanned date of issue again: when, where, and which reading to keep.

A scan's date of issue is a short print beside or under its label. Where a speck, a
neighbouring row or the label's own cell border touches it, Tesseract's page reading puts a
stray character into it ("2 maggio i 2026"), drops a digit ("24 stycznia 202") or returns
marks ("6-04- se"): the date does not parse, and the date of issue is missing or a weaker
date (the due date) is taken. The same print cut out at twice the scale and read as a block
of rows mostly reads right: the page segmentation that joined it to its neighbours is not
there. (Measured before building, on the dev scans whose date was missing or unsure: 4 of 9
read right the second time, 3 of them surely; no date that was right went wrong.)

Only when the date of issue is missing or unsure (``needs_reread``) are the cells of the
date labels the page prints (``label_regions``: a label's line and the lines right under it,
from its left edge to a column's width right of it) read again by the OCR adapter
(``adapters/ocr_dates``). A reading is kept when it gives a date of issue the first one did
not find, or gives one more surely (``better_reading``), and only on the rows that date and
its label stand on (``date_rows``): the cells' other values keep their first reading.
Nothing here reads pixels.
"""

from __future__ import annotations

from typing import Optional

from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.layout import union_box
from invoicepipe.domain.models import Box, DocumentText, Extraction

FIELD = "invoice_date"
# a raw score under this is a date the routing holds in any case (label-found dates on a scan
# score 0.85-0.95; a contested, a guessed or a weakly labelled one under 0.5): reading again
# can only help
UNSURE = 0.8
# the region read again: the label's line and this many line heights under it (a value under
# its caption, a caption wrapped onto two lines) ...
LINES_BELOW = 3.0
# ... from this many characters left of the label (a value right-aligned under it) to this
# many right of it (a value beside it, past a column gap)
REACH_LEFT = 2.0
REACH_RIGHT = 30.0
# at most this many labels' regions per document (a "Date" on every page of a long one)
MAX_LABELS = 3
# a second reading that only scores a little higher read the same date the same way
MIN_GAIN = 0.05


def needs_reread(extraction: Extraction) -> bool:
    """True when the date of issue is missing or so unsure that the routing holds it."""
    field = extraction.fields.get(FIELD)
    return field is None or field.confidence < UNSURE


def label_regions(doc: DocumentText) -> list[tuple[int, Box]]:
    """(page number, box in points) of each date-of-issue label's cell, in reading order."""
    if not doc.pages:
        return []
    ctx = document_context(doc)[0]
    cw = ctx.layout.char_width
    sizes = {p.number: (p.width, p.height) for p in doc.pages}
    out: list[tuple[int, Box]] = []
    for hit in ctx.hits_for(FIELD):
        words = hit.line.words_in(hit.start, hit.end)
        if not words or words[0].page not in sizes:
            continue
        box = union_box(words)
        height = box.bottom - box.top
        width, page_height = sizes[words[0].page]
        region = Box(max(0.0, box.x0 - REACH_LEFT * cw), max(0.0, box.top - 0.5 * height),
                     min(width, box.x1 + REACH_RIGHT * cw), min(page_height, box.bottom + LINES_BELOW * height))
        out.append((words[0].page, region))
        if len(out) == MAX_LABELS:
            break
    return out


def better_reading(first: Extraction, second: Extraction) -> bool:
    """Keep the second reading only when it gives a date of issue the first did not find,
    or the same field more surely (a reading that merely reads another date is no better)."""
    new = second.fields.get(FIELD)
    if new is None:
        return False
    old = first.fields.get(FIELD)
    return old is None or new.confidence >= old.confidence + MIN_GAIN


def date_rows(extraction: Extraction, page_number: int, within: Box) -> Optional[Box]:
    """The rows of the date the second reading found (with a line height above, for a label
    over its value), across ``within``; None when that date is not in the region."""
    field = extraction.fields.get(FIELD)
    if field is None or field.box is None or field.page != page_number:
        return None
    box = field.box
    if box.bottom < within.top or box.top > within.bottom:
        return None
    line = box.bottom - box.top
    return Box(within.x0, max(within.top, box.top - 1.2 * line), within.x1, min(within.bottom, box.bottom + 0.5 * line))
