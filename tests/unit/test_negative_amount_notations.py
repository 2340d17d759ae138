"""Credit notes print their amounts negative in several ways: a trailing minus (also after
a space-grouped amount or a currency sign), brackets, a leading minus. Each is read with its
sign and its thousands, and net, tax and total are chosen from them as from positive ones."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.parsing import parse_amount
from tests.unit.test_extraction_fields import doc_from_rows


@pytest.mark.parametrize("text, value", [
    ("49,56-", "-49.56"), ("€ 49,56-", "-49.56"), ("1.234,56-", "-1234.56"), ("(1,234.56)", "-1234.56"),
    ("-1 234,56", "-1234.56"), ("1'234.55-", "-1234.55"), ("CHF 1'234.55-", "-1234.55"), ("(€ 1,234.56)", "-1234.56"),
])
def test_negative_notations_parse_with_their_sign(text, value):
    assert str(parse_amount(text)) == value


@pytest.mark.parametrize("text, value", [
    ("Total 1 234,56-", "-1234.56"), ("Total (1 234,56)", "-1234.56"), ("Total -1 234,56", "-1234.56"),
    ("Total 1 234,56-€", "-1234.56"), ("Total 1 234,56", "1234.56"),
])
def test_a_space_grouped_amount_keeps_its_thousands_and_its_sign(text, value):
    line = build_layout(doc_from_rows({0: text})).lines[0]
    assert [str(a.value) for a in amounts_on(line, ",", 5.0)] == [value]


def test_an_unclosed_bracket_joins_no_group():
    # "(1" and "234,56" without the closing bracket are no one bracketed amount
    line = build_layout(doc_from_rows({0: "Ref (1 234,56"})).lines[0]
    assert "-1234.56" not in [str(a.value) for a in amounts_on(line, ",", 5.0)]


@pytest.mark.parametrize("net, tax, total", [
    ("1 234,56-", "246,91-", "1 481,47-"), ("(1 234,56)", "(246,91)", "(1 481,47)"), ("-1 234,56", "-246,91", "-1 481,47 €"),
    ("1.234,56-", "246,91-", "€ 1.481,47-"),
])
def test_a_credit_note_with_negative_totals_gets_net_tax_and_total(net, tax, total):
    ex = extract_invoice(doc_from_rows({
        0: "Muster SARL",
        2: "Avoir",
        3: "Numéro: AV-2026-0042",
        12: [(300, "Total HT"), (450, net)],
        13: [(300, "TVA 20 %"), (450, tax)],
        14: [(300, "Total TTC"), (450, total)],
    }), [])
    assert ex.value("document_type") == "credit_note"
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("-1234.56", "-246.91", "-1481.47")
