"""Mixed tax rates: per-rate rows that fit their rates and add up count as the rate check,
so a right total on a several-rate invoice has two agreements (arithmetic and rates)."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.rate_split import rate_rows, split_fits

from .test_extraction_fields import doc_from_rows

HEADER = {
    0: "Hollandse Gereedschapshandel B.V.",
    2: "Factuurnummer: 202600529",
    3: "Factuurdatum: 08-01-2026",
    5: [(40, "1 Zaagblad"), (300, "21%"), (450, "150,70")],
    6: [(40, "2 Vakboek"), (300, "9%"), (450, "2.295,00")],
}
# tax rows printing only the tax of their rate
TAX_ROWS = {**HEADER,
            8: [(300, "Subtotaal"), (450, "€2.445,70")],
            9: [(300, "BTW 21%"), (450, "€31,65")],
            10: [(300, "BTW 9%"), (450, "€206,55")],
            11: [(300, "Totaal te betalen"), (450, "€2.683,90")]}
# rows printing their own net next to the tax
NET_ROWS = {**HEADER,
            8: [(300, "Subtotaal"), (450, "€2.445,70")],
            9: [(200, "BTW 21% over"), (330, "150,70"), (450, "31,65")],
            10: [(200, "BTW 9% over"), (330, "2.295,00"), (450, "206,55")],
            11: [(300, "Totaal te betalen"), (450, "€2.683,90")]}


@pytest.mark.parametrize("rows", [TAX_ROWS, NET_ROWS], ids=["tax-only rows", "rows with their net"])
def test_per_rate_rows_that_add_up_make_the_total_two_agreements(rows):
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "2683.90" and ex.value("tax") == "238.20"
    for name in ("total", "tax"):
        assert "class:two" in ex.fields[name].evidence and "rate" in ex.fields[name].evidence


def test_rows_that_do_not_fit_their_rates_are_no_rate_agreement():
    # 31,65 is not 21 % of any part of the net that 206,55 leaves at 9 %
    rows = {**TAX_ROWS, 8: [(300, "Subtotaal"), (450, "€2.345,70")], 11: [(300, "Totaal te betalen"), (450, "€2.583,90")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "2583.90"
    assert "rate" not in ex.fields["total"].evidence and "class:one" in ex.fields["total"].evidence


@pytest.mark.parametrize("net, tax, fits", [
    ("2445.70", "238.20", True),
    ("2445.71", "238.20", True),    # each row's tax rounded to the cent moves tax / rate
    ("2455.70", "238.20", False),   # a digit of the net misread
    ("2445.70", "238.30", False),   # the rows do not add up to the tax
])
def test_tax_only_rows_imply_the_net_within_rounding(net, tax, fits):
    ctx, _ = document_context(doc_from_rows(TAX_ROWS))
    assert split_fits(rate_rows(ctx), Decimal(net), Decimal(tax)) is fits


def test_one_rate_row_is_no_split():
    rows = {0: "Muster GmbH", 5: [(300, "MwSt 19%"), (450, "19,00")]}
    ctx, _ = document_context(doc_from_rows(rows))
    assert not split_fits(rate_rows(ctx), Decimal("100.00"), Decimal("19.00"))


# one tax amount for two rates, the rates printed on the item lines only (a 0 % line among them)
ITEMS = {
    0: "Bei Spiel GmbH",
    2: "Rechnung # RE-20140519/499 vom 19.05.2014",
    4: [(40, "1,00 Künstlerische Gestaltung"), (250, "0%"), (330, "160,00 €"), (450, "160,00 €")],
    5: [(40, "400,00 Luftballon: Bunt"), (250, "19%"), (330, "0,79 €"), (450, "316,00 €")],
    6: [(40, "200,00 Heiße Luft pro Liter:"), (250, "19%"), (330, "0,10 €"), (450, "20,00 €")],
    8: [(40, "Summe netto:"), (450, "496,00 €")],
    9: [(40, "Zuzügl. USt:"), (450, "63,84 €")],
    10: [(40, "Summe inkl. USt:"), (450, "559,84 €")],
}


def test_item_lines_of_two_rates_that_add_up_to_net_and_tax_are_a_rate_agreement():
    ex = extract_invoice(doc_from_rows(ITEMS), [])
    assert ex.value("total") == "559.84"
    assert "rate" in ex.fields["total"].evidence and "class:two" in ex.fields["total"].evidence


def test_item_lines_whose_rates_miss_the_tax_are_no_rate_agreement():
    # 19 % of 336,00 is 63,84: with the item printed at 7 % the tax is not what the rates give
    rows = {**ITEMS, 4: [(40, "1,00 Künstlerische Gestaltung"), (250, "7%"), (330, "160,00 €"), (450, "160,00 €")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "559.84"
    assert "rate" not in ex.fields["total"].evidence


def test_tax_only_rows_below_one_percent_take_no_part():
    # 0,02 at 0,1 % implies a net of 20,00 give or take 10,00: no check at all
    rows = {0: "Muster GmbH", 5: [(300, "MwSt 19%"), (450, "19,00")], 6: [(300, "MwSt 0,1%"), (450, "0,02")]}
    ctx, _ = document_context(doc_from_rows(rows))
    assert not split_fits(rate_rows(ctx), Decimal("115.00"), Decimal("19.02"))  # 100 + 20 "fits" 115


def test_a_rate_printed_with_its_sign_first_is_a_rate():
    # Turkish prints the sign before the digits ("%20", "KDV (%10)"): the rows still fit their
    # rates; a sign before three digits is a misread currency sign, no rate
    right = lambda v, end=560: (end - 5 * len(v), v)
    rows = {0: "Anadolu Makina Sanayi A.Ş.", 2: "Fatura No: ABC2026000000412", 3: "Fatura Tarihi: 14.03.2026",
            8: [(40, "Mal Hizmet"), (200, "Miktar"), (320, "KDV Oranı"), (470, "Tutar")],
            9: [(40, "Rulman 6200-2RS"), (200, "10 Adet"), (320, "%20"), right("450,00 TL")],
            10: [(40, "Vida M6x30"), (200, "100 Adet"), (320, "%10"), right("550,00 TL")],
            12: [(300, "Mal Hizmet Toplam Tutarı"), right("1.000,00 TL")],
            13: [(300, "Hesaplanan KDV (%20)"), right("90,00 TL")], 14: [(300, "Hesaplanan KDV (%10)"), right("55,00 TL")],
            15: [(300, "Vergiler Dahil Toplam Tutar"), right("1.145,00 TL")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1000.00", "145.00", "1145.00")
    for name in ("total", "tax"):
        assert "rate" in ex.fields[name].evidence
    ctx, _ = document_context(doc_from_rows({0: "%189.00 paid", 1: "KDV %20", 2: "%2026"}))
    from invoicepipe.domain.extraction.amount_checks import printed_rates
    assert printed_rates(ctx) == {Decimal(20)}
