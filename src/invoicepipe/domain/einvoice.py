"""Structured e-invoices: UN/CEFACT CII (ZUGFeRD 1, ZUGFeRD 2 / Factur-X / XRechnung) and UBL
2.1 (XRechnung UBL, Peppol BIS Billing 3.0), stand-alone or embedded in a PDF.

Parsing uses defusedxml (over expat) with DTDs, entity declarations and external references
all *forbidden*: an e-invoice is defined by an XML Schema and never needs any of them, and a
refusal can name what was refused. (lxml with ``resolve_entities=False`` would instead keep
unexpanded entity references silently, so a value could be read wrong without a word.)
Elements are read by local name, so every namespace version of one standard is handled
alike. Values are taken exactly as written, with confidence 1.0 and method "einvoice_xml";
the EN 16931 arithmetic (``einvoice_rules``) is checked and every broken rule becomes an
``einvoice_rule`` warning, which the decision turns into a reason to hold the invoice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, NotSupportedError
from defusedxml import ElementTree as SafeET

from ..errors import PermanentError, UnreadableDocument
from .einvoice_cii import CREDIT_NOTE_CODES, read_cii
from .einvoice_model import EInvoice
from .einvoice_rules import check_rules
from .einvoice_ubl import read_ubl
from .einvoice_values import amount_text, local
from .models import ExtractedField, Extraction, LineItem

EINVOICE_VERSION = "einvoice-2.0"
EXACT = "einvoice_xml"
__all__ = ["CREDIT_NOTE_CODES", "EINVOICE_VERSION", "einvoice_extraction", "load_xml", "parse_einvoice", "read_einvoice"]

_REFUSED = {
    DTDForbidden: "it declares a document type (DTD), which an e-invoice never needs and which can hide entity "
                  "expansion or external references",
    EntitiesForbidden: "it declares entities (entity expansion or an external entity, XXE)",
    ExternalReferenceForbidden: "it refers to an external resource",
    NotSupportedError: "it uses an XML feature that is refused for safety",
}


def load_xml(xml: bytes) -> Element:
    """The parsed root, or UnreadableDocument saying why the XML is refused or broken.

    The reason never quotes the document: only what kind of construct was refused, or
    where (line, column) the XML stops being well-formed."""
    try:
        return SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, NotSupportedError) as exc:
        why = next(v for k, v in _REFUSED.items() if isinstance(exc, k))
        raise UnreadableDocument(f"XML refused for safety: {why}") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise UnreadableDocument(f"XML is not well-formed (line {line}, column {column})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. an unknown encoding declaration
        raise UnreadableDocument(f"XML cannot be parsed ({type(exc).__name__})") from None


def _syntax(root: Element) -> Optional[str]:
    kind, ns = local(root.tag), root.tag[1:].split("}", 1)[0].lower() if root.tag.startswith("{") else ""
    # early CII drafts (CBFBUY) also call their root "Invoice" but carry CII elements
    if kind in ("CrossIndustryInvoice", "CrossIndustryDocument") or (
            kind == "Invoice" and "oasis" not in ns and root.find(".//{*}HeaderExchangedDocument") is not None):
        return "cii"
    if kind in ("Invoice", "CreditNote") and ("oasis" in ns or "ubl" in ns):
        return "ubl"
    return None


def read_einvoice(xml: bytes) -> EInvoice:
    """The EN 16931 content of a UBL or CII document; UnreadableDocument when the XML is
    refused, broken, or neither syntax."""
    root = load_xml(xml)
    syntax = _syntax(root)
    if syntax == "cii":
        return read_cii(root)
    if syntax == "ubl":
        return read_ubl(root, local(root.tag))
    raise UnreadableDocument("XML is neither a UBL 2.1 Invoice/CreditNote nor a UN/CEFACT CII invoice")


def _per_unit(price: Optional[Decimal], base: Optional[Decimal]) -> Optional[Decimal]:
    """The price of one unit (BT-146 ÷ BT-149): what a PO line's unit price compares with."""
    if price is None or base in (None, Decimal(0), Decimal(1)):
        return price
    exact = price / base
    return exact if exact.as_tuple().exponent >= -6 else exact.quantize(Decimal("0.000001"))


def einvoice_extraction(inv: EInvoice) -> Extraction:
    """The invoice as extracted fields and lines (every value exact), with one
    ``einvoice_rule:<message>`` warning per broken EN 16931 arithmetic rule (and an
    ``einvoice_line_amount`` note per line whose amount is not quantity × price)."""
    t = inv.totals
    values = {
        "invoice_number": inv.number, "invoice_date": inv.issue_date, "due_date": inv.due_date,
        "document_type": "credit_note" if inv.is_credit_note else "invoice",
        "vendor": inv.seller.name, "vendor_vat_id": inv.seller.vat_id, "po_number": inv.po_reference,
        "buyer_reference": inv.buyer_reference, "currency": inv.currency,
        "net": amount_text(t.net), "tax": amount_text(t.tax), "total": amount_text(t.total),
        "amount_due": amount_text(t.amount_due), "iban": inv.iban,
    }
    fields = {k: ExtractedField(k, v, 1.0, EXACT) for k, v in values.items() if v}
    lines = tuple(LineItem(description=li.description, quantity=li.quantity, unit_price=_per_unit(li.unit_price, li.base_quantity),
                           amount=li.amount, sku=li.sku, po_line=li.po_line, confidence=1.0, tax_rate=li.tax_rate)
                  for li in inv.lines)
    warnings = tuple(f"{'einvoice_rule' if v.blocking else 'einvoice_line_amount'}:{v.message}" for v in check_rules(inv))
    return Extraction(fields=fields, lines=lines, extractor_version=f"{EINVOICE_VERSION}-{inv.syntax}", warnings=warnings)


def parse_einvoice(xml: bytes) -> Optional[Extraction]:
    """Read a CII or UBL invoice into an Extraction; None when the XML is neither (or broken,
    or refused): for XML embedded in a PDF, the printed text is read instead."""
    try:
        return einvoice_extraction(read_einvoice(xml))
    except PermanentError:
        return None
