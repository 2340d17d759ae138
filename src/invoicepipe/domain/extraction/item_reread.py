"""Reading an OCR page's item rows again when they do not add up to the net: when, where, and
which reading to keep.

A scanned table loses a row's figures more often than its sums: the amounts of one row are
read as nothing (a faint print, a rule through them), the row keeps its description only and
is no item, and the items no longer add up to a net that net + tax = total confirms. The
invoice is then held for amounts that do not add up, though every figure printed on it was
right. On a skewed scan the figures may come back as garbage at low confidence instead ("See
eke Cee" where "2 lfm 2,67 5,34" was printed: the line finder cut the row together with the
rule under it). Reading the rows again at a higher scale as one block of rows often reads the
lost figures (``adapters/ocr_items``), and a sure word of it takes the place of garbled words
under it. But a second reading is no better by itself: it is kept only when its items add up
exactly to the net the first reading confirmed, and the amounts are no
less backed than before. Nothing here reads pixels.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Optional, Sequence

from invoicepipe.domain.calibration import evidence_class
from invoicepipe.domain.extraction.amount_reread import reading_score
from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

# the net is taken as the items' target only when independent evidence backs it
_BACKED = ("one", "two")
# how far above the first item read the region reaches, in its line heights: the lost row may
# be the first, under the column heads
ABOVE_LINES = 2.5
# below the last item, where the net is on another page or not placed
BELOW_LINES = 3.0
# a second reading's word the same as a first reading's when this share of its box lies in it
SAME_WORD = 0.3
# a first reading's word below this confidence (Tesseract's, 0-1) is taken for a misread band:
# a rule under a skewed row read together with the row's figures as "See eke Cee"
GARBLED = 0.5
# a second reading's word must be at least this sure to take the place of garbled words
ACCEPT = 0.6


def _items_sum(extraction: Extraction) -> Optional[Decimal]:
    amounts = [li.amount for li in extraction.lines if li.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _net(extraction: Extraction) -> Optional[Decimal]:
    net = extraction.fields.get("net")
    if net is None or evidence_class(net.evidence) not in _BACKED:
        return None
    return _amount(net.value)


def _amount(value) -> Optional[Decimal]:
    try:
        return Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        return None


def needs_item_reread(extraction: Extraction) -> bool:
    """True when the items read fall short of (or exceed) a net that independent evidence
    backs, and of the total too (items printed with their tax sum to the total)."""
    net, items = _net(extraction), _items_sum(extraction)
    if net is None or items is None or items == net or "lines" in extraction.fields["net"].evidence:
        # the items reconcile with the net already, through the discount and charge rows
        # printed between them (``bridge_to_net``): a second reading has nothing to find
        return False
    total = extraction.fields.get("total")
    return total is None or _amount(total.value) != items


def items_region(doc: DocumentText, extraction: Extraction) -> Optional[tuple[int, Box]]:
    """(page number, box in points): the full width from a little above the first item read
    down to the net's row on the items' page (or a few lines under the last item). None when
    the items carry no place."""
    placed = [li for li in extraction.lines if li.box is not None and li.page is not None]
    if not placed:
        return None
    page_no = placed[0].page
    rows = [li.box for li in placed if li.page == page_no]
    page = next((p for p in doc.pages if p.number == page_no), None)
    if page is None:
        return None
    line = max(b.bottom - b.top for b in rows)
    top = max(0.0, min(b.top for b in rows) - ABOVE_LINES * line)
    net = extraction.fields.get("net")
    last = max(b.bottom for b in rows)
    if net is not None and net.page == page_no and net.box is not None and net.box.top > last:
        bottom = net.box.top - 0.25 * line
    else:
        bottom = min(page.height, last + BELOW_LINES * line)
    return page_no, Box(0.0, top, page.width, bottom)


def better_items(first: Extraction, second: Extraction) -> bool:
    """Keep the second reading only when its items add up exactly to the net the first
    reading backed (the same net), and its amounts are backed at least as well."""
    net = _net(first)
    return (net is not None and _net(second) == net and _items_sum(second) == net
            and reading_score(second) >= reading_score(first))


def fill_gaps(doc: DocumentText, page_number: int, region: Box, words: Sequence[Word]) -> DocumentText:
    """The document with the words of the second reading added where the first read nothing
    or garbage: each word inside ``region`` whose box no first-reading word covers for
    ``SAME_WORD`` of it, or only garbled ones (below ``GARBLED``) when it is itself sure
    (``ACCEPT``); the garbled words it covers go. The first reading's other words all stay:
    read at page scale in the page's layout, they lost a row's figures, not the rows they read
    (a second reading of the block lost another row)."""
    pages = []
    for page in doc.pages:
        if page.number != page_number:
            pages.append(page)
            continue
        added, replaced = [], set()
        for w in words:
            if not _inside(w.box, region):
                continue
            under = [i for i, o in enumerate(page.words) if _covered(w.box, o.box)]
            if not under:
                added.append(w)
            elif w.confidence >= ACCEPT and all(page.words[i].confidence < GARBLED for i in under):
                added.append(w)
                replaced.update(under)
        kept = [o for i, o in enumerate(page.words) if i not in replaced]
        merged = sorted([*kept, *added], key=lambda w: (round(w.box.top, 1), w.box.x0))
        pages.append(replace(page, words=tuple(merged)))
    return replace(doc, pages=tuple(pages))


def _inside(box: Box, region: Box) -> bool:
    cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    return region.x0 <= cx <= region.x1 and region.top <= cy <= region.bottom


def _covered(box: Box, other: Box) -> bool:
    w = min(box.x1, other.x1) - max(box.x0, other.x0)
    h = min(box.bottom, other.bottom) - max(box.top, other.top)
    area = max(1e-6, (box.x1 - box.x0) * (box.bottom - box.top))
    return w > 0 and h > 0 and w * h >= SAME_WORD * area
