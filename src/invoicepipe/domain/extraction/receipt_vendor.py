"""The shop's name on a till receipt: the first line of the head that is none of the rest.

A receipt prints no seller heading and rarely a legal form: its head is the shop's name,
then the address, the phone, a tax id, the date and the receipt number, then the goods.
So the name is the first line of the first page, above the first amount or amount label,
that is not an address, a phone or web line, a date, a labelled field, a document title
("PARAGON FISKALNY", "TAX INVOICE") or OCR noise. Only receipt-shaped documents are read
this way (``receipt_shaped``): on an invoice the first line is as often the buyer's
address block, a logo's text or a title.

Nothing confirms the line but its place, so the score stays low (``_SCORE``, times the
mean OCR confidence of its words): a person confirms it, and a resolved master vendor always wins.
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.candidates import amounts_on, dates_in
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.extraction.vocabulary import RECEIPT_ADDRESS_WORDS, RECEIPT_HEAD_WORDS

_SCORE = 0.6
# a page at most this wide (points; 80 mm is 227, A6 298) is a till roll
_ROLL_PT = 300
# text lines this short (in characters, 9 lines in 10) are a receipt's column, not an
# invoice's; on a page narrower for its height than A4 (0.71) and Letter (0.77), a little wider
_NARROW_CHARS = 50
_TALL_RATIO = 0.66
_TALL_CHARS = 58
_MIN_LINES = 8
# how far down the head the name may stand (lines of text, noise skipped)
_HEAD_LINES = 5

_HEAD_WORDS = re.compile(fold_accents(RECEIPT_HEAD_WORDS), re.I)
_ADDRESS_WORDS = re.compile(fold_accents(RECEIPT_ADDRESS_WORDS), re.I)
_POSTCODE_OR_PHONE = re.compile(r"\d{4}")
_FIELD_VALUE = re.compile(r":\s*\S*\d")  # "Items: 12", "Kasse: 2"
# a name is a few words; OCR reads a photo's desk or a smudge as long runs of short words
_MAX_WORDS = 6
# a line none of whose words was read at this confidence is noise, not a name to guess from
_MIN_OCR = 0.5
_EDGE_NOISE = re.compile(r"^[^\w&(]+|[^\w&).!]+$")
_WORD = re.compile(r"[^\W\d_]{3,}")


def receipt_vendor_name(ctx: Context) -> Optional[Candidate]:
    """The shop's printed name on a receipt-shaped document, else None."""
    if not receipt_shaped(ctx):
        return None
    first_page = ctx.layout.by_page.get(min(ctx.layout.by_page, default=1), [])
    seen = 0
    for line in first_page:
        if _ends_the_head(ctx, line):
            return None
        text = _EDGE_NOISE.sub("", line.text)
        start = line.text.find(text)
        words = line.words_in(start, start + len(text))
        if not _WORD.search(text) or max((w.confidence for w in words), default=0.0) < _MIN_OCR:
            continue  # specks, stray letters and smudges read off the paper
        seen += 1
        if seen > _HEAD_LINES:
            return None
        if _is_name(ctx, line, text):
            read = sum(w.confidence for w in words) / len(words)
            return Candidate("vendor", text, round(_SCORE * read, 3), "receipt_head", words, text)
    return None


def receipt_shaped(ctx: Context) -> bool:
    """A till roll: pages no wider than a roll, or text lines no wider than a receipt's
    column (a photo's page is often flattened to A4 or Letter), a little wider on a page
    taller than any paper size (US Legal is as tall, but its lines are an invoice's)."""
    sizes = list(ctx.layout.page_sizes.values())
    if sizes and all(w and w <= _ROLL_PT for w, _ in sizes):
        return True
    cw = ctx.layout.char_width or 1.0
    widths = sorted((ln.box.x1 - ln.box.x0) / cw for ln in ctx.layout.lines if len(ln.words) >= 2)
    if len(widths) < _MIN_LINES:
        return False  # too few lines to tell a receipt's column from a short letter's
    tall = bool(sizes) and all(w and h and w / h <= _TALL_RATIO for w, h in sizes)
    return widths[int(0.9 * (len(widths) - 1))] <= (_TALL_CHARS if tall else _NARROW_CHARS)


def _ends_the_head(ctx: Context, line: Line) -> bool:
    """The goods or the sums have started: an amount with cents, or an amount label."""
    if any(h.field in ("total", "net", "other_amount") for h in ctx.hits[id(line)]):
        return True
    return any(t.has_decimals for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width))


def _is_name(ctx: Context, line: Line, text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    if letters < 0.6 * sum(not c.isspace() for c in text):
        return False
    if any(h.strength >= 0.5 and h.field != "buyer" for h in ctx.hits[id(line)]):
        return False  # a labelled field: a tax id, a receipt number, a date
    if len(text.split()) > _MAX_WORDS or _POSTCODE_OR_PHONE.search(text) or _FIELD_VALUE.search(text):
        return False
    if dates_in(text, 0, ctx.date_order):
        return False
    folded = fold_accents(text)
    if _HEAD_WORDS.search(folded):
        return False
    return not (_ADDRESS_WORDS.search(folded) and any(c.isdigit() for c in text))
