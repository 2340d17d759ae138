"""The seller's printed name when no master vendor is found: a line with a company legal form.

A legal form ("GmbH", "Ltd.", "B.V.", "S.A.") says a company is named on the line, not
which part of the line the name is. Printed lines put more in front of it:

- a label: "Sold By : WS Retail Services Pvt. Ltd.", "Sprzedawca: Polski Koncern Naftowy
  ORLEN S.A.", "All AWS Services are sold by Amazon Web Services, Inc.". The seller's role
  words are the ones a seller block is headed by (``seller_block.SELLER_ROLES``, in every
  language the block reader knows), the name-row labels the same ("Firma:", "Nom :"), and
  any other label ends with a colon; the name starts after the last of them;
- a document title: "FACTUUR. Coolblue B.V." (the vocabulary's bare title words);
- an address or a sentence, split off at " - " and at commas, except that a comma before
  a legal form belongs to the name ("Amazon Web Services, Inc.") when the part before it
  holds no digit ("Mo-Fr 8.00-20.00 Uhr, Sa" is no company).

A name that is only a legal form ("Inc.") takes the line right above it in the same column
when that holds no digit (a name wrapped before its legal form), else it is no name. The
seller's name is usually repeated (letterhead and footer) while the buyer's appears once
under a "Bill to"/"Käufer" label, so lines under buyer labels are skipped and the most
repeated remaining name wins; a name that reads like an address (a postal code, a house
number before a comma) only when no other is printed; ties go to reading order. Low
confidence by design: nothing checks the name against anything.

Without a legal form anywhere (a sole trader, a brand: "Free Service Abonné", "Sammy
Maystone") the letterhead is the last guess (``letterhead_name``): the first line of page
1's top, above any buyer label or field label, that holds only words (no digit, no e-mail
or web address), once a document title on it ("INVOICE") is taken off. Scored 0.3: a
recipient window printed above the letterhead without a "Bill to" label is read the same
way, so this guess only fills the vendor field for a person to confirm and never keys a
vendor's layout memory (``extract``).
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, first_page_top
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.extraction.seller_block import NAME_LABELS, SELLER_ROLES
from invoicepipe.domain.extraction.vendor import LEGAL_FORM, _norm

# "Verkäufer:", "Supplier name:", "Sold by", "Firma:" anywhere on the (accent-folded) line:
# a role word alone may be part of a name ("Lieferant GmbH"), so it needs its colon
_SELLER_LABEL = re.compile(rf"(?i)(?<!\w)(?:{SELLER_ROLES}(?:\s*name)?\s*:|(?:sold|supplied|issued|billed)\s+by\b\s*:?|"
                           rf"{NAME_LABELS}\s*:)\s*")
# label hits of a bare document title ("INVOICE", "FACTUUR") are this weak (``vocabulary``)
_TITLE_STRENGTH = 0.35
_ADDRESS = re.compile(r"(?<!\w)(?:\d{4,5}|\d{1,4}[a-zA-Z]?\s*,)(?!\w)")
_DIGIT = re.compile(r"\d")
_LEAD = " :.;,·|*-–"
MAX_LINE = 80


def printed_vendor_name(ctx: Context) -> Optional[Candidate]:
    """The seller's printed name off a legal-form line outside buyer blocks, or None."""
    counts: dict[str, list] = {}
    buyer_until: dict[int, int] = {}
    for ln in ctx.layout.lines:
        if any(h.field == "buyer" for h in ctx.hits[id(ln)]):
            buyer_until[ln.page] = ln.index + 4
        if ln.index <= buyer_until.get(ln.page, -1):
            continue
        m = LEGAL_FORM.search(ln.text)
        if not m or len(ln.text) > MAX_LINE:
            continue
        found = name_on_line(ctx, ln, m)
        if found is None:
            continue
        name, words = found
        counts.setdefault(_norm(name), []).append((name, ln, words))
    if not counts:
        return None
    key = max(counts, key=lambda k: (not _ADDRESS.search(counts[k][0][0]), len(counts[k]),
                                     -counts[k][0][1].page, -counts[k][0][1].index))
    name, _, words = counts[key][0]
    return Candidate("vendor", name, 0.45 + 0.1 * min(2, len(counts[key]) - 1), "legal_form_line", words)


def name_on_line(ctx: Context, line: Line, form: re.Match) -> Optional[tuple[str, tuple]]:
    """(name, its words) of the company whose legal form ``form`` is on ``line``, or None."""
    text = line.text
    start = 0
    for label in _SELLER_LABEL.finditer(fold_accents(text[:form.start()])):
        start = label.end()
    for hit in ctx.hits[id(line)]:
        title = (hit.field == "invoice_number" and hit.strength <= _TITLE_STRENGTH) or hit.field == "credit_note"
        if title and start <= hit.end <= form.start():
            start = hit.end
    colon = text.rfind(":", start, form.start())
    start = colon + 1 if colon >= 0 else start
    dash = text.rfind(" - ", start, form.start())
    start = dash + 3 if dash >= 0 else start
    pieces = text[start:form.end()].split(",")
    name = pieces.pop()
    # the part before the comma is the name when it reads like one: "Uhr, Sa" is opening hours
    while pieces and _legal_only(name) and not _DIGIT.search(pieces[-1]):
        name = pieces.pop() + "," + name
    name = name.lstrip(_LEAD).rstrip(" :,;")
    start = text.find(name, start)
    words = line.words_in(start, start + len(name))
    if _legal_only(name):
        above = _line_above(ctx, line)
        if above is None:
            return None
        return f"{above.text.strip()} {name}", tuple(above.words) + tuple(words)
    if len(name) < 3:
        return None
    return name, words


def _legal_only(name: str) -> bool:
    return LEGAL_FORM.fullmatch(name.strip(" ,;:")) is not None


def _line_above(ctx: Context, line: Line) -> Optional[Line]:
    """The line right above ``line`` in its column, when it holds letters and no digit."""
    if line.index == 0:
        return None
    above = ctx.layout.by_page[line.page][line.index - 1]
    tol = 1.5 * ctx.layout.char_width
    if abs(above.box.x0 - line.box.x0) > tol or line.box.top - above.box.bottom > 1.5 * line.height:
        return None
    if _DIGIT.search(above.text) or not re.search(r"[^\W\d_]{2}", above.text) or len(above.text) > MAX_LINE:
        return None
    return above


LETTERHEAD_SCORE = 0.3
_LETTERHEAD_LINES = 6
_LETTERHEAD_WORDS = 6
_WEB = re.compile(r"(?i)@|www\.|https?:|\.(?:com|net|org)\b")


def letterhead_name(ctx: Context) -> Optional[Candidate]:
    """The first plain name line of page 1's top, before any labelled line, or None."""
    for line in (first_page_top(ctx.layout) or [])[:_LETTERHEAD_LINES]:
        hits = ctx.hits[id(line)]
        titles = [h for h in hits if h.field == "invoice_number" and h.strength <= _TITLE_STRENGTH]
        if len(titles) != len(hits):
            return None  # a labelled line: the header's fields (or the buyer's block) begin
        text = line.text
        for h in sorted(titles, key=lambda h: -h.start):
            text = text[:h.start] + " " * (h.end - h.start) + text[h.end:]
        name = " ".join(text.split()).strip(_LEAD)
        if not name or _DIGIT.search(name) or _WEB.search(name) or len(name.split()) > _LETTERHEAD_WORDS:
            continue
        if not re.search(r"[^\W\d_]{2}", name):
            continue
        start = text.find(name.split()[0])
        return Candidate("vendor", name, LETTERHEAD_SCORE, "letterhead", line.words_in(start, start + len(name)))
    return None
