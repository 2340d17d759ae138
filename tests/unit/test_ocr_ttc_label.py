""""TTC" set in capitals on a dark band, read by OCR as "TIC", "TlC", "ITC" or "TTG", still
completes the French gross-total label wrapped under "Montant"; a text
layer's word is what was printed."""
import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {0: "Outillage Ligérien SARL", 1: "Facture n° FC-2600277"}


def _extract(rows: dict, confidence: float):
    return extract_invoice(doc_from_rows({**HEAD, **rows}, confidence=confidence), [])


@pytest.mark.parametrize("misread", ["TIC", "TlC", "ITC", "TTG"])
def test_a_wrapped_montant_over_a_misread_ttc_labels_the_total(misread):
    ex = _extract({10: [(300, "Montant HT"), (450, "3960,24")], 12: [(300, "TVA à 20 %"), (450, "792,05")],
                   14: (300, "Montant"), 15: [(300, misread), (450, "4752,29 €")],
                   18: [(40, "Escompte pour paiement anticipé : néant"), (300, "Acompte"), (450, "9999,99")]}, 0.9)
    assert (ex.value("total"), ex.fields["total"].method) == ("4752.29", "label_right")


def test_a_text_layers_tic_is_what_was_printed():
    ex = _extract({10: [(300, "Montant HT"), (450, "100,00")], 12: [(300, "TVA 20 %"), (450, "20,00")],
                   14: (300, "Montant"), 15: [(300, "TIC"), (450, "120,00")]}, 1.0)
    assert ex.fields["total"].method != "label_right"
