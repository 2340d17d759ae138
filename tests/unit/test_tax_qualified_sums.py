"""Sum labels whose tax word is qualified after it, as the romance languages print them
("Totale IVA esclusa", "Total (IVA incluido)", "Total TVA comprise"), and the buyer's order
named as "yours" without a number word (``extraction.vocabulary``)."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import fold_accents, labels_in_text
from tests.unit.test_extraction_fields import doc_from_rows


def _fields(text: str) -> list[tuple[str, float]]:
    return [(f, s) for f, s, _, _, _ in labels_in_text(fold_accents(text).lower())]


@pytest.mark.parametrize("label", ["Totale IVA esclusa", "Totale (IVA esclusa)", "Importo IVA esclusa", "Total IVA excluido",
                                   "Total (IVA no incluido)", "Total TVA non comprise", "Valor IVA não incluído",
                                   "Totale al netto dell'IVA"])
def test_a_sum_leaving_the_tax_out_is_the_net(label):
    assert _fields(f"{label} 254,40") == [("net", 1.0)]


@pytest.mark.parametrize("label", ["Totale IVA inclusa", "Totale IVA compresa", "Importo totale (IVA inclusa)", "Total IVA incluido",
                                   "Importe total (IVA incluido)", "Total c/ IVA incluído", "Total TVA incluse",
                                   "Montant TVA comprise", "Totaal incl. btw", "Totaal inclusief btw"])
def test_a_sum_with_the_tax_in_is_the_total(label):
    assert _fields(f"{label} 275,00") == [("total", 1.0)]


@pytest.mark.parametrize("text", ["Prezzo unitario (IVA esclusa)", "IVA inclusa", "Prezzi IVA compresa", "Precios IVA incluida"])
def test_a_tax_word_qualified_after_it_labels_no_tax_amount(text):
    assert ("tax", 0.8) not in _fields(text)


def test_the_tax_row_itself_stays_the_tax():
    assert _fields("IVA 8.1% 20,61") == [("tax", 0.8)]
    assert _fields("Totale IVA 20,61") == [("tax", 0.8)]


def test_an_italian_swiss_invoice_reads_net_tax_and_total():
    ex = extract_invoice(doc_from_rows({
        0: "Utensileria Ticinese SA", 2: "Fattura n. FT-2026-0680", 3: "Data 12.1.2026", 4: "Pagabile entro 11.2.2026",
        10: [(40, "Totale IVA esclusa"), (300, "Fr."), (450, "254.40")],
        11: [(40, "IVA 8.1%"), (300, "Fr."), (450, "20.61")],
        12: [(40, "Arrotondamento"), (300, "Fr."), (450, "-0.01")],
        13: [(40, "Totale IVA inclusa"), (300, "Fr."), (450, "275.00")]}), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("254.40", "20.61", "275.00")
    assert ex.value("due_date") == "2026-02-11"


@pytest.mark.parametrize("label", ["Your order", "Vostra ordinazione", "Sua encomenda", "Nº de encomenda", "Uw bestelling",
                                   "Beställningsnummer"])
def test_the_buyers_order_named_as_theirs_labels_the_po(label):
    assert [f for f, _ in _fields(f"{label} 4500010236")] == ["po_number"]


def test_an_order_confirmation_or_date_is_no_po_label():
    assert "po_number" not in [f for f, _ in _fields("Your order confirmation 12")]
    assert _fields("Your order of 3 March") == []
