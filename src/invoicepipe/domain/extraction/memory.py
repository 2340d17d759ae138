"""Learning a vendor's layout from confirmed values, and reading it back as candidates.

Learning finds where each confirmed value is printed (the words whose parsed value equals
it, preferring an occurrence next to a label of the field) and records its relative box
and the words that label it. Reading looks for the remembered label and for values at the
remembered place; a value found both ways is strong evidence:

    label and place agree   0.97      label only   0.9      place only   0.5 (never for amounts)

A value at the remembered place under a label of another field ("Kunden-Nr." where the
vendor's invoices print the PO; a credit note's header differs) is not taken by place.

times the usual format quality and OCR confidence, so these candidates compete with the
generic ones on the same scale.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Mapping, Optional

from invoicepipe.domain.extraction.candidates import amounts_on, dates_in
from invoicepipe.domain.extraction.layout import Layout, Line, union_box
from invoicepipe.domain.extraction.parsing import normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context, Parser, scored_candidate
from invoicepipe.domain.layout_memory import FieldSpot, VendorLayout
from invoicepipe.domain.models import Box, Word

LEARNED_FIELDS = ("invoice_number", "invoice_date", "due_date", "po_number", "net", "tax", "total")
AMOUNT_FIELDS = ("net", "tax", "total")


def _norm_words(text: str) -> list[str]:
    return re.sub(r"[^\w#%]+", " ", text.lower()).split()


def _page_size(layout: Layout, page: int) -> tuple[float, float]:
    return layout.page_sizes.get(page, (595.0, 842.0))


def _relative(layout: Layout, page: int, box: Box) -> tuple[float, float, float, float]:
    w, h = _page_size(layout, page)
    return (round(box.x0 / w, 4), round(box.top / h, 4), round(box.x1 / w, 4), round(box.bottom / h, 4))


def _occurrences(ctx: Context, field: str, value: str) -> list[tuple[Line, int, int]]:
    """Spans of ``field``'s value ``value`` on every line, in reading order."""
    out = []
    for line in ctx.layout.lines:
        if field in AMOUNT_FIELDS:
            try:
                target = abs(Decimal(value))
            except InvalidOperation:
                return []
            out += [(line, t.start, t.end) for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)
                    if abs(t.value) == target and t.has_decimals]
        elif field.endswith("_date"):
            out += [(line, d.start, d.end) for d in dates_in(line.text, 0, ctx.date_order) if d.value.isoformat() == value]
        else:
            target = normalise_id(value.lstrip("#"))
            words = line.words
            for i in range(len(words)):
                for j in range(i, min(i + 4, len(words))):
                    joined = normalise_id("".join(w.text for w in words[i:j + 1]).lstrip("#"))
                    if joined == target:
                        out.append((line, line.spans[i][0], line.spans[j][1]))
                    if len(joined) >= len(target):
                        break
    return out


def _label_words(words: list[str]) -> list[str]:
    """The label part of some words: those after the last value-like word (an identifier,
    date or amount printed before the value is another field, not a label)."""
    for k in range(len(words) - 1, -1, -1):
        if sum(ch.isdigit() for ch in words[k]) >= 4 or re.search(r"\d[.,/]\d", words[k]):
            words = words[k + 1:]
            break
    return words if any(sum(ch.isalpha() for ch in w) >= 3 for w in words) else []


def _label_of(ctx: Context, line: Line, start: int, box: Box) -> tuple[str, bool]:
    """The words just before the value in its own block (no column gap between them, at
    most four), else the words above it; "" when neither holds a label."""
    cw = ctx.layout.char_width
    before = [w for w, (s, _) in zip(line.words, line.spans) if s < start and any(ch.isalnum() for ch in w.text)]
    block: list[Word] = []
    for w in reversed(before):
        nxt = block[0] if block else None
        if len(block) == 4 or (nxt is not None and nxt.box.x0 - w.box.x1 > 3 * cw) or (nxt is None and box.x0 - w.box.x1 > 60 * cw):
            break
        block.insert(0, w)
    words = _label_words(_norm_words(" ".join(w.text for w in block)))
    if words:
        return " ".join(words), False
    for above, s, e in reversed(ctx.layout.lines_above(line, box.x0 - 2, box.x1 + 2, 2)):
        if any(t.has_decimals and s <= t.start < e for t in amounts_on(above, ctx.decimal_sep, ctx.layout.char_width)):
            # another value over this one (an item's amount over the column's sum): the words
            # higher up head the column, they do not label this value, and read back on the
            # next invoice they would take its first item
            break
        words = _label_words(_norm_words(above.text[s:e])[-4:])
        if words:
            return " ".join(words), True
    return "", False


def learn_spots(ctx: Context, values: Mapping[str, str], vendor_key: str) -> VendorLayout:
    """Where this document prints each confirmed value of ``LEARNED_FIELDS``."""
    last_page = max(ctx.layout.by_page, default=1)
    spots = []
    for field in LEARNED_FIELDS:
        value = values.get(field)
        if not value:
            continue
        found = _occurrences(ctx, field, value)
        labelled = [o for o in found if any(h.field == field for h in ctx.hits[id(o[0])])]
        pick = (labelled or found or [None])[-1 if field in AMOUNT_FIELDS else 0]
        if pick is None:
            continue
        line, s, e = pick
        box = union_box(line.words_in(s, e))
        label, above = _label_of(ctx, line, s, box)
        # the sums stand on the last page, however many the next invoice has: a one-page
        # invoice's totals are looked for on the last page of a two-page one, not under the
        # same words in its item table on page 1
        page = -1 if field in AMOUNT_FIELDS and line.page == last_page else line.page
        spots.append(FieldSpot(field, page, _relative(ctx.layout, line.page, box), label, above))
    return VendorLayout(vendor_key, tuple(spots), 1)


@lru_cache(maxsize=1024)  # a vendor's remembered labels come back with each of its documents
def _label_rx(label: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"[\W_]*".join(re.escape(w) for w in label.split()) + r"(?!\w)", re.I)


def _inside(ctx: Context, page: int, spot: FieldSpot, words: tuple[Word, ...], slack_y: float) -> bool:
    if not words:
        return False
    w, h = _page_size(ctx.layout, page)
    box = union_box(words)
    cx, cy = (box.x0 + box.x1) / 2 / w, (box.top + box.bottom) / 2 / h
    x0, top, x1, bottom = spot.box
    return x0 - 0.03 <= cx <= x1 + 0.03 and top - slack_y <= cy <= bottom + slack_y


def _spot_page(ctx: Context, spot: FieldSpot) -> int:
    return max(ctx.layout.by_page, default=1) if spot.page == -1 else spot.page


def memory_candidates(ctx: Context, layout: Optional[VendorLayout], field: str, parser: Parser) -> list[Candidate]:
    """Candidates for ``field`` at the places and labels remembered for this vendor."""
    if layout is None:
        return []
    out: list[Candidate] = []
    amount = field in AMOUNT_FIELDS
    for spot in layout.spots_for(field):
        page = _spot_page(ctx, spot)
        lines = ctx.layout.by_page.get(page, [])
        if spot.label:
            rx = _label_rx(spot.label)
            for line in lines:
                for m in rx.finditer(line.text):
                    if len(spot.label.split()) < 4 and _inside_longer_label(ctx, line, m.start(), m.end(), spot.label_above):
                        continue
                    found = _value_near_label(ctx, line, m.start(), m.end(), spot, parser)
                    if found:
                        value, raw, vline, s, e, quality = found
                        words = vline.words_in(s, e)
                        score = 0.97 if _inside(ctx, page, spot, words, 0.2 if amount else 0.03) else 0.9
                        out.append(scored_candidate(field, value, raw, score * quality, "layout_memory", words, line))
        if amount:
            continue  # the totals block moves with the number of item lines: only its label is reliable
        for line in lines:
            inside = [i for i, w in enumerate(line.words) if _inside(ctx, page, spot, (w,), 0.015)]
            if not inside:
                continue
            found = parser(ctx, line, line.spans[inside[0]][0], line.spans[inside[-1]][1])
            if found:
                value, raw, s, e, quality = found
                words = line.words_in(s, e)
                if words and _labelled_otherwise(ctx, line, words, field):
                    continue  # this document prints another field there ("Kunden-Nr." where the PO stood)
                out.append(scored_candidate(field, value, raw, 0.5 * quality, "layout_memory", words, line))
    return out


def _labelled_otherwise(ctx: Context, line: Line, words: tuple[Word, ...], field: str) -> bool:
    """Whether the label nearest the value, before it on its line or over it in the line
    above, names another field: the place is the vendor's, but this document (a credit
    note, another form of the vendor's) prints something else at it."""
    start = line.spans[line.words.index(words[0])][0]
    before = [h for h in ctx.hits[id(line)] if h.end <= start]
    if before:
        return max(before, key=lambda h: h.end).field != field
    x0, x1 = words[0].box.x0, words[-1].box.x1
    for above, s, e in ctx.layout.lines_above(line, x0, x1, max_lines=1):
        over = [h for h in ctx.hits[id(above)] if h.start < e and h.end > s]
        if over:
            return all(h.field != field for h in over)
    return False


def _inside_longer_label(ctx: Context, line: Line, start: int, end: int, above: bool) -> bool:
    """True when the remembered words are only part of a longer label here ("date" in "Due
    date"): a word close before them (or, over a value, close after them) belongs to it.
    Labels remembered at full length (four words, cut) are not checked."""
    close = 2 * ctx.layout.char_width
    words = line.words_in(start, end)
    if not words:
        return True
    i, j = line.words.index(words[0]), line.words.index(words[-1])
    before = line.words[i - 1] if i > 0 else None
    after = line.words[j + 1] if j + 1 < len(line.words) else None
    if before is not None and any(ch.isalpha() for ch in before.text) and words[0].box.x0 - before.box.x1 < close:
        return True
    return above and after is not None and any(ch.isalpha() for ch in after.text) and after.box.x0 - words[-1].box.x1 < close


def _value_near_label(ctx: Context, line: Line, start: int, end: int, spot: FieldSpot, parser: Parser):
    if not spot.label_above:
        found = parser(ctx, line, end, len(line.text))
        return (found[0], found[1], line, found[2], found[3], found[4]) if found else None
    label_box = union_box(line.words_in(start, end)) if line.words_in(start, end) else line.box
    # the value column is as wide as the remembered value, which may be wider than its label
    width = (spot.box[2] - spot.box[0]) * _page_size(ctx.layout, line.page)[0]
    x1 = max(label_box.x1, label_box.x0 + width) + 3 * ctx.layout.char_width
    for below, s, e in ctx.layout.below(line, label_box.x0 - 3 * ctx.layout.char_width, x1, 2):
        found = parser(ctx, below, s, e)
        if found:
            return found[0], found[1], below, found[2], found[3], found[4]
    return None
