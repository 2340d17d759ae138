"""Cross-checks of amount candidates: which independent evidence agrees with a value.

A label next to a well-formed number says where the total *probably* is; it says nothing
about whether the digits were read right. A scan that loses a thousands group ("8.78" for
"6,018.78", "2.00" for "3,312.00") yields a perfectly labelled, perfectly formatted amount.
So every chosen amount records what else agrees with it, from sources that fail
independently of the label and of each other:

- ``arithmetic``: net + tax = total with the other two read under their own labels (a tax
  read, if only as zero);
- ``rate``: tax = a printed or standard rate x net (within rounding), or on a mixed-rate
  invoice, per-rate rows that each fit their rate add up to net and tax (``rate_split``);
- ``repeated``: the same value printed again under another total-like label (amount due,
  balance, a payment slip) or, for the total, anywhere else on the document;
- ``words``: the amount in words ("Rupees Six Lakh Twelve Thousand Only");
- ``paid``: for the total, the cash tendered minus the change printed below it ("CASH 50.00",
  "CHANGE 20.65") is the value;
- ``contested``: for the total, another candidate nearly as well labelled has another value
  (a subtotal, an unlisted sum): without arithmetic or payment behind it the class is at
  most ``alone``, whatever else repeats it;
- ``ocr_low``: the digits were read with low OCR word confidence (against);
- ``regrouped``: one separator printed for both the groups and the cents ("7,502,93"), read
  by the page's decimal convention (against: at most ``alone`` unless net + tax = total, or
  the lines, confirm it);
- ``suffix_of`` / ``fragment``: a longer amount printed on the document ends in the same
  digits, or a digit group stands just left of the value on its line (a lost group, against).

``evidence_class`` folds this into the class the calibration is fitted per: ``conflict``,
``alone`` (nothing independent agrees), ``one`` or ``two`` (two or more agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from invoicepipe.domain.extraction.amount_words import WrittenAmounts
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.currency_evidence import validated_countries
from invoicepipe.domain.extraction.parsing import RATE_SIGN_FIRST, REGROUPED, rate_digits
from invoicepipe.domain.extraction.rate_split import rate_rows, split_fits
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.extraction.vat_rates import rates_of

CENT = Decimal("0.01")
# methods of amounts not read under a label of their own: they confirm nothing
UNREAD = ("largest_amount", "derived_remainder")
# Word confidence below which OCR digits are doubtful (Tesseract reports 0-1 here).
LOW_OCR = 0.8
# VAT/GST rates in use (percent), for tax = rate x net when no rate is printed
STANDARD_RATES = tuple(Decimal(r) for r in ("2.1", "2.5", "3", "3.7", "4", "5", "5.5", "6", "7", "7.7", "8", "8.1", "9", "10",
                                            "12", "13", "13.5", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
                                            "25", "25.5", "26", "27", "28"))
_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%|" + RATE_SIGN_FIRST)
# a word printing one (the boundaries keep "12.345.678" a whole number, not one)
_REGROUPED_IN = re.compile(r"(?<![\d.,])%s(?!\d)" % REGROUPED.pattern)
_DIGIT_GROUP = re.compile(r"^[-€$£₹]?\d{1,3}[.,'\u2019 ]?$")


@dataclass(frozen=True)
class AmountEvidence:
    """What agrees (and disagrees) with one chosen amount."""

    arithmetic: bool = False
    rate: bool = False
    repeated: int = 0
    words: Optional[str] = None
    ocr_low: bool = False
    suffix_of: Optional[Decimal] = None
    fragment: bool = False
    paid: bool = False  # cash tendered - change printed below it = the value
    contested: bool = False  # another total candidate, nearly as well labelled, has another value
    repaired: bool = False  # digits replaced by what the payment pays (``totals``): a guess the payment made
    regrouped: bool = False  # "7,502,93": the decimal mark also grouping, read by the page's convention

    @property
    def agreements(self) -> int:
        return (int(self.arithmetic) + int(self.rate) + int(self.repeated > 0) + int(self.words is not None)
                + int(self.paid))

    @property
    def conflict(self) -> bool:
        return self.suffix_of is not None or self.fragment

    def tags(self) -> tuple[str, ...]:
        """The evidence as short tags for the field (``arithmetic``, ``words:de``, ``suffix_of:6018.78``)."""
        out = [name for name, on in (("arithmetic", self.arithmetic), ("rate", self.rate), ("ocr_low", self.ocr_low),
                                      ("fragment", self.fragment), ("paid", self.paid), ("contested", self.contested),
                                      ("regrouped", self.regrouped))
               if on]
        if self.repeated:
            out.append(f"repeated:{self.repeated}")
        if self.words:
            out.append(f"words:{self.words}")
        if self.suffix_of is not None:
            out.append(f"suffix_of:{self.suffix_of}")
        return tuple(out)


def evidence_class(ev: AmountEvidence) -> str:
    """The calibration class: conflict, alone, one or two (two or more agreements)."""
    if ev.conflict:
        return "conflict"
    if ev.contested and not (ev.arithmetic or ev.paid):
        # chosen among rival values on label strength: a repetition of it (a card slip, a
        # second sum line) does not say the rival is not the total
        return "alone"
    n = ev.agreements - int(ev.ocr_low and ev.agreements == 1 and not ev.arithmetic)
    if ev.regrouped:
        # which separator is the decimal mark was the page's guess, not the value's: only the
        # arithmetic (or the lines, ``with_lines_sum``) says the guess was right
        return "one" if ev.arithmetic else "alone"
    if ev.repaired:
        # the digits on the page said something else: only the arithmetic lifts the guess, never
        # to high confidence; a repetition of the payment's own amount is no second opinion
        return "one" if ev.arithmetic else "alone"
    return "two" if n >= 2 else "one" if n == 1 else "alone"


class DocumentAmounts:
    """Every amount printed on the document, and its words, read once for all checks."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.tokens = []  # (value, line, start, end, has_decimals, money: with cents or a currency)
        self.with_decimals: dict[int, list[Decimal]] = {}  # line id -> its amounts with decimals
        for line in ctx.layout.lines:
            for tok in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width):
                self.tokens.append((tok.value, line, tok.start, tok.end, tok.has_decimals, tok.has_decimals or tok.currency is not None))
                if tok.has_decimals:
                    self.with_decimals.setdefault(id(line), []).append(tok.value)
        self.written = WrittenAmounts(ln.text for ln in ctx.layout.lines)
        # the digit-level checks (a lost group) matter only where digits were read by OCR:
        # a text layer prints exactly what the issuer's system wrote
        self.scanned = any(w.confidence < 1.0 for ln in ctx.layout.lines for w in ln.words)
        self.rates = printed_rates(ctx)
        self._rate_rows = None  # read when a single rate does not fit

    def repeated(self, cand: Candidate, anywhere: bool) -> int:
        """Other printings of the value: on other lines with a total-like label (or, with
        ``anywhere``, on any other line), never the candidate's own words."""
        value = abs(cand.raw)
        if not value:
            return 0
        own = {id(w) for w in cand.words}
        seen = set()
        for v, line, s, e, _, money in self.tokens:
            if abs(v) != value or any(id(w) in own for w in line.words_in(s, e)):
                continue
            if id(line) in seen or (cand.words and line.words and cand.words[0] in line.words):
                continue
            labelled = any(h.field in ("total", "other_amount") for h in self.ctx.hits[id(line)])
            # a bare whole number printed somewhere else is a quantity or a count ("3 x 4,78") as
            # often as an amount; with a currency beside it ("Rs 1939") it is money
            if labelled or (anywhere and money):
                seen.add(id(line))
        return len(seen)

    def paid_by_tender(self, cand: Candidate) -> bool:
        """Cash handed over and change given back, printed on two consecutive amount lines below
        the candidate, differ by its value ("CASH 50.00" / "CHANGE 20.65" under "TOTAL 29.35")."""
        value = cand.raw
        return value is not None and value > 0 and value in self.payments_below(cand, at_least=value)

    def payments_below(self, cand: Candidate, at_least: Decimal = Decimal(0)) -> set[Decimal]:
        """The amounts the payment lines below the candidate pay: for two consecutive amount
        lines of one amount each, the upper one (tendered, ``at_least`` that) minus the lower
        one (the change). Lines read under a net or tax label are no payment lines (a total
        over "incl. tax" minus that tax is the subtotal), nor is a row of several amounts (an
        invoice's totals row over an OCR-garbled "00,00" in the bank details paid nothing)."""
        if not cand.words:
            return set()
        lines = self.ctx.layout.lines
        at = self.ctx.layout.line_at(cand.words[0])
        if at is None:
            return set()
        taxish = lambda ln: any(h.field in ("net", "tax") for h in self.ctx.hits[id(ln)])  # noqa: E731
        # lines without an amount between the two (OCR reads specks as lines) do not count
        below = [ln for ln in lines[at + 1:] if ln.page == lines[at].page and id(ln) in self.with_decimals]
        out = set()
        for upper, lower in zip(below, below[1:]):
            if taxish(upper) or taxish(lower):
                continue
            if len(self.with_decimals[id(upper)]) > 1 or len(self.with_decimals[id(lower)]) > 1:
                continue  # a till prints each payment on a line of its own, not a row of sums
            back = {abs(b) for b in self.with_decimals.get(id(lower), ())}  # "CHANGE -80.55" on some tills
            out.update(g - b for g in self.with_decimals.get(id(upper), ()) for b in back
                       if g > 0 and g - b > 0 and g >= at_least)
        return out

    def longer_with_same_tail(self, cand: Candidate) -> Optional[Decimal]:
        """A longer printed amount whose digits end in the candidate's (a group lost to OCR)."""
        value = abs(cand.raw)
        digits = _digits(value)
        for v, _line, _s, _e, has_dec, _money in self.tokens:
            other = _digits(abs(v))
            if has_dec and len(other) > len(digits) and other.endswith(digits) and abs(v) != value:
                return abs(v)
        return None

    def rate_agrees(self, net: Decimal, tax: Decimal) -> bool:
        """tax = rate x net for a rate printed on the document or a standard rate, or the
        tax split into per-rate rows that fit their rates and add up to net and tax."""
        if rate_fits(net, tax, self.rates):
            return True
        if self._rate_rows is None:
            self._rate_rows = rate_rows(self.ctx)
        return split_fits(self._rate_rows, net, tax)


def printed_rates(ctx: Context) -> set[Decimal]:
    """The percentages printed on the document."""
    return {rate for ln in ctx.layout.lines for rate in _rates_in(ln.text)}


@lru_cache(maxsize=8192)  # a function of the text: a layout's lines come back on every invoice
def _rates_in(text: str) -> tuple[Decimal, ...]:
    if "%" not in text:  # no rate without its sign: most lines are not searched
        return ()
    return tuple(Decimal(rate_digits(m).replace(",", ".")) for m in _PERCENT.finditer(text))


def rate_fits(net: Decimal, tax: Decimal, printed: set[Decimal], standard: bool = True) -> bool:
    """tax = rate x net (within two cents) for one of ``printed`` or (with ``standard``) a standard rate."""
    if net <= 0 or tax <= 0:
        return False
    rates = printed | set(STANDARD_RATES) if standard else printed
    return any(abs(net * r / 100 - tax) <= CENT * 2 for r in rates if 0 < r < 40)


def _digits(value: Decimal) -> str:
    return str(value.quantize(CENT)).replace(".", "").lstrip("0")


def left_fragment(ctx: Context, cand: Candidate) -> bool:
    """A 1-3 digit group just left of the value on its line ("6 018.78" read as two words
    too far apart to join), or a value printed with a leading zero ("018.78")."""
    if not cand.words:
        return False
    first = cand.words[0]
    text = first.text.lstrip("-€$£₹(")
    if re.match(r"0\d", text):
        return True
    line = ctx.layout.line_of(first)
    if line is None:
        return False
    i = line.words.index(first)
    if i == 0:
        return False
    prev = line.words[i - 1]
    gap = first.box.x0 - prev.box.x1
    return bool(_DIGIT_GROUP.match(prev.text)) and gap < 2.5 * ctx.layout.char_width and re.match(r"\d{3}\b", text) is not None


def _plausible_share(net: Candidate, tax: Optional[Candidate]) -> bool:
    """A tax no larger than the base it is charged on, and of its sign: three small amounts
    misread on a photo add up by chance ("0.58 + 2.88 = 3.46"), but no VAT or GST rate makes
    the tax exceed the net, so such a sum is a coincidence, not a check."""
    if tax is None or not tax.raw or not net.raw:
        return True
    return (net.raw > 0) == (tax.raw > 0) and abs(tax.raw) <= abs(net.raw)


def check_amount(doc: DocumentAmounts, name: str, cand: Candidate, others: dict) -> AmountEvidence:
    """Evidence for ``cand`` (field ``name``); ``others`` holds the chosen net/tax/total
    candidates (None where absent) and whether the triple adds up."""
    if cand.raw is None or not cand.raw:
        return AmountEvidence()
    net, tax, total = others.get("net"), others.get("tax"), others.get("total")
    read = lambda c: c is not None and c.method not in UNREAD  # noqa: E731 - read under a label of its own
    # without a tax read, "net = total" is one amount read twice (a "Total" label on the net
    # where the tax's words are unknown), not a sum that closes
    arithmetic = (bool(others.get("closes")) and all(read(c) for k, c in (("net", net), ("tax", tax), ("total", total))
                                                      if k != name and c is not None)
                  and net is not None and tax is not None and total is not None and _plausible_share(net, tax))
    rate = False
    if net is not None and tax is not None and name in ("net", "tax", "total") and net.raw and tax.raw:
        rate = doc.rate_agrees(abs(net.raw), abs(tax.raw)) and (
            name != "total" or arithmetic or (cand.label is not None and _rate_through_remainder(doc, net, tax)))
    words = doc.written.confirms(cand.raw) if name in ("total", "net") else None
    ocr = min((w.confidence for w in cand.words), default=1.0)
    return AmountEvidence(
        arithmetic=arithmetic, rate=rate, repeated=doc.repeated(cand, anywhere=name == "total"), words=words,
        ocr_low=ocr < LOW_OCR, suffix_of=doc.longer_with_same_tail(cand) if doc.scanned else None,
        # a text layer loses no digit, but a monospaced print's thousands space is a whole
        # character wide, too wide to join without doubt ("41 273,87"): a group left of the
        # value is read against it on any page
        fragment=left_fragment(doc.ctx, cand),
        # a total repaired to what the payment pays (``totals``) was made to agree with it
        paid=name == "total" and "repaired" not in cand.notes and doc.paid_by_tender(cand),
        contested=bool(others.get("contested")), repaired="repaired" in cand.notes,
        regrouped=any(_REGROUPED_IN.search(w.text) for w in cand.words))


# how the one of net and tax that no label gave was made: the total less the other one
_REMAINDERS = ("derived_remainder", "printed_remainder")


def _rate_through_remainder(doc: DocumentAmounts, net: Candidate, tax: Candidate) -> bool:
    """The total and one labelled part agree through a rate: the other part is their difference
    (no label gave it, ``amount_derivation``, ``totals._printed_remainder``), and tax = rate x
    net for a rate the page prints or one charged in a country whose checked tax id or IBAN is
    on the page ("Total 1.190,00" with "darin MwSt. 190,00" and no net printed, a German VAT id
    in the footer). Two readings under their own labels and a rate that belongs to the page say
    the same; any of the thirty rates in use somewhere is not enough, as a small amount fits one
    of thirty by chance. Asked only for a total read under a label of its own (one found by
    adding rows up is what the parts say, not a reading they agree with)."""
    if (net.method in _REMAINDERS) == (tax.method in _REMAINDERS):
        return False
    rates = doc.rates | rates_of(validated_countries(doc.ctx))
    return rate_fits(abs(net.raw), abs(tax.raw), rates, standard=False)


_PROMOTE = {"alone": "one", "one": "two", "two": "two", "conflict": "conflict"}


def with_lines_sum(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The net's evidence once the line items add up to it: one more agreement."""
    cls = next((t.split(":", 1)[1] for t in tags if t.startswith("class:")), None)
    if cls is None:
        return tags + ("lines",)
    return tuple(f"class:{_PROMOTE[cls]}" if t == f"class:{cls}" else t for t in tags) + ("lines",)
