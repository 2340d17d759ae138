"""Conventions the fox region's dev layouts met (issue 9, kv-2.21; kv-2.20 on its branch): a one-word number label
OCR misread ("Factuumummer"), a credit note's own total and number in its own words, the
rupee sign read as the yen's and the rupees named in the amount in words, a PO number with
the next cell's word glued to it, a date whose year the wrap moved to the next line."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.po_search import refine_po_number
from invoicepipe.domain.models import Vendor
from tests.unit.test_currency_agreement import ROUTABLE
from tests.unit.test_extraction_fields import doc_from_rows
from tests.unit.test_po_search import VENDOR_POS, found, page, with_po

SCAN = 0.93


def _field(rows: dict, name: str, vendors=(), confidence: float = 1.0):
    return extract_invoice(doc_from_rows(rows, confidence=confidence), list(vendors)).fields.get(name)


@pytest.mark.parametrize("misread", ["Factuumummer", "Factuumumrner", "Rechnungsnurnmer", "Fakturanurnmer"])
def test_a_one_word_number_label_as_ocr_misreads_it_labels_the_number(misread):
    rows = {0: "KIG Brabant", 2: [(40, misread), (200, "F2026-00361")], 3: [(40, "Factuurdatum"), (200, "20-01-2026")],
            6: [(300, "Totaal"), (420, "1.234,56")]}
    field = _field(rows, "invoice_number", confidence=SCAN)
    assert field is not None and field.value == "F2026-00361" and field.method == "label_right"
    # on a text layer the word is what was printed: no label
    printed = _field(rows, "invoice_number")
    assert printed is None or printed.method != "label_right"


def test_a_word_far_from_every_number_label_stays_no_label():
    rows = {0: "KIG Brabant", 2: [(40, "Kaartnummer"), (200, "F2026-00361")], 6: [(300, "Totaal"), (420, "1.234,56")]}
    field = _field(rows, "invoice_number", confidence=SCAN)
    # at most a number caption no list holds, its value offered to a person (``unknown_caption``)
    assert field is None or field.method != "label_right" or ("unknown_caption" in field.evidence and field.confidence <= 0.45)


@pytest.mark.parametrize("label, amounts", [
    ("Total Gutschrift", ("Fr. -48.32", "Fr. -3.91", "Fr. -52.23")),
    ("Gutschriftsbetrag", ("-48,32", "-3,91", "-52,23")),
    ("Total note de crédit", ("-48,32", "-3,91", "-52,23")),
    ("Totale nota di credito", ("-48,32", "-3,91", "-52,23")),
])
def test_a_credit_notes_own_total_in_its_words(label, amounts):
    rows = {0: "Stahlhandel Limmattal", 1: "Gutschrift R-2026-00227", 3: [(40, "Stahlrohr rund"), (420, amounts[0])],
            5: [(300, "Netto"), (420, amounts[0])], 6: [(300, "MWST 8.1%"), (420, amounts[1])],
            7: [(300, label), (420, amounts[2])], 9: [(40, "Artikel 11.53"), (420, "11.53")]}
    field = _field(rows, "total")
    assert field.value == "-52.23" and field.method == "label_right"


def test_credit_no_over_its_value_is_the_credit_memos_number():
    rows = {0: "Lone Star Electrical Supply", 1: "4410 Westway Park Blvd", 2: [(400, "Credit Memo")],
            3: [(400, "Date"), (460, "Credit No.")], 4: [(400, "2/1/2026"), (460, "305")],
            8: [(300, "Total"), (420, "($32.84)")]}
    field = _field(rows, "invoice_number")
    assert field.value == "305" and field.method == "label_below"
    # a card number is not the document's
    rows[3] = [(400, "Date"), (460, "Credit card no.")]
    other = _field(rows, "invoice_number")
    assert other is None or other.value != "305" or other.confidence < field.confidence


def _gst_invoice(total_sign: str, words: str = "") -> dict:
    rows = {0: "SHREE BALAJI PIPES & FITTINGS", 1: "GSTIN: 27AAPFU0939F1ZV", 2: "Invoice No. SBP/25-26/848",
            3: "Invoice Date 13-Jan-26", 5: [(40, "GI pipe 25 mm NB"), (420, "1,920.96")],
            7: [(300, "Total Taxable Value"), (420, "1,920.96")], 8: [(300, "Add: CGST"), (420, "172.89")],
            9: [(300, "Add: SGST"), (420, "172.89")], 10: [(300, "Round Off"), (420, "0.26")],
            11: [(300, "Invoice Total"), (420, f"{total_sign} 2,267.00")]}
    if words:
        rows[13] = words
    return rows


def test_a_yen_sign_read_on_an_indian_invoice_is_the_rupee():
    vendors = [Vendor("V1", "Shree Balaji Pipes & Fittings", currency="INR")]
    field = _field(_gst_invoice("¥"), "currency", vendors, confidence=0.85)
    assert field.value == "INR"
    # printed in a text layer, a yen sign is the yen
    assert _field(_gst_invoice("¥"), "currency", [Vendor("V1", "Tokyo Parts KK", currency="JPY")]).value == "JPY"


def test_rupees_in_the_amount_in_words_agree_with_master_and_country():
    vendors = [Vendor("V1", "Shree Balaji Pipes & Fittings", currency="INR")]
    rows = _gst_invoice("=", "Amount in Words: Rupees Two Thousand Two Hundred And Sixty-Seven Only")
    field = _field(rows, "currency", vendors, confidence=0.85)
    assert field.value == "INR" and field.confidence >= ROUTABLE and "reading" in field.evidence
    # "Rupees in words" is a label, no reading
    label_only = _field(_gst_invoice("=", "Rupees in words: Two Thousand Two Hundred Only"), "currency", vendors, 0.85)
    assert label_only.confidence < ROUTABLE


def test_an_open_po_with_the_next_cells_word_glued_to_it_is_found():
    doc = page("Votre commande n° 4500010521BL n° 80403102")
    value, confidence, method = found(refine_po_number(with_po("4500010521BL", 0.45), doc, VENDOR_POS))
    assert (value, method) == ("4500010521", "vendor_open_po") and confidence >= 0.95
    # digits glued to digits are another number
    assert found(refine_po_number(with_po(), page("Ref 45000105219"), VENDOR_POS)) is None


def test_a_date_whose_year_wrapped_to_the_next_line_is_read_whole():
    rows = {0: "Tornillería del Ebro", 1: "Factura Nº F2026/00144", 2: "Fecha 08-ene-2026",
            6: [(300, "Total factura"), (420, "4.347,77 €")],
            8: "Forma de pago: transferencia · IBAN ES36 8903 7002 0143 9277 1505 · Vencimiento: 09-mar-", 9: "2026"}
    field = _field(rows, "due_date")
    assert field is not None and field.value == "2026-03-09"
    # a hyphen-ended word with no year under it is no date
    rows[9] = "Tornillería Industrial del Ebro, S.L."
    field = _field(rows, "due_date")
    assert field is None or field.value != "2026-03-09"


def _boxed_title(title_words: list[tuple[float, str]], number_word: str, confidence: float = SCAN):
    """A document box: a large title (split as OCR may split it) over "<number word> F2026/00154"."""
    from dataclasses import replace as _replace

    from invoicepipe.domain.models import Box

    rows = {0: [(40, "Tornillería del Ebro")] + title_words, 1: [(40, "Polígono Malpica, calle F 12")],
            2: [(40, "Tel. +34 976 837075"), (400, f"{number_word} F2026/00154")], 3: [(400, "Fecha 04-mar-2026")],
            7: [(300, "Total factura"), (420, "4.347,77 €")]}
    doc = doc_from_rows(rows, confidence=confidence)
    page = doc.pages[0]
    words = tuple(_replace(w, box=Box(w.box.x0, w.box.top - 6, w.box.x1 + 4, w.box.bottom)) if w.box.x0 >= 400
                  and w.box.top == 40 else w for w in page.words)
    return extract_invoice(_replace(doc, pages=(_replace(page, words=words),)), []).fields.get("invoice_number")


def test_a_title_ocr_cut_in_two_still_heads_its_box():
    whole = _boxed_title([(400, "FACTURA")], "Nº")
    split = _boxed_title([(400, "FACTU"), (441, "RA")], "Nº")
    assert whole.value == split.value == "F2026/00154" and split.method == "title_number"
    # two capitals that make no document word are no title
    other = _boxed_title([(400, "PEDI"), (432, "DO")], "Nº")
    assert other is None or other.method != "title_number"


def test_the_raised_ordinal_read_ne_under_a_title():
    field = _boxed_title([(400, "FACTURA")], "Ne")
    assert field.value == "F2026/00154" and field.method == "title_number"
    # printed so in a text layer, "Ne" is a word
    printed = _boxed_title([(400, "FACTURA")], "Ne", confidence=1.0)
    assert printed is None or printed.method != "title_number"


def test_the_raised_ordinal_read_as_an_asterisk_completes_the_label():
    from invoicepipe.domain.extraction.labels import find_labels
    from invoicepipe.domain.extraction.layout import make_line
    from invoicepipe.domain.models import Box, Word

    def hits(conf):
        words = [Word(t, Box(40 + 50 * i, 0, 85 + 50 * i, 10), 1, conf) for i, t in enumerate(["FACTURE", "N*"])]
        return [(h.field, h.strength) for h in find_labels(make_line(1, words, 0))]
    assert hits(0.9) == [("invoice_number", 1.0)]
    assert hits(1.0) != [("invoice_number", 1.0)]  # a text layer's "*" is what was printed


def test_the_raised_ordinal_read_no_under_a_title():
    field = _boxed_title([(400, "FACTU"), (441, "RA")], "No")
    assert field.value == "F2026/00154" and field.method == "title_number"


@pytest.mark.parametrize("name, caption, value", [
    ("invoice_number", "Factuurnum mer", "F2026-00361"),
    ("invoice_date", "Factuurd atum", "2026-01-20"),
    ("invoice_date", "Rechnungsd atum", "2026-01-20"),
])
def test_a_one_word_label_ocr_cut_in_two_labels_its_value(name, caption, value):
    # OCR read a space inside the compound: joined, the two words are the label
    rows = {0: "KIG Brabant", 2: [(40, "Nummer"), (200, "F2026-00361")], 3: [(40, "Datum"), (200, "20-01-2026")],
            4: [(40, "Leverdatum"), (200, "18-01-2026")], 6: [(300, "Totaal"), (420, "1.234,56")]}
    rows[2 if name == "invoice_number" else 3] = [(40, caption), (200, "F2026-00361" if name == "invoice_number" else "20-01-2026")]
    field = _field(rows, name, confidence=SCAN)
    assert field is not None and field.value == value and field.method == "label_right"
    printed = _field(rows, name)
    assert printed is None or printed.method != "label_right" or printed.evidence != field.evidence
