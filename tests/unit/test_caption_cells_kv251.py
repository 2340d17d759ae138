"""kv-2.51: a label's field is its own cell, and a row of captions tells its boxes apart.

- A series code that ends the label's cell ("SĄSKAITA FAKTŪRA NR. KNM" over "000848") is the
  number's first part even when a logo's letters stand a cell further on the same line; a
  word the vocabulary knows there ("Nr faktury VAT") is none.
- A value right of a wrapped caption's lower line, under the next box's caption ("Data
  wystawienia /" over "Issue date", "Do zapłaty do dnia" over the due date), is the next
  box's, however short that caption's first word.
- "Facturé le" (invoiced on) dates the invoice; its folded "facture le" opens no number label
  ("Facture No  Facturé le  Échéance").
- A code so joined is the vendor's series where the page prints it before another number
  of the same shape (the credited invoice's "KNM 000843"); else it stays a person's call.
- A caption of the document's word and a number word ("Nr dok.") leads to the value under it
  on a scan as in print: its bound is on the placement, not on the word's OCR confidence.
- "FT" over "A2026/562" under "Doc. n.º" in a row that speaks Portuguese ("Dt. emissão") is
  the document type's code by law, as under a Portuguese label.
- The Latvian credit note's "Kredītrēķina numurs" captions its own number.
"""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import keep_label_languages
from invoicepipe.domain.extraction.search import NEXT_COLUMN_PLACEMENT

from .test_extraction_fields import doc_from_rows
from .test_extraction_robustness import doc

PREFIX_DOUBT = 0.45  # number_prefix.PREFIX_DOUBT_CONFIDENCE


def _fields(rows, confidence: float = 1.0):
    return extract_invoice(doc_from_rows(rows, confidence=confidence), []).fields


def test_a_code_ending_the_labels_cell_is_joined_though_a_logo_shares_its_line():
    rows = {0: "KREDITINĖ SĄSKAITA", 1: [(40, "FAKTŪRA NR. KNM"), (500, "KN")], 2: [(40, "000848")],
            4: "Data / Date: 2026-05-05", 6: [(300, "Iš viso apmokėti"), (450, "78,80 EUR")]}
    field = _fields(rows)["invoice_number"]
    assert field.value == "KNM 000848" and "code_joined" in field.evidence and field.confidence <= PREFIX_DOUBT
    # without the logo the same: the logo changed nothing of the label's field
    rows[1] = [(40, "FAKTŪRA NR. KNM")]
    assert _fields(rows)["invoice_number"].value == "KNM 000848"


def test_a_joined_code_the_page_prints_before_another_number_of_its_shape_is_the_series():
    # the credited invoice's reference "KNM 000843": the vendor numbers its papers so
    rows = {0: "KREDITINĖ SĄSKAITA", 1: [(40, "FAKTŪRA NR. KNM")], 2: [(40, "000848")],
            4: "Data / Date: 2026-05-05", 6: [(300, "Iš viso apmokėti"), (450, "78,80 EUR")],
            8: "Kreditinė sąskaita sąskaitai Nr. KNM 000843"}
    field = _fields(rows)["invoice_number"]
    assert field.value == "KNM 000848" and "series_printed_elsewhere" in field.evidence and field.confidence > PREFIX_DOUBT
    # the same code before a number of another shape (a year, a short count) witnesses nothing
    for other in ("KNM 2026", "KNM 12"):
        rows[8] = f"Kreditinė sąskaita sąskaitai Nr. {other}"
        field = _fields(rows)["invoice_number"]
        assert field.value == "KNM 000848" and field.confidence <= PREFIX_DOUBT, (other, field)


def test_a_word_the_vocabulary_knows_after_the_label_is_no_series_code():
    keep_label_languages(frozenset({"en"}))
    try:
        rows = {0: [(40, "HURTOWNIA BUDOWLANA WARTA")],
                3: [(309, "Nr faktury VAT"), (420, "Data wystawienia")],
                4: [(309, "FV/479/02/2026"), (420, "2026-02-10")],
                7: [(300, "Razem"), (450, "35,57 zł")]}
        field = _fields(rows)["invoice_number"]
        assert field.value == "FV/479/02/2026" and "code_joined" not in field.evidence, field
    finally:
        keep_label_languages(None)


def _row_of_boxes(due_caption: str):
    # "Faktura nr / Invoice" over "No.", "Data wystawienia /" over "Issue date", and the due
    # date's caption on one line: its value sits right of "Issue date", under its own caption
    return doc([(37, 40, "HURTOWNIA BUDOWLANA WARTA"),
                (309, 133, "Faktura nr / Invoice"), (399, 133, "Data wystawienia /"), (486, 133, due_caption),
                (309, 142, "No."), (399, 142, "Issue date"), (486, 142, "2026-04-19"),
                (309, 151, "FV/441/04/2026"), (399, 151, "2026-04-05"),
                (366, 328, "Należność ogółem"), (514, 328, "35,57 zł")], method="pdf_text")


def test_a_value_under_the_next_boxes_short_worded_caption_is_that_boxes():
    fields = extract_invoice(_row_of_boxes("Do zapłaty do dnia"), []).fields
    assert fields["invoice_date"].value == "2026-04-05", fields["invoice_date"]
    assert fields["due_date"].value == "2026-04-19", fields.get("due_date")
    # a caption no list holds, its first word two letters: the next box's all the same
    date = extract_invoice(_row_of_boxes("Do końca dnia"), []).fields["invoice_date"]
    assert date.value != "2026-04-19" or date.confidence <= NEXT_COLUMN_PLACEMENT, date


def test_invoiced_on_dates_the_invoice_in_a_row_of_captions():
    # "Facturé le" (folded "facture le") before the next caption's "N°" opened an invoice
    # number's label ("facture ... N°"): the date under it was read by its row alone, held
    rows = {0: "VISSERIE DU RHÔNE",
            3: [(37, "SOCIÉTÉ"), (309, "N° avoir"), (397, "Facturé le"), (485, "N° de BL")],
            4: [(37, "Meridian France SAS"), (309, "F2026-00584"), (397, "07/02/2026"), (485, "85466153")],
            8: [(300, "Total TTC"), (450, "-57,60 €")]}
    fields = _fields(rows)
    assert fields["invoice_number"].value == "F2026-00584"
    date = fields["invoice_date"]
    assert date.value == "2026-02-07" and date.method == "label_below", date
    # "Facture No  Facturé le": nor is "No Facturé" the number word before the invoice's word
    rows = {0: "VISSERIE DU RHÔNE",
            3: [(43, "Facture No"), (121, "Facturé le"), (201, "Échéance de paiement"),
                (303, "N° de bon de commande"), (414, "Numéro client"), (484, "Affaire suivie par")],
            4: [(43, "F2026-00675"), (121, "26 mars 2026"), (201, "25 avril 2026"), (303, "4500010280"),
                (414, "15014"), (484, "A. Berzina")],
            8: [(300, "Total TTC"), (450, "6 382,13 €")]}
    fields = _fields(rows)
    assert fields["invoice_number"].value == "F2026-00675"
    date = fields["invoice_date"]
    assert date.value == "2026-03-26" and date.method == "label_below", date


def test_the_documents_word_and_a_number_word_lead_on_a_scan_as_in_print():
    keep_label_languages(frozenset({"en"}))
    try:
        rows = {0: "HURTOWNIA BUDOWLANA WARTA",
                3: [(40, "KLIENT"), (308, "Nr dok."), (398, "Data wyst.")],
                4: [(40, "Meridian Polska"), (308, "FV/213/02/2026"), (398, "17 lutego 2026")],
                8: [(300, "Razem"), (450, "2 638,97 zł")]}
        printed = _fields(rows)["invoice_number"]
        scanned = _fields(rows, confidence=0.93)["invoice_number"]
        assert "invoice_caption" in printed.evidence, printed
        assert scanned.value == "FV/213/02/2026" and "invoice_caption" in scanned.evidence, scanned
    finally:
        keep_label_languages(None)


def test_the_latvian_credit_notes_number_caption_in_full():
    # "Kredītrēķina numurs" as "Kredītrēķina nr.": the note's own number, not a caption no list holds
    rows = {0: "BIROJA PRECES DAUGAVA", 1: "Kredītrēķins", 3: "Kredītrēķina numurs: BPD-00595",
            4: "Izrakstīts (datums): 16.03.2026.", 6: [(300, "Kopā apmaksai"), (450, "-27,76 EUR")]}
    field = _fields(rows)["invoice_number"]
    assert field.value == "BPD-00595" and "unknown_caption" not in field.evidence and field.confidence > PREFIX_DOUBT


def test_a_portuguese_type_code_under_a_shared_label_in_a_portuguese_row():
    # "Doc. n.º" is a label the languages share; "Dt. emissão" beside it says the row is
    # Portuguese, so "FT" over "A2026/562" in the number's cell is the document's type by law
    rows = {0: "Ferramentas do Ave", 1: "FATURA",
            3: [(43, "Doc. n.º"), (115, "Dt. emissão"), (209, "Prazo de pagamento")],
            4: [(43, "FT"), (115, "28 de abril de"), (209, "28 de maio de")],
            5: [(43, "A2026/562"), (115, "2026"), (209, "2026")],
            8: [(300, "Total a pagar"), (450, "316,83 EUR")]}
    field = _fields(rows)["invoice_number"]
    assert field.value == "FT A2026/562" and "document_type_code" in field.evidence and field.confidence > PREFIX_DOUBT
    # the same row in English keeps the code a person's call
    rows[3] = [(43, "Doc. n.º"), (115, "Issue date"), (209, "Due date")]
    field = _fields(rows)["invoice_number"]
    assert field.value == "FT A2026/562" and field.confidence <= PREFIX_DOUBT, field
