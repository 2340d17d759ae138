"""Business numbers that stand for the VAT id outside the EU patterns (checked by their own
check digits), Canadian sales-tax rows, and Indian GST printed as both halves of several rates."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _invoice(seller_id_line: str, tax_rows: list, net: str, total: str, extra: dict = None) -> dict:
    rows = {0: "Northwind Supply Ltd.", 1: seller_id_line, 2: "Invoice No. 000463", 3: "Invoice Date 2026-01-17",
            5: [(40, "Description"), (300, "Qty"), (360, "Unit Price"), (450, "Amount")],
            6: [(40, "Safety boots"), (300, "1"), (360, net), (450, net)],
            8: [(300, "Subtotal"), (450, net)]}
    for n, (label, amount) in enumerate(tax_rows):
        rows[9 + n] = [(300, label), (450, amount)]
    rows[9 + len(tax_rows)] = [(300, "Total"), (450, total)]
    return {**rows, **(extra or {})}


@pytest.mark.parametrize("line,expected", [
    ("GST/HST Reg. No. 338000797 RT0001", "338000797RT0001"),  # Canada's business number with its tax account
    ("ABN 80 370 597 637", "80370597637"),  # Australia
    ("Org.nr. 921 504 470 MVA", "NO921504470MVA"),  # Norway, "NO" left out as Norwegian invoices do
])
def test_a_business_number_with_its_check_digits_is_the_vendors_tax_id(line, expected):
    ex = extract_invoice(doc_from_rows(_invoice(line, [("Tax", "10.00")], "100.00", "110.00")), [])
    assert ex.value("vendor_vat_id").replace(" ", "") == expected


def test_a_business_number_whose_check_digits_fail_is_not_taken_whole():
    ex = extract_invoice(doc_from_rows(_invoice("ABN 80 370 597 638", [("Tax", "10.00")], "100.00", "110.00")), [])
    assert (ex.value("vendor_vat_id") or "").replace(" ", "") != "80370597638"


def test_the_hst_row_with_the_registration_number_in_it():
    # "HST 13% · Reg. No. 338000797 RT0001  $1,202.98": the amount at the row's end is the tax
    rows = _invoice("Waterloo ON N2L 3X2", [("HST 13% · Reg. No. 338000797 RT0001", "$1,202.98")], "$9,253.66", "$10,456.64")
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("9253.66", "1202.98", "10456.64")


def test_both_gst_halves_of_two_rates_make_the_tax():
    rows = _invoice("GSTIN 27AAPFU0939F1ZV",
                    [("CGST9 (9%)", "911.13"), ("SGST9 (9%)", "911.13"), ("CGST6 (6%)", "69.55"), ("SGST6 (6%)", "69.55"),
                     ("Rounding", "-0.24")], "11,282.88", "13,244.00")
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("tax"), ex.value("total")) == ("1961.36", "13244.00")


def test_gst_halves_a_paisa_apart_still_make_the_tax():
    rows = _invoice("GSTIN 27AAPFU0939F1ZV",
                    [("CGST9 (9%)", "2,012.79"), ("SGST9 (9%)", "2,012.78"), ("CGST6 (6%)", "5,963.98"), ("SGST6 (6%)", "5,963.97"),
                     ("Rounding", "-0.36")], "1,21,763.84", "1,37,717.00")
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("tax"), ex.value("total")) == ("15953.52", "137717.00")


@pytest.mark.parametrize("net_label,total_label", [
    ("Total ex GST", "Total credit inc GST"),  # an Australian adjustment note's summary
    ("Sum eks. mva", "Til gode kr"),  # a Norwegian credit note's
])
def test_sums_before_and_after_tax_as_the_country_writes_them(net_label, total_label):
    rows = {0: "Hunter Valley Supplies", 1: "Invoice No. HV000630", 2: "Date 02/02/2026",
            4: [(300, net_label), (450, "-1,038.72")], 5: [(300, "GST"), (450, "-103.87")], 6: [(300, total_label), (450, "-1,142.59")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("-1038.72", "-103.87", "-1142.59")


def test_an_exchange_rate_line_votes_for_no_currency():
    # a Hungarian EUR invoice states its VAT in forints, as the law asks
    rows = {0: "Duna Irodatechnika Kft.", 1: "Számla sorszáma: DIT-2026-00566", 2: "Számla kelte: 2026.01.11.",
            4: [(300, "Nettó összesen"), (450, "120,00 EUR")], 5: [(300, "ÁFA 27%"), (450, "32,40 EUR")],
            6: [(300, "Fizetendő"), (450, "152,40 EUR")],
            8: "Az áthárított adó forintban: 12 819 Ft (MNB árfolyam 2026.01.11.: 1 EUR = 395,66 HUF)"}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("currency") == "EUR" and ex.fields["currency"].confidence >= 0.95
