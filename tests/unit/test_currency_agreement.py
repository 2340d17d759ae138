"""A currency no clear sign names, resolved from the agreement of independent evidence
(``extraction/currency_evidence``): OCR-garbled local abbreviations beside amounts, the
vendor master's currency, the countries of valid VAT ids and IBANs, the decimal mark."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.currency_evidence import decimal_mark, domestic_currency
from invoicepipe.domain.models import Vendor
from tests.unit.test_extraction_fields import doc_from_rows

# a value at or above this raw score passes the currency threshold after calibration
ROUTABLE = 0.93
# identifiers whose check digits hold (python-stdnum), of each country below
IDS = {
    "CZ": "DIČ: CZ00012351", "PL": "NIP: PL0000012345", "HU": "Adószám: HU00012348",
    "CH": "UID: CHE-001.000.008 MWST", "NO": "Org.nr. NO 987650001 MVA", "SE": "Momsnr SE556001234501",
    "DK": "CVR DK10000009", "IN": "GSTIN: 27AAPFU0939F1ZV",
}
IBANS = {"CZ": "CZ65 0800 0000 1920 0014 5399", "PL": "PL61 1090 1014 0000 0712 1981 2874",
         "CH": "CH93 0076 2011 6238 5295 7", "NO": "NO93 8601 1117 947", "DK": "DK50 0040 0440 1162 43"}
OCR = 0.85  # the word confidence of a clean OCR reading


def _invoice(amounts: list[str], country: str = None, iban: bool = False, extra: dict = None) -> dict:
    """A small invoice whose amounts carry the given (garbled) currency text."""
    rows = {0: "Northwind Components", 1: "Invoice 2026-7781", 2: "Date 14.03.2026",
            4: [(40, "Widgets, box of 10"), (420, amounts[0])],
            6: [(300, "Subtotal"), (420, amounts[1])],
            7: [(300, "Total"), (420, amounts[2])]}
    if country:
        rows[9] = IDS[country]
    if iban:
        rows[10] = "IBAN " + IBANS[country]
    rows.update(extra or {})
    return rows


def _currency(rows: dict, vendors=(), confidence: float = OCR):
    ex = extract_invoice(doc_from_rows(rows, confidence=confidence), list(vendors))
    return ex.fields.get("currency")


def _vendor(currency: str) -> Vendor:
    return Vendor("V1", "Northwind Components", currency=currency)


@pytest.mark.parametrize("amounts, country, code", [
    (["1 200,00 Ké", "1 200,00 KC", "1 452,00 K¢"], "CZ", "CZK"),   # Kč
    (["1 200,00 zt", "1 200,00 z1", "1 476,00 zt"], "PL", "PLN"),   # zł
    (["12 500 Ft", "12 500 Ft", "15 875 Ft"], "HU", "HUF"),          # forint: no cents
    (["Rs, 1,200.00", "Rs: 1,200.00", "Rs, 1,416.00"], "IN", "INR"),
    (["Fr, 1'200.00", "Fr 1'200.00", "Fr, 1'292.40"], "CH", "CHF"),
])
def test_a_garbled_sign_the_master_and_the_country_agree(amounts, country, code):
    field = _currency(_invoice(amounts, country), [_vendor(code)])
    assert field.value == code and field.method == "agreement" and field.confidence >= ROUTABLE
    assert {"master", "country"} <= set(field.evidence) and any(e.startswith("reading") for e in field.evidence)


@pytest.mark.parametrize("sign, country, code", [("kr", "NO", "NOK"), ("kr", "SE", "SEK"), ("kr.", "DK", "DKK")])
def test_which_krone_a_kr_is_the_country_decides(sign, country, code):
    amounts = [f"1 200,00 {sign}", f"1 200,00 {sign}", f"1 500,00 {sign}"]
    # (a Norwegian org number was no VAT id of ``parsing``: its "kr" named nothing before)
    assert _currency(_invoice(amounts, country)).value == code
    with_master = _currency(_invoice(amounts, country), [_vendor(code)])
    assert with_master.value == code and with_master.confidence >= ROUTABLE


def test_myr_read_after_the_amounts_with_the_master():
    # no Malaysian id is checkable, so the country never agrees: the value, but not routable
    field = _currency(_invoice(["1,200.00 RM", "1,200.00 RN", "1,272.00 RM"]), [_vendor("MYR")])
    assert field.value == "MYR" and 0.6 < field.confidence < ROUTABLE


def test_the_country_of_an_iban_agrees_as_a_vat_id_does():
    rows = _invoice(["1 200,00 Ké", "1 200,00 KE", "1 452,00 Ké"], "CZ", iban=True)
    del rows[9]
    field = _currency(rows, [_vendor("CZK")])
    assert field.value == "CZK" and "country" in field.evidence and field.confidence >= ROUTABLE


def test_a_master_in_another_currency_contradicts_the_reading():
    field = _currency(_invoice(["1 200,00 Ké", "1 200,00 KC", "1 452,00 Ké"], "CZ"), [_vendor("EUR")])
    assert field.value == "EUR" and field.method == "vendor_master" and field.confidence < 0.8


def test_readings_of_two_currencies_agree_on_none():
    rows = _invoice(["1 200,00 Ké", "1 200,00 zt", "1 452,00 Ké"], "CZ")
    field = _currency(rows, [_vendor("CZK")])
    assert field.value == "CZK" and field.method == "vendor_master" and field.confidence < 0.8


def test_a_clearly_printed_currency_is_read_as_before():
    rows = _invoice(["1 200,00 Ké", "1 200,00 KC", "EUR 1 452,00"], "CZ")
    field = _currency(rows, [_vendor("CZK")])
    assert field.method == "symbol_count"


def test_a_reading_alone_is_a_guess():
    field = _currency(_invoice(["1 200,00 Ké", "1 200,00 KC", "1 452,00 Ké"]))
    assert field.value == "CZK" and field.confidence < 0.8


def test_a_reading_with_the_country_but_no_vendor_stays_below_routing():
    field = _currency(_invoice(["1 200,00 Ké", "1 200,00 KC", "1 452,00 Ké"], "CZ"))
    assert field.value == "CZK" and field.confidence < ROUTABLE


def test_kr_alone_names_no_currency():
    assert _currency(_invoice(["1 200,00 kr", "1 200,00 kr", "1 500,00 kr"])) is None


def test_an_unprinted_currency_never_reaches_routing_even_when_master_and_country_agree():
    field = _currency(_invoice(["1 200,00", "1 200,00", "1 452,00"], "CZ"), [_vendor("CZK")])
    assert field.value == "CZK" and field.confidence < ROUTABLE


def test_an_id_whose_check_digits_fail_names_no_country():
    rows = _invoice(["1 200,00 Ké", "1 200,00 KC", "1 452,00 Ké"], extra={9: "DIČ: CZ00012352"})
    field = _currency(rows, [_vendor("CZK")])
    assert "country" not in field.evidence and field.confidence < ROUTABLE


@pytest.mark.parametrize("text", [
    "Fr 12.05.2026 delivery",        # a weekday before a date, not francs
    "Ke 31.12.2026 zůstatek",        # a Czech preposition before a date
    "Ké services and KC units",      # garbled words with no amount beside them
    "Article RN 1200",               # no cents, no groups: a code, not money
    "Mo - Fr 08.30 - 12.30 Uhr",     # opening hours
])
def test_a_lookalike_beside_no_money_is_no_reading(text):
    rows = _invoice(["1 200,00", "1 200,00", "1 452,00"], extra={12: text})
    field = _currency(rows, [_vendor("PLN")])
    assert field.value == "PLN" and not any(e.startswith("reading") for e in field.evidence)


def test_lone_signs_apart_from_digits_give_way_to_readings_beside_the_amounts():
    # "č" read as "€" in words ("€islo"): a speck that named the euro
    rows = _invoice(["1 200,00 Ké", "1 200,00 KC", "1 452,00 Ké"], "CZ", extra={3: "Dodaci list €. 84016850"})
    field = _currency(rows, [_vendor("CZK")])
    assert field.value == "CZK" and field.method == "agreement" and field.confidence >= ROUTABLE


@pytest.mark.parametrize("currency, mark", [("CZK", ","), ("PLN", ","), ("CHF", "."), ("INR", "."), ("EUR", None)])
def test_decimal_mark_of_a_currency_is_its_countries_one(currency, mark):
    assert decimal_mark(currency) == mark


def test_domestic_currency_from_cldr():
    assert (domestic_currency("CZ"), domestic_currency("EL"), domestic_currency("XX")) == ("CZK", "EUR", None)


@pytest.mark.parametrize("text", ["Mo.-Fr. 08.30 - 12.30 Uhr", "Mo - Fr. 14.00 - 17.00", "questions: www.example.fr."])
def test_a_fr_joined_to_the_word_before_is_a_weekday_or_a_domain(text):
    rows = _invoice(["1.200,00 €", "1.200,00 €", "1.428,00 €"], extra={12: text, 13: "Währung: EUR"})
    field = _currency(rows, confidence=1.0)
    assert field.value == "EUR" and field.confidence >= 0.95


def test_signs_read_off_an_ids_letters_are_specks():
    # "SE" of a VAT id read as "$£": a long bare run of digits is no amount
    rows = _invoice(["240,00 kr", "192,06 kr", "240,00 kr"], extra={12: "Momsreg.nr: $£404224972401"})
    field = _currency(rows, [_vendor("SEK")])
    assert field.value == "SEK" and field.confidence >= ROUTABLE
