"""Vendor: the printed name, the VAT id, and resolution against the vendor master.

Resolution evidence and its confidence:

    tax/VAT id of a master vendor printed on the document   0.97
    IBAN of a master vendor's bank account printed          0.93
    name or alias fuzzy match (rapidfuzz, score >= 88)       0.9 * score/100, *0.9 outside the page-1 header
    id and name agree, or tax id and IBAN                    0.99
    two different vendors tie                                confidence * 0.7

A name is the weakest evidence and the easiest to imitate: a look-alike ("ACME Supplies
Ltd" billing from another company) prints the name but its own tax id. So a vendor found by
its name alone is not resolved when the seller's tax id printed on the document (labelled,
outside the buyer's block, with valid check digits) is another one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Optional, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from stdnum.au import abn as stdnum_au_abn
from stdnum.ca import bn as stdnum_ca_bn
from stdnum.es import nif as stdnum_es_nif
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.gb import vat as stdnum_gb_vat
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.it import iva as stdnum_it_iva
from stdnum.no import mva as stdnum_no_mva
from stdnum.pl import nip as stdnum_pl_nip
from stdnum.us import ein as stdnum_us_ein

from invoicepipe.domain.extraction.candidates import identifier_in
from invoicepipe.domain.extraction.iban_wrap import wrapped_iban
from invoicepipe.domain.extraction.layout import Line, first_page_top
from invoicepipe.domain.extraction.name_reach import NameLetters
from invoicepipe.domain.extraction.parsing import find_iban, find_vat_ids, normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.models import Vendor

EU_PREFIXES = frozenset(("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
                         "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"))
LEGAL_FORM = re.compile(
    r"(?i)(?<!\w)(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|KG|OHG|e\.\s?K\.|UG|Ltd\.?|Limited|Inc\.?|LLC|LLP|PLC|Corp\.?|"
    r"B\.V\.|N\.V\.|S\.A\.S?\.?|SAS|SARL|S\.à\s?r\.l\.|SA|SE|S\.p\.A\.|S\.r\.l\.|Pvt\.?\s*Ltd\.?|Oy|AB|A/S)(?!\w)"
)


_NOT_NAME = re.compile(r"[^\w&]+")
_SPACES = re.compile(r"\s+")
# a name or alias this short ("AWS") must appear as a whole word; longer ones are fuzzy-matched
_SHORT_NAME = 5
_NAME_SCORE = 88


def _norm(s: str) -> str:
    return _SPACES.sub(" ", _NOT_NAME.sub(" ", s.lower())).strip()


@dataclass(frozen=True)
class VendorIndex:
    """The active master vendors in their compare forms, built once per master-data
    version (``vendor_index``) so a document is looked up against it instead of every
    vendor being normalised and scored on its own."""
    vendors: tuple[Vendor, ...]  # active, in master order
    tax_ids: tuple[Optional[str], ...]  # normalised, None when shorter than six characters
    ibans: tuple[frozenset, ...]
    names: tuple[tuple[int, str], ...]  # (vendor position, normalised name or alias), in vendor and name order
    long_names: tuple[str, ...]  # the names fuzzy-matched, in ``names`` order
    short_names: dict  # names position -> whole-word pattern
    long_letters: NameLetters = field(compare=False)  # of ``long_names``: which lines each can match at all


@lru_cache(maxsize=4)
def vendor_index(vendors: tuple[Vendor, ...]) -> VendorIndex:
    """The index of ``vendors`` (cached on their content: a reloaded master with the same
    vendors is the same index)."""
    active = tuple(v for v in vendors if v.active)
    names, short = [], {}
    for pos, v in enumerate(active):
        for name in (v.name, *v.aliases):
            target = _norm(name)
            if target:
                if len(target) < _SHORT_NAME:
                    short[len(names)] = re.compile(rf"(?<!\w){re.escape(target)}(?!\w)")
                names.append((pos, target))
    long_names = tuple(t for i, (_, t) in enumerate(names) if i not in short)
    return VendorIndex(
        active,
        tuple(tid if v.tax_id and len(tid := normalise_id(v.tax_id)) >= 6 else None for v in active),
        tuple(frozenset(normalise_id(b.iban) for b in v.bank_accounts) for v in active),
        tuple(names), long_names, short, NameLetters(long_names))


# The last master and its index: a caller that keeps its master (the repository's copy per
# version) gets the index back without every vendor being hashed for the cache key.
_last: tuple = ((), None)


def _index_of(vendors: tuple[Vendor, ...]) -> VendorIndex:
    global _last
    held, index = _last
    if held is vendors:
        return index
    try:
        index = vendor_index(vendors)
    except TypeError:  # a vendor built with a list of aliases cannot be a cache key
        return vendor_index.__wrapped__(vendors)
    _last = (vendors, index)
    return index


# a country code, check digits and a first group: a line that may open an IBAN (the cheap test
# before ``wrapped_iban`` looks at the line under it)
_IBAN_OPENING = re.compile(r"[A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4}")


def resolve_vendor(ctx: Context, vendors: Sequence[Vendor]) -> Optional[tuple[Vendor, float, str, Optional[Line]]]:
    """Best master vendor for the document: (vendor, confidence, evidence, line) or None."""
    if not vendors:
        return None
    index = vendors if isinstance(vendors, VendorIndex) else _index_of(tuple(vendors))
    lines = ctx.layout.lines
    seller_ids = {normalise_id(c.value) for c in vat_id_candidates(ctx) if c.score >= SELLER_ID_SCORE and tax_id_valid(c.value)}
    header = {id(ln) for ln in (first_page_top(ctx.layout) or [])}
    tax_id_line = _TaxIdLines(lines)
    # compared with accounts on file only: the master vouches for an account whose country's
    # inner check digits fail (mod 97 still guards the read), as the IBAN field does
    iban_lines = [(found[0], ln) for ln in lines for found in [find_iban(ln.text, national_check=False)] if found]
    # and an IBAN a narrow footer column wrapped over two lines ("PL18 2402 0765 1429 4176" /
    # "6021 7597"), joined only where it passes its checks (``iban_wrap``)
    read = {id(ln) for _, ln in iban_lines}
    iban_lines += [(wrapped[0], ln) for ln in lines if id(ln) not in read and _IBAN_OPENING.search(ln.text)
                   for wrapped in [wrapped_iban(ctx, ln)] if wrapped]
    names = _name_matches(index, lines, header)
    scores: dict[str, list] = {}
    for pos, v in enumerate(index.vendors):
        evidence: list[tuple[float, str, Optional[Line]]] = []
        tid = index.tax_ids[pos]
        hit = tax_id_line.first(tid) if tid else None
        if hit is None and tid:
            hit = tax_id_line.national(tid)
        if hit is not None:
            evidence.append((0.97, "tax_id", hit))
        ibans = index.ibans[pos]
        hit = next((ln for iban, ln in iban_lines if iban in ibans), None)
        if hit is not None:
            evidence.append((0.93, "iban", hit))
        name_hit = names.get(pos)
        if name_hit and not (not evidence and _other_seller_tax_id(v, seller_ids)):
            evidence.append(name_hit)
        if evidence:
            best = max(evidence, key=lambda e: e[0])
            # two kinds of evidence of one vendor agree: its id with its name, or its tax id
            # with a bank account on file (a letterhead that drops the legal form, "HURTOWNIA
            # BUDOWLANA WARTA" for "... Sp. z o.o.", matches no name, and its two ids say more)
            conf = 0.99 if len({e[1] for e in evidence}) > 1 else best[0]
            scores[v.vendor_id] = [v, conf, best[1], best[2]]
    if not scores:
        return None
    ranked = sorted(scores.values(), key=lambda s: -s[1])
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.02:
        ranked[0][1] *= 0.7
    v, conf, how, line = ranked[0]
    return v, round(conf, 3), how, line


class _TaxIdLines:
    """The first line whose compact text (``normalise_id``) contains a tax id: one search
    of the whole page's compact text per id instead of one per line."""

    def __init__(self, lines: Sequence[Line]):
        self.lines = lines
        compact = [normalise_id(ln.text) for ln in lines]
        # a newline cannot occur in a compact id, so no id is found across two lines
        self.text = "\n".join(compact)
        self.starts = list(accumulate((len(c) + 1 for c in compact[:-1]), initial=0))

    def first(self, tax_id: str) -> Optional[Line]:
        at = self.text.find(tax_id)
        if at >= 0:
            return self.lines[bisect_right(self.starts, at) - 1]
        return self._wrapped(tax_id)

    def national(self, tax_id: str) -> Optional[Line]:
        """The first line printing an EU VAT id's national number without its country prefix, as
        a whole number: the Polish NIP "2543167550" of "PL2543167550", the Italian partita IVA
        "07799548823" (KSeF and FatturaPA prints, and most domestic invoices, print them so).
        Only numbers of eight or more digits: a shorter one is found in too many other numbers."""
        if tax_id[:2] not in EU_PREFIXES or not tax_id[2:].isdigit() or len(tax_id) < 10:
            return None
        body = tax_id[2:]
        at = self.text.find(body)
        while at >= 0:
            end = at + len(body)
            if (at == 0 or not self.text[at - 1].isdigit()) and (end >= len(self.text) or not self.text[end].isdigit()):
                return self.lines[bisect_right(self.starts, at) - 1]
            at = self.text.find(body, at + 1)
        return None

    def _wrapped(self, tax_id: str) -> Optional[Line]:
        """The line whose last word begins ``tax_id`` and ends in a hyphen, when the next
        line's first word ends it: an id wrapped in a narrow column ("Federal Tax ID: 16-"
        over "8749370")."""
        for line, nxt in zip(self.lines, self.lines[1:]):
            if not line.words or not nxt.words or nxt.page != line.page or not line.words[-1].text.endswith("-"):
                continue
            head, tail = normalise_id(line.words[-1].text), normalise_id(nxt.words[0].text)
            if head and tail and head + tail == tax_id:
                return line
        return None
# vat_id_candidates scores a labelled id outside the buyer's block 0.8, anything else lower.
SELLER_ID_SCORE = 0.8
REPAIRED_TAX_ID = "checksum_repaired"


_GSTIN_SHAPE = re.compile(r"\d{2}[A-Z]{5}\d{4}[A-Z]\w{3}")
_VAT_SHAPE = re.compile(r"[A-Z]{2}\w{2,13}")
_NOT_WORD = re.compile(r"\W")
_NOT_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=1024)
def tax_id_valid(value: str) -> bool:
    """Check digits of an EU VAT id, a UK VAT number or an Indian GSTIN (python-stdnum);
    other ids are taken as printed."""
    compact = normalise_id(value)
    if compact[:2] in ("GB", "XI"):
        return stdnum_gb_vat.is_valid(compact)
    if _GSTIN_SHAPE.fullmatch(compact):
        return stdnum_gstin.is_valid(compact)
    if _VAT_SHAPE.fullmatch(compact):
        return stdnum_eu_vat.is_valid(compact) or compact[:2] not in EU_PREFIXES
    return True


def _other_seller_tax_id(v: Vendor, seller_ids: set) -> bool:
    """The document names a seller tax id and it is not this vendor's."""
    own = normalise_id(v.tax_id or "")
    return bool(own and seller_ids and own not in seller_ids)


def _name_matches(index: VendorIndex, lines: Sequence[Line], header: set) -> dict[int, tuple[float, str, Line]]:
    """Per vendor position, its best name or alias hit: (confidence, "name", line).

    Long names are scored against lines (rapidfuzz): the partial ratio where the line is at
    least as long as the name, else the plain ratio, at least 88; only the pairs whose
    letters allow that score are scored (``name_reach``), the others score 0 as below the
    cut-off. A hit in the page-1 header counts fully,
    elsewhere 0.9 of it; the first of equal hits (name order, then line order) wins."""
    texts = [_norm(ln.text) for ln in lines]
    if not texts:
        return {}
    # a name wrapped in a narrow cell ("Denominazione  Officine" / "Meccaniche" / "Adriatiche
    # S.r.l."): the line with the lines that continue its last column, as one more text
    wrapped = _wrapped_texts(lines)
    if wrapped:
        lines = [*lines, *(lines[k] for k, _ in wrapped)]
        texts = [*texts, *(t for _, t in wrapped)]
    rows = iter(())
    if index.long_names:
        rows = iter(_long_name_scores(index, texts))
    joined = "\n".join(texts)  # short names match whole words, never across a line end
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    best: dict[int, tuple[float, str, Line]] = {}
    for i, (pos, _) in enumerate(index.names):
        rx = index.short_names.get(i)
        if rx is not None:
            hits = sorted({bisect_right(starts, m.start()) - 1 for m in rx.finditer(joined)})
            scored = [(k, 100.0) for k in hits]
        else:
            row = next(rows)
            scored = [(k, float(row[k])) for k in np.flatnonzero(row >= _NAME_SCORE)]
        for k, score in scored:
            ln = lines[k]
            conf = 0.9 * score / 100 * (1.0 if id(ln) in header else 0.9)
            if pos not in best or conf > best[pos][0]:
                best[pos] = (conf, "name", ln)
    return best


_HAS_DIGIT = re.compile(r"\d")


def _cells(line: Line) -> list[tuple[float, str]]:
    """(x0, text) of each word group of ``line``: words set more than 1.5 line heights apart
    stand in different cells (columns, boxes side by side)."""
    out, group = [], [line.words[0]] if line.words else []
    for a, b in zip(line.words, line.words[1:]):
        if b.box.x0 - a.box.x1 > 1.5 * line.height:
            out.append((group[0].box.x0, " ".join(w.text for w in group)))
            group = []
        group.append(b)
    if group:
        out.append((group[0].box.x0, " ".join(w.text for w in group)))
    return out


def _wrapped_texts(lines: Sequence[Line]) -> list[tuple[int, str]]:
    """(index, text) of a cell's text wrapped over lines: each word group of a line with the
    groups that start where it starts on the one or two lines right under it (boxes side by
    side share printed lines, so the continuation is found by its column, not its line).
    Only groups that continue are returned."""
    # a name's words have no digits (an item table's columns, full of them, line up row after
    # row too), and a seller's name stands on the first page
    first = lines[0].page if lines else None
    cells = [[c for c in _cells(ln) if not _HAS_DIGIT.search(c[1])] if ln.page == first else [] for ln in lines]
    out = []
    for k, line in enumerate(lines):
        for x0, text in cells[k]:
            parts, prev = [text], line
            for j in range(k + 1, min(k + 3, len(lines))):
                nxt = lines[j]
                tol = 0.5 * line.height
                cont = next((t for x, t in cells[j] if abs(x - x0) <= tol), None)
                if nxt.page != line.page or cont is None or nxt.box.top - prev.box.bottom > 1.5 * prev.height:
                    break
                parts.append(cont)
                prev = nxt
            if len(parts) > 1:
                out.append((k, _norm(" ".join(parts))))
    return out


def _long_name_scores(index: VendorIndex, texts: list[str]) -> np.ndarray:
    """long names x texts: the score of each pair, 0 below ``_NAME_SCORE`` (as ``cdist``
    with its cut-off gives); only the pairs within reach are scored, pair by pair."""
    reach = index.long_letters.within_reach(texts, _NAME_SCORE)
    scores = np.zeros(reach.shape, dtype=np.float64)
    rows, cols = np.nonzero(reach)
    if len(rows):
        shorter = np.array([len(t) for t in texts])[cols] < index.long_letters.lengths[rows]
        for scorer, pick in ((fuzz.partial_ratio, ~shorter), (fuzz.ratio, shorter)):
            if pick.any():
                r, c = rows[pick], cols[pick]
                scores[r, c] = process.cpdist([index.long_names[i] for i in r], [texts[k] for k in c], scorer=scorer,
                                              score_cutoff=_NAME_SCORE, dtype=np.float64)
    return scores


def vat_id_candidates(ctx: Context) -> list[Candidate]:
    """VAT ids on the document; labelled ones and those outside buyer blocks score higher."""
    out = []
    buyer_until: dict[int, int] = {}
    for ln in ctx.layout.lines:
        hits = ctx.hits[id(ln)]
        if any(h.field == "buyer" for h in hits):
            buyer_until[ln.page] = ln.index + 6
        labelled = any(h.field == "vendor_vat_id" for h in hits)
        in_buyer = 0.6 if ln.index <= buyer_until.get(ln.page, -1) else 1.0
        found = [f for f in find_vat_ids(ln.text) if not _buyers_id(hits, f[1])]
        for vat, s, e in found:
            score = (0.8 if labelled else 0.55) * in_buyer
            cand = Candidate("vendor_vat_id", vat, score, "label_right" if labelled else "pattern", ln.words_in(s, e), vat)
            if vat != normalise_id(ln.text[s:e]):
                cand.notes.append(REPAIRED_TAX_ID)  # lookalikes read back by the format, the check digits agreeing
            out.append(cand)
        if labelled and not found:
            out += _national_tax_ids(ctx, ln, [h for h in hits if h.field == "vendor_vat_id"], in_buyer)
    return out


def _buyers_id(hits: list, start: int) -> bool:
    """True when the id starting at ``start`` is the value of a label naming the customer's tax
    id ("Buyer TIN:", "Ihre UID:", "TVA client"): the nearest label before it on its line."""
    before = [h for h in hits if h.end <= start]
    return bool(before) and max(before, key=lambda h: h.end).field == "buyer_vat_id"


def _national_tax_ids(ctx: Context, line: Line, labels: list, in_buyer: float) -> list[Candidate]:
    """Tax ids printed without a country prefix next to their label: a US EIN "13-4581352",
    a Spanish NIF "B12345678", an Italian partita IVA, a Polish NIP "123-456-78-90". Mostly
    digits, at least eight characters; weaker than an id of a known country pattern even
    where that one is unlabelled (a GSTIN misread by OCR next to its label must not beat the
    well-read one in the footer)."""
    out = []
    for hit in labels:
        checked = _checked_business_number(line.text, hit.end)
        if checked is not None:
            value, s, e = checked
            out.append(Candidate("vendor_vat_id", value, 0.8 * in_buyer, "label_right", line.words_in(s, e), value))
            continue
        found = identifier_in(line.text[hit.end:hit.end + 30], hit.end)
        if found and len(_NOT_WORD.sub("", found[0])) >= 8 and len(_NOT_DIGIT.sub("", found[0])) >= 6:
            out.append(Candidate("vendor_vat_id", found[0], 0.5 * in_buyer, "label_right", line.words_in(found[1], found[2]), found[0]))
        elif found:
            out += _wrapped_tax_id(ctx, line, found, in_buyer)
    return out


# Business numbers that stand for the VAT id outside the EU's patterns, each in the spaced
# form it is printed in and checked by its own check digits (python-stdnum): the Australian
# ABN "80 370 597 637", the Canadian GST/HST account "338000797 RT0001", the Norwegian VAT
# registration "921 504 470 MVA" (the organisation number with "MVA", its "NO" often left
# out). The value is the compact form the master keeps; its check digits make it as sure as
# an EU VAT id with its label.
_BUSINESS_NUMBERS = (
    (re.compile(r"(?<![\dA-Z])\d{9} ?RT ?\d{4}(?!\d)"), stdnum_ca_bn, ""),
    (re.compile(r"(?<![\dA-Z])(?:NO ?)?\d{3} ?\d{3} ?\d{3} ?MVA(?![A-Z])"), stdnum_no_mva, "NO"),
    (re.compile(r"(?<![\d])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d])"), stdnum_au_abn, ""),
)


def _checked_business_number(text: str, start: int) -> Optional[tuple[str, int, int]]:
    """(compact value, start, end) of a business number of ``_BUSINESS_NUMBERS`` within a few
    characters after a tax id's label, its check digits holding, else None. The value takes
    its country prefix where the form has one and the print left it out."""
    window = text[start:start + 30].upper()
    for rx, module, prefix in _BUSINESS_NUMBERS:
        m = rx.search(window)
        if m and m.start() <= 6:
            value = prefix + module.compact(m.group(0)).removeprefix(prefix)
            if module.is_valid(value):
                return value, start + m.start(), start + m.end()
    return None


# national tax ids whose format (and, where they have one, check digit) a wrapped id must pass
_NATIONAL_IDS = (stdnum_us_ein, stdnum_pl_nip, stdnum_it_iva, stdnum_es_nif)
_HYPHEN_END = re.compile(r"[-\u2010\u2011\u2013]\s*$")


def _wrapped_tax_id(ctx: Context, line: Line, found: tuple[str, int, int], in_buyer: float) -> list[Candidate]:
    """A labelled id that ends its line in a hyphen ("Federal Tax ID: 16-" over "8749370"): a
    narrow block wrapped it at the hyphen. The next line's first word in the block completes
    it, taken only when the joined text passes a national id's format or check digits (a
    hyphen before a line break is otherwise a dash, a range or a word split)."""
    if not _HYPHEN_END.search(line.text[found[1]:]):
        return []
    head_words = line.words_in(found[1], len(line.text))
    below = ctx.layout.below(line, line.box.x0, head_words[-1].box.x1, max_lines=1)
    if not below or below[0][0].box.top - line.box.bottom > line.height:
        return []
    nxt, start, _ = below[0]
    tail = nxt.words_in(start, start + 1)[0]
    joined = line.text[found[1]:].strip() + tail.text.rstrip(".,;")
    if not any(module.is_valid(joined) for module in _NATIONAL_IDS):
        return []
    value = _HYPHEN_END.sub("-", line.text[found[1]:].strip()) + tail.text.rstrip(".,;")
    return [Candidate("vendor_vat_id", value, 0.5 * in_buyer, "label_right", (*head_words, tail), value)]
