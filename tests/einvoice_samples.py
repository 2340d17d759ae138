"""Stand-alone e-invoices (UBL 2.1 and UN/CEFACT CII) for tests, built from a few numbers.

The defaults are the master-data sample's clean invoice (vendor V100, PO 4500123, ten
widgets at 12.50): every EN 16931 sum holds. Pass other figures to break one rule.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

UBL_NS = ('xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
          'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
          'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')
CII_NS = ('xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
          'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
          'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"')


def figures(qty="10", price="12.50", base="1", allowance="0.00", rate="19", **override) -> dict:
    """Consistent amounts for one line and one optional document allowance; ``override``
    replaces any of them (to break a rule)."""
    line = (Decimal(qty) * Decimal(price) / Decimal(base)).quantize(Decimal("0.01"))
    net = line - Decimal(allowance)
    tax = (net * Decimal(rate) / 100).quantize(Decimal("0.01"))
    out = {"qty": qty, "price": price, "base": base, "line": line, "lines": line, "allowance": Decimal(allowance), "net": net,
           "rate": rate, "tax": tax, "total": net + tax, "prepaid": Decimal("0.00"), "due": net + tax}
    out.update({k: (Decimal(v) if k not in ("qty", "price", "base", "rate") else v) for k, v in override.items()})
    return out


def ubl(number="XR-1001", root="Invoice", seller="Acme Industrial Supplies GmbH", item="Widget standard", po="4500123",
        **numbers) -> bytes:
    f = figures(**numbers)
    line_tag, qty_tag = ("CreditNoteLine", "CreditedQuantity") if root == "CreditNote" else ("InvoiceLine", "InvoicedQuantity")
    type_tag, code = ("CreditNoteTypeCode", "381") if root == "CreditNote" else ("InvoiceTypeCode", "380")
    allowance = (f'<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>'
                 f'<cbc:Amount currencyID="EUR">{f["allowance"]}</cbc:Amount></cac:AllowanceCharge>') if f["allowance"] else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} {UBL_NS.format(root=root)}>
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
 <cbc:ID>{number}</cbc:ID><cbc:IssueDate>2026-03-14</cbc:IssueDate><cbc:DueDate>2026-04-13</cbc:DueDate>
 <cbc:{type_tag}>{code}</cbc:{type_tag}><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>04011000-12345-34</cbc:BuyerReference>
 {f'<cac:OrderReference><cbc:ID>{po}</cbc:ID></cac:OrderReference>' if po else ""}
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PostalAddress><cbc:StreetName>Hauptstr. 1</cbc:StreetName><cbc:CityName>Berlin</cbc:CityName><cbc:PostalZone>10115</cbc:PostalZone>
   <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>{escape(seller)}</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Buyer AG</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>DE89 3704 0044 0532 0130 00</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
 {allowance}
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{f["tax"]}</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">{f["net"]}</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">{f["tax"]}</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{f["rate"]}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
 </cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">{f["lines"]}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="EUR">{f["net"]}</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">{f["total"]}</cbc:TaxInclusiveAmount>
  {f'<cbc:AllowanceTotalAmount currencyID="EUR">{f["allowance"]}</cbc:AllowanceTotalAmount>' if f["allowance"] else ""}
  <cbc:PrepaidAmount currencyID="EUR">{f["prepaid"]}</cbc:PrepaidAmount><cbc:PayableAmount currencyID="EUR">{f["due"]}</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:{line_tag}><cbc:ID>1</cbc:ID><cbc:{qty_tag} unitCode="H87">{f["qty"]}</cbc:{qty_tag}><cbc:LineExtensionAmount currencyID="EUR">{f["line"]}</cbc:LineExtensionAmount>
  <cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>
  <cac:Item><cbc:Name>{escape(item)}</cbc:Name><cac:SellersItemIdentification><cbc:ID>W-1</cbc:ID></cac:SellersItemIdentification>
   <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{f["rate"]}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">{f["price"]}</cbc:PriceAmount><cbc:BaseQuantity unitCode="H87">{f["base"]}</cbc:BaseQuantity></cac:Price>
 </cac:{line_tag}>
</{root}>""".encode()


def cii(number="XR-2001", seller="Acme Industrial Supplies GmbH", po="4500123", **numbers) -> bytes:
    f = figures(**numbers)
    allowance = (f'<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>'
                 f'<ram:ActualAmount>{f["allowance"]}</ram:ActualAmount><ram:Reason>Discount</ram:Reason></ram:SpecifiedTradeAllowanceCharge>'
                 ) if f["allowance"] else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment before the root element does not hide what the document is -->
<rsm:CrossIndustryInvoice {CII_NS}>
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260314</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:SellerAssignedID>W-1</ram:SellerAssignedID><ram:Name>Widget standard</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement>
    <ram:GrossPriceProductTradePrice><ram:ChargeAmount>99.00</ram:ChargeAmount>
     <ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>1.000000</ram:ActualAmount></ram:AppliedTradeAllowanceCharge>
    </ram:GrossPriceProductTradePrice>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount>{f["price"]}</ram:ChargeAmount><ram:BasisQuantity unitCode="H87">{f["base"]}</ram:BasisQuantity></ram:NetPriceProductTradePrice>
   </ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">{f["qty"]}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>{f["rate"]}</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{f["line"]}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:BuyerReference>04011000-12345-34</ram:BuyerReference>
   <ram:SellerTradeParty><ram:Name>{escape(seller)}</ram:Name>
    <ram:PostalTradeAddress><ram:PostcodeCode>10115</ram:PostcodeCode><ram:LineOne>Hauptstr. 1</ram:LineOne><ram:CityName>Berlin</ram:CityName><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Buyer AG</ram:Name></ram:BuyerTradeParty>
   {f'<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{po}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>' if po else ""}
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE89370400440532013000</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>{f["tax"]}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>{f["net"]}</ram:BasisAmount>
    <ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>{f["rate"]}</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   {allowance}
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260413</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>{f["lines"]}</ram:LineTotalAmount><ram:AllowanceTotalAmount>{f["allowance"]}</ram:AllowanceTotalAmount>
    <ram:TaxBasisTotalAmount>{f["net"]}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="EUR">{f["tax"]}</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>{f["total"]}</ram:GrandTotalAmount><ram:TotalPrepaidAmount>{f["prepaid"]}</ram:TotalPrepaidAmount>
    <ram:DuePayableAmount>{f["due"]}</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>""".encode()
