"""Rows printed between the tax and the total: what the total adds to net + tax.

Some invoices add or take off amounts after the tax has been computed, each on a row of its
own between the tax row and the total: a deposit ("Pfand 3,00"), a stamp duty on a
VAT-exempt invoice ("Marca da bollo 2,00"), an eco fee, freight billed without tax, a cash
discount on the gross amount ("Rabatt 2 % -48,67"). Net + tax then does not give the total,
and all three amounts, though read right, are left without the arithmetic that vouches for
them: a person is asked to confirm what the page states.

The rows are found by their place, not by their words: every labelled amount on the lines
between the tax's row and the total's row (the vocabulary cannot list every country's
duties and fees, and the place is what the layout says about them). They count only when,
signed (a discount word always takes off, whatever sign it prints with), they close the gap
exactly: net + tax + rows = total. A running subtotal among them (net + tax + the rows above
it, "Zwischensumme brutto") is passed over. A row of another amount field (a second tax
rate, a second net) or a prepayment or withholding (what is *due*, ``amount_due``, not what
the invoice totals) means the layout is something else, and nothing is claimed.

Asked only when no triple closes without it (``totals._choose``), so an invoice that already
adds up reads as before.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.amount_due import PREPAID, WITHHELD
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.document_charges import ALLOWANCE
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.search import Candidate, Context, best_candidate

CENT = Decimal("0.01")
# at most this many rows between the tax and the total: more is a table, not a few adjustments
MAX_ROWS = 3
_LETTER = re.compile(r"[^\W\d_]{2,}")


def closed_by_rows_after_tax(ctx: Context, net: list[Candidate], tax: list[Candidate],
                             total: list[Candidate]) -> Optional[tuple[dict, Decimal]]:
    """({field: (candidate, base score)}, the rows' signed sum) when the best net, tax and
    total add up with the rows printed between the tax and the total; else None."""
    n, _ = best_candidate(net)
    t, _ = best_candidate(tax)
    g, _ = best_candidate(total)
    if any(c is None or c.raw is None or not c.words for c in (n, t, g)) or g.raw <= 0 or t.raw < 0:
        return None
    tax_line, total_line = ctx.layout.line_of(t.words[0]), ctx.layout.line_of(g.words[0])
    if tax_line is None or total_line is None or tax_line.page != total_line.page or not tax_line.index < total_line.index - 1:
        return None
    # the lines the other amount candidates were read on (their values', not their labels')
    others = {id(ctx.layout.line_of(c.words[0])) for c in net + tax + total if c.words}
    running, rows = n.raw + t.raw, []
    for line in ctx.layout.by_page.get(total_line.page, ())[tax_line.index + 1:total_line.index]:
        value = _row_amount(ctx, line)
        if value is None:
            continue  # a note, a rule, a label over the total's value
        if value == running:
            continue  # a running subtotal: net + tax + the rows above it
        folded = fold_accents(line.text)
        if id(line) in others or PREPAID.search(folded) or WITHHELD.search(folded):
            return None
        rows.append(value)
        running += value
    if not rows or len(rows) > MAX_ROWS or abs(running - g.raw) > CENT:
        return None
    return {"net": (n, n.score), "tax": (t, t.score), "total": (g, g.score)}, running - n.raw - t.raw


def _row_amount(ctx: Context, line) -> Optional[Decimal]:
    """The row's last amount with cents, signed as it moves the total, when words label it;
    None for a line without one."""
    amounts = [a for a in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if a.has_decimals]
    if not amounts or not _LETTER.search(line.text[:amounts[-1].start]):
        return None
    value = amounts[-1].value
    return -abs(value) if ALLOWANCE.search(fold_accents(line.text)) else value
