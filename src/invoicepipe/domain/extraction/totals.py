"""Choosing net, tax and total together with the arithmetic net + tax = total.

Labelled candidates of the three fields are combined; a consistent triple wins over
individually better-scored but inconsistent values. Each chosen amount is then
cross-checked (``amount_checks``: arithmetic, rate, repeated printing, amount in words, OCR
word confidence, a lost thousands group) and its raw score follows the evidence class:

    two or more agreements:  0.75 + 0.25 * candidate score
    one agreement:           0.6 + 0.4 * candidate score
    nothing agrees:          candidate score * 0.85        (unverified)
    a lost digit group:      at most 0.3                   (conflict)
    fallback total:          0.3                           (largest amount on the document)
    derived net or tax:      0.3                           (total minus the other, not printed)

The calibration is fitted per field, capture source and evidence class, and caps the
classes that must never pass a threshold (``calibration.CLASS_CEILINGS``). The class travels
with the candidate as the note ``class:<name>``, the evidence as further notes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from itertools import combinations, product
from typing import Optional

from invoicepipe.domain.extraction.amount_checks import LOW_OCR, UNREAD, DocumentAmounts, check_amount, evidence_class
from invoicepipe.domain.extraction.amount_agreement import agreed_base
from invoicepipe.domain.extraction.amount_derivation import derive_missing, drop_unclosed_net, included_tax_positive
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.column_totals import column_totals, rate_rows_totals
from invoicepipe.domain.extraction.page_net import net_on_the_page, swapped_net_and_total, printed_amount
from invoicepipe.domain.extraction.rate_split import rate_rows
from invoicepipe.domain.extraction.row_sums import row_sums_totals
from invoicepipe.domain.extraction.rows_after_tax import closed_by_rows_after_tax
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.search import Candidate, Context, best_candidate, label_candidates, parse_amount_value
from invoicepipe.domain.extraction.tax_breakdown import breakdown_rows, sums as breakdown_sums
from invoicepipe.domain.extraction.vocabulary import CHARGES, ROUNDING
from invoicepipe.domain.extraction.document_charges import adjustments_below
from invoicepipe.domain.models import ADJUSTED_TAG, BRIDGED_TAG

_ROUNDING = re.compile(fold_accents(ROUNDING), re.I)
_CHARGES = re.compile(CHARGES, re.I)

CENT = Decimal("0.01")
# a breakdown table's sums: below a strong label's value, above a header-read one
_BREAKDOWN_SCORE = 0.8
# a tax label's candidate at least this strong, of an amount other than zero, states a tax
_STATED_TAX = 0.5


def _top(cands: list[Candidate], k: int = 6) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for c in sorted(cands, key=lambda c: -c.score):
        seen.setdefault(c.value, c)
    return list(seen.values())[:k]


def choose_amounts(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate],
                   items_net: Optional[Decimal] = None) -> dict[str, tuple[Candidate, float]]:
    """Pick net/tax/total candidates and cross-check them; returns {field: (candidate,
    confidence)} for those found, each candidate carrying its evidence in ``notes``. With
    ``items_net`` (the items' sum on a page that prints its amounts in two currencies, see
    ``second_currency``) a consistent triple with that net wins over the converted one."""
    doc = DocumentAmounts(ctx)
    net, tax, total = _with_breakdown(ctx, net, tax, total)
    sums_net, sums_tax = _row_of_column_sums(ctx)
    net, tax = net + sums_net, tax + sums_tax
    net = net + _nets_after_adjustments(ctx, net, tax, total)
    total = total + _totals_after_rounding(ctx, total)
    total = [_paid(doc, c) for c in total]
    net, total = _payable_net(doc, net, total)
    chosen, closes, adjustment = _choose(ctx, net, tax, total, items_net)
    column = column_totals(ctx)
    if column is not None and "total" in chosen and (_net_read_as_total(chosen["total"][0], column)
                                                    or _untaxed_reading_of(chosen, column)):
        chosen, closes, adjustment = {c.field: (c, c.score) for c in column}, True, _rounding_in(column)
    elif not closes:
        # nothing labelled adds up: the total less the tax may be printed without a known label,
        # or a "net" larger than the "total" read the two labels in reverse ("Total HT" and
        # "Net à payer" in a language whose qualifiers no list holds)
        found = (net_on_the_page(doc, _without_gst_halves(tax) + _summed_tax_rows(tax), total)
                 or swapped_net_and_total(doc, chosen))
        if found is not None:
            chosen, closes = found, True
        elif (column := column or rate_rows_totals(ctx) or row_sums_totals(ctx)) is not None:
            # no label the vocabulary knows: the column of items, net, taxes and total adds up
            # twice, the rows of a tax breakdown add up to the largest amount, or a row of sums
            # under its captions adds up (``row_sums``)
            chosen, closes, adjustment = {c.field: (c, c.score) for c in column}, True, _rounding_in(column)
    picked = {name: c for name, (c, _) in chosen.items()}
    if closes and picked.get("total") is not None and picked["total"].method == "tax_breakdown":
        closes = False  # the rows were found by adding up: their sums agreeing is no second opinion
    if "total" in chosen and not closes:
        chosen["total"] = _repaired_by_payment(doc, *chosen["total"])
        picked["total"] = chosen["total"][0]
    out: dict[str, tuple[Candidate, float]] = {}
    for name, (cand, base) in chosen.items():
        if cand.method in UNREAD:
            cand.notes.append("class:alone")
            out[name] = (cand, 0.3)
            continue
        rivals = _rivals(cand, total) if name == "total" else False
        ev = check_amount(doc, name, cand, {**picked, "closes": closes, "contested": rivals})
        cls = evidence_class(ev)
        cand.notes.extend((f"class:{cls}", *ev.tags()))
        if cls == "two" and ev.arithmetic:
            # net + tax = total read three times apart: the readings vouch for the digits
            base = agreed_base(cand, base, [picked[o] for o in ("net", "tax", "total") if o != name and picked.get(o)], UNREAD)
        out[name] = (cand, _raw_score(cls, base))
    if adjustment and "total" in out:
        # the printed rounding or charge that closes net + tax = total: the arithmetic check
        # (domain/arithmetic.py) reads it back, or it would call the amounts inconsistent
        out["total"][0].notes.append(f"{ADJUSTED_TAG}{adjustment:+}")
    return out


def _net_read_as_total(total: Candidate, column: tuple[Candidate, Candidate, Candidate]) -> bool:
    """"Total excl. VAT 1'228.68" read as the total: the column that adds up twice
    (``column_totals``) has that amount as its net, with taxes and a larger total under it."""
    return total.raw is not None and column[0].raw == total.raw and column[2].raw != total.raw


def _untaxed_reading_of(chosen: dict, column: tuple[Candidate, Candidate, Candidate]) -> bool:
    """"Net à payer 3 219,12" read as the net beside the total of the same amount, no tax read:
    the labels make the invoice untaxed, while the column that adds up twice has that total with
    a tax row above it. Two sums say more than "net = total" (one amount read twice)."""
    total, tax = chosen["total"][0], chosen.get("tax")
    if tax is not None or "net" not in chosen or total.raw is None or chosen["net"][0].raw != total.raw:
        return False
    return column[2].raw == total.raw and bool(column[1].raw)


# a table's sums row read as net and tax: weaker than a labelled net or tax, so those win
_SUMS_ROW_SCALE = 0.6


def _row_of_column_sums(ctx: Context) -> tuple[list[Candidate], list[Candidate]]:
    """Net and tax candidates from a total-labelled row that prints the sums of a table's net
    and tax columns ("Total   2.368,60   400,21" under "Valoarea" and "Valoarea TVA", the
    amount payable on a line of its own): the total label's own value is the row's last
    amount, the tax sum, and the net sum before it is no candidate at all. Exactly two
    amounts with cents after the label, the second smaller than the first and of its sign;
    they count only where a total elsewhere closes net + tax (the triple search decides)."""
    nets: list[Candidate] = []
    taxes: list[Candidate] = []
    for hit in ctx.hits_for("total"):
        line = hit.line
        toks = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.start >= hit.end and t.has_decimals]
        if len(toks) != 2:
            continue
        first, second = toks
        if not first.value or (first.value > 0) != (second.value > 0) or abs(second.value) >= abs(first.value):
            continue
        score = hit.strength * _SUMS_ROW_SCALE
        for out, name, tok in ((nets, "net", first), (taxes, "tax", second)):
            out.append(Candidate(name, format_amount(tok.value), score, "sums_row", line.words_in(tok.start, tok.end), tok.value,
                                 anchor=line, label=hit))
    return nets, taxes


def _with_breakdown(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate]) -> tuple[list, list, list]:
    """Add the sums of a tax breakdown table (``tax_breakdown``) as net/tax/total candidates
    instead of the values read under the table's headers: with two or more rows those are one
    rate's share, never the document's, and with one row (or one left readable) they are the
    sums themselves or less. The gross sum stands for the total only when no total
    label was read at all: equal to one, it adds nothing; different, a row was lost or made
    up by OCR ("B 5,5%" read as "n 5,54") and the sum adds up with its own net and tax but
    is still not what was paid."""
    rows = breakdown_rows(ctx)
    if not rows:
        return net, tax, total
    on_rows = {id(w) for r in rows for w in r.words}
    # sums over a header's column (``column_sums``) are already the document's, not one row's
    keep = lambda cs: [c for c in cs if c.method == "column_sum" or not (c.words and id(c.words[0]) in on_rows)]  # noqa: E731
    net, tax, total = keep(net), keep(tax), keep(total)
    words = tuple(w for r in rows for w in r.words)
    sums = dict(zip(("net", "tax", "total"), breakdown_sums(rows)))
    extra = {name: Candidate(name, format_amount(v), _BREAKDOWN_SCORE, "tax_breakdown", words, v, anchor=rows[0].line)
             for name, v in sums.items()}
    # a column's sum read under its own header and equal to the rows' sum is that reading: it
    # stays, as sure as the rows' sum would be (two ways of reading the table agree on it)
    agreed = lambda cs, name: any(c.method == "column_sum" and c.raw == sums[name] for c in cs)  # noqa: E731
    raised = lambda cs, name: [replace(c, score=max(c.score, _BREAKDOWN_SCORE))  # noqa: E731
                               if c.method == "column_sum" and c.raw == sums[name] else c for c in cs]
    gross = [] if any(c.raw for c in total) else [extra["total"]]
    return (raised(net, "net") if agreed(net, "net") else net + [extra["net"]],
            raised(tax, "tax") if agreed(tax, "tax") else tax + [extra["tax"]], total + gross)


# a net found by applying the discount and charge rows under a subtotal: a little below the
# subtotal's own score, so a net printed after them is preferred
_ADJUSTED_NET_SCALE = 0.95


def _nets_after_adjustments(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate]) -> list[Candidate]:
    """The taxable amount of a subtotal followed by discount or charge rows and then the
    tax ("Subtotal 303.72 / Discount -30.37 / Tax 24.26"): the subtotal with the rows
    applied (``document_charges.adjustments_below``). Its evidence says what was applied
    (``BRIDGED_TAG``: the items add up to the subtotal, not to this net), and it is only a
    candidate: net + tax = total decides."""
    stops = {id(c.anchor) for c in tax + total if c.anchor is not None}
    out = []
    for n in _top(net, 4):
        if n.raw is None or n.anchor is None or not n.words or n.method != "label_right":
            continue
        applied, rows = adjustments_below(ctx, n.anchor, stops)
        if not rows or not applied:
            continue
        words = tuple(w for ln in rows for w in ln.words)
        out.append(Candidate("net", format_amount(n.raw + applied), n.score * _ADJUSTED_NET_SCALE, "net_after_adjustments",
                             n.words + words, n.raw + applied, [f"{BRIDGED_TAG}{applied:+}"], anchor=n.anchor, label=n.label))
    return out


def _paid(doc: DocumentAmounts, cand: Candidate) -> Candidate:
    """A total that the payment lines pay (tendered - change = total, printed below it) is
    the one the customer paid: its score rises a little, so a subtotal or the cash handed
    over never wins over it on label strength alone."""
    if cand.raw is None or not doc.paid_by_tender(cand):
        return cand
    return replace(cand, score=min(1.0, cand.score + 0.15), notes=list(cand.notes))


def _payable_net(doc: DocumentAmounts, net: list[Candidate], total: list[Candidate]) -> tuple[list, list]:
    """With no total label read, a "net" that the payment lines pay is the total: some tills
    print the payable sum as "Net Amount" (after tax and rounding, below "Gross Amount" and
    the tax rows) and the cash handed over minus the change is exactly that value. What the
    customer paid is the total whatever its label says; the candidate keeps its score and
    is checked like any total (the payment is its one agreement). A net one glyph off
    the payment is moved too, and mended as a total is."""
    if any(c.raw for c in total):
        return net, total
    # one glyph off what is paid is that payment misread (``_repaired_by_payment`` mends it)
    paid = [c for c in net if c.raw and c.raw > 0 and any(p == c.raw or _one_glyph_apart(c.raw, p) for p in doc.payments_below(c))]
    if not paid:
        return net, total
    moved = {id(c) for c in paid}
    as_total = [replace(c, field="total", notes=[*c.notes, "net_label"]) for c in paid]
    return [c for c in net if id(c) not in moved], total + as_total


def _repaired_by_payment(doc: DocumentAmounts, cand: Candidate, base: float) -> tuple[Candidate, float]:
    """A labelled total that nothing adds up to, one glyph away from what the payment lines
    below it pay, is that payment misread: a digit taken for another ("8,237.60" for
    "8,237.00") or the currency sign before it read as a digit ("₹189.00" as "7189.00").
    The payment decides the reading, so it is no agreement of its own: the candidate is
    tagged ``repaired`` and ``check_amount`` does not count the payment for it."""
    if cand.method in UNREAD or cand.raw is None or cand.raw <= 0 or doc.paid_by_tender(cand) or _summed_above(doc, cand):
        return cand, base  # a run of amounts above adds up to the printed reading: the payment was misread
    sure = min((w.confidence for w in cand.words), default=1.0) >= LOW_OCR
    # a digit for a digit may be the payment's misreading as well as the total's: the total's
    # own word must be the doubtful one; a leading glyph more is the sign read as a digit
    fits = [p for p in doc.payments_below(cand) if _one_glyph_apart(cand.raw, p) and not (sure and _same_length(cand.raw, p))]
    if len(fits) != 1:
        return cand, base  # two readings fit as well: the payment cannot tell which
    value = fits[0]
    notes = [*cand.notes, "repaired", f"read_as:{cand.value}"]
    return replace(cand, value=format_amount(value), raw=value, notes=notes), base


def _summed_above(doc: DocumentAmounts, cand: Candidate) -> bool:
    """Two or more consecutive amount lines above the candidate add up to its value (the
    items, or the per-rate sales rows of a fiscal receipt): the printed reading is borne out."""
    lines = doc.ctx.layout.lines
    at = doc.ctx.layout.line_at(cand.words[0]) if cand.words else None
    if at is None:
        return False
    amounts = [doc.with_decimals[id(ln)][-1] for ln in lines[:at] if ln.page == lines[at].page and id(ln) in doc.with_decimals]
    for i in range(len(amounts)):
        running = amounts[i]
        for v in amounts[i + 1:]:
            running += v
            if running == cand.raw:
                return True
    return False


def _same_length(a: Decimal, b: Decimal) -> bool:
    return len(_cents_digits(a)) == len(_cents_digits(b))


def _one_glyph_apart(read: Decimal, paid: Decimal) -> bool:
    """The two amounts' digits differ in one digit, or the read one has one more leading
    digit (a currency sign or a speck before the amount read as a digit)."""
    a, b = _cents_digits(read), _cents_digits(paid)
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    return len(a) == len(b) + 1 and a[1:] == b


def _cents_digits(value: Decimal) -> str:
    return str(abs(value).quantize(CENT)).replace(".", "")


def _rivals(chosen: Candidate, total: list[Candidate]) -> bool:
    """Another total candidate with a different value and nearly the chosen one's score."""
    return any(c.value != chosen.value and c.raw and c.score >= 0.75 * chosen.score for c in total)


def _rounding_in(column: tuple[Candidate, ...]) -> Decimal:
    """What closes a column's net + tax = total besides the tax: a rounding row it read
    (``column_totals``), 0 where there is none."""
    amounts = {c.field: c.raw for c in column}
    if not all(isinstance(amounts.get(k), Decimal) for k in ("net", "tax", "total")):
        return Decimal(0)
    return amounts["total"] - amounts["net"] - amounts["tax"]


def _raw_score(cls: str, score: float) -> float:
    score = min(1.0, score)
    raw = {"two": 0.75 + 0.25 * score, "one": 0.6 + 0.4 * score, "alone": 0.85 * score, "conflict": min(0.3, 0.5 * score)}[cls]
    return round(min(0.99, raw), 3)


def _choose(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate],
            items_net: Optional[Decimal] = None) -> tuple[dict, bool, Decimal]:
    """The chosen candidates, each with its base score (the candidate's score, lowered when
    a competing value was nearly as well supported), whether net + tax (+ a printed rounding
    or charge) = total, and that rounding or charge (0 without one)."""
    tax = included_tax_positive(tax, total)
    roundings = _roundings(ctx)
    best = _best_triple(net, tax, total, roundings, items_net)
    if best and best[1] is None and best[0].raw and any(r.tax for r in rate_rows(ctx).with_net):
        # net = total with no tax, where a breakdown row prints a base and its rate's tax: a tax
        # is stated though no tax label's amount was matched (its minus lost, its label read
        # as another field's), and the "no tax" triple closes on a sum equal to the net
        best = _best_triple(net, tax, total, roundings, items_net, tax_stated=True)
    out: dict[str, tuple[Candidate, float]] = {}
    if best:
        n, t, g, adjustment = best
        for name, c in (("net", n), ("tax", t), ("total", g)):
            if c is not None:
                out[name] = (c, c.score)
        if t is None:
            tax_best, tconf = best_candidate(tax)
            if tax_best is not None and tax_best.raw == 0:
                out["tax"] = (tax_best, tax_best.score)
        return out, True, adjustment
    after_tax = _total_after_tax(ctx, net, tax, total)
    if after_tax is not None:
        return after_tax, True, Decimal(0)
    between = closed_by_rows_after_tax(ctx, net, tax, total)
    if between is not None:
        return between[0], True, between[1]
    for name, cands in (("net", net), ("tax", _without_gst_halves(tax)), ("total", total)):
        c, conf = best_candidate(cands)
        if c is not None:
            out[name] = (c, min(c.score, conf))
    if "total" not in out and "net" in out:
        summed = _sum_of_rows_below(ctx, out["net"][0])
        if summed is not None:
            out["total"] = (summed, summed.score)
    if "total" not in out:
        fallback = largest_amount(ctx)
        if fallback is not None:
            out["total"] = (fallback, 0.3)
    drop_unclosed_net(ctx, out)
    _printed_remainder(ctx, out)
    derive_missing(ctx, out)
    return out, False, Decimal(0)


def _best_triple(net: list[Candidate], tax: list[Candidate], total: list[Candidate],
                 roundings: list[Decimal], items_net: Optional[Decimal] = None, tax_stated: bool = False) -> Optional[tuple]:
    """The best-scored (net, tax or None, total, rounding or charge) with net + tax (+ a
    printed rounding or charge) = total. Every tax candidate and every sum of per-rate tax
    rows is looked up by the value the pair (net, total) needs, so a right tax row is never
    cut off by a ranking."""
    best: Optional[tuple[float, tuple]] = None
    closing = list(_closing_triples(net, tax, total, roundings, tax_stated))
    for score, triple in closing:
        if items_net is not None and triple[0].raw == items_net:
            score += 1.0  # the items add up to it: the invoice's own, not a converted copy
        if best is None or score > best[0]:
            best = (score, triple)
    return _rounded_below(best[1], [t for _, t in closing]) if best else None


# lines under a total its rounding row and the rounded amount may take
_ROUNDING_REACH = 3


def _totals_after_rounding(ctx: Context, total: list[Candidate]) -> list[Candidate]:
    """The amount payable printed under a total's rounding row whose label OCR garbled ("Zu
    -bezahlen F CHF 1'409.60" under "Total inkl. MWST 1'409.62" / "Rundung -0.02"): an
    amount equal to the total plus the rounding, on the lines right under the rounding
    row. It is only a candidate: net + tax + rounding = total, and ``_rounded_below``, take
    it."""
    out: list[Candidate] = []
    roundings = {id(line): value for line, value in _rounding_rows(ctx)}
    for g in _top(total, 4) if roundings else ():
        if g.raw is None or g.anchor is None or g.method != "label_right":
            continue
        lines = ctx.layout.by_page.get(g.anchor.page, ())
        k = g.anchor.index
        below = lines[k + 1:k + 1 + _ROUNDING_REACH]
        for i, ln in enumerate(below):
            rounding = roundings.get(id(ln))
            if rounding is None:
                continue
            for nxt in below[i + 1:]:
                for tok in amounts_on(nxt, ctx.decimal_sep, ctx.layout.char_width):
                    if tok.has_decimals and tok.value in (g.raw + rounding, g.raw - rounding) and tok.value != g.raw:
                        out.append(Candidate("total", format_amount(tok.value), g.score * 0.95, "after_rounding",
                                             nxt.words_in(tok.start, tok.end), tok.value, anchor=nxt))
            break
    return out


def _rounding_rows(ctx: Context) -> list[tuple]:
    """(line, amount without its sign) of each rounding row ("Öresavrundning 0,30", "Round Off
    -Rs. 0.36", "Rundung -0.02"): an other-amount label of rounding with less than 1 after it."""
    out = []
    for c in label_candidates(ctx, "other_amount", parse_amount_value):
        label = c.label
        if label is not None and c.raw and abs(c.raw) < 1 and _ROUNDING.search(fold_accents(label.line.text[label.start:label.end])):
            out.append((label.line, abs(c.raw)))
    return out


def _rounded_below(best: tuple, closing: list[tuple]) -> tuple:
    """The triple whose total is the amount payable after a printed rounding, where one
    closes with the same net and tax under the chosen total: "Total inkl. MWST -5.28 /
    Rundung -0.02 / Zu bezahlen CHF -5.30" (the Swiss 5-Rappen rounding, the Swedish
    öresavrundning). What is paid is the rounded amount printed after the rounding row;
    the triple without the rounding only wins the ranking as the likelier coincidence."""
    n, t, g, r = best
    if r or g.page is None or g.box is None:
        return best
    for n2, t2, g2, r2 in closing:
        if n2 is n and t2 is t and r2 and g2.raw == g.raw + r2 and g2.page == g.page and g2.box is not None \
                and g2.box.top > g.box.bottom:
            return n2, t2, g2, r2
    return best


def closing_nets(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate]) -> set[Decimal]:
    """The nets of every (net, tax, total) that adds up: more than one on a page printing
    its amounts in two currencies (``second_currency``)."""
    return {triple[0].raw for triple in closing_triples(ctx, net, tax, total)}


def closing_triples(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate]) -> list[tuple]:
    """Every (net, tax or None, total, rounding or charge) that adds up."""
    return [triple for _, triple in _closing_triples(net, tax, total, _roundings(ctx))]


def _closing_triples(net: list[Candidate], tax: list[Candidate], total: list[Candidate], roundings: list[Decimal],
                     tax_stated: bool = False):
    """(score, (net, tax or None, total, rounding or charge)) of every triple that adds up;
    with ``tax_stated``, none without a tax."""
    by_value: dict[Decimal, Candidate] = {}
    halves = [c for c in _without_gst_halves(tax) if c.method == "sum_of_tax_rows"]  # every GST half of every rate
    for t in sorted(tax + _summed_tax_rows(tax) + halves, key=lambda c: -c.score):
        if t.raw is not None:
            by_value.setdefault(t.raw, t)
    # net = total with no tax closes nothing where a tax label states a tax: the label's
    # amount went unmatched because a row between (a discount) was not read, and the "no tax"
    # triple would close on any sum equal to the net (a column's sum)
    stated_tax = tax_stated or any(t.raw and t.score >= _STATED_TAX for t in tax)
    for n, g in product(_top(net, 10), _top(total, 10)):
        if n.raw is None or g.raw is None or not g.raw:
            continue
        for r in [Decimal(0)] + roundings:
            want = g.raw - n.raw - r
            t = next((by_value[v] for v in (want, want - CENT, want + CENT) if v in by_value), None)
            if t is None and (abs(want) > CENT or stated_tax):
                continue
            # a rounding row makes a coincidence likelier: prefer the triple without one
            yield n.score + g.score + (t.score if t else 0.3) - (0.05 if r else 0.0), (n, t, g, r)


def _roundings(ctx: Context) -> list[Decimal]:
    """Amounts of rounding rows ("Öresavrundning 0,30", "Round Off -Rs. 0.36"), each with
    both signs: a rounding's sign is often printed apart from its digits or not at all;
    and of charges added after the subtotal and its tax ("Tip 8.00", "Svc Chg 10% 4.41")."""
    out: list[Decimal] = []
    for _, value in _rounding_rows(ctx):
        out.extend(v for v in (value, -value) if v not in out)
    for c in label_candidates(ctx, "other_amount", parse_amount_value):
        label = c.label
        if label is None or not c.raw or c.raw <= 0 or c.raw in out:
            continue
        words = fold_accents(label.line.text[label.start:label.end])
        if _CHARGES.search(words) and not (_ROUNDING.search(words) and c.raw < 1):
            out.append(c.raw)
    return out


def _printed_remainder(ctx: Context, out: dict) -> None:
    """With a total and one of net/tax read but not the other, the missing one is the
    remainder when that exact amount is printed on the document ("Gesamtbeitrag 50,00" /
    "Versicherungsteuer 9,50" / "Rechnungsbeitrag 59,50" under labels nobody lists).
    Scored low: the arithmetic found it, no label confirms it."""
    if "total" not in out or ("net" in out) == ("tax" in out):
        return
    g = out["total"][0]
    known, missing = ("tax", "net") if "tax" in out else ("net", "tax")
    k = out[known][0]
    # a tax of 0.00 read under its label leaves net = total; a net of 0 says nothing
    if g.raw is None or k.raw is None or g.raw <= 0 or k.raw < 0 or (known == "net" and not k.raw):
        return
    want = g.raw - k.raw
    if want <= 0:
        return
    printed = printed_amount(ctx, want, {id(w) for w in k.words + g.words})
    if printed is not None:
        line, words = printed
        out[missing] = (Candidate(missing, format_amount(want), 0.4, "printed_remainder", words, want, anchor=line), 0.4)


def _sum_of_rows_below(ctx: Context, net: Candidate, reach: int = 6) -> Optional[Candidate]:
    """With no total label read, the total is the amount that equals the sum of the rows
    from the net down to it ("Subtotal 44.07" / "Svc Chg 4.41" / "GST 9% 4.36" / "52.84",
    its label lost to OCR). Rows of more than one amount end the search. Scored low: only
    the running sum found it."""
    if net.raw is None or net.raw <= 0 or not net.words:
        return None
    lines = ctx.layout.lines
    at = ctx.layout.line_at(net.words[0])
    if at is None:
        return None
    running = net.raw
    for line in lines[at + 1:at + 1 + reach]:
        toks = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.has_decimals]
        folded = fold_accents(line.text)
        if len(toks) != 1 or any(h.field == "other_amount" and not (_ROUNDING.search(folded) or _CHARGES.search(folded))
                                 for h in ctx.hits[id(line)]):
            return None
        tok = toks[0]
        if tok.value == running and running > net.raw:
            return Candidate("total", format_amount(tok.value), 0.5, "sum_of_rows", line.words_in(tok.start, tok.end),
                             tok.value, anchor=line)
        running += tok.value
    return None


def _total_after_tax(ctx: Context, net: list[Candidate], tax: list[Candidate], total: list[Candidate]) -> Optional[dict]:
    """A receipt's "Total" read as the sum before tax when a tax line follows: the amount
    printed below the tax line that equals the labelled total plus the tax is the total
    after tax, and the labelled one is the net. (``_choose`` found no consistent triple.)"""
    g, _ = best_candidate(total)
    t, _ = best_candidate(tax)
    if g is None or t is None or not g.raw or not t.raw or g.raw <= 0 or t.raw <= 0 or not t.words or not g.words:
        return None
    tax_line, total_line = ctx.layout.line_of(t.words[0]), ctx.layout.line_of(g.words[0])
    if tax_line is None or total_line is None or (total_line.page, total_line.index) >= (tax_line.page, tax_line.index):
        return None
    want = g.raw + t.raw
    for line in ctx.layout.lines:
        if (line.page, line.index) <= (tax_line.page, tax_line.index):
            continue
        for tok in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width):
            if tok.value == want:
                after = Candidate("total", format_amount(want), min(g.score, t.score), "after_tax", line.words_in(tok.start, tok.end),
                                  want, anchor=line)
                as_net = Candidate("net", g.value, g.score, g.method, g.words, g.raw, anchor=g.anchor, label=g.label)
                return {"net": (as_net, g.score), "tax": (t, t.score), "total": (after, after.score)}
    return None


# one half of intra-state GST: "CGST", "SGST", "UTGST", "Central Tax", "State Tax"
_GST_HALF = re.compile(r"(?i)(?:\b(c|s|ut)gst|\b(central|state)\s*tax)\b[^\w]*$")


def _without_gst_halves(tax: list[Candidate]) -> list[Candidate]:
    """Intra-state GST is printed as two halves, central (CGST) and state (SGST or UTGST), each
    the half rate times the taxable value: one half is never the invoice's tax, though the half
    rate printed beside it ("Output CGST @ 6%") makes it look like one and its twin repeats it.
    With both halves labelled on the page, the halves stand only as parts of their sum."""
    halves: dict[str, list[Candidate]] = {"central": [], "state": []}
    for c in tax:
        if c.label is None or c.raw is None:
            continue
        hit = c.label
        m = _GST_HALF.search(hit.line.text[max(0, hit.start - 10):hit.end])
        if m:
            kind = (m.group(1) or m.group(2) or "").lower()
            halves["central" if kind in ("c", "central") else "state"].append(c)
    if not halves["central"] or not halves["state"]:
        return tax
    parts = {id(c) for cs in halves.values() for c in cs}
    sums = [Candidate("tax", format_amount(a.raw + b.raw), 0.9 * min(a.score, b.score), "sum_of_tax_rows",
                      a.words + b.words, a.raw + b.raw, anchor=a.anchor)
            for a in halves["central"] for b in halves["state"] if a.anchor is not b.anchor]
    # several rates each printed as its two halves ("CGST9 911.13 / SGST9 911.13 / CGST6 69.55 /
    # SGST6 69.55"): every half of every rate, when each central half has its state twin (to
    # the paisa either half's rounding may take: "CGST9 2,012.79 / SGST9 2,012.78")
    central = {id(c.anchor): c for c in halves["central"]}
    state = {id(c.anchor): c for c in halves["state"]}
    twins = zip(sorted(c.raw for c in central.values()), sorted(c.raw for c in state.values()))
    if len(central) >= 2 and len(central) == len(state) and all(abs(a - b) <= CENT for a, b in twins):
        rows = [*central.values(), *state.values()]
        whole = sum((c.raw for c in rows), Decimal(0))
        sums.append(Candidate("tax", format_amount(whole), 0.9 * min(c.score for c in rows), "sum_of_tax_rows",
                              tuple(w for c in rows for w in c.words), whole, anchor=rows[0].anchor))
    return [c for c in tax if id(c) not in parts] + sums


def _summed_tax_rows(tax: list[Candidate]) -> list[Candidate]:
    """Tax printed as several rows that add up: CGST + SGST halves, or one row per VAT rate
    without a tax total. Each sum of two or three rows from different labels is a candidate
    (a row each, or the cells of one row of captions: "Btw 21%   Btw 9%" over their amounts),
    scored a little below its weakest row so a printed tax total wins when there is one."""
    rows: dict[tuple, Candidate] = {}
    for c in sorted(tax, key=lambda c: -c.score):
        key = (id(c.anchor), c.label.start if c.label is not None else None)
        if c.words and c.raw and key not in rows:
            rows[key] = c
    picked = list(rows.values())[:8]
    out = []
    for k in (2, 3):
        for combo in combinations(picked, k):
            total = sum((c.raw for c in combo), Decimal(0))
            words = tuple(w for c in combo for w in c.words)
            out.append(Candidate("tax", format_amount(total), 0.9 * min(c.score for c in combo), "sum_of_tax_rows",
                                 words, total, anchor=combo[0].anchor))
    return out


def largest_amount(ctx: Context) -> Optional[Candidate]:
    """The largest amount with decimals anywhere in the document, outside the lines of
    other amounts (payments, change, discounts) and of sums before tax: a weak total guess."""
    best = None
    for line in ctx.layout.lines:
        if any(h.field in ("other_amount", "net") for h in ctx.hits[id(line)]):
            continue  # cash handed over, change, a discount, a sum before tax: never the total
        for tok in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width):
            if tok.has_decimals and (best is None or tok.value > best[0].value):
                best = (tok, line)
    if best is None:
        return None
    tok, line = best
    return Candidate("total", format_amount(tok.value), 0.3, "largest_amount", line.words_in(tok.start, tok.end), tok.value)
