"""Sums of a tax breakdown's columns: one row per VAT rate under net / tax / gross headers.

An invoice with several VAT rates often prints its totals only as a breakdown table, one row
per rate under column headers ("Steuersatz  Nettobetrag  Steuerbetrag  Bruttobetrag",
"Taux  Base HT  Montant TVA"). A header label reads the first row under it (``search``:
``label_below``); the field's value is the column's sum over all the rate rows. So for each
value read below a net, tax or total header, the amounts printed at the same column edge on
the lines right under it are added up, while:

- the lines follow each other without a blank gap (more than one and a half line heights),
- a line carries no net/tax/total/other amount label (a summary row "Gesamtbetrag ..."),
- its amount is not the sum so far (an unlabelled sum row ends the rows it sums);
- and a first row that is the sum of the rows under it ("Razem" over its "w tym" rows) is
  the column's value itself: no sum is made.

The sum is one more candidate, scored 0.95 of the first row's, and the first row drops to
0.8 of its score (a row of a table is not the field); ``totals`` only takes the sums where
net + tax = total then holds (a labelled total, or the gross column's own sum).
"""

from __future__ import annotations

from decimal import Decimal

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.correction_rows import restates_corrected
from invoicepipe.domain.extraction.layout import union_box
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.search import Candidate, Context

_SUMMARY_FIELDS = ("net", "tax", "total", "other_amount")
_MAX_ROWS = 8


def with_column_sums(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` plus a column-sum candidate for each ``label_below`` candidate with further
    rows under it; such a first row is one row of a table, not the field, so its own score
    drops to 0.8 of itself and the sum takes 0.95 of it. A value on a row restating a
    corrected invoice (``correction_rows``) is none of the document's amounts: it is left
    out, and so is such a row from a column's sum."""
    out = []
    for c in cands:
        restated = bool(c.words) and _restated(ctx, c.words[0])
        total = _column_total(ctx, c, restated) if c.method == "label_below" and c.words and c.raw is not None else None
        if total is None:
            if not restated:
                out.append(c)
            continue
        value, words, rows = total
        if not restated:
            out.append(Candidate(c.field, c.value, 0.8 * c.score, c.method, c.words, c.raw, [*c.notes, "first_of_rows"], c.anchor,
                                 c.label))
        out.append(Candidate(c.field, format_amount(value), 0.95 * c.score, "column_sum", words, value, [f"rows:{rows}"],
                             anchor=c.anchor, label=c.label))
    return out


def _restated(ctx: Context, word) -> bool:
    line = ctx.layout.line_of(word)
    return line is not None and restates_corrected(ctx, line)


def _column_total(ctx: Context, first: Candidate, restated: bool = False):
    cw = ctx.layout.char_width
    page_lines = ctx.layout.by_page[first.words[0].page]
    line = ctx.layout.line_of(first.words[0])
    if line is not None and line.page != first.words[0].page:  # a word on a page not its own: look on its page
        line = next((ln for ln in page_lines if first.words[0] in ln.words), None)
    if line is None:
        return None
    right = union_box(first.words).x1
    total, words, rows = (Decimal(0), [], 0) if restated else (Decimal(first.raw), list(first.words), 1)
    bottom = line.box.bottom
    for nxt in page_lines[line.index + 1: line.index + 1 + _MAX_ROWS]:
        if nxt.box.top - bottom > 1.5 * line.height or any(h.field in _SUMMARY_FIELDS for h in ctx.hits[id(nxt)]):
            break
        toks = amounts_on(nxt, ctx.decimal_sep, cw)
        if restates_corrected(ctx, nxt) or (restated and not toks):
            bottom = nxt.box.bottom  # a restated row, or the heading of the next block of them
            continue
        at_edge = [t for t in toks
                   if t.has_decimals and abs(union_box(nxt.words_in(t.start, t.end)).x1 - right) <= 1.5 * cw]
        if len(at_edge) != 1 or (rows and at_edge[0].value == total):
            break
        total += at_edge[0].value
        words.extend(nxt.words_in(at_edge[0].start, at_edge[0].end))
        rows += 1
        bottom = nxt.box.bottom
    if not restated and rows >= 3 and total == 2 * Decimal(first.raw):
        # the first row is the sum of the rows under it: "Razem 4 492,16" over its "w tym"
        # ("of which") rows per rate; the column's value is the first row, read whole
        return None
    # under restated rows, the rows left are the difference: one of them is already the sum
    return (total, tuple(words), rows) if rows >= 2 or (restated and rows) else None
