"""Structured e-invoices: UN/CEFACT CII (ZUGFeRD 1, ZUGFeRD 2 / Factur-X / XRechnung) and UBL.

The XML is parsed with defusedxml (no entity expansion, no external resources) and read by
local element names, so every namespace version of the same standard is handled alike.
Values are taken exactly as written, with confidence 1.0 and method "einvoice_xml".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from invoicepipe.domain.models import ExtractedField, Extraction, LineItem

EINVOICE_VERSION = "einvoice-1.0"
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: Optional[Element], path: str) -> Optional[str]:
    found = el.find(path) if el is not None else None
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _amount(value: Optional[str]) -> Optional[str]:
    try:
        return str(Decimal(value).quantize(Decimal("0.01"))) if value else None
    except InvalidOperation:
        return None


def _dec(value: Optional[str]) -> Optional[Decimal]:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _cii_date(el: Optional[Element], path: str) -> Optional[str]:
    # ZUGFeRD 1 sometimes writes the date directly in the element, without DateTimeString
    raw = _text(el, path) or _text(el, path.rsplit("/", 1)[0])
    if raw and len(raw) >= 8 and raw[:8].isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    return raw[:10] if raw and len(raw) >= 10 and raw[4] == "-" else None


def parse_einvoice(xml: bytes) -> Optional[Extraction]:
    """Read a CII or UBL invoice into an Extraction; None when the XML is neither (or broken)."""
    try:
        root = SafeET.fromstring(xml)
    except Exception:  # defusedxml raises several types for malformed or hostile input
        return None
    kind = _local(root.tag)
    ubl = "oasis" in root.tag.lower() or "ubl" in root.tag.lower()
    # early CII drafts (CBFBUY) also call their root "Invoice" but carry CII elements
    if kind in ("CrossIndustryInvoice", "CrossIndustryDocument") or (kind == "Invoice" and not ubl and root.find(".//{*}HeaderExchangedDocument") is not None):
        values, lines = _read_cii(root)
    elif kind in ("Invoice", "CreditNote"):
        values, lines = _read_ubl(root, kind)
    else:
        return None
    fields = {k: ExtractedField(k, v, 1.0, "einvoice_xml") for k, v in values.items() if v}
    return Extraction(fields=fields, lines=tuple(lines), extractor_version=EINVOICE_VERSION)


def _doc_type(code: Optional[str]) -> str:
    return "credit_note" if code in CREDIT_NOTE_CODES else "invoice"


def _read_cii(root: Element) -> tuple[dict, list[LineItem]]:
    doc = root.find("{*}ExchangedDocument")
    if doc is None:
        doc = root.find(".//{*}HeaderExchangedDocument")
    seller = root.find(".//{*}SellerTradeParty")
    settlement = root.find(".//{*}ApplicableHeaderTradeSettlement")
    if settlement is None:
        settlement = root.find(".//{*}ApplicableSupplyChainTradeSettlement")
    summary = None
    if settlement is not None:
        summary = settlement.find("{*}SpecifiedTradeSettlementHeaderMonetarySummation")
        if summary is None:
            summary = settlement.find("{*}SpecifiedTradeSettlementMonetarySummation")
    currency = _text(settlement, "{*}InvoiceCurrencyCode")
    tax = None
    if summary is not None:
        taxes = summary.findall("{*}TaxTotalAmount")
        same = [t for t in taxes if t.get("currencyID") in (None, currency)]
        tax = (same or taxes or [None])[0]
    vat = None
    for reg in seller.findall("{*}SpecifiedTaxRegistration/{*}ID") if seller is not None else []:
        if reg.get("schemeID") == "VA" and reg.text:
            vat = reg.text.strip().replace(" ", "")
    po = _text(root, ".//{*}BuyerOrderReferencedDocument/{*}IssuerAssignedID") or _text(
        root, ".//{*}BuyerOrderReferencedDocument/{*}ID")
    values = {
        "invoice_number": _text(doc, "{*}ID"),
        "invoice_date": _cii_date(doc, "{*}IssueDateTime/{*}DateTimeString"),
        "document_type": _doc_type(_text(doc, "{*}TypeCode")),
        "vendor": _text(seller, "{*}Name"),
        "vendor_vat_id": vat,
        "po_number": po,
        "currency": currency,
        "net": _amount(_text(summary, "{*}TaxBasisTotalAmount")),
        "tax": _amount(tax.text.strip() if tax is not None and tax.text else None),
        "total": _amount(_text(summary, "{*}GrandTotalAmount")),
        "due_date": _cii_date(root, ".//{*}SpecifiedTradePaymentTerms/{*}DueDateDateTime/{*}DateTimeString"),
        "iban": (_text(root, ".//{*}PayeePartyCreditorFinancialAccount/{*}IBANID") or "").replace(" ", "").upper() or None,
    }
    lines = []
    for item in root.findall(".//{*}IncludedSupplyChainTradeLineItem"):
        lines.append(LineItem(
            description=_text(item, "{*}SpecifiedTradeProduct/{*}Name") or "",
            quantity=_dec(_text(item, ".//{*}BilledQuantity")),
            unit_price=_dec(_text(item, ".//{*}NetPriceProductTradePrice/{*}ChargeAmount")),
            amount=_dec(_text(item, ".//{*}LineTotalAmount")),
            sku=_text(item, "{*}SpecifiedTradeProduct/{*}SellerAssignedID"),
            po_line=_text(item, ".//{*}BuyerOrderReferencedDocument/{*}LineID"),
            confidence=1.0,
        ))
    return values, lines


def _read_ubl(root: Element, kind: str) -> tuple[dict, list[LineItem]]:
    party = root.find("{*}AccountingSupplierParty/{*}Party")
    total = root.find("{*}LegalMonetaryTotal")
    type_code = _text(root, "{*}InvoiceTypeCode") or _text(root, "{*}CreditNoteTypeCode")
    values = {
        "invoice_number": _text(root, "{*}ID"),
        "invoice_date": _text(root, "{*}IssueDate"),
        "due_date": _text(root, "{*}DueDate") or _text(root, "{*}PaymentMeans/{*}PaymentDueDate"),
        "document_type": "credit_note" if kind == "CreditNote" else _doc_type(type_code),
        "vendor": _text(party, "{*}PartyLegalEntity/{*}RegistrationName") or _text(party, "{*}PartyName/{*}Name"),
        "vendor_vat_id": (_text(party, "{*}PartyTaxScheme/{*}CompanyID") or "").replace(" ", "") or None,
        "po_number": _text(root, "{*}OrderReference/{*}ID"),
        "currency": _text(root, "{*}DocumentCurrencyCode"),
        "net": _amount(_text(total, "{*}TaxExclusiveAmount")),
        "tax": _amount(_text(root, "{*}TaxTotal/{*}TaxAmount")),
        "total": _amount(_text(total, "{*}TaxInclusiveAmount")),
        "iban": (_text(root, "{*}PaymentMeans/{*}PayeeFinancialAccount/{*}ID") or "").replace(" ", "").upper() or None,
    }
    lines = []
    for item in root.findall("{*}InvoiceLine") + root.findall("{*}CreditNoteLine"):
        qty = _text(item, "{*}InvoicedQuantity") or _text(item, "{*}CreditedQuantity")
        lines.append(LineItem(
            description=_text(item, "{*}Item/{*}Name") or "",
            quantity=_dec(qty),
            unit_price=_dec(_text(item, "{*}Price/{*}PriceAmount")),
            amount=_dec(_text(item, "{*}LineExtensionAmount")),
            sku=_text(item, "{*}Item/{*}SellersItemIdentification/{*}ID"),
            po_line=_text(item, "{*}OrderLineReference/{*}LineID"),
            confidence=1.0,
        ))
    return values, lines
