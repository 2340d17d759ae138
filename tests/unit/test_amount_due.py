"""The amount due (BT-115): read under its own label in each language, the total less a
printed prepayment, or the total itself when nothing was paid in advance."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _invoice(extra: dict, total_label: str = "Gesamtbetrag", total: str = "529,87") -> dict:
    rows = {
        0: "Muster Bürobedarf GmbH",
        3: "Rechnungsnummer: RE-2026-0042",
        4: "Rechnungsdatum: 14.03.2026",
        12: [(300, "Summe netto"), (450, "445,26")],
        13: [(300, "MwSt. 19 %"), (450, "84,61")],
        14: [(300, total_label), (450, total)],
    }
    rows.update(extra)
    return rows


def test_a_prepayment_and_the_amount_left_to_pay():
    ex = extract_invoice(doc_from_rows(_invoice({15: [(300, "Erhaltene Anzahlungen"), (450, "-200,00")],
                                                 16: [(300, "Zahlbetrag"), (450, "329,87")]})), [])
    assert ex.value("total") == "529.87"
    assert ex.value("amount_due") == "329.87"
    assert "total_less_prepaid" in ex.fields["amount_due"].evidence


@pytest.mark.parametrize("label, text", [
    ("Amount due", "1,234.50"), ("Balance due", "1,234.50"), ("Zahlbetrag", "1.234,50"), ("Fälliger Betrag", "1.234,50"),
    ("Noch zu zahlen", "1.234,50"), ("Restbetrag", "1.234,50"), ("Montant à payer", "1 234,50 €"),
    ("Net à payer", "1 234,50"), ("Reste à payer", "1 234,50"), ("Importe a pagar", "1.234,50"),
    ("Da pagare", "1.234,50"), ("Te betalen", "€ 1.234,50"), ("Do zapłaty", "1 234,50 zł"), ("Valor a pagar", "1.234,50"),
    ("Residual", "1,234.50 €"),
])
def test_due_labels_in_each_language(label, text):
    rows = {0: "Rechnungsnummer: 7", 10: [(40, "Prepaid amount"), (450, "100,00")], 12: [(40, label), (450, text)]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("amount_due") == "1234.50"


def test_without_a_due_line_or_a_prepayment_the_total_is_due_with_its_own_tag():
    ex = extract_invoice(doc_from_rows(_invoice({})), [])
    assert ex.value("amount_due") == ex.value("total") == "529.87"
    assert ex.fields["amount_due"].evidence == ("total_as_due",)
    assert ex.fields["amount_due"].confidence < ex.fields["total"].confidence


def test_a_prepayment_without_a_due_line_claims_nothing():
    ex = extract_invoice(doc_from_rows(_invoice({15: [(300, "Bereits gezahlt"), (450, "100,00")]})), [])
    assert ex.value("amount_due") is None


def test_a_zero_prepayment_leaves_the_total_due():
    ex = extract_invoice(doc_from_rows(_invoice({15: [(300, "Erhaltene Anzahlungen"), (450, "-0,00")],
                                                 16: [(300, "Zahlbetrag"), (450, "529,87")]})), [])
    assert ex.value("amount_due") == "529.87"
    assert "equals_total" in ex.fields["amount_due"].evidence


def test_a_due_date_label_sharing_the_words_is_no_amount():
    rows = _invoice({16: [(40, "Da pagare entro il 30.04.2026")]})
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("amount_due") == "529.87"
    assert ex.fields["amount_due"].evidence == ("total_as_due",)


def test_a_boxed_label_over_its_value():
    rows = _invoice({18: [(300, "Amount Due")], 19: [(300, "529,87 EUR")]})
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("amount_due") == "529.87"
    assert ex.fields["amount_due"].method == "label_below"


def test_a_credit_note_owes_its_negative_total():
    rows = {0: "Muster SARL", 2: "Avoir", 3: "Numéro: AV-2026-0042", 12: [(300, "Total HT"), (450, "1 234,56-")],
            13: [(300, "TVA 20 %"), (450, "246,91-")], 14: [(300, "Total TTC"), (450, "1 481,47-")],
            15: [(300, "Net à payer"), (450, "1 481,47-")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("amount_due") == "-1481.47"
    assert "equals_total" in ex.fields["amount_due"].evidence


@pytest.mark.parametrize("withheld, due_label", [
    ("Retención IRPF 15 %", "Líquido a percibir"), ("Ritenuta d'acconto 20 %", "Netto a pagare"),
    ("Retenção na fonte 25 %", "Valor líquido a receber"),
])
def test_a_withholding_and_the_amount_left_to_pay(withheld, due_label):
    # a professional's fee: the buyer keeps the withholding back for the tax office, and
    # the letter names it once in its prose and again in its table
    ex = extract_invoice(doc_from_rows(_invoice({
        8: "deberán practicar una retención del 15 % a cuenta del IRPF (66,79 €), es decir",
        15: [(300, withheld), (450, "-66,79")],
        16: [(300, due_label), (450, "463,08")]})), [])
    assert ex.value("total") == "529.87"
    assert ex.value("amount_due") == "463.08"
    assert "total_less_withheld" in ex.fields["amount_due"].evidence


def test_a_withholding_without_a_due_line_claims_nothing():
    ex = extract_invoice(doc_from_rows(_invoice({15: [(300, "Retención IRPF 15 %"), (450, "-66,79")]})), [])
    assert ex.value("total") == "529.87"
    assert ex.value("amount_due") is None
