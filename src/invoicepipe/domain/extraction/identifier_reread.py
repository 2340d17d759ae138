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

Two readings by the same engine are not independent, though: Tesseract reads a serifed
Courier "SI000072" as "51000072" on the page and again in the crop at every scale, so a wrong
number was confirmed. Where another engine reads the crop (RapidOCR's recognizer, another
model trained on other data, ``adapters/ocr_confirm``), the second reading is a witness of
its own (``judge``): agreement lifts as above, and a disagreement is no longer silence. The
page's reading is then held at ``DISAGREED``, under every routing threshold, and the page's
capture record says the engines disagreed: one of the two engines misread the print, and
only a person can say which. Another engine also agrees with the value the extractor made of
the words (a letter l among digits mended to 1), and its crop holds only the value's words,
not a date that shares the value's cell (``spots(value_words=True)``). On the dev scans
(novel, atlas, fresh, more: 36 unsure numbers) every value the engines disagreed on (12) was
wrong, every one they agreed on (24) was read right (two of them were not the field: a
number taken for the PO), so no finer rule (confusable pairs only) is needed; Tesseract's
own crop had confirmed two misread numbers ("51000072", "S1000087" for "SI000087").

Only the fields a person would otherwise check by eye and no checksum guards are read
again: the invoice number and the PO number (an IBAN and a VAT id carry their own check
digits; dates and amounts have their own cross-checks).

A sure reading can be wrong too, and then nothing doubts it: a stamp over the print or a
speck in the margin takes a number's first character away and Tesseract reads the rest at
0.97 ("026000822" for "2026000822", "000594" for "AR-000594"), a value no repeat, label or
arithmetic contradicts. Where another engine is installed, the invoice number (the one
identifier no master data checks: a PO must be one of the vendor's) is therefore read by it
even when its words were read surely (``SURE_CHECKED``): about 50 ms of CPU a document
against a page's second of OCR. Such a check never lifts (the value is sure already); it
only holds the value at ``DISAGREED`` when the other engine read other letters or digits
(``judge_sure``; punctuation, spaces and case are not compared: on the dev scans the one
disagreement on a sure PO that was no misread was a dot RapidOCR put between two digits).
Where the two engines read an unsure code differently only in the shapes OCR confuses (O/0,
I/l/1, S/5, B/8, and the signs "$" for S, "@" for 0: ``po_search.po_key`` folds them), the
page's word takes RapidOCR's characters, still held at ``DISAGREED`` (``judge``'s
``reading``, ``with_reading``): the value a person sees is then the other engine's. On the
dev scans every such disagreement (novel's Courier "SI000072" read "51000072" or "$1000067",
harbor's "INV0000424" read "INVO000424", fresh's "CVF000087" read "CVFO00087") was
RapidOCR's reading right and Tesseract's wrong, on the page and in Tesseract's own crop
alike; nothing is lifted, since no third witness says which engine misread.
Where the page's word differs from RapidOCR's otherwise (a character more: "SkKyY0000611",
"SI1000067"), Tesseract's own crop is asked (``judge``'s ``witness``): when it reads RapidOCR's
characters (confusable shapes aside) and the page's word stands alone, the page's word was
garbled by its surroundings, and it takes RapidOCR's characters, still held (atlas
"SKY0000611", the novel photo's "SI000067"). Only the value a person sees changes. So for a
sure value too: harbor's "2026000822", its first digit lost on the page and read at 0.97 as
"026000822", was read "2026000822" by RapidOCR and by Tesseract's crop alike; the word takes
those characters and stays named as doubted (held, ``judge_sure``'s ``witness``).

Two readings against one decide, though, when they are two engines' (``_majority``): where
RapidOCR and Tesseract's own crop read exactly the same characters (case aside) and the
page's one word is within ``MAJORITY_EDITS`` letters or digits of them, the word takes them
at the confidence of the two crops' agreement. Tesseract's crop is then read for every
disagreement of a one-word value, confusable shapes included. The page's reading is the odd
one out because its word was read among its neighbours (a ruling line, a label's tail, the
cell's other print), which neither crop holds. On the dev scans 13 values were so decided:
12 invoice numbers, all right ("SkKyY0000611", "POSs000498", "INvoo00723", "829" for "629", a
sure "026000822" whose first digit a stamp took), and the first word of a number the page
split ("A-2026" of "A-2026/00221", both crops reading its slash), wrong and held before and
after; none on the holdouts. A third
voice was measured before on unsure numbers only, with Tesseract's crop merely resembling
RapidOCR's reading, and one of its 4 firings took a crop of part of the number ("2026" for
"FV/00747/2026") for the whole: the exact agreement and the edit bound leave that one out.
Two engines that read the same letters, one of them some in lower case ("Psi000588" against
"PSI000588": Tesseract judged the capital's size, not its shape), agree
(``_case_only``), and the code takes the reading in capitals.
A prefix lost under a stamp is not in the value's own crop at all (its margin is a third of
the value's height), so both engines agree on what is left: "000594" of "AR-000594", read at
0.97 and auto-approved on a harbor holdout scan. The invoice number's line is therefore read
by the other engine a second time, wider (``beside_span``: up to ``BESIDE`` heights each way,
never past a word the page read at least ``BESIDE_BOUND`` surely), and the value is held when that reading has its
letters and digits inside a longer token (``extended``: joined at a hyphen or slash, or with
no space at all); a label, a date or a stamp's words beside it are other tokens, and so is a
number sign RapidOCR glued to the value ("n.º2026/0729": it leaves out the space after it).
A sure value so doubted keeps its words as read: lowering them made the extractor take
another, worse candidate (the fresh "0000424", read surely, whose crop took in the date
beside it, became "414", an area code, at confidence 0). Its words are named in the page's
capture record instead (``with_doubt``, ``DOUBTED_KEY``), and the extractor keeps the value
and holds it under every routing threshold (``doubted_words``, note ``engines_disagreed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field, replace
from typing import AbstractSet, Callable, Literal, Optional, Sequence

from rapidfuzz.distance import Levenshtein

from invoicepipe.domain.extraction.po_search import po_key
from invoicepipe.domain.models import Box, DocumentText, Extraction, Page, Word

FIELDS = ("invoice_number", "po_number")
# read by another engine even when read surely: the identifier no master data checks
SURE_CHECKED = ("invoice_number",)
# a value whose words were all read at least this surely gains nothing worth a second reading
READ_BELOW = 0.9
# as ``agreement.MAX_SCORE``: two readings of one print are never certainty
MAX_CONFIDENCE = 0.99
# the value's box is widened by this many points when its words are looked up
SLACK = 1.0
# the word confidence of a value two engines read differently: under the lowest step of the
# OCR identifier maps (raw 0.4, see the calibration table) and, with the lift cap, under every
# routing threshold
DISAGREED = 0.3
# the capture record's key naming the words of a sure value another engine read otherwise
DOUBTED_KEY = "ids_doubted"
# the boxes (x0, top, x1, bottom, rounded to 0.01 pt) of words a reader doubted before the
# page's words were final: a value read where a stamp was taken out that the page as it was
# reads otherwise (``adapters/ocr_stamp_witness``); boxes, as later readings splice the words
DOUBTED_BOXES_KEY = "doubted_boxes"
# what a crop's edge may add or cut around the value: a ruling line read as "|" or "!", a
# label's colon, a dot in the margin read as "·", a stamp's stroke read as "*"
# (and a speck before or after it read as a typographic quote: "„2026000785")
_EDGE = "|!:;,.#()[]{}'\"_-·•*„‚“”‘’«»`"


@dataclass(frozen=True)
class Spot:
    """One identifier to read again: its page, the box of its words and the words themselves."""

    field: str
    page: int
    box: Box
    indexes: tuple[int, ...]  # positions of the value's words among the page's words
    value: str = dataclass_field(default="", compare=False)  # the value as the extractor made it
    sure: bool = False  # read surely on the page: checked by another engine, never lifted (``judge_sure``)


def _inside(word: Word, box: Box) -> bool:
    cx, cy = (word.box.x0 + word.box.x1) / 2, (word.box.top + word.box.bottom) / 2
    return box.x0 - SLACK <= cx <= box.x1 + SLACK and box.top - SLACK <= cy <= box.bottom + SLACK


_FOLD = str.maketrans("odqil|!sz$b", "00011115258")


def _folded(text: str) -> str:
    """``text`` without spaces, in lower case, each confusable letter as its digit: only to
    tell which words hold the value's characters, never to compare two readings."""
    return "".join(text.split()).strip(_EDGE).lower().translate(_FOLD)


def _value_words(words: Sequence[Word], indexes: tuple[int, ...], value: str) -> tuple[int, ...]:
    """The words among ``indexes`` that hold part of ``value`` (or all of it): a value's box
    may take in its neighbours (an invoice number's cell with the date beside it), whose
    characters say nothing of the value's. All of them when none does."""
    whole = _folded(value)
    held = tuple(i for i in indexes if (part := _folded(words[i].text)) and (part in whole or whole in part))
    return held or indexes


def spots(doc: DocumentText, extraction: Extraction, ocr_pages: Sequence[int],
          doubted: AbstractSet[Word] = frozenset(), value_words: bool = False,
          check_sure: bool = False) -> list[Spot]:
    """The identifier fields of ``extraction`` found on an OCR page of ``ocr_pages`` whose
    words were read unsurely, each once (a PO number printed inside the invoice number's
    box is one spot). A value with a word among ``doubted`` (two readings of it already
    disagreed) is left as it is. ``value_words``: a spot holds only the words in the value's
    box that hold its characters (``_value_words``), for a second reading whose
    disagreement lowers them. ``check_sure``: the ``SURE_CHECKED`` fields read surely are
    spots too (``Spot.sure``), for another engine to check."""
    pages = {p.number: p for p in doc.pages}
    found: list[Spot] = []
    for name in FIELDS:
        field = extraction.fields.get(name)
        if field is None or field.box is None or field.page not in ocr_pages or field.page not in pages:
            continue
        words = pages[field.page].words
        indexes = tuple(i for i, w in enumerate(words) if w.text.strip() and _inside(w, field.box))
        if value_words and indexes:
            indexes = _value_words(words, indexes, field.value)
        if not indexes:
            continue
        sure = min(words[i].confidence for i in indexes) >= READ_BELOW
        if sure and not (check_sure and name in SURE_CHECKED):
            continue
        if any(words[i] in doubted for i in indexes):
            continue
        if any(s.page == field.page and s.indexes == indexes for s in found):
            continue
        boxes = [words[i].box for i in indexes]
        union = Box(min(b.x0 for b in boxes), min(b.top for b in boxes),
                    max(b.x1 for b in boxes), max(b.bottom for b in boxes))
        found.append(Spot(name, field.page, union, indexes, field.value, sure))
    return found


def _in_reading_order(words: Sequence[Word]) -> list[Word]:
    """The words left to right when they share a line (a page's word list may hold "B2" after
    "000632" of "B2 000632"), as they are otherwise."""
    tops = [w.box.top for w in words]
    bottoms = [w.box.bottom for w in words]
    one_line = max(tops, default=0) < min(bottoms, default=0)
    return sorted(words, key=lambda w: w.box.x0) if one_line else list(words)


def line_groups(words: Sequence[Word]) -> list[list[Word]]:
    """The words by the line they stand on, top to bottom, each line left to right: a value
    wrapped in its cell ("RE2026-" over "00367") is two lines, each read again on its own."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.top + w.box.bottom) / 2):
        mid = (w.box.top + w.box.bottom) / 2
        if lines and lines[-1][0].box.top <= mid <= lines[-1][0].box.bottom:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.box.x0) for line in lines]


def compare_form(words: Sequence[Word]) -> str:
    """The readings' text as they are compared: in reading order, without spaces and without
    the punctuation a crop's edge may add or cut (``_EDGE``); case, inner punctuation and
    every letter or digit kept as read, so O against 0 or I against 1 stays a disagreement."""
    text = "".join("".join(w.text.split()) for w in _in_reading_order(words))
    return text.strip(_EDGE)


def agreed_confidence(first: Sequence[Word], second: Sequence[Word]) -> Optional[float]:
    """The words' confidence when two readings of one print agree; None when they differ or
    either is empty."""
    a, b = compare_form(first), compare_form(second)
    if not a or a != b:
        return None
    page = min(w.confidence for w in first)
    crop = min(w.confidence for w in second)
    return min(MAX_CONFIDENCE, 1.0 - (1.0 - page) * (1.0 - crop))


@dataclass(frozen=True)
class Judgement:
    """What a second reading says of the page's: ``agreed`` (the value's words rise to
    ``confidence``), ``disagreed`` (another engine read other characters: the words fall to
    ``confidence``) or ``unchanged``."""

    outcome: Literal["agreed", "disagreed", "unchanged"]
    confidence: Optional[float] = None
    # another engine's characters for a one-word code it read otherwise only in confusable
    # shapes (``confusable_only``): the word the page takes, held (``with_reading``); with
    # ``agreed``, the characters the witnesses agreed on, which the word takes lifted
    reading: Optional[str] = None
    # what made an agreement with a reading: "case" (the engines read the same letters, one
    # of them in another case), "majority" (RapidOCR and Tesseract's own crop against the
    # page), "print" (the page's glyphs, ``ocr_glyphs``)
    by: str = ""


# signs OCR reads for a letter or digit of a code (as ``number_prefix._LOST_LEAD``)
_SIGNS = str.maketrans({"$": "S", "§": "S", "@": "0", "&": "8"})


def confusable_only(first: str, second: str) -> bool:
    """True when two readings of one code differ, but only in shapes OCR confuses: the same
    under ``po_search.po_key``'s folding (and the signs read for letters, ``_SIGNS``)."""
    a, b = first.translate(_SIGNS), second.translate(_SIGNS)
    return first != second and bool(a) and po_key(a) == po_key(b) and len(a) == len(b)


def _same_code(a: str, b: str) -> bool:
    """Two readings of one code the same but for the shapes OCR confuses (or equal)."""
    return a == b or confusable_only(a, b)


# the page's reading differs from the two crops' agreed one by at most this many characters
# (letters and digits added, lost or changed, case aside): a glyph misread or split, a speck
# read as a letter; a crop that read part of the value ("2026" for "FV/00747/2026") is further
MAJORITY_EDITS = 2


def _one_case(first: str, second: str) -> str:
    """Of two readings with the same letters in other cases, the one whose letters are all
    capitals ("PSI000588" over "Psi000588"), else the first: a code is printed in one case,
    and an engine that lowers some of its letters judged their size, not their shape."""
    letters = [ch for ch in second if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and not all(ch.isupper() for ch in first if ch.isalpha()):
        return second
    return first


def _majority(first: Sequence[Word], second: Sequence[Word], witness: Sequence[Word]) -> Optional[Judgement]:
    """``agreed`` on the other engine's characters when Tesseract's own crop (``witness``)
    reads exactly them (case aside) and the page's one word is within ``MAJORITY_EDITS`` of
    them: two readings of the print, by two engines and at another scale than the page's,
    against the page's one: the page's word was garbled by its surroundings, which neither
    crop holds (measured in the module's text)."""
    ours, theirs, third = compare_form(first), compare_form(second), compare_form(witness)
    if (len(first) != 1 or len(theirs) < 3 or not third or third.upper() != theirs.upper()
            or Levenshtein.distance(_characters(ours), _characters(theirs)) > MAJORITY_EDITS):
        return None
    crop = min(w.confidence for w in second)
    again = min(w.confidence for w in witness)
    return Judgement("agreed", min(MAX_CONFIDENCE, 1.0 - (1.0 - crop) * (1.0 - again)), _one_case(theirs, third), "majority")


def _case_only(first: Sequence[Word], second: Sequence[Word]) -> Optional[Judgement]:
    """``agreed`` when the two engines read the same characters, some in another case
    ("Psi000588" and "PSI000588": Tesseract lowers a capital S, O or I it took for small),
    the one-word value taking the reading in one case (``_one_case``)."""
    ours, theirs = compare_form(first), compare_form(second)
    if not ours or ours == theirs or ours.upper() != theirs.upper():
        return None
    page = min(w.confidence for w in first)
    crop = min(w.confidence for w in second)
    confidence = min(MAX_CONFIDENCE, 1.0 - (1.0 - page) * (1.0 - crop))
    reading = _one_case(ours, theirs) if len(first) == 1 else ours
    return Judgement("agreed", confidence, reading if reading != ours else None, "case")


def judge(first: Sequence[Word], second: Sequence[Word], independent: bool, value: str = "",
          witness: Sequence[Word] = ()) -> Judgement:
    """The page's reading ``first`` against the crop's ``second``. ``independent``: the
    second was made by another engine, whose disagreement is evidence; a second reading by
    the same engine that differs leaves the page as read (its guesses are the page's).
    Another engine also agrees when it reads the ``value`` the extractor made of the page's
    words (which mends a letter l among a code's digits, "Al2026/0646" -> "A1 2026/0646")."""
    agreed = agreed_confidence(first, second)
    if agreed is None and independent and value and second:
        agreed = agreed_confidence([Word(value, first[0].box, first[0].page, min(w.confidence for w in first))], second)
    if agreed is not None:
        return Judgement("agreed", agreed)
    if independent and second and (cased := _case_only(first, second)) is not None:
        return cased
    if independent and compare_form(first) and compare_form(second):
        if witness and (most := _majority(first, second, witness)) is not None:
            return most
        held = min([DISAGREED, *(w.confidence for w in first)])
        theirs = compare_form(second)
        if len(first) == 1 and theirs.isalnum() and (
                confusable_only(compare_form(first), theirs)
                or (witness and _same_code(compare_form(witness), theirs))):
            # the page's word the same code as RapidOCR's, or, garbled otherwise, Tesseract's own
            # crop reading RapidOCR's code: RapidOCR's characters, held
            return Judgement("disagreed", held, theirs)
        return Judgement("disagreed", held)
    return Judgement("unchanged")


def _characters(text: str) -> str:
    """Only the letters and digits of a reading, in upper case: what a sure reading is checked on."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def judge_sure(first: Sequence[Word], second: Sequence[Word], value: str = "",
               witness: Sequence[Word] = ()) -> Judgement:
    """Another engine's reading ``second`` of a value the page read surely (``first``):
    ``disagreed`` when its letters and digits differ from both the page's words and the
    ``value`` the extractor made of them, else ``unchanged`` (a sure value is not lifted;
    an empty second reading says nothing). A disagreement of a one-word value carries the
    other engine's characters as ``reading`` when Tesseract's own crop (``witness``) reads
    them too (as ``judge``)."""
    theirs = _characters(compare_form(second))
    ours = _characters(compare_form(first))
    if not theirs or not ours or theirs in (ours, _characters(value)):
        return Judgement("unchanged")
    if witness and (most := _majority(first, second, witness)) is not None:
        return most
    other = compare_form(second)
    if len(first) == 1 and other.isalnum() and witness and _same_code(compare_form(witness), other):
        return Judgement("disagreed", DISAGREED, other)
    return Judgement("disagreed", DISAGREED)


# how far beside a surely read invoice number its line is read again, in the value's heights,
# never past the nearest word the page read surely: room for a prefix or suffix under a stamp
BESIDE = 4.0
# a word the page read at least this surely bounds the wider reading: its print is read
# already (a label's tail read at 0.90, under ``READ_BELOW``, was taken in and read glued
# to the number: "-Nr.2026000816")
BESIDE_BOUND = 0.6
# the number sign that labels a value ("Nº", "n.º", "N°", "No.", "Nr.", "#") at a token's start
_NUMBER_SIGN = re.compile(r"^(?:n\.?[°º]|n\.|no\.|nr\.|#)", re.IGNORECASE)
# a line's words joined when one ends or the next starts with these ("AR-" "000594"); not a
# dot, which ends labels ("Nr.", "No.")
_JOINERS = "-/_"


def beside_span(spot: Spot, words: Sequence[Word]) -> Optional[tuple[float, float]]:
    """(left, right) of the stretch of the spot's line to read again around its value: up to
    ``BESIDE`` of its heights each way, stopping short of the nearest word on the line read
    at least ``BESIDE_BOUND`` surely. None when neither side leaves more room than the value's own crop has (a
    sure word right beside the value: any print between them is read already)."""
    box = spot.box
    h = box.bottom - box.top
    if h <= 0:
        return None
    left, right = box.x0 - BESIDE * h, box.x1 + BESIDE * h
    for i, w in enumerate(words):
        if i in spot.indexes or w.confidence < BESIDE_BOUND:
            continue
        overlap = min(w.box.bottom, box.bottom) - max(w.box.top, box.top)
        if overlap < 0.5 * min(h, w.box.bottom - w.box.top):
            continue  # another line
        if w.box.x1 <= box.x0 + SLACK:
            left = max(left, w.box.x1 + 0.2 * h)
        elif w.box.x0 >= box.x1 - SLACK:
            right = min(right, w.box.x0 - 0.2 * h)
    if box.x0 - left < 0.6 * h and right - box.x1 < 0.6 * h:
        return None
    return min(left, box.x0), max(right, box.x1)


def extended(value: str, beside: Sequence[Word]) -> bool:
    """Whether another engine's reading of the value's line read wider (``beside_span``)
    holds the value's letters and digits inside a longer token: print joined to the value
    that the page did not read ("AR-000594" read "000594" on the page, its prefix under a
    stamp, a value no repeat, label or arithmetic contradicts). Print apart from it (a
    label, a date, the stamp's own words) is another token and says nothing."""
    ours = _characters(value)
    if not ours:
        return False
    tokens: list[str] = []
    # a colon ends a label, glued to the value or not ("Nr:000594")
    for text in (part for w in _in_reading_order(beside) for part in w.text.replace(":", " ").split()):
        if tokens and (tokens[-1].endswith(tuple(_JOINERS)) or text.startswith(tuple(_JOINERS))):
            tokens[-1] += text
        else:
            tokens.append(text)
    # so does a number sign: RapidOCR leaves out the space after it ("n.º2026/0729" for the
    # page's "n.°" "2026/0729"), and no invoice number starts with one
    return any(ours in c and c != ours for c in (_characters(_NUMBER_SIGN.sub("", t)) for t in tokens))


def _with_page(doc: DocumentText, number: int, change: Callable[[Page], Page]) -> DocumentText:
    """``doc`` with its page ``number`` replaced by ``change(page)``."""
    return replace(doc, pages=tuple(change(p) if p.number == number else p for p in doc.pages))


def _with_words(doc: DocumentText, spot: Spot, change: Callable[[Word], Word]) -> DocumentText:
    """``doc`` with each of the spot's words replaced by ``change(word)``."""
    def page_with(page: Page) -> Page:
        words = list(page.words)
        for i in spot.indexes:
            words[i] = change(words[i])
        return replace(page, words=tuple(words))
    return _with_page(doc, spot.page, page_with)


def with_confidence(doc: DocumentText, spot: Spot, confidence: float, lower: bool = False) -> DocumentText:
    """``doc`` with the spot's words at ``confidence``: never lowered, unless ``lower`` (two
    engines disagreed), then never raised."""
    pick = min if lower else max
    return _with_words(doc, spot, lambda w: Word(w.text, w.box, w.page, pick(w.confidence, confidence)))


def with_doubt(doc: DocumentText, spot: Spot) -> DocumentText:
    """``doc`` with the spot's words named in its page's capture record (``DOUBTED_KEY``),
    their confidence as read: the value stays the extractor's choice, only held
    (``doubted_words``), where lowered words would let a worse candidate win."""
    def page_with(page: Page) -> Page:
        capture = dict(page.capture or {})
        capture[DOUBTED_KEY] = tuple(sorted({*capture.get(DOUBTED_KEY, ()), *spot.indexes}))
        return replace(page, capture=capture)
    return _with_page(doc, spot.page, page_with)


def doubted_words(doc: DocumentText) -> frozenset[Word]:
    """The words whose reading another engine doubted (``with_doubt``): a value holding one
    is kept but held for a person."""
    found = set()
    for page in doc.pages:
        for i in (page.capture or {}).get(DOUBTED_KEY, ()):
            if 0 <= i < len(page.words):
                found.add(page.words[i])
        boxes = {tuple(b) for b in (page.capture or {}).get(DOUBTED_BOXES_KEY, ())}
        if boxes:
            found.update(w for w in page.words if _box_key(w) in boxes)
    return frozenset(found)


def _box_key(word: Word) -> tuple[float, float, float, float]:
    b = word.box
    return (round(float(b.x0), 2), round(float(b.top), 2), round(float(b.x1), 2), round(float(b.bottom), 2))


# what the page's own print siding with one of two engines' readings is worth as a witness
# (``ocr_glyphs.vote``): a third reading of the disputed characters only, by another method
GLYPH_WITNESS = 0.8


def sided_confidence(engine: float) -> float:
    """The confidence of a reading the page's glyphs side with, read by an engine at
    ``engine``: two witnesses of the disputed characters, as ``agreed_confidence`` counts them."""
    return min(MAX_CONFIDENCE, 1.0 - (1.0 - engine) * (1.0 - GLYPH_WITNESS))


def with_sided_reading(doc: DocumentText, spot: Spot, text: str, confidence: float) -> DocumentText:
    """``doc`` with the spot's one word read as ``text``, the reading the page's glyphs side
    with, at ``confidence`` (``sided_confidence``)."""
    (_,) = spot.indexes
    return _with_words(doc, spot, lambda w: Word(text, w.box, w.page, confidence))


def with_reading(doc: DocumentText, spot: Spot, text: str, confidence: float) -> DocumentText:
    """``doc`` with the spot's one word read as ``text`` (another engine's characters, see
    ``confusable_only``), at no more than ``confidence``."""
    (_,) = spot.indexes
    return _with_words(doc, spot, lambda w: Word(text, w.box, w.page, min(w.confidence, confidence)))
