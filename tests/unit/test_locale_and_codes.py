"""Locale evidence for a day/month-ambiguous date, a currency code heading an article code,
and a tax id wrapped in a narrow column as master-data evidence."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.extract import CONTESTED_DATE_CONFIDENCE
from invoicepipe.domain.models import Vendor

from tests.unit.test_extraction_fields import doc_from_rows


def test_an_ambiguous_date_on_a_page_whose_locale_gives_the_order():
    belgian = {0: "Quincaillerie Mosane SRL", 2: "Facture n° F2026/00315", 3: "Date de facture 01/02/2026",
               5: "TVA: BE0663659053", 8: [(300, "Total TVAC"), (450, "121,00 €")]}
    plain = {0: "Quincaillerie Mosane", 2: "Invoice no. F2026/00315", 3: "Invoice date 01/02/2026",
             8: [(300, "Total"), (450, "$121.00")]}
    be, us = extract_invoice(doc_from_rows(belgian), []), extract_invoice(doc_from_rows(plain), [])
    assert be.value("invoice_date") == "2026-02-01" and us.value("invoice_date") == "2026-01-02"
    # the locale backs the Belgian order (a VAT id, French labels); the plain page's order is a
    # guess (a "$" alone), and its date is held for a person
    assert "order_guessed" not in be.fields["invoice_date"].evidence
    assert "order_guessed" in us.fields["invoice_date"].evidence
    assert us.fields["invoice_date"].confidence <= CONTESTED_DATE_CONFIDENCE < be.fields["invoice_date"].confidence


def test_a_currency_code_joined_to_digits_is_an_article_code():
    rows = {0: "Utensileria Emiliana S.r.l.", 2: "Fattura n. 747/26", 3: "Data 16/02/2026",
            6: [(40, "CHF-1050 Chiave fissa"), (300, "408,40")], 7: [(40, "CHF-1015 Chiave fissa"), (300, "14,90")],
            9: [(300, "Totale documento €"), (450, "423,30")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("currency") == "EUR" and ex.fields["currency"].confidence >= 0.93


def test_a_tax_id_wrapped_in_a_narrow_column_names_the_vendor():
    vendor = Vendor("V307", "Great Lakes Industrial Supply, Inc.", tax_id="16-8749370")
    rows = {0: "Great Lakes", 1: "GL Industrial", 3: "Supply", 7: "Federal Tax ID: 16-", 8: "8749370",
            10: "Invoice # 0000424", 12: [(300, "Total"), (450, "$2,385.75")]}
    ex = extract_invoice(doc_from_rows(rows), [vendor])
    assert ex.value("vendor_id") == "V307" and ex.fields["vendor_id"].confidence >= 0.97
