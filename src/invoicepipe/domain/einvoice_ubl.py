"""OASIS UBL 2.1 Invoice and CreditNote (XRechnung UBL, Peppol BIS Billing 3.0) into the
EN 16931 model."""

from __future__ import annotations

from typing import Optional
from xml.etree.ElementTree import Element

from .einvoice_cii import CREDIT_NOTE_CODES
from .einvoice_model import AllowanceCharge, EInvoice, EInvoiceLine, Party, TaxSubtotal, Totals
from .einvoice_values import compact, dec, dec_at, indicator, text


def _party(el: Optional[Element]) -> Party:
    if el is None:
        return Party()
    vat = next((text(s, "{*}CompanyID") for s in el.findall("{*}PartyTaxScheme")
                if (text(s, "{*}TaxScheme/{*}ID") or "VAT").upper() == "VAT"), None)
    address = el.find("{*}PostalAddress")
    return Party(name=text(el, "{*}PartyLegalEntity/{*}RegistrationName") or text(el, "{*}PartyName/{*}Name"),
                 vat_id=compact(vat), street=text(address, "{*}StreetName"), postcode=text(address, "{*}PostalZone"),
                 city=text(address, "{*}CityName"), country=text(address, "{*}Country/{*}IdentificationCode"))


def _allowances(parent: Element) -> tuple[AllowanceCharge, ...]:
    """Direct ``AllowanceCharge`` children only: one inside ``Price`` is a price discount."""
    return tuple(AllowanceCharge(indicator(text(ac, "{*}ChargeIndicator")), dec_at(ac, "{*}Amount"),
                                 text(ac, "{*}AllowanceChargeReason"))
                 for ac in parent.findall("{*}AllowanceCharge"))


def _in_currency(parent: Element, path: str, currency: Optional[str]) -> Optional[Element]:
    """The first ``path`` whose amount is in the document currency (BT-110 before BT-111)."""
    found = parent.findall(path)
    return next((t for t in found if t.find("{*}TaxAmount") is not None
                 and t.find("{*}TaxAmount").get("currencyID") in (None, currency)), found[0] if found else None)


def _line(item: Element) -> EInvoiceLine:
    quantity = item.find("{*}InvoicedQuantity")
    if quantity is None:
        quantity = item.find("{*}CreditedQuantity")
    price = item.find("{*}Price")
    return EInvoiceLine(
        line_id=text(item, "{*}ID"),
        description=text(item, "{*}Item/{*}Name") or "",
        quantity=dec(quantity.text) if quantity is not None else None,
        unit_code=quantity.get("unitCode") if quantity is not None else None,
        unit_price=dec_at(price, "{*}PriceAmount"),
        base_quantity=dec_at(price, "{*}BaseQuantity"),
        amount=dec_at(item, "{*}LineExtensionAmount"),
        sku=text(item, "{*}Item/{*}SellersItemIdentification/{*}ID"),
        po_line=text(item, "{*}OrderLineReference/{*}LineID"),
        tax_rate=dec_at(item, "{*}Item/{*}ClassifiedTaxCategory/{*}Percent"),
        allowances_charges=_allowances(item),
    )


def read_ubl(root: Element, kind: str) -> EInvoice:
    """The EN 16931 content of a UBL ``Invoice`` or ``CreditNote`` root."""
    currency = text(root, "{*}DocumentCurrencyCode")
    totals = root.find("{*}LegalMonetaryTotal")
    tax_total = _in_currency(root, "{*}TaxTotal", currency)
    type_code = text(root, "{*}InvoiceTypeCode") or text(root, "{*}CreditNoteTypeCode")
    breakdown = tuple(TaxSubtotal(text(s, "{*}TaxCategory/{*}ID"), dec_at(s, "{*}TaxCategory/{*}Percent"),
                                  dec_at(s, "{*}TaxableAmount"), dec_at(s, "{*}TaxAmount"))
                      for s in (tax_total.findall("{*}TaxSubtotal") if tax_total is not None else []))
    return EInvoice(
        syntax="ubl",
        number=text(root, "{*}ID"),
        issue_date=text(root, "{*}IssueDate"),
        type_code=type_code,
        currency=currency,
        due_date=text(root, "{*}DueDate") or text(root, "{*}PaymentMeans/{*}PaymentDueDate"),
        buyer_reference=text(root, "{*}BuyerReference"),
        po_reference=text(root, "{*}OrderReference/{*}ID"),
        seller=_party(root.find("{*}AccountingSupplierParty/{*}Party")),
        buyer=_party(root.find("{*}AccountingCustomerParty/{*}Party")),
        iban=compact(text(root, "{*}PaymentMeans/{*}PayeeFinancialAccount/{*}ID")),
        totals=Totals(
            lines=dec_at(totals, "{*}LineExtensionAmount"), allowances=dec_at(totals, "{*}AllowanceTotalAmount"),
            charges=dec_at(totals, "{*}ChargeTotalAmount"), net=dec_at(totals, "{*}TaxExclusiveAmount"),
            tax=dec_at(tax_total, "{*}TaxAmount"), total=dec_at(totals, "{*}TaxInclusiveAmount"),
            prepaid=dec_at(totals, "{*}PrepaidAmount"), rounding=dec_at(totals, "{*}PayableRoundingAmount"),
            amount_due=dec_at(totals, "{*}PayableAmount")),
        lines=tuple(_line(item) for item in root.findall("{*}InvoiceLine") + root.findall("{*}CreditNoteLine")),
        allowances_charges=_allowances(root),
        tax_breakdown=breakdown,
        notes=tuple(n.text.strip() for n in root.findall("{*}Note") if n.text and n.text.strip()),
        is_credit_note=kind == "CreditNote" or type_code in CREDIT_NOTE_CODES,
        profile=text(root, "{*}CustomizationID"),
    )
