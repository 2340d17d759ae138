"""Vendor: the printed name, the VAT id, and resolution against the vendor master.

Resolution evidence and its confidence:

    tax/VAT id of a master vendor printed on the document   0.97
    IBAN of a master vendor's bank account printed          0.93
    name or alias fuzzy match (rapidfuzz, score >= 88)       0.9 * score/100, *0.9 outside the page-1 header
    id and name agree                                        0.99
    two different vendors tie                                confidence * 0.7

A name is the weakest evidence and the easiest to imitate: a look-alike ("ACME Supplies
Ltd" billing from another company) prints the name but its own tax id. So a vendor found by
its name alone is not resolved when the seller's tax id printed on the document (labelled,
outside the buyer's block, with valid check digits) is another one.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from rapidfuzz import fuzz
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.gb import vat as stdnum_gb_vat
from stdnum.in_ import gstin as stdnum_gstin

from invoicepipe.domain.extraction.candidates import identifier_in
from invoicepipe.domain.extraction.layout import Line, first_page_top
from invoicepipe.domain.extraction.parsing import find_iban, find_vat_ids, normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.models import Vendor

EU_PREFIXES = frozenset(("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
                         "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"))
LEGAL_FORM = re.compile(
    r"(?i)(?<!\w)(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|KG|OHG|e\.\s?K\.|UG|Ltd\.?|Limited|Inc\.?|LLC|LLP|PLC|Corp\.?|"
    r"B\.V\.|N\.V\.|S\.A\.S?\.?|SAS|SARL|S\.à\s?r\.l\.|SA|SE|S\.p\.A\.|S\.r\.l\.|Pvt\.?\s*Ltd\.?|Oy|AB|A/S)(?!\w)"
)


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", s.lower())).strip()


def resolve_vendor(ctx: Context, vendors: Sequence[Vendor]) -> Optional[tuple[Vendor, float, str, Optional[Line]]]:
    """Best master vendor for the document: (vendor, confidence, evidence, line) or None."""
    if not vendors:
        return None
    lines = ctx.layout.lines
    compact = {id(ln): normalise_id(ln.text) for ln in lines}
    seller_ids = {normalise_id(c.value) for c in vat_id_candidates(ctx) if c.score >= SELLER_ID_SCORE and tax_id_valid(c.value)}
    header = {id(ln) for ln in (first_page_top(ctx.layout) or [])}
    scores: dict[str, list] = {}
    for v in vendors:
        if not v.active:
            continue
        evidence: list[tuple[float, str, Optional[Line]]] = []
        if v.tax_id and len(normalise_id(v.tax_id)) >= 6:
            tid = normalise_id(v.tax_id)
            hit = next((ln for ln in lines if tid in compact[id(ln)]), None)
            if hit is not None:
                evidence.append((0.97, "tax_id", hit))
        ibans = {normalise_id(b.iban) for b in v.bank_accounts}
        for ln in lines:
            found = find_iban(ln.text)
            if found and found[0] in ibans:
                evidence.append((0.93, "iban", ln))
                break
        name_hit = _name_match(v, lines, header)
        if name_hit and not (not evidence and _other_seller_tax_id(v, seller_ids)):
            evidence.append(name_hit)
        if evidence:
            best = max(evidence, key=lambda e: e[0])
            conf = 0.99 if len({e[1] for e in evidence}) > 1 and any(e[1] == "name" for e in evidence) else best[0]
            scores[v.vendor_id] = [v, conf, best[1], best[2]]
    if not scores:
        return None
    ranked = sorted(scores.values(), key=lambda s: -s[1])
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.02:
        ranked[0][1] *= 0.7
    v, conf, how, line = ranked[0]
    return v, round(conf, 3), how, line


# vat_id_candidates scores a labelled id outside the buyer's block 0.8, anything else lower.
SELLER_ID_SCORE = 0.8


def tax_id_valid(value: str) -> bool:
    """Check digits of an EU VAT id, a UK VAT number or an Indian GSTIN (python-stdnum);
    other ids are taken as printed."""
    compact = normalise_id(value)
    if compact[:2] in ("GB", "XI"):
        return stdnum_gb_vat.is_valid(compact)
    if re.fullmatch(r"\d{2}[A-Z]{5}\d{4}[A-Z]\w{3}", compact):
        return stdnum_gstin.is_valid(compact)
    if re.fullmatch(r"[A-Z]{2}\w{2,13}", compact):
        return stdnum_eu_vat.is_valid(compact) or compact[:2] not in EU_PREFIXES
    return True


def _other_seller_tax_id(v: Vendor, seller_ids: set) -> bool:
    """The document names a seller tax id and it is not this vendor's."""
    own = normalise_id(v.tax_id or "")
    return bool(own and seller_ids and own not in seller_ids)


def _name_match(v: Vendor, lines: Sequence[Line], header: set) -> Optional[tuple[float, str, Line]]:
    best: Optional[tuple[float, str, Line]] = None
    for name in (v.name, *v.aliases):
        target = _norm(name)
        if not target:
            continue
        for ln in lines:
            text = _norm(ln.text)
            if len(target) < 5:  # short aliases ("AWS") must appear as a whole word
                score = 100.0 if re.search(rf"(?<!\w){re.escape(target)}(?!\w)", text) else 0.0
            else:
                score = fuzz.partial_ratio(target, text) if len(text) >= len(target) else fuzz.ratio(target, text)
            if score < 88:
                continue
            conf = 0.9 * score / 100 * (1.0 if id(ln) in header else 0.9)
            if best is None or conf > best[0]:
                best = (conf, "name", ln)
    return best


def printed_vendor_name(ctx: Context) -> Optional[Candidate]:
    """The seller's printed name: a line with a company legal form, outside buyer blocks.

    The seller's name is usually repeated (letterhead and footer) while the buyer's appears
    once under a "Bill to"/"Käufer" label, so lines under buyer labels are skipped and the
    most repeated remaining name wins, ties broken by reading order. Low confidence by design.
    """
    counts: dict[str, list] = {}
    buyer_until: dict[int, int] = {}
    for ln in ctx.layout.lines:
        if any(h.field == "buyer" for h in ctx.hits[id(ln)]):
            buyer_until[ln.page] = ln.index + 4
        if ln.index <= buyer_until.get(ln.page, -1):
            continue
        m = LEGAL_FORM.search(ln.text)
        if not m or len(ln.text) > 80:
            continue
        name = ln.text[: m.end()].split(" - ")[-1].split(",")[-1].strip(" :")
        name = re.sub(r"(?i)^(?:name|firma|company|seller|verkäufer|lieferant)\s*:\s*", "", name)
        if len(name) < 3:
            continue
        counts.setdefault(_norm(name), []).append((name, ln, m))
    if not counts:
        return None
    key = max(counts, key=lambda k: (len(counts[k]), -counts[k][0][1].page, -counts[k][0][1].index))
    name, ln, _ = counts[key][0]
    start = ln.text.find(name)
    return Candidate("vendor", name, 0.45 + 0.1 * min(2, len(counts[key]) - 1), "legal_form_line", ln.words_in(start, start + len(name)))


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
        found = find_vat_ids(ln.text)
        for vat, s, e in found:
            score = (0.8 if labelled else 0.55) * in_buyer
            out.append(Candidate("vendor_vat_id", vat, score, "label_right" if labelled else "pattern", ln.words_in(s, e), vat))
        if labelled and not found:
            out += _national_tax_ids(ln, [h for h in hits if h.field == "vendor_vat_id"], in_buyer)
    return out


def _national_tax_ids(line: Line, labels: list, in_buyer: float) -> list[Candidate]:
    """Tax ids printed without a country prefix next to their label: a US EIN "13-4581352",
    a Spanish NIF "B12345678", an Italian partita IVA, a Polish NIP "123-456-78-90". Mostly
    digits, at least eight characters; weaker than an id of a known country pattern even
    where that one is unlabelled (a GSTIN misread by OCR next to its label must not beat the
    well-read one in the footer)."""
    out = []
    for hit in labels:
        found = identifier_in(line.text[hit.end:hit.end + 30], hit.end)
        if found and len(re.sub(r"\W", "", found[0])) >= 8 and len(re.sub(r"\D", "", found[0])) >= 6:
            out.append(Candidate("vendor_vat_id", found[0], 0.5 * in_buyer, "label_right", line.words_in(found[1], found[2]), found[0]))
    return out
