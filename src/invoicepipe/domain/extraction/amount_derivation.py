"""Amounts the arithmetic settles when the print leaves one open.

Three cases the labels alone read wrong or not at all:

- a tax amount printed in brackets on an invoice whose total is positive ("in diesem Beitrag
  enthaltene Versicherungsteuer (35,13 €)", "dont TVA (19,00)"): the brackets say "of
  which", not "minus". On a credit note the total is bracketed or negative too, so the tax
  is only turned positive when the best-supported total is positive;
- net or tax not printed at all (an insurance premium printed gross with the tax it
  contains): with the total and the other one read under their labels, the missing one
  is their difference when the tax is then a printed or standard rate of the net. It is
  derived, not read: scored 0.3 with no box, in the ``alone`` class, so it never passes
  a routing threshold on its own (line items adding up to a derived net still raise it);
- a labelled net that does not close net + tax = total while total - tax does, at a tax
  rate the labelled net misses: the label named the sum of the lines before a
  document-level allowance or charge ("Summe Positionen 1.000,00 / Rabatt 10 % -100,00 /
  MwSt 19 % 171,00 / Gesamtbetrag 1.071,00"). Total and tax agree with each other, the net
  is the odd one out: it is dropped, and the printed or derived remainder takes its place.
"""

from __future__ import annotations

from decimal import Decimal

from invoicepipe.domain.extraction.amount_checks import printed_rates, rate_fits
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.search import Candidate, Context, best_candidate

DERIVED_SCORE = 0.3
CENT = Decimal("0.01")


def included_tax_positive(tax: list[Candidate], total: list[Candidate]) -> list[Candidate]:
    """``tax`` with bracketed negative amounts read as positive when the total is positive."""
    g, _ = best_candidate(total)
    if g is None or g.raw is None or g.raw <= 0:
        return tax
    out = []
    for c in tax:
        if c.raw is not None and c.raw < 0 and c.words and c.words[0].text.startswith("("):
            c = Candidate(c.field, format_amount(-c.raw), c.score, c.method, c.words, -c.raw, [*c.notes, "bracketed_included"],
                          c.anchor, c.label)
        out.append(c)
    return out


def derive_missing(ctx: Context, out: dict[str, tuple[Candidate, float]]) -> None:
    """Fill a missing net (or tax) in ``out`` ({field: (candidate, base score)}) with the
    total minus the other one, when both are read, the parts share the total's sign and
    the tax is a printed or standard rate of the net (a misread tax, say a line amount
    under a "MwSt." column header, would otherwise make a wrong net)."""
    if "total" not in out or ("net" in out) == ("tax" in out):
        return
    g = out["total"][0]
    known, missing = ("tax", "net") if "tax" in out else ("net", "tax")
    k = out[known][0]
    if g.method == "largest_amount" or g.raw is None or k.raw is None or not g.raw:
        return
    want = g.raw - k.raw
    # the parts share the total's sign and none exceeds it (a net of 0 says nothing)
    if (known == "net" and not k.raw) or want * g.raw < 0 or k.raw * g.raw < 0 or abs(want) > abs(g.raw):
        return
    net, tax = (want, k.raw) if missing == "net" else (k.raw, want)
    if not rate_fits(abs(net), abs(tax), printed_rates(ctx)):
        return
    value = Decimal(want)
    cand = Candidate(missing, format_amount(value), DERIVED_SCORE, "derived_remainder", (), value)
    out[missing] = (cand, DERIVED_SCORE)


def drop_unclosed_net(ctx: Context, out: dict[str, tuple[Candidate, float]]) -> None:
    """Remove the net from ``out`` when net + tax != total, and total - tax is a rate of the
    tax where the net is not (see the module docstring)."""
    if not all(k in out for k in ("net", "tax", "total")):
        return
    n, t, g = (out[k][0] for k in ("net", "tax", "total"))
    if any(c.raw is None or c.method == "largest_amount" for c in (n, t, g)) or g.raw <= 0 or t.raw <= 0:
        return
    if abs(n.raw + t.raw - g.raw) <= CENT:
        return
    rates = printed_rates(ctx)
    if rate_fits(g.raw - t.raw, t.raw, rates) and not rate_fits(n.raw, t.raw, rates):
        del out["net"]
