"""A bare "Date" that is the page's only date label names the invoice date.

"Date", "Datum", "Fecha" and "Data" alone are weak invoice-date labels (0.5 in the
vocabulary): on many pages they stand beside "Due date", "Fecha de vencimiento" or
"Lieferdatum", and then which date they head is a guess. Where nothing else on the document
labels the date of issue (no "Invoice date", no second bare word of another spelling), and
no due, delivery or order date label reads the same value, a bare word can only mean the
date the document was issued: it counts as much as "Dated"/"Issued on" would, in every
language alike. The score is raised, never the choice between values (the candidates are
the ones the label search found).
"""

from __future__ import annotations

from dataclasses import replace

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.payment_terms import TERM_DAYS
from invoicepipe.domain.extraction.search import Candidate, Context, Parser, label_candidates

# the bare words of the vocabulary's "invoice_date" list, each language's
BARE_DATE_WORDS = frozenset({"date", "datum", "fecha", "data"})
# the strength a sole bare word counts as: between "dated" (0.6) and "issued on" (0.8)
SOLE_STRENGTH = 0.7
_COMPETING = ("due_date", "other_date")
# the bare words' own strength in the vocabulary
_BARE_STRENGTH = 0.5
# characters between a term of days and the date word it counts from ("30 days from the ")
_TERM_REACH = 16


def _word(hit) -> str:
    return fold_accents(hit.line.text[hit.start:hit.end]).strip().lower()


def _bare(hit, char_width: float = 0.0) -> bool:
    """The hit is a bare word, and (with ``char_width``) no word of letters stands right
    before it: "Rue Date" (a "Due Date" misread) or "Ship Date", in words the
    vocabulary does not know is another date's label."""
    if _word(hit) not in BARE_DATE_WORDS:
        return False
    if not char_width:
        return True
    line = hit.line
    first = next((i for i, (s, e) in enumerate(line.spans) if e > hit.start), None)
    if not first:
        return True
    prev, word = line.words[first - 1], line.words[first]
    close = word.box.x0 - prev.box.x1 < 2.0 * char_width
    return not (close and any(ch.isalpha() for ch in prev.text))


def with_sole_bare_label(ctx: Context, cands: list[Candidate], parser: Parser) -> list[Candidate]:
    """``cands`` (invoice-date candidates) with the score of a sole bare word's values raised."""
    # a stronger label anywhere ("Invoice date", "Fecha de factura") is the date of issue's,
    # even where its value was not read; a preposition ("del", "vom") labels only the date
    # right after it, and one that found none says nothing; nor do the words of a payment
    # term that counts from the invoice's date ("60 giorni data fattura")
    if any(h.field == "invoice_date" and h.strength > _BARE_STRENGTH and not _bare(h) and not _counted_from(h)
           for hs in ctx.hits.values() for h in hs):
        return cands
    labels = [c.label for c in cands if c.label is not None and c.label.field == "invoice_date"]
    if not labels or not all(_bare(h, ctx.layout.char_width) for h in labels):
        return cands
    if len({_word(h) for h in labels}) > 1:
        return cands  # "Date" and "Datum" on one page: two headings, not one
    taken = {c.value for name in _COMPETING for c in label_candidates(ctx, name, parser)}
    out = []
    for c in cands:
        if (c.label is not None and c.label.field == "invoice_date" and c.value not in taken
                and c.label.strength < SOLE_STRENGTH and not _column_heading(ctx, c)):
            c = replace(c, score=c.score * SOLE_STRENGTH / c.label.strength, notes=list(c.notes))
        out.append(c)
    return out


def _counted_from(hit) -> bool:
    """The label names the day a payment term counts from ("Bonifico a 60 giorni data
    fattura", "30 days from invoice date", "30 Tage ab Rechnungsdatum"): a term of days ends
    at most a few words before it on its line. It captions no date."""
    before = fold_accents(hit.line.text[:hit.start])
    return any(len(before) - m.end() <= _TERM_REACH for m in TERM_DAYS.finditer(before))


def _column_heading(ctx: Context, cand: Candidate) -> bool:
    """"Pos   Datum" over rows of dates: a value below a label that shares its line with other
    words of letters, with another date under it in the column, is a table column's first row
    (a service date), not the date of issue. A row of labels over one row of values
    ("DATUM   KUNDEN-NR." over "30. Jan. 2026   48954") is a header strip: its one date is the
    document's."""
    if cand.anchor is None or cand.words and cand.words[0] in cand.anchor.words:
        return False
    label = cand.label
    beside = any(any(ch.isalpha() for ch in w.text) for w, (s, e) in zip(label.line.words, label.line.spans)
                 if e <= label.start or s >= label.end)
    return beside and _date_below(ctx, cand)


def _date_below(ctx: Context, cand: Candidate) -> bool:
    """Whether the line under the value holds a date in the value's column."""
    line = ctx.layout.line_of(cand.words[0]) if cand.words else None
    if line is None:
        return True  # nothing to look under: a column, as before
    x0, x1 = cand.words[0].box.x0, cand.words[-1].box.x1
    return any(dates_in(below.text[s:e], s, ctx.date_order) for below, s, e in ctx.layout.below(line, x0, x1, max_lines=1))
