"""UN/CEFACT Cross Industry Invoice (XRechnung CII, Factur-X / ZUGFeRD 2, ZUGFeRD 1) into the
EN 16931 model. Paths follow the CII D16B structure; ZUGFeRD 1's older names are tried as
well (``HeaderExchangedDocument``, ``ApplicableSupplyChainTradeSettlement``)."""

from __future__ import annotations

from typing import Optional
from xml.etree.ElementTree import Element

from .einvoice_model import AllowanceCharge, EInvoice, EInvoiceLine, Party, TaxSubtotal, Totals
from .einvoice_values import compact, dec, dec_at, indicator, iso_date, text

CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
# Profiles below EN 16931 (Factur-X 1.0 / ZUGFeRD 2: "…:minimum", "…:basicwl"): not complete invoices
PARTIAL_PROFILES = ("minimum", "basicwl")


def _first(el: Optional[Element], *paths: str) -> Optional[Element]:
    for path in paths:
        found = el.find(path) if el is not None else None
        if found is not None:
            return found
    return None


def _date(el: Optional[Element], path: str) -> Optional[str]:
    # ZUGFeRD 1 sometimes writes the date directly in the element, without DateTimeString
    return iso_date(text(el, f"{path}/{{*}}DateTimeString") or text(el, path))


def _party(el: Optional[Element]) -> Party:
    if el is None:
        return Party()
    vat = next((reg.text for reg in el.findall("{*}SpecifiedTaxRegistration/{*}ID")
                if reg.get("schemeID") == "VA" and reg.text), None)
    address = el.find("{*}PostalTradeAddress")
    return Party(name=text(el, "{*}Name"), vat_id=compact(vat), street=text(address, "{*}LineOne"),
                 postcode=text(address, "{*}PostcodeCode"), city=text(address, "{*}CityName"),
                 country=text(address, "{*}CountryID"))


def _allowances(parent: Optional[Element]) -> tuple[AllowanceCharge, ...]:
    """Direct ``SpecifiedTradeAllowanceCharge`` children only: the ones inside a gross price
    (BT-147) are a price discount already folded into the net price."""
    out = []
    for ac in parent.findall("{*}SpecifiedTradeAllowanceCharge") if parent is not None else []:
        out.append(AllowanceCharge(indicator(text(ac, "{*}ChargeIndicator/{*}Indicator")), dec_at(ac, "{*}ActualAmount"),
                                   text(ac, "{*}Reason")))
    return tuple(out)


def _po_reference(root: Element, agreement: Optional[Element]) -> Optional[str]:
    """BT-13; without one, the order the first line refers to (ZUGFeRD 1 EXTENDED names the
    order per line only)."""
    for scope, prefix in ((agreement, ""), (root, ".//")):
        for leaf in ("IssuerAssignedID", "ID"):
            found = text(scope, f"{prefix}{{*}}BuyerOrderReferencedDocument/{{*}}{leaf}")
            if found:
                return found
    return None


def _tax_total(summary: Optional[Element], currency: Optional[str]):
    """BT-110: the tax total in the invoice currency (BT-111, in the tax currency, may follow)."""
    taxes = summary.findall("{*}TaxTotalAmount") if summary is not None else []
    same = [t for t in taxes if t.get("currencyID") in (None, currency)]
    chosen = (same or taxes or [None])[0]
    return dec(chosen.text) if chosen is not None else None


def _line(item: Element) -> EInvoiceLine:
    agreement = item.find("{*}SpecifiedLineTradeAgreement")
    settlement = _first(item, "{*}SpecifiedLineTradeSettlement", "{*}SpecifiedSupplyChainTradeSettlement")
    net_price = _first(agreement if agreement is not None else item, "{*}NetPriceProductTradePrice", ".//{*}NetPriceProductTradePrice")
    quantity = _first(item, "{*}SpecifiedLineTradeDelivery/{*}BilledQuantity", ".//{*}BilledQuantity")
    return EInvoiceLine(
        line_id=text(item, "{*}AssociatedDocumentLineDocument/{*}LineID"),
        description=text(item, "{*}SpecifiedTradeProduct/{*}Name") or "",
        quantity=dec(quantity.text) if quantity is not None else None,
        unit_code=quantity.get("unitCode") if quantity is not None else None,
        unit_price=dec_at(net_price, "{*}ChargeAmount"),
        base_quantity=dec_at(net_price, "{*}BasisQuantity"),
        amount=dec_at(settlement if settlement is not None else item, ".//{*}LineTotalAmount"),
        sku=text(item, "{*}SpecifiedTradeProduct/{*}SellerAssignedID"),
        po_line=text(item, ".//{*}BuyerOrderReferencedDocument/{*}LineID"),
        tax_rate=dec_at(settlement, "{*}ApplicableTradeTax/{*}RateApplicablePercent"),
        allowances_charges=_allowances(settlement),
    )


def read_cii(root: Element) -> EInvoice:
    """The EN 16931 content of a CII invoice root."""
    profile = text(root, ".//{*}GuidelineSpecifiedDocumentContextParameter/{*}ID")
    doc = _first(root, "{*}ExchangedDocument", ".//{*}HeaderExchangedDocument")
    agreement = _first(root, ".//{*}ApplicableHeaderTradeAgreement", ".//{*}ApplicableSupplyChainTradeAgreement")
    settlement = _first(root, ".//{*}ApplicableHeaderTradeSettlement", ".//{*}ApplicableSupplyChainTradeSettlement")
    summary = _first(settlement, "{*}SpecifiedTradeSettlementHeaderMonetarySummation", "{*}SpecifiedTradeSettlementMonetarySummation")
    currency = text(settlement, "{*}InvoiceCurrencyCode")
    type_code = text(doc, "{*}TypeCode")
    breakdown = tuple(TaxSubtotal(text(t, "{*}CategoryCode"), dec_at(t, "{*}RateApplicablePercent") or dec_at(t, "{*}ApplicablePercent"),
                                  dec_at(t, "{*}BasisAmount"), dec_at(t, "{*}CalculatedAmount"))
                      for t in (settlement.findall("{*}ApplicableTradeTax") if settlement is not None else []))
    return EInvoice(
        syntax="cii",
        number=text(doc, "{*}ID"),
        issue_date=_date(doc, "{*}IssueDateTime"),
        type_code=type_code,
        currency=currency,
        due_date=_date(settlement, "{*}SpecifiedTradePaymentTerms/{*}DueDateDateTime"),
        buyer_reference=text(agreement, "{*}BuyerReference"),
        po_reference=_po_reference(root, agreement),
        seller=_party(_first(agreement, "{*}SellerTradeParty")),
        buyer=_party(_first(agreement, "{*}BuyerTradeParty")),
        iban=compact(text(settlement, ".//{*}PayeePartyCreditorFinancialAccount/{*}IBANID")),
        totals=Totals(
            lines=dec_at(summary, "{*}LineTotalAmount"), allowances=dec_at(summary, "{*}AllowanceTotalAmount"),
            charges=dec_at(summary, "{*}ChargeTotalAmount"), net=dec_at(summary, "{*}TaxBasisTotalAmount"),
            tax=_tax_total(summary, currency), total=dec_at(summary, "{*}GrandTotalAmount"),
            prepaid=dec_at(summary, "{*}TotalPrepaidAmount"), rounding=dec_at(summary, "{*}RoundingAmount"),
            amount_due=dec_at(summary, "{*}DuePayableAmount")),
        lines=tuple(_line(item) for item in root.findall(".//{*}IncludedSupplyChainTradeLineItem")),
        allowances_charges=_allowances(settlement),
        tax_breakdown=breakdown,
        notes=tuple(n for n in (text(note, "{*}Content") for note in (doc.findall("{*}IncludedNote") if doc is not None else [])) if n),
        is_credit_note=type_code in CREDIT_NOTE_CODES,
        profile=profile,
        en16931=root.tag.endswith("}CrossIndustryInvoice") and not (profile or "").lower().endswith(PARTIAL_PROFILES),
    )
