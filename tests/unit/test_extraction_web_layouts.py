"""Habits of invoices printed from HTML (the "fresh" fixture region): a large title on a line of
its own, rows of narrow boxed labels over their values, a bare "Numero" box under the title,
the Belgian "note de crédit", and a value OCR read twice over itself."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.layout import group_lines
from invoicepipe.domain.models import Box, DocumentText, Page, Word

from tests.unit.test_extraction_fields import doc_from_rows


def _w(text: str, x0: float, top: float, x1: float, bottom: float, confidence: float = 1.0) -> Word:
    return Word(text, Box(x0, top, x1, bottom), 1, confidence)


def test_a_large_title_in_a_gap_of_its_own_is_not_glued_to_the_line_above():
    words = [_w("P.IVA:", 261, 155, 280, 163), _w("IT26398607195", 283, 155, 340, 163),
             _w("FATTURA", 262, 179, 339, 196),  # twice the body size, 16 pt below the line above
             _w("Spett.le", 45, 214, 74, 221), _w("Meridian", 45, 224, 85, 233)]
    texts = [ln.text for ln in group_lines(words, 1)]
    assert texts == ["P.IVA: IT26398607195", "FATTURA", "Spett.le", "Meridian"]


def test_a_tall_ocr_blot_still_joins_the_row_it_reaches_into():
    words = [_w("Total", 40, 100, 70, 110), _w("12,50", 200, 100, 230, 110), _w("§", 120, 95, 126, 125)]
    assert [ln.text for ln in group_lines(words, 1)] == ["Total § 12,50"]


def test_narrow_boxed_labels_take_the_value_of_their_own_column():
    # the invoice date's value reaches past its label's right end, into the reach the
    # search allows left of "Payment due" for right-aligned values
    words = [_w("Invoice", 100, 60, 130, 68), _w("No.", 132, 60, 145, 68),
             _w("Invoice", 160, 60, 190, 68), _w("date", 192, 60, 210, 68),
             _w("Payment", 232, 60, 265, 68), _w("due", 267, 60, 282, 68),
             _w("CVF000082", 100, 75, 145, 83), _w("08/01/2026", 160, 75, 218, 83),
             _w("07/02/2026", 232, 75, 280, 83)]
    doc = DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test")
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "CVF000082"
    assert ex.value("invoice_date") == "2026-01-08"
    assert ex.value("due_date") == "2026-02-07"


def test_digit_groups_of_an_amount_under_its_label_stay_one_value():
    # "11 852,93" right-aligned under "Total HT": its first group lies left of the label
    words = [_w("Total", 434, 60, 452, 68), _w("HT", 457, 60, 466, 68),
             _w("Montant", 509, 60, 541, 68), _w("TVA", 544, 60, 559, 68),
             _w("TVA", 291, 75, 308, 83), _w("20", 313, 75, 324, 83), _w("%", 329, 75, 335, 83),
             _w("11", 419, 75, 429, 83), _w("852,93", 433, 75, 464, 83),
             _w("2", 517, 75, 521, 83), _w("370,59", 525, 75, 556, 83)]
    doc = DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test")
    assert extract_invoice(doc, []).value("net") == "11852.93"


def test_a_bare_number_box_under_the_title_heads_the_invoice_number():
    doc = doc_from_rows({
        0: "Utensileria Emiliana S.r.l.",
        2: [(250, "FATTURA")],
        4: "Spett.le",
        5: "Meridian Italia S.r.l.",
        7: [(40, "NUMERO"), (150, "DATA DOCUMENTO"), (300, "SCADENZA")],
        8: [(40, "739/2026"), (150, "13/01/2026"), (300, "14/03/2026")],
    })
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "739/2026"
    assert ex.fields["invoice_number"].method == "label_below"


def test_a_table_number_column_is_not_the_invoice_number():
    doc = doc_from_rows({
        0: "Utensileria Emiliana S.r.l.",
        2: [(250, "FATTURA")],
        4: [(40, "Fattura n. 739/2026"), (300, "Data 13/01/2026")],
        6: [(40, "Numero"), (120, "Descrizione"), (300, "Importo")],
        7: [(40, "12"), (120, "Vite TE M8x40"), (300, "45,00")],
    })
    assert extract_invoice(doc, []).value("invoice_number") == "739/2026"


def test_belgian_note_de_credit_is_a_credit_note():
    doc = doc_from_rows({0: "Quincaillerie Mosane", 2: "NOTE DE CRÉDIT", 3: "Facture n° F2026/00812",
                         4: "Date de facture 08/01/2026", 8: [(300, "Total TVAC"), (450, "121,00 €")]})
    assert extract_invoice(doc, []).value("document_type") == "credit_note"


def test_a_value_ocr_read_twice_over_itself_is_doubted():
    def doc(second: bool) -> DocumentText:
        words = [_w("Nº", 100, 60, 110, 68), _w("de", 112, 60, 122, 68), _w("factura", 124, 60, 160, 68),
                 _w("FE2026-0077", 100, 75, 155, 83, 0.92)]
        if second:  # the same place read again: "26-00775" over the end of the first reading
            words.append(_w("26-00775", 121, 75, 161, 83, 0.92))
        return DocumentText((Page(1, 595, 842, tuple(words), "ocr"),), None, "test")
    clean, doubled = extract_invoice(doc(False), []), extract_invoice(doc(True), [])
    assert clean.value("invoice_number") == "FE2026-0077"
    assert doubled.fields["invoice_number"].confidence <= 0.5 * clean.fields["invoice_number"].confidence + 1e-9
