"""Extraction of a stand-alone e-invoice XML: no page, so nothing printed to read.

Every field comes from the XML exactly (``domain.einvoice``). The vendor is resolved
against the master from the seller's own structured data, with the same strengths the
printed-text resolver gives the same evidence: the seller's VAT id (BT-31) equal to a
vendor's tax id, the payee IBAN (BT-84) among a vendor's accounts, the seller's name
(BT-27) equal to a vendor's name or alias once case, punctuation and legal forms are
dropped. Two vendors with the same evidence weaken each other, as on paper.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional, Sequence

from invoicepipe.domain.einvoice import einvoice_extraction, read_einvoice
from invoicepipe.domain.extraction.parsing import normalise_id
from invoicepipe.domain.extraction.vendor import LEGAL_FORM
from invoicepipe.domain.models import ExtractedField, Extraction, Vendor

TAX_ID, IBAN, NAME, BOTH = 0.97, 0.93, 0.9, 0.99
AMBIGUOUS = 0.7


def _name_key(name: Optional[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", LEGAL_FORM.sub(" ", (name or "")).lower())).strip()


def resolve_seller(extraction: Extraction, vendors: Sequence[Vendor]) -> Optional[tuple[Vendor, float, str]]:
    """(vendor, confidence, evidence) of the master vendor the e-invoice's seller is, or None."""
    vat = normalise_id(extraction.value("vendor_vat_id") or "")
    iban = normalise_id(extraction.value("iban") or "")
    name = _name_key(extraction.value("vendor"))
    scored = []
    for v in vendors:
        if not v.active:
            continue
        evidence = []
        if vat and v.tax_id and normalise_id(v.tax_id) == vat:
            evidence.append((TAX_ID, "tax_id"))
        if iban and any(normalise_id(b.iban) == iban for b in v.bank_accounts):
            evidence.append((IBAN, "iban"))
        if name and any(_name_key(n) == name for n in (v.name, *v.aliases)):
            evidence.append((NAME, "name"))
        if evidence:
            conf, how = max(evidence)
            scored.append([v, BOTH if len(evidence) > 1 and any(e[1] == "name" for e in evidence) else conf, how])
    if not scored:
        return None
    scored.sort(key=lambda s: -s[1])
    if len(scored) > 1 and scored[1][1] >= scored[0][1] - 0.02:
        scored[0][1] *= AMBIGUOUS
    v, conf, how = scored[0]
    return v, round(conf, 3), how


def extract_einvoice_only(xml: bytes, vendors: Sequence[Vendor], extractor_version: str) -> Extraction:
    """The XML's fields and lines, the vendor resolved from the seller's data; raises
    UnreadableDocument when the XML is refused or not an e-invoice."""
    read = einvoice_extraction(read_einvoice(xml))
    fields = dict(read.fields)
    found = resolve_seller(read, vendors)
    if found is not None:
        vendor, conf, how = found
        fields["vendor_id"] = ExtractedField("vendor_id", vendor.vendor_id, conf, "vendor_master", evidence=(how,))
    return replace(read, fields=fields, extractor_version=f"{extractor_version}+{read.extractor_version}")
