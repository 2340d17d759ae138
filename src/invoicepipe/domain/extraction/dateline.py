"""The dateline of an invoice written as a letter: "Valencia, 13 de enero de 2026".

A letter dates itself once, after the place it was written in ("München, 4. März 2026",
"London, 4 March 2026", "Paris, le 4 mars 2026", "Warszawa, dnia 13.01.2026"), with no label.
That date is the date of issue. Without this reading the only dated words near a label are
often the due date in the prose ("antes del 12 de febrero"), which a weak label then takes.
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import Candidate, Context

# A place name (capitalised words, no digits: "Valencia", "Frankfurt am Main", "'s-Hertogenbosch"),
# a comma and the article some languages put before a date: fr "le", de "den"/"am", es/pt "a",
# it "lì", pl "dnia"/"dn.". What stands before the place is not read: a two-column letterhead
# is often read into the dateline's line ("ESN58000233 Valencia, 13 de enero de 2026").
_PLACE_BEFORE = re.compile(
    r"(?<![\w.])(?P<place>['’]?[A-ZÀ-ÖØ-Þ][^\W\d_]*\.?(?:[\s-][^\W\d_]+\.?){0,3}),\s*"
    r"(?:(?:le|den|am|el|a|lì|li|dnia|dn\.|il)\s+)?$")
# A dateline ends with its date: only a full stop may follow
_AFTER = re.compile(r"^\s*\.?\s*$")
# Words that open a phrase a comma may follow without a place: "Total, 12.03.2026" or
# "Period from, 01.03.2026" is no dateline (a place's later words may be particles:
# "Santiago de Compostela", "Frankfurt am Main")
_NOT_PLACES = frozenset({"total", "date", "datum", "fecha", "data", "due", "invoice", "rechnung", "factura", "facture",
                         "fattura", "factuur", "faktura", "fatura", "period", "periode", "période", "periodo", "okres",
                         "zeitraum", "from", "von", "du", "del", "van", "od", "de", "to", "bis", "au", "al", "tot", "do"})

DATELINE_SCORE = 0.6


def dateline_candidates(ctx: Context) -> list[Candidate]:
    """Invoice-date candidates from datelines in the upper half of the first page."""
    first = [ln for ln in ctx.layout.lines if ln.page == ctx.layout.lines[0].page] if ctx.layout.lines else []
    out = []
    for ln in first[: max(12, len(first) // 2)]:
        cand = _dateline(ctx, ln)
        if cand is not None:
            out.append(cand)
    return out


def _dateline(ctx: Context, ln: Line) -> Optional[Candidate]:
    if any(h.field in ("invoice_date", "due_date", "other_date") and h.strength >= 0.5 for h in ctx.hits[id(ln)]):
        return None  # a labelled date is read by its label
    for d in dates_in(ln.text, 0, ctx.date_order):
        if not _AFTER.match(ln.text[d.end:]):
            continue
        m = _PLACE_BEFORE.search(ln.text[:d.start])
        if m is None or re.split(r"[\s-]", m.group("place"))[0].strip("'’.").lower() in _NOT_PLACES:
            continue
        words = ln.words_in(d.start, d.end)
        return Candidate("invoice_date", d.value.isoformat(), DATELINE_SCORE, "dateline", words, d.value, anchor=ln)
    return None


# the head of a later page: the lines an invoice page prints its dates in
_HEAD_LINES = 15


def dated_elsewhere(ctx: Context, cand: Candidate) -> bool:
    """A cover letter dated once, then the invoice on a page of its own: the letter ("Zaragoza,
    26 de febrero de 2026 … our invoice of 25 February") is written after the invoice, and the
    invoice page's head prints the invoice's own date, under a label the vocabulary may not
    know. Where the head of a later page prints a date other than the dateline's, the dateline
    is one of two dates of issue, and which is the invoice's a person says."""
    if cand.method != "dateline" or cand.anchor is None:
        return False
    return any(d.value != cand.raw for page, lines in ctx.layout.by_page.items() if page != cand.anchor.page
               for ln in lines[:_HEAD_LINES] for d in dates_in(ln.text, 0, ctx.date_order))
