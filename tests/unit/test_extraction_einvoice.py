from decimal import Decimal

from invoicepipe.domain.einvoice import parse_einvoice
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word

CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a long comment before the root must not matter -->
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>471102</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20180305</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:SpecifiedTradeProduct><ram:Name>Trennbl&#228;tter A4</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>9.90</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">20</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-1</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE89 3704 0044 0532 0130 00</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20180404</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:TaxBasisTotalAmount>473.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">56.87</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>529.87</ram:GrandTotalAmount>
    <ram:DuePayableAmount>529.87</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""

CII_V1 = b"""<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:HeaderExchangedDocument><ram:ID>RE-1</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20131106</udt:DateTimeString></ram:IssueDateTime></rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementMonetarySummation><ram:TaxBasisTotalAmount currencyID="EUR">100.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount><ram:GrandTotalAmount currencyID="EUR">119.00</ram:GrandTotalAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation></ram:ApplicableSupplyChainTradeSettlement>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>"""

UBL_CREDIT = b"""<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>CN-7</cbc:ID><cbc:IssueDate>2026-03-14</cbc:IssueDate><cbc:DocumentCurrencyCode>GBP</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Globex</cbc:Name></cac:PartyName>
  <cac:PartyTaxScheme><cbc:CompanyID>GB123456789</cbc:CompanyID></cac:PartyTaxScheme></cac:Party></cac:AccountingSupplierParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="GBP">2.00</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="GBP">10.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="GBP">12.00</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="GBP">12.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
 <cac:CreditNoteLine><cbc:ID>1</cbc:ID><cbc:CreditedQuantity>2</cbc:CreditedQuantity><cbc:LineExtensionAmount currencyID="GBP">10.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Widget</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="GBP">5.00</cbc:PriceAmount></cac:Price></cac:CreditNoteLine>
</CreditNote>"""


def test_cii_factur_x():
    ex = parse_einvoice(CII)
    assert ex.value("invoice_number") == "471102"
    assert ex.value("invoice_date") == "2018-03-05"
    assert ex.value("due_date") == "2018-04-04"
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("473.00", "56.87", "529.87")
    assert ex.value("vendor") == "Lieferant GmbH" and ex.value("vendor_vat_id") == "DE123456789"
    assert ex.value("iban") == "DE89370400440532013000" and ex.value("po_number") == "PO-1"
    assert ex.value("currency") == "EUR" and ex.value("document_type") == "invoice"
    assert all(f.confidence == 1.0 and f.method == "einvoice_xml" for f in ex.fields.values())
    assert ex.lines[0].quantity == Decimal("20") and ex.lines[0].amount == Decimal("198.00")


def test_cii_zugferd_1():
    ex = parse_einvoice(CII_V1)
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("total")) == ("RE-1", "2013-11-06", "119.00")


def test_ubl_credit_note():
    ex = parse_einvoice(UBL_CREDIT)
    assert ex.value("document_type") == "credit_note"
    assert (ex.value("invoice_number"), ex.value("total"), ex.value("currency")) == ("CN-7", "12.00", "GBP")
    assert ex.lines[0].description == "Widget" and ex.lines[0].unit_price == Decimal("5.00")


def test_not_an_invoice_or_hostile_xml():
    assert parse_einvoice(b"<html/>") is None
    assert parse_einvoice(b"not xml") is None
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Invoice>&a;</Invoice>'
    assert parse_einvoice(bomb) is None


def _doc(lines: list[str], xml: bytes) -> DocumentText:
    words = []
    for row, text in enumerate(lines):
        x = 40.0
        for token in text.split():
            words.append(Word(token, Box(x, 40 + 14 * row, x + 5 * len(token), 50 + 14 * row), 1))
            x += 5 * len(token) + 3
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), xml, "test")


def test_einvoice_wins_and_matching_text_gives_no_warning():
    ex = extract_invoice(_doc(["Rechnung Nr. 471102", "Gesamtbetrag 529,87 EUR"], CII), [])
    assert ex.value("total") == "529.87" and ex.fields["total"].method == "einvoice_xml"
    assert ex.fields["total"].box is not None  # located on the page where the text agrees
    assert ex.warnings == ()


def test_einvoice_text_mismatch_is_warned():
    ex = extract_invoice(_doc(["Rechnung Nr. 471103", "Gesamtbetrag 999,00 EUR"], CII), [])
    assert ex.value("invoice_number") == "471102"
    assert "einvoice_text_mismatch:invoice_number" in ex.warnings
    assert "einvoice_text_mismatch:total" in ex.warnings
