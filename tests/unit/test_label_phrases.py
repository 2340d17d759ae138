"""Label phrases real invoices print, per field and language (issue 9 point 2): each names its
field whole, at a strength that can route (``extraction.vocabulary``). The phrases come from
an audit of the vocabulary against the wording of common billing programs, not from a set."""

import pytest

from invoicepipe.domain.extraction.labels import fold_accents, labels_in_text

PHRASES = [
    ("invoice_number", "Documento n."), ("invoice_number", "N° documento"), ("invoice_number", "Documento n.º"),
    ("invoice_number", "Nr dokumentu"), ("invoice_number", "Fatura-Recibo n.º"), ("invoice_number", "Réf. facture"),
    ("invoice_number", "Faktura - daňový doklad č."), ("invoice_number", "Opravný daňový doklad č."),
    ("invoice_date", "Émise le"), ("invoice_date", "Data do documento"),
    ("due_date", "Fecha vencimiento"), ("due_date", "Data vencimento"), ("due_date", "Pagabile entro"),
    ("po_number", "Commande n°"), ("po_number", "Réf. commande"), ("po_number", "Votre référence commande"),
    ("po_number", "Ihr Auftrag"), ("po_number", "Nota de encomenda"), ("po_number", "Your order"),
    ("net", "Sous-total"), ("net", "Base HT"), ("net", "Net HT"), ("net", "Bedrag excl. btw"),
    ("net", "Totaal exclusief btw"), ("net", "Totale IVA esclusa"),
    ("total", "Montant total"), ("total", "Montant dû"), ("total", "Solde dû"), ("total", "Reste à payer"),
    ("total", "Totaal te betalen"), ("total", "Factuurbedrag"), ("total", "Totale a pagare"), ("total", "Gesamt brutto"),
    ("total", "Totale IVA inclusa"), ("total", "Importe total (IVA incluido)"),
    ("due_date", "Samaksāt līdz"), ("due_date", "Apmaksāt līdz"),
    # a second audit of common phrasings, each missed before kv-2.33
    ("invoice_number", "Faktura-Nr."), ("invoice_number", "Nr. fattura"), ("invoice_number", "Dokumentnummer"),
    ("invoice_number", "N° de pièce"), ("invoice_number", "Pièce n°"),
    ("invoice_date", "Rechnungsdatum/Leistungsdatum"), ("invoice_date", "Rechnungs- und Lieferdatum"),
    ("invoice_date", "Invoice/Tax Point Date"), ("invoice_date", "Data dokumentu"),
    ("due_date", "Fecha vto."), ("due_date", "F. Vcto."), ("po_number", "Pedido de compra"),
    # a correcting invoice's own number, Polish and Lithuanian (kv-2.34)
    ("invoice_number", "Korekta nr"), ("invoice_number", "Faktura korygująca nr"), ("invoice_number", "Nr korekty"),
    ("invoice_number", "Kreditinės sąskaitos Nr."),
]


def test_a_title_and_a_number_sign_across_a_value_are_no_label():
    # "FACTURÉ À" (bill to), the number, then its caption "N° de facture": the caption alone
    text = fold_accents("FACTURÉ À F2026-00153 N° de facture").lower()
    numbers = [(text[start:end], strength) for f, strength, _, start, end in labels_in_text(text) if f == "invoice_number"]
    assert ("n° de facture", 1.0) in numbers and all("f2026" not in t for t, _ in numbers), numbers


@pytest.mark.parametrize("field,phrase", PHRASES)
def test_a_phrase_names_its_field_whole(field, phrase):
    text = fold_accents(f"{phrase} 123,45").lower()
    hits = labels_in_text(text)
    assert [(f, start, end) for f, _, _, start, end in hits] == [(field, 0, len(phrase))], hits
    assert hits[0][1] >= 0.8


def test_an_abbreviated_document_number_is_as_strong_as_the_whole_word():
    # the page's own document number, as "Nº doc." and "Documento n." are; a receipt's stays weak
    for text in ("doc. no. 123,45", "document no. 123,45", "Dok. Nr. 123,45"):
        assert [(h[0], h[1]) for h in labels_in_text(text)] == [("invoice_number", 0.9)], text
    assert [(h[0], h[1]) for h in labels_in_text("receipt no. 123,45")] == [("invoice_number", 0.6)]


def test_a_date_word_before_the_due_word_is_not_the_invoice_date():
    assert [h[0] for h in labels_in_text("fecha vencimiento 08/02/2026")] == ["due_date"]


def test_the_polish_bare_number_word_before_a_series_code():
    assert [h[0] for h in labels_in_text("Numer FS 291/2026")] == ["invoice_number"]
    # other numbers the word names: a tax id, the national e-invoice system's number
    assert "invoice_number" not in [h[0] for h in labels_in_text("Numer NIP 1234567890")]
    assert "invoice_number" not in [h[0] for h in labels_in_text("Numer KSeF 5261040828-20260123-ABCD")]


def test_the_spanish_de_misread_between_number_sign_and_document_word():
    assert [h[0] for h in labels_in_text(fold_accents("n° jo factura 26f000401"))] == ["invoice_number"]
