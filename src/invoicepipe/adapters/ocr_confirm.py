"""The scanned invoice and PO numbers read a second time, on their own.

After the pages are read (and the amounts read again where they disagreed), the document
is extracted once without master data and the identifiers ``identifier_reread.spots``
names (an invoice or PO number on an OCR page, read below ``READ_BELOW``) are cut out with a
margin, upscaled ``SCALE`` times and read as one text line. Where the two readings agree,
the value's words take the confidence of two readings (``identifier_reread``); where they
differ, the page's reading stands as it was. A document costs one extraction and at most
two crops (tens of ms against a page's second or more of OCR); a page whose identifiers
were read surely costs the extraction only.

The crop is read by another engine than the page where one is installed: RapidOCR's
recognizer (``ocr_fallback.read_line_rapidocr``, about 30 ms of CPU a crop on one thread once
its model is loaded). Tesseract reading its own page's print again repeats its guesses (a Courier "SI"
read "51" on the page and in the crop at every scale); another model does not, so its
disagreement is evidence too and holds the value under review (``identifier_reread.judge``).
Without RapidOCR the crop is read by Tesseract as before and a disagreement changes nothing.
With it, a surely read invoice number is read by it too, only to be doubted when RapidOCR
reads other characters (``identifier_reread.judge_sure``: a first character lost under a
stamp, read surely), and its line is read by it once more, wider, up to the words the page
read surely beside it (``_read_beside``): a value read inside a longer token there lost part
of its print on the page (a prefix under a stamp) and is held too (``identifier_reread.extended``).
Where the two engines read a one-word code differently only in shapes OCR confuses, the
page's own glyphs are a third witness (``ocr_glyphs.vote``, ``_sided``): the reading they side
with is taken at the confidence of two witnesses, and nothing is held for that disagreement.
Wherever the engines disagree on a one-word value, Tesseract's own crop is read too, and
when it reads exactly RapidOCR's characters, the two crops outvote the page's word
(``identifier_reread._majority``): the word takes their characters at their agreed
confidence (``ids_agreed_by_majority``). The same letters read in another case are no
disagreement (``identifier_reread._case_only``).
A value wrapped onto two lines in its cell ("Rechnung Nr.: RE2026-" over "00367") is read line
by line, each line's crop on its own and each line read wider on its own line: one crop of
both lines held the caption beside the first line, and RapidOCR, reading it as one line, read
"OchnunNr.:RE2026"; on the dev scans 16 right numbers were held so (readers-1.32).
The capture record names the engine that read the crops (``ids_confirmed_by``) and counts
the values the engines disagreed on (``ids_disagreed``) and those the print decided
(``ids_sided_by_print``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Optional, Sequence

from PIL import Image

from invoicepipe.adapters import ocr_glyphs
from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.adapters.ocr_unread import read_by_other_engine
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.identifier_reread import (DISAGREED, Judgement, Spot, beside_span, compare_form,
                                                             confusable_only, extended, judge, judge_sure, line_groups,
                                                             sided_confidence, spots, with_confidence, with_doubt,
                                                             with_reading, with_sided_reading)
from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

# as ``ocr_identifiers``: the x-height the LSTM reads best at, the crop holding one line
SCALE = 2.0
LINE_PSM = 7
# the crop's margin around the value, in its own heights: room for the glyphs' edges
# without reaching the label or the cell's border
MARGIN_X, MARGIN_Y = 0.3, 0.25

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def _read_spot(image: Image.Image, px: float, spot: Spot, read_words: ReadWords,
               words: Sequence[Word] = ()) -> list[Word]:
    """The spot's print read by ``read_words``: each of its lines on its own when its words
    (``words``, the page's) stand on two lines (a number wrapped in its cell, "RE2026-" over
    "00367"), since one crop of both lines held the label beside the first and read as one
    line it read neither."""
    lines = line_groups(words) if words else []
    if len(lines) > 1:
        return [w for line in lines for w in _read_spot(image, px, replace(spot, box=_union(line)), read_words)]
    h = spot.box.bottom - spot.box.top
    cut = enlarged_crop(image, px, spot.box, MARGIN_X * h, MARGIN_Y * h, SCALE)
    return read_words(cut[0], px * SCALE, spot.page) if cut else []


def _union(words: Sequence[Word]) -> Box:
    return Box(min(w.box.x0 for w in words), min(w.box.top for w in words),
               max(w.box.x1 for w in words), max(w.box.bottom for w in words))


def _extended_beside(image: Image.Image, px: float, spot: Spot, first: Sequence[Word], words,
                     read_words: ReadWords) -> bool:
    """``identifier_reread.extended`` on the spot's line read wider (``_read_beside``); for a
    value wrapped onto two lines (``line_groups``), on each line read wider on its own: the
    print lost beside either part."""
    lines = line_groups(first)
    if len(lines) < 2:
        return extended(spot.value, _read_beside(image, px, spot, words, read_words))
    indexes = {id(w): i for i, w in enumerate(words)}
    for line in lines:
        part = replace(spot, box=_union(line), indexes=tuple(indexes[id(w)] for w in line if id(w) in indexes))
        if extended("".join(w.text for w in line), _read_beside(image, px, part, words, read_words)):
            return True
    return False


def _read_beside(image: Image.Image, px: float, spot: Spot, words, read_words: ReadWords) -> list[Word]:
    """The spot's line read wider, up to the words the page read surely beside it
    (``identifier_reread.beside_span``); nothing when there is no more to see."""
    span = beside_span(spot, words)
    if span is None:
        return []
    h = spot.box.bottom - spot.box.top
    wide = Box(span[0], spot.box.top, span[1], spot.box.bottom)
    cut = enlarged_crop(image, px, wide, 0.0, MARGIN_Y * h, SCALE)
    return read_words(cut[0], px * SCALE, spot.page) if cut else []


def confirm_identifiers(doc: DocumentText, images: Mapping[int, tuple[Image.Image, float]],
                        read_words: ReadWords, doubted: frozenset[Word] = frozenset(),
                        engine: Optional[str] = None, witness: Optional[ReadWords] = None,
                        extract: Optional[Callable[[DocumentText], Extraction]] = None) -> DocumentText:
    """``doc`` with each unsurely read identifier whose second reading agrees at the
    confidence of two readings, and, when ``engine`` names another engine than the page's
    (``read_words`` is that engine), each one it read otherwise held at the confidence of a
    disagreement; the pages read again say so in their capture record (``ids_reread``,
    ``ids_confirmed``, ``ids_confirmed_by``, and ``ids_disagreed`` for another engine).
    ``images`` maps a page number to (the image its words' boxes refer to, pixels per point);
    ``doubted`` are words two readings already disagreed on (``ocr_identifiers``): they are
    held already, so they are not read again. ``witness`` (Tesseract, when ``engine`` is
    another) reads a one-word spot whose page word the engine read otherwise, not only in
    confusable shapes: the third reading ``identifier_reread.judge`` weighs. ``extract(doc)``
    is ``extract_invoice(doc, ())``, or a caller's that remembers it (the amounts' check
    before this one extracted the same document when it did not read it again)."""
    independent = engine is not None
    first_extraction = extract(doc) if extract is not None else extract_invoice(doc, ())
    found = spots(doc, first_extraction, tuple(images), doubted, value_words=independent, check_sure=independent)
    if not found:
        return doc
    tally: dict[int, list[int]] = {}
    for spot in found:
        image, px = images[spot.page]
        page = next(p for p in doc.pages if p.number == spot.page)
        first = [page.words[i] for i in spot.indexes]
        by_other_engine = any(read_by_other_engine(page.capture, w) for w in first)
        if by_other_engine:
            # words RapidOCR read where Tesseract read nothing (``ocr_unread``): Tesseract's
            # crop is the other engine here, and RapidOCR's own crop no witness at all
            other = witness or (None if independent else read_words)
            if other is None:
                continue
            second = _read_spot(image, px, spot, other, first)
            verdict = judge(first, second, True, spot.value)
            if verdict.outcome == "disagreed" and verdict.reading is not None:
                # which engine reads confusable shapes right was measured one way round only
                verdict = Judgement("disagreed", verdict.confidence)
        else:
            second = _read_spot(image, px, spot, read_words, first)
            verdict = judge_sure(first, second, spot.value) if spot.sure else judge(first, second, independent, spot.value)
        if (verdict.outcome == "disagreed" and witness is not None and len(spot.indexes) == 1
                and not by_other_engine):
            third = _read_spot(image, px, spot, witness)
            verdict = (judge_sure(first, second, spot.value, third) if spot.sure
                       else judge(first, second, independent, spot.value, third))
        sided = _sided(image, px, page.words, first, second) if independent and verdict.outcome == "disagreed" else None
        if sided is not None:
            # the page's own glyphs side with one engine's characters: two witnesses against one
            verdict = Judgement("agreed", sided[1], sided[0], "print")
        # the value as the witnesses agreed on it, when they did ("2026000822", the page's
        # "026000822" the stamp took a digit of): the wider reading holds that, not more
        checked = replace(spot, value=verdict.reading) if verdict.outcome == "agreed" and verdict.reading else spot
        if (spot.sure and independent and not by_other_engine and verdict.outcome != "disagreed"
                and _extended_beside(image, px, checked, first, page.words, read_words)):
            # the other engine reads the value joined to more print beside it: a part the
            # page lost (under a stamp), held as a disagreement
            verdict = Judgement("disagreed", DISAGREED)
        counts = tally.setdefault(spot.page, [0, 0, 0, 0, 0, 0])
        counts[0] += 1
        if verdict.outcome == "agreed":
            counts[1] += 1
            if verdict.by == "print":
                counts[4] += 1
            elif verdict.by == "majority":
                counts[5] += 1
            if verdict.reading is not None:
                doc = with_sided_reading(doc, spot, verdict.reading, verdict.confidence)
            else:
                doc = with_confidence(doc, spot, verdict.confidence)
        elif verdict.outcome == "disagreed":
            counts[2] += 1
            # a sure value keeps its words (a worse candidate would win over lowered ones): it is
            # named as doubted and the extractor holds it; an unsure one is lowered as before
            if spot.sure:
                if verdict.reading:
                    # two readings of the crop against the page's: their characters, as sure as
                    # read, and named as doubted all the same
                    counts[3] += 1
                    doc = with_reading(doc, spot, verdict.reading, 1.0)
                doc = with_doubt(doc, spot)
            elif verdict.reading:
                # the engines differ only in shapes OCR confuses: the other engine's characters, held
                counts[3] += 1
                doc = with_reading(doc, spot, verdict.reading, verdict.confidence)
            else:
                doc = with_confidence(doc, spot, verdict.confidence, lower=True)
    pages = tuple(replace(p, capture={**(p.capture or {}), **_record(tally[p.number], engine)})
                  if p.number in tally else p for p in doc.pages)
    return replace(doc, pages=pages)


def _sided(image: Image.Image, px: float, words, first: list[Word], second: list[Word]) -> Optional[tuple[str, float]]:
    """(the reading, its confidence) of a one-word code two engines read differently only in
    the shapes OCR confuses, when the page's glyphs side with one of them (``ocr_glyphs.vote``);
    None otherwise."""
    ours, theirs = compare_form(first), compare_form(second)
    if len(first) != 1 or not second or not theirs.isalnum() or not confusable_only(ours, theirs):
        return None
    side = ocr_glyphs.vote(image, px, words, first[0], [ours, theirs])
    if side is None:
        return None
    engine = first[0].confidence if side == ours else min(w.confidence for w in second)
    return side, sided_confidence(engine)


def _record(counts: list[int], engine: Optional[str]) -> dict:
    record = {"ids_reread": counts[0], "ids_confirmed": counts[1], "ids_confirmed_by": engine or "tesseract"}
    if counts[3]:  # words that took the other engine's characters (``identifier_reread.with_reading``)
        record["ids_read_as_other"] = counts[3]
    if counts[4]:  # readings the page's glyphs sided with (``ocr_glyphs``)
        record["ids_sided_by_print"] = counts[4]
    if counts[5]:  # readings RapidOCR and Tesseract's own crop agreed on against the page's
        record["ids_agreed_by_majority"] = counts[5]
    return {**record, "ids_disagreed": counts[2]} if engine is not None else record
