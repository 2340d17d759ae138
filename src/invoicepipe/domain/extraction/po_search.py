"""The PO number found by looking for the vendor's own open purchase orders on the page.

A label finds *a* number beside "Order"/"Bestellung"/"Commande", and on many invoices that
is the delivery note, the order confirmation or the customer's reference, or a scan cut it
short. The buyer already knows which POs are open with the resolved vendor: one of them
printed anywhere on the page (after folding OCR confusions and separators) is far stronger
evidence than any label. So once the vendor is resolved:

- a label's PO number that is one of the vendor's open POs is confirmed;
- otherwise, exactly one of the vendor's open POs printed on the page replaces it (the
  label took another document's number) or fills the gap;
- several printed, none chosen by a label: nothing is decided here (a person picks);
- a printed fragment of at least ``MIN_FRAGMENT`` characters that begins or ends exactly
  one open PO, and nothing better, is taken with a lower confidence (a scan cut it short),
  also when the label read that fragment itself;
- a PO glued inside a word to a label, a prefix or its line number ("PO-4500010521",
  "Order:4500010521", "4500010521/10") counts as printed (``_parts``);
- on an OCR'd page, a label's number one digit off exactly one open PO is taken as that PO,
  for a person to confirm (``NEAR_MISS``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Optional, Sequence, Union

from invoicepipe.domain.models import DocumentText, ExtractedField, Extraction, PurchaseOrder, PurchaseOrderNumber, Word

CONFIRMED, FOUND, FRAGMENT = 0.98, 0.96, 0.8
# an OCR'd label value one digit off exactly one open PO: most likely that PO misread, but a
# person confirms it (below every routing threshold)
NEAR_MISS = 0.5
# a label's number that is none of the vendor's POs while some are open (see ``refine_po_number``)
UNMATCHED = 0.5
MIN_FRAGMENT = 7
# OCR confusions folded on both sides, as for invoice numbers.
_FOLD = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})
_SEPARATORS = re.compile(r"[\s.\-/_:#]")


def po_key(text: str) -> str:
    """The compare-form of a PO number: upper case, separators dropped, confusions folded."""
    return _SEPARATORS.sub("", text.upper()).translate(_FOLD)


# what a scan glues to a word's edges without it being print of the number: quotes, dust,
# a table rule, a bracket or a full stop ("“4500010730", "4500010730.", "|4500010730")
_EDGE_NOISE = re.compile(r"^[^0-9A-Za-z]+|[^0-9A-Za-z]+$")


def _printed(doc: DocumentText) -> Iterable[tuple[str, Word, Word]]:
    """Every token and every run of up to three adjacent tokens on a line (a number printed
    in groups, "4500 0105 21"), without the noise at each token's edges, with the first and
    last word of the run; and the parts of a token a word glued to a number (``_parts``)."""
    for page in doc.pages:
        words = list(page.words)
        for i, first in enumerate(words):
            text = ""
            for last in words[i:i + 3]:
                if last is not first and abs(last.box.top - first.box.top) > max(2.0, first.box.bottom - first.box.top):
                    break  # another line
                text += _EDGE_NOISE.sub("", last.text)
                yield po_key(text), first, last
            for part in _parts(first.text):
                yield po_key(part), first, first


# inside one word, where a number meets what is glued to it: a separator ("PO-4500010521",
# "Order:4500010521", "4500010521/10" with its line), a label's letters before its digits
# ("PO4500010521", "BE4500010521"), or the next cell's word after them where the cells of a
# row touch and nothing put a space between them ("4500010726BL" of "... 4500010726BL n°
# 80403102"). The letters are dropped, not folded into digits ("BL" would read "81").
_PART_SEPARATOR = re.compile(r"[.\-/_:#]+")
_LETTERS_THEN_DIGITS = re.compile(r"^[A-Za-z]{2,}(?=\d{6,}$)")
_DIGITS_THEN_LETTERS = re.compile(r"(?<=\d{%d})[^\W\d_]{2,}$" % MIN_FRAGMENT)


def _parts(text: str) -> list[str]:
    """The parts of a word that may be a PO number glued to a label, a prefix, a line number
    or the next cell's word: each at least ``MIN_FRAGMENT`` characters, none the whole word."""
    word = _EDGE_NOISE.sub("", text)
    parts = [p for p in _PART_SEPARATOR.split(word) if p]
    if len(parts) == 1:
        parts = [_DIGITS_THEN_LETTERS.sub("", _LETTERS_THEN_DIGITS.sub("", word))]
    return [p for p in parts if len(p) >= MIN_FRAGMENT and p != word]


def _field(po_number: str, confidence: float, method: str, first: Optional[Word], last: Optional[Word]) -> ExtractedField:
    box = first.box.union(last.box) if first and last else None
    return ExtractedField("po_number", po_number, confidence, method, first.page if first else None, box)


def refine_po_number(extraction: Extraction, doc: DocumentText,
                     vendor_pos: Sequence[Union[PurchaseOrder, PurchaseOrderNumber]]) -> Extraction:
    """The extraction with its PO number checked against the resolved vendor's POs: a
    label's number that is one of them stands (confirmed when open); otherwise the page is
    searched for the vendor's open POs. Only each PO's number and status are read."""
    if not vendor_pos:
        return extraction
    labelled = extraction.fields.get("po_number")
    known = {po_key(po.po_number): po for po in vendor_pos}
    if labelled is not None and po_key(labelled.value) in known:
        po = known[po_key(labelled.value)]
        confidence = max(labelled.confidence, CONFIRMED) if po.status == "open" else labelled.confidence
        return _with(extraction, replace(labelled, value=po.po_number, confidence=confidence))
    by_key = {k: po for k, po in known.items() if po.status == "open"}
    found: dict[str, tuple[Word, Word]] = {}
    fragments: dict[str, tuple[Word, Word]] = {}
    for key, first, last in _printed(doc):
        if key in by_key:
            found.setdefault(by_key[key].po_number, (first, last))
        elif len(key) >= MIN_FRAGMENT and key.isalnum() and sum(c.isdigit() for c in key) >= MIN_FRAGMENT - 1:
            hits = [po for k, po in by_key.items() if k != key and (k.startswith(key) or k.endswith(key))]
            if len(hits) == 1:
                fragments.setdefault(hits[0].po_number, (first, last))
    if len(found) == 1:
        [(number, (first, last))] = found.items()
        return _with(extraction, _field(number, FOUND, "vendor_open_po", first, last))
    if not found and len(fragments) == 1 and (labelled is None or _fragment_of(labelled, fragments)):
        # no label, or the label's own number cut short by the scan ("450001080" then a
        # lone "2"): the one open PO it begins or ends
        [(number, (first, last))] = fragments.items()
        return _with(extraction, _field(number, FRAGMENT, "vendor_open_po_fragment", first, last))
    near = _one_digit_off(labelled, by_key) if labelled is not None and not found and _read_by_ocr(doc) else None
    if near is not None:
        return _with(extraction, replace(labelled, value=near.po_number, confidence=min(labelled.confidence, NEAR_MISS),
                                         method="vendor_open_po_near"))
    if labelled is not None and by_key and not found and not fragments:
        # the vendor has open POs and the page prints none of them, not even in part: the
        # label's number is another document's (a customer or delivery-note number in the
        # order column of a garbled header) or a PO the master does not know; either way a
        # person looks, and its sure reading must not make it a sure PO
        return _with(extraction, replace(labelled, confidence=min(labelled.confidence, UNMATCHED)))
    return extraction


def _fragment_of(labelled: ExtractedField, fragments: dict) -> bool:
    """Whether the label's number is the start or the end of the one PO in ``fragments``."""
    key = po_key(labelled.value)
    [number] = fragments
    full = po_key(number)
    return len(key) >= MIN_FRAGMENT and key != full and (full.startswith(key) or full.endswith(key))


def _read_by_ocr(doc: DocumentText) -> bool:
    return any(p.method.startswith("ocr") for p in doc.pages)


def _one_digit_off(labelled: ExtractedField, open_pos: dict) -> Optional[Union[PurchaseOrder, PurchaseOrderNumber]]:
    """The one open PO whose number differs from the label's OCR reading in a single digit
    ("4500610796" read for "4500010796", a confusion no fold covers), else None."""
    key = po_key(labelled.value)
    near = [po for k, po in open_pos.items()
            if len(k) == len(key) and sum(a != b for a, b in zip(k, key)) == 1
            and all(a == b or (a.isdigit() and b.isdigit()) for a, b in zip(k, key))]
    return near[0] if len(near) == 1 else None


def _with(extraction: Extraction, field: ExtractedField) -> Extraction:
    return replace(extraction, fields={**extraction.fields, "po_number": field})
