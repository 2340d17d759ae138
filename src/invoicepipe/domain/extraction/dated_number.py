"""The document's number where no caption leads to it: the one identifier dated by the page.

Where the number's caption is in words no list holds and no header row, title or number word
leads to it ("Számla sorszáma: DIT-2026-00354", "Re.-Nr." over "RE2026-00254" beside a date
wrapped over two lines), the field was missing. The invoice's numbering restarts each year
and most schemes print the year where the sequence starts ("DIT-2026-00354", "202600161",
"FV/120/02/2026"); a customer's, an order's or a delivery note's number is dated by no such
scheme. So the one identifier on the first page's head that opens a run of digits with the
year of the page's dates is a guess at the number: the page's dates must all be of one year
(at the turn of a year a number may carry either), and two such identifiers say nothing.

Not where a caption over the identifier's cell, or before it, names another paper or party
("Otpremnica: OTP-7208/2026", a delivery note's, ``caption_stems.names_another``): a
delivery note, an order or a contract may be numbered by year too (kv-2.46).

A guess only: scored ``DATED_GUESS_SCORE``, under every routing threshold after calibration
(the OCR map's lowest step included), so a person confirms it; the vendor's own numbering
(``number_series``) may confirm it later. (Measured on the 25 development sets with the
labels of all languages but English removed: see fixtures/README.md, "Measured: the shape of
the page, not its words".)
"""

from __future__ import annotations

import re
from typing import Callable

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.caption_stems import names_another
from invoicepipe.domain.extraction.labels import cells_apart
from invoicepipe.domain.extraction.number_prefix import opening_over
from invoicepipe.domain.extraction.search import Candidate, Context

DATED_GUESS_SCORE = 0.35
# the head of the page: a dated identifier further down is an item's or the footer's
_HEAD_SHARE = 0.45
_CODE = re.compile(r"[A-Za-z]{1,3}-?")  # a series code a word space before its number ("FT", "A-")


def dated_numbers(ctx: Context, parser: Callable) -> list[Candidate]:
    """The one identifier on the first page's head dated by the page's one year, as a weak
    candidate (see the module), or none."""
    first = min(ctx.layout.by_page, default=None)
    if first is None:
        return []
    lines = ctx.layout.by_page[first]
    years = {d.value.year for line in lines for d in dates_in(line.text, 0, ctx.date_order)}
    if len(years) != 1:
        return []
    dated = re.compile(rf"(?<!\d){years.pop()}")
    _, height = ctx.layout.page_sizes.get(first, (595.0, 842.0))
    found: dict[str, Candidate] = {}
    for line in lines:
        if line.box.top > _HEAD_SHARE * height:
            break
        in_dates = [(d.start, d.end) for d in dates_in(line.text, 0, ctx.date_order)]
        for k, (word, (start, end)) in enumerate(zip(line.words, line.spans)):
            if not dated.search(word.text) or any(a < end and start < b for a, b in in_dates):
                continue
            if k and _CODE.fullmatch(line.words[k - 1].text) and not cells_apart(line.words[k - 1], word):
                start = line.spans[k - 1][0]
            parsed = parser(ctx, line, start, end)
            if parsed is None:
                continue
            value, raw, s, e, quality = parsed
            if not dated.search(value) or not re.search(r"[^\d]|\d{6,}", value):
                continue  # a year alone, or five digits (a postcode: "20261 Milano"), is no number
            words = line.words_in(s, e)
            opening = opening_over(ctx, line, words[0]) if words else None
            if opening is not None:
                value, raw, words = opening.text + value, opening.text + str(raw), (opening, *words)
            if words and _captioned_otherwise(ctx, line, words):
                continue  # "Otpremnica" over "OTP-" / "8849/2026": a delivery note's number dated too
            found.setdefault(re.sub(r"[\s./-]", "", value).upper(), Candidate(
                "invoice_number", value, round(DATED_GUESS_SCORE * quality, 4), "dated_number", words,
                raw, ["dated_number"], line))
    return list(found.values()) if len(found) == 1 else []


def _captioned_otherwise(ctx: Context, line, words) -> bool:
    """The caption over the value's cell, before it in its cell or in the cell before it ending
    with a colon, names another party or paper (``caption_stems.names_another``): a delivery
    note, an order or a contract is numbered by year as well."""
    cw = ctx.layout.char_width
    first = words[0]
    at = ctx.layout.line_of(first) or line
    end = at.words.index(first) if first in at.words else 0
    start = _cell_start(at, end)
    if start > 0 and at.words[start - 1].text.endswith(":"):
        start = _cell_start(at, start - 1)  # "Otpremnica:" a cell before "OTP-7208/2026": its caption
    over = ctx.layout.lines_above(at, first.box.x0 - cw, max(w.box.x1 for w in words), max_lines=1)
    caption = " ".join([w.text for w in at.words[start:end]] + [above.text[s:e] for above, s, e in over])
    return names_another(caption)


def _cell_start(line, k: int) -> int:
    """The index of the first word of the cell word ``k`` of ``line`` stands in."""
    while k > 0 and not cells_apart(line.words[k - 1], line.words[k]):
        k -= 1
    return k
