"""Reading the amounts of an OCR page again: when, where, and which reading to keep.

A photographed or scanned total that nothing agrees with (net + tax, the sum of the
lines, the same amount printed again) was most often misread: a comma taken for a full
stop, a digit lost in a blurred or small print. Reading the amounts' part of the page
again at a higher scale often reads it right, but a second reading is no better by
itself: it is kept only when the cross-checks of ``amount_checks`` agree with it more than
with the first one. The OCR adapter asks ``needs_reread`` and ``reread_region``, swaps the
words with ``splice_words`` (then only those of the ``amount_rows``, so the rest of the
region keeps its first reading); ``better_reading`` decides. Nothing here reads pixels.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from invoicepipe.domain.calibration import evidence_class
from invoicepipe.domain.models import Box, DocumentText, Extraction

AMOUNTS = ("net", "tax", "total")
# evidence classes by how much independent evidence agrees with an amount
_CLASS_RANK = {None: 0, "conflict": 0, "alone": 1, "one": 2, "two": 3}
# how far above and below the amounts the region reaches, in line heights: the labels of
# a total missed by the first reading sit on neighbouring lines
MARGIN_LINES = 3.0
# the share of the last page, from the bottom, read again when no amount was found at all
BOTTOM_SHARE = 0.6


def _rank(extraction: Extraction, name: str) -> int:
    field = extraction.fields.get(name)
    return _CLASS_RANK.get(evidence_class(field.evidence), 0) if field else 0


def needs_reread(extraction: Extraction) -> bool:
    """True when the total is missing or no independent evidence agrees with it (or one
    conflicts): the only case a second reading of the amounts can change for the better."""
    return _rank(extraction, "total") < _CLASS_RANK["one"]


def reading_score(extraction: Extraction) -> tuple[int, int]:
    """(the total's evidence rank, the sum of the amounts' ranks): the total first, since
    it is the amount that is paid; net and tax break ties."""
    return _rank(extraction, "total"), sum(_rank(extraction, n) for n in AMOUNTS)


def better_reading(first: Extraction, second: Extraction) -> bool:
    """Keep the second reading only when its total is backed by more independent evidence
    (a second reading that merely reads differently is no better)."""
    return reading_score(second)[0] > reading_score(first)[0]


def reread_region(doc: DocumentText, extraction: Extraction) -> Optional[tuple[int, Box]]:
    """(page number, box in points) of the part of the page to read again: the full width
    of the rows holding the amounts found, widened by a few line heights; without any
    amount, the lower part of the last page. None for a document without pages."""
    if not doc.pages:
        return None
    found = [f for n in AMOUNTS if (f := extraction.fields.get(n)) and f.box is not None and f.page is not None]
    if found:
        page_no = (extraction.fields.get("total") or found[0]).page or found[0].page
        boxes = [f.box for f in found if f.page == page_no] or [found[0].box]
        page_no = page_no if any(f.page == page_no for f in found) else found[0].page
    else:
        page_no, boxes = doc.pages[-1].number, []
    page = next((p for p in doc.pages if p.number == page_no), doc.pages[-1])
    if not boxes:
        return page.number, Box(0.0, page.height * (1 - BOTTOM_SHARE), page.width, page.height)
    top = min(b.top for b in boxes)
    bottom = max(b.bottom for b in boxes)
    line = max(b.bottom - b.top for b in boxes)
    return page.number, Box(0.0, max(0.0, top - MARGIN_LINES * line), page.width,
                            min(page.height, bottom + MARGIN_LINES * line))


def amount_rows(extraction: Extraction, page_number: int, within: Box) -> Optional[Box]:
    """The rows of the amounts a second reading found on that page (with a line height
    above for a label printed over its value), across ``within``: the only part of the
    second reading worth taking, so the table rows and the footer (line items, the seller's
    ids and bank details) around them keep their first reading. None without amounts."""
    boxes = [f.box for n in AMOUNTS if (f := extraction.fields.get(n)) and f.box is not None and f.page == page_number]
    if not boxes:
        return None
    line = max(b.bottom - b.top for b in boxes)
    return Box(within.x0, max(within.top, min(b.top for b in boxes) - line), within.x1,
               min(within.bottom, max(b.bottom for b in boxes) + 0.5 * line))


def splice_words(doc: DocumentText, page_number: int, region: Box, words) -> DocumentText:
    """The document with the words of ``region`` on that page (by their centre) replaced by
    ``words``, kept in reading order (top, then left)."""
    def inside(box: Box) -> bool:
        cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
        return region.x0 <= cx <= region.x1 and region.top <= cy <= region.bottom

    pages = []
    for page in doc.pages:
        if page.number != page_number:
            pages.append(page)
            continue
        kept = [w for w in page.words if not inside(w.box)]
        merged = sorted(kept + [w for w in words if inside(w.box)], key=lambda w: (round(w.box.top, 1), w.box.x0))
        pages.append(replace(page, words=tuple(merged)))
    return replace(doc, pages=tuple(pages))
