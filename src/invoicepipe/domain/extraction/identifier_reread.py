"""A scanned invoice or PO number read a second time: which ones, and what agreement is worth.

An identifier printed once, in a boxed cell or in small print, comes out of Tesseract's page
reading at a word confidence of 0.4-0.7 even when every character is right: the ruling lines
and the neighbouring text that the page segmentation sees around it lower the engine's own
score, and nothing else on the page repeats it for ``agreement`` to count. Such a value is
scored like a guess, and a person has to look at every one.

Whether its characters were read right has one more witness the page can give: the same
print cut out and read on its own, at twice the resolution, as one text line
(``adapters/ocr_confirm``). That reading is made at another scale, with another
segmentation, without the neighbours; where a blot or a ruling line made the page reading
guess, the two readings rarely guess alike. When they agree character for character, the
chance that both are wrong is taken as the product of their doubts, as ``agreement`` takes
its witnesses: each of the value's words gets ``1 - (1 - page) * (1 - crop)``. When they
differ in anything, nothing changes (``ocr_identifiers`` already doubts a code whose
readings swap O/0 or I/1). The lift only moves the raw score; what a lifted value is worth is
measured by the calibration fit like every other raw score (``calibration``), so a second
reading that agrees with a wrong first one more often than it seems shows there, not here.

Only the fields a person would otherwise check by eye and no checksum guards are read
again: the invoice number and the PO number (an IBAN and a VAT id carry their own check
digits; dates and amounts have their own cross-checks).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import AbstractSet, Optional, Sequence

from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

FIELDS = ("invoice_number", "po_number")
# a value whose words were all read at least this surely gains nothing worth a second reading
READ_BELOW = 0.9
# as ``agreement.MAX_SCORE``: two readings of one print are never certainty
MAX_CONFIDENCE = 0.99
# the value's box is widened by this many points when its words are looked up
SLACK = 1.0


@dataclass(frozen=True)
class Spot:
    """One identifier to read again: its page, the box of its words and the words themselves."""

    field: str
    page: int
    box: Box
    indexes: tuple[int, ...]  # positions of the value's words among the page's words


def _inside(word: Word, box: Box) -> bool:
    cx, cy = (word.box.x0 + word.box.x1) / 2, (word.box.top + word.box.bottom) / 2
    return box.x0 - SLACK <= cx <= box.x1 + SLACK and box.top - SLACK <= cy <= box.bottom + SLACK


def spots(doc: DocumentText, extraction: Extraction, ocr_pages: Sequence[int],
          doubted: AbstractSet[Word] = frozenset()) -> list[Spot]:
    """The identifier fields of ``extraction`` found on an OCR page of ``ocr_pages`` whose
    words were read unsurely, each once (a PO number printed inside the invoice number's
    box is one spot). A value with a word among ``doubted`` (two readings of it already
    disagreed) is left as it is."""
    pages = {p.number: p for p in doc.pages}
    found: list[Spot] = []
    for name in FIELDS:
        field = extraction.fields.get(name)
        if field is None or field.box is None or field.page not in ocr_pages or field.page not in pages:
            continue
        words = pages[field.page].words
        indexes = tuple(i for i, w in enumerate(words) if w.text.strip() and _inside(w, field.box))
        if not indexes or min(words[i].confidence for i in indexes) >= READ_BELOW:
            continue
        if any(words[i] in doubted for i in indexes):
            continue
        if any(s.page == field.page and s.indexes == indexes for s in found):
            continue
        boxes = [words[i].box for i in indexes]
        union = Box(min(b.x0 for b in boxes), min(b.top for b in boxes),
                    max(b.x1 for b in boxes), max(b.bottom for b in boxes))
        found.append(Spot(name, field.page, union, indexes))
    return found


def _compare_form(words: Sequence[Word]) -> str:
    """The readings' text without spaces and without the punctuation a crop's edge may add or
    cut ("#", ":", a ruling line read as "|"), case and inner punctuation kept."""
    text = "".join("".join(w.text.split()) for w in words)
    return text.strip("|!:;,.#()[]{}'\"_-")


def agreed_confidence(first: Sequence[Word], second: Sequence[Word]) -> Optional[float]:
    """The words' confidence when two readings of one print agree; None when they differ or
    either is empty."""
    a, b = _compare_form(first), _compare_form(second)
    if not a or a != b:
        return None
    page = min(w.confidence for w in first)
    crop = min(w.confidence for w in second)
    return min(MAX_CONFIDENCE, 1.0 - (1.0 - page) * (1.0 - crop))


def with_confidence(doc: DocumentText, spot: Spot, confidence: float) -> DocumentText:
    """``doc`` with the spot's words at ``confidence`` (never lowered)."""
    pages = []
    for page in doc.pages:
        if page.number != spot.page:
            pages.append(page)
            continue
        words = list(page.words)
        for i in spot.indexes:
            w = words[i]
            words[i] = Word(w.text, w.box, w.page, max(w.confidence, confidence))
        pages.append(replace(page, words=tuple(words)))
    return replace(doc, pages=tuple(pages))
