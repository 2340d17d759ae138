"""Evidence that a value under a bare "Invoice" heading is the invoice number.

A bare document word ("Invoice", "Factura", "Rechnung") is a weak number label (0.35): it
is usually the document's title, and what stands under a title is anything. But a row of
boxed column heads — "Invoice | Invoice date | Due date | PO Number | Customer No." —
names each column below it, and there the bare word heads the number's column. Two
independent observations say so: the word shares its line with at least two other
field labels (a header row, not a title), and the value under it (read in the word's
column, ``label_below``) is an identifier, not a date or an amount (``parse_identifier``).
Such a value is scored as if under a "No." label a line away (0.8 strength); a title line
("ACME LTD  INVOICE") has no neighbouring labels and keeps its weak score. The value must
stand in the row of values right under the heads (within ``ROW_REACH`` of its own height):
on a skewed scan the heads' wrapped lines merge into one tall line whose column reaches down
into the items, and a code in a description ("Vite TE UNI 5739 M6x20") is no column's value.
"""

from __future__ import annotations

from invoicepipe.domain.extraction.search import Candidate, Context

WEAK_LABEL = 0.35  # the strength of a bare document word in the vocabulary
HEADER_COLUMN_STRENGTH = 0.8
MIN_NEIGHBOUR_LABELS = 2
NEIGHBOUR_STRENGTH = 0.8
ROW_REACH = 3.0  # the value's top at most this many of its heights under the heads' line


def header_row_columns(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """``cands`` with each value under a bare document word heading a header-row column
    rescored as under a number label (and noted ``header_row_column``)."""
    for c in cands:
        hit = c.label
        if c.method != "label_below" or hit is None or hit.field != "invoice_number" or hit.strength > WEAK_LABEL:
            continue
        neighbours = [h for h in ctx.hits[id(hit.line)]
                      if h is not hit and h.field != "invoice_number" and h.strength >= NEIGHBOUR_STRENGTH]
        if len({h.field for h in neighbours}) >= MIN_NEIGHBOUR_LABELS and _in_value_row(hit, c):
            c.score = c.score / hit.strength * HEADER_COLUMN_STRENGTH
            c.notes.append("header_row_column")
    return cands


def _in_value_row(hit, cand: Candidate) -> bool:
    """The value's first word stands right under the heads' line, not rows further down."""
    first = cand.words[0] if cand.words else None
    if first is None:
        return False
    height = max(1.0, first.box.bottom - first.box.top)
    return first.box.top - hit.line.box.bottom <= ROW_REACH * height
