from datetime import date
from decimal import Decimal

import pytest

from invoicepipe.domain.extraction.parsing import (
    date_order_evidence, find_iban, find_vat_ids, iban_valid, parse_amount, parse_date)


@pytest.mark.parametrize("text, expected", [
    ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("1 234,56", "1234.56"), ("1'234.56", "1234.56"),
    ("1,23,456.00", "123456.00"), ("€ 529,87", "529.87"), ("529,87 €", "529.87"), ("EUR 12.50", "12.50"),
    ("$4.11", "4.11"), ("Rs. 319.00", "319.00"), ("₹1,939", "1939"), ("12.50-", "-12.50"),
    ("(75.00)", "-75.00"), ("-0,00", "0.00"), ("0.5", "0.5"), ("1939", "1939"),
])
def test_amounts_in_all_conventions(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_ambiguous_three_decimals_follow_document_convention():
    assert parse_amount("1.234") == Decimal("1234")
    assert parse_amount("1.234", decimal_sep=".") == Decimal("1.234")
    assert parse_amount("1,234", decimal_sep=",") == Decimal("1.234")


@pytest.mark.parametrize("text", ["abc", "12/03/2026", "1.234.56", "", "19%x", "1,234.567.8"])
def test_non_amounts_are_rejected(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text, expected", [
    ("14.03.2026", date(2026, 3, 14)), ("2026-03-14", date(2026, 3, 14)), ("14/03/2026", date(2026, 3, 14)),
    ("14 March 2026", date(2026, 3, 14)), ("March 14, 2026", date(2026, 3, 14)), ("Aug 3 , 2014", date(2014, 8, 3)),
    ("14 mars 2026", date(2026, 3, 14)), ("14. März 2026", date(2026, 3, 14)), ("19 april 2014", date(2014, 4, 19)),
    ("14.03.26", date(2026, 3, 14)), ("02 Juillet 2015", date(2015, 7, 2)), ("8-9-2022", date(2022, 9, 8)),
    ("7. Mai 2014", date(2014, 5, 7)),
    # month abbreviations: Austrian "Jän.", French "déc." / "fév.", Polish three-letter forms
    ("12. Jän. 2026", date(2026, 1, 12)), ("12 déc. 2025", date(2025, 12, 12)), ("3 fév. 2026", date(2026, 2, 3)),
    ("16 sty 2026", date(2026, 1, 16)), ("14 lut 2026", date(2026, 2, 14)), ("5 paź 2026", date(2026, 10, 5)),
    ("5 paz 2026", date(2026, 10, 5)), ("2 gru 2026", date(2026, 12, 2)),
])
def test_dates_in_many_forms(text, expected):
    found, _ = parse_date(text)
    assert found == expected


def test_slash_dates_use_locale_and_flag_ambiguity():
    assert parse_date("03/04/2026", "mdy") == (date(2026, 3, 4), True)
    assert parse_date("03/04/2026", "dmy") == (date(2026, 4, 3), True)
    assert parse_date("03/04/2026") == (date(2026, 4, 3), True)
    assert parse_date("03/20/2023") == (date(2023, 3, 20), False)  # only one reading is a date
    assert parse_date("03.04.2026", "mdy") == (date(2026, 4, 3), False)  # dots are day-first


def test_date_order_evidence_from_unambiguous_dates():
    assert date_order_evidence("Invoice 03/20/2023 due 04/04/2023") == "mdy"
    assert date_order_evidence("Date 20/03/2023 due 04/04/2023") == "dmy"
    assert date_order_evidence("04/04/2023") is None


def test_iban_mod97():
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")
    assert not iban_valid("DE89370400440532013")  # wrong length for DE
    assert find_iban("IBAN: DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX")[0] == "DE89370400440532013000"


def test_vat_ids_by_country():
    found = [v for v, _, _ in find_vat_ids("USt-IdNr. DE 123 456 789, TVA FR40303265045, BTW NL810433941B01")]
    assert found == ["DE123456789", "FR40303265045", "NL810433941B01"]
    assert find_vat_ids("GSTIN 06AABCO6063D1ZQ")[0][0] == "06AABCO6063D1ZQ"


def test_month_names_tree_matches_the_longest_first_list():
    """The month alternation written as a tree of shared prefixes finds what the flat list
    of names, longest first, finds: same spans and groups, also where one name is another's
    prefix ("mar" / "marzo" / "marca")."""
    import random
    import re

    from invoicepipe.domain.extraction import parsing

    flat = "|".join(sorted((re.escape(m) for m in parsing.MONTHS), key=len, reverse=True))
    pairs = [(rx, re.compile(rx.pattern.replace(parsing._MONTH_ALT, flat), rx.flags)) for rx in (parsing.DMY_WORDS, parsing.MDY_WORDS)]
    assert all(parsing._MONTH_ALT in rx.pattern for rx, _ in pairs)
    months = list(parsing.MONTHS)
    bits = months + [m.upper() for m in months] + [m.title() for m in months] + [m[:3] for m in months] + \
        ["1", "12", "2026", "26", " ", ". ", "-", "/", ",", "st", "de ", "r."]
    rng = random.Random(3)
    for _ in range(5000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(1, 8)))
        for tree, plain in pairs:
            assert [(m.span(), m.groups()) for m in tree.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)], text
    assert parsing.longest_first_alternation(["mar", "marzo", "march", "may"]) == "m(?:a(?:r(?:zo|ch|)|y))"
    assert re.fullmatch(parsing.longest_first_alternation(["mar", "marzo"]), "marzo")
