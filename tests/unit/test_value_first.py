"""Captions printed after their values (``extraction.value_first``): a column of values each
with its caption right of it, and a grid of values each with its caption under it."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Vendor
from tests.unit.test_extraction_fields import doc_from_rows

_TABLE = {
    9: [(40, "Description"), (300, "Qty"), (360, "Unit price"), (450, "Net amount")],
    10: [(40, "Envelopes C4 manilla"), (300, "6"), (360, "11.66"), (450, "69.96")],
    12: [(300, "Total excl. VAT"), (450, "£69.96")],
    13: [(300, "VAT 20%"), (450, "£13.99")],
    14: [(300, "Invoice Total"), (450, "£83.95")],
}


def _right(value: str, caption: str) -> list:
    """A value right-aligned in its cell, its caption left-aligned after it (5 points a character)."""
    return [(305 - 5 * len(value) + 2 * value.count(" "), value), (312, caption)]


def _captions_right(number: str = "POS000590", caption: str = "Invoice No.") -> dict:
    return {
        0: "Pennine Office Supplies", 1: "VAT Reg. No.: GB282945916",
        3: [(40, "INVOICE TO"), *_right(number, caption)],
        4: [(40, "Meridian UK Ltd"), *_right("12 January 2026", "Date of Issue")],
        5: [(40, "41 Albion Street"), *_right("4500010335", "Purchase Order")],
        6: [(40, "Leeds LS1 6HX"), *_right("35501", "Account No.")],
        **_TABLE,
    }


def _captions_under(number: str = "POS000438") -> dict:
    return {
        0: "Pennine Office Supplies", 1: "VAT Reg. No.: GB282945916",
        3: [(40, "INVOICE TO"), (250, number), (340, "08.01.2026"), (430, "07.02.2026")],
        4: [(40, "Meridian UK Ltd"), (250, "Invoice Number"), (340, "Date of Issue"), (430, "Due Date")],
        5: [(40, "41 Albion Street"), (250, "89299500"), (340, "72447"), (430, "4500010419")],
        6: [(40, "Leeds LS1 6HX"), (250, "Delivery Note"), (340, "Account No."), (430, "Your Order No.")],
        **_TABLE,
    }


def test_values_before_their_captions_are_theirs():
    ex = extract_invoice(doc_from_rows(_captions_right()), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("po_number")) == (
        "POS000590", "2026-01-12", "4500010335")
    assert ex.fields["invoice_number"].method == "label_after"


def test_values_over_their_captions_are_theirs_not_the_next_rows():
    ex = extract_invoice(doc_from_rows(_captions_under()), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == (
        "POS000438", "2026-01-08", "2026-02-07")
    assert ex.fields["invoice_number"].method == "label_above"


def test_a_label_with_a_colon_introduces_what_follows():
    ex = extract_invoice(doc_from_rows(_captions_right("ZZ-9911", "Invoice No.: POS000590")), [])
    assert ex.value("invoice_number") == "POS000590"


def test_a_series_code_opens_the_cell():
    ex = extract_invoice(doc_from_rows(_captions_right("KNM 000781")), [])
    assert ex.value("invoice_number") == "KNM 000781"


def test_a_number_split_by_a_space_is_not_read_in_part():
    # OCR split "PW-00576": the cell holds more than the identifier read in it
    ex = extract_invoice(doc_from_rows(_captions_under("PW-005 76")), [])
    assert ex.value("invoice_number") not in ("PW-005", "89299500")


def test_a_page_read_the_usual_way_is_not_read_back():
    # a date right of its label anywhere: values follow their labels on this page, and the
    # value before "Invoice No." is another field's
    rows = {0: "Pennine Office Supplies", 2: "Date: 12.01.2026", 3: "4500010335 Invoice No. POS000590", **_TABLE}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "POS000590"
    assert ex.fields["invoice_number"].method == "label_right"


def test_a_stack_of_labels_over_their_values_is_read_the_usual_way():
    # "Date d'échéance" has a date over it (the issue date's) and one under it (its own); the
    # short "Date" has its date under it, wider than the label: values follow their labels
    rows = {0: "Atelier Dubois SAS", 2: [(40, "Facturé à"), (300, "Facture n°")],
            3: [(40, "Meridian France SAS"), (300, "FA202600759")], 4: [(40, "Service Comptabilité"), (300, "Date")],
            5: [(40, "18 rue de la Pépinière"), (300, "20 janvier 2026")], 6: [(40, "75008 Paris"), (300, "Date d'échéance")],
            7: [(40, "France"), (300, "6 mars 2026")], **_TABLE}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == (
        "FA202600759", "2026-01-20", "2026-03-06")


def _wrapped_date_grid() -> dict:
    # the date of issue broke over two lines in its narrow cell ("2 maggio" over "2026"),
    # its year now level with the number's caption; the due date is the only whole date
    return {0: "Utensileria Lombarda", 1: "P. IVA: IT81583010285",
            3: [(40, "SPETT.LE"), (250, "278/2026"), (330, "2 maggio"), (410, "1 luglio 2026")],
            4: [(40, "Meridian Italia S.r.l."), (250, "Numero fattura"), (330, "2026"), (410, "Scadenza")],
            5: [(330, "Data")], 7: [(250, "4500010600"), (330, "42509")],
            8: [(250, "Vostro ordine n."), (330, "Cod. cliente")], **_TABLE}


def test_the_only_whole_date_over_a_due_caption_is_the_due_date():
    ex = extract_invoice(doc_from_rows(_wrapped_date_grid()), [])
    assert (ex.value("invoice_number"), ex.value("due_date")) == ("278/2026", "2026-07-01")
    assert ex.value("invoice_date") != "2026-07-01"


def test_a_date_wrapped_in_its_cell_over_its_caption_is_read_whole():
    ex = extract_invoice(doc_from_rows(_wrapped_date_grid()), [])
    assert ex.value("invoice_date") == "2026-05-02"
    assert ex.fields["invoice_date"].method == "label_above"


def test_a_date_wrapped_over_three_lines_is_read_whole():
    # "2026 m." / "gegužės 30" / "d." over "Sąskaitos data", the Lithuanian order
    rows = {0: "Kanceliarija Nemunas", 1: "PVM mokėtojo kodas: LT171434313",
            3: [(40, "PIRKĖJAS"), (250, "KNM 000642"), (330, "2026 m."), (410, "2026 m.")],
            4: [(40, "UAB Meridian Baltic"), (250, "Serija ir Nr."), (330, "gegužės 30"), (410, "birželio 29 d.")],
            5: [(40, "Buhalterija"), (330, "d."), (410, "Mokėjimo terminas")],
            6: [(330, "Sąskaitos data")], **_TABLE}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date")) == ("KNM 000642", "2026-05-30")


def test_a_bare_year_as_the_number_is_held():
    rows = _wrapped_date_grid()
    rows[3] = [(40, "SPETT.LE"), (330, "2 maggio"), (410, "1 luglio 2026")]  # no number over its caption
    ex = extract_invoice(doc_from_rows(rows), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.value != "2026" or ("bare_year" in number.evidence and number.confidence < 0.5)


def test_a_short_number_over_the_caption_holds_the_value_under_it():
    # no date caption the vocabulary knows ("Väljastatud"): no witness; "518" over "Arve nr" is
    # a value of its kind over the caption, so the order confirmation under it is held
    rows = {0: "Kontoritarbed Harju", 1: "KMKR nr: EE106416925",
            3: [(40, "MAKSJA"), (250, "518"), (330, "2026-03-15"), (410, "4500010521")],
            4: [(40, "Meridian Eesti OÜ"), (250, "Arve nr"), (330, "Väljastatud"), (410, "Ostutellimus")],
            5: [(40, "Narva mnt 5"), (250, "AB565488"), (330, "Einkauf")],
            6: [(40, "10117 Tallinn"), (250, "Tellimuse kinnitus"), (330, "Teie viide")], **_TABLE}
    number = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    assert number is None or number.value != "AB565488" or "value_over_label" in number.evidence


def test_a_due_date_no_label_names_is_the_date_the_terms_after_the_date_of_issue():
    rows = {0: "Hurtownia Budowlana Warta", 1: "NIP: PL8414003973",
            3: [(40, "NABYWCA"), *_right("FV/806/02/2026", "Numer faktury")],
            4: [(40, "Meridian Polska Sp. z o.o."), *_right("17 lutego 2026 r.", "Data")],
            5: [(40, "ul. Prosta 51"), *_right("3 marca 2026 r.", "Zapłata do")],
            **_TABLE}
    # the vendor's terms from the master: no due-date label on the page, not even the terms'
    vendor = Vendor("V1", "Hurtownia Budowlana Warta", tax_id="PL8414003973", payment_terms_days=14)
    ex = extract_invoice(doc_from_rows(rows), [vendor])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == (
        "FV/806/02/2026", "2026-02-17", "2026-03-03")


def _wrapped_in_cell(head: str, tail: str) -> dict:
    """The number wrapped in its narrow cell over its caption, which its second line pushes a
    line lower than its neighbours' ("RE2026-" / "00852" / "Invoice Number")."""
    return {
        0: "Pennine Office Supplies", 1: "VAT Reg. No.: GB282945916",
        3: [(40, "INVOICE TO"), (250, head), (340, "08.01.2026"), (430, "07.02.2026")],
        4: [(40, "Meridian UK Ltd"), (250, tail), (340, "Date of Issue"), (430, "Due Date")],
        5: [(40, "41 Albion Street"), (250, "Invoice Number")],
        7: [(40, "Leeds LS1 6HX"), (250, "89299500"), (340, "72447"), (430, "4500010419")],
        8: [(250, "Delivery Note"), (340, "Account No."), (430, "Your Order No.")],
        **_TABLE,
    }


def test_a_number_wrapped_in_its_narrow_cell_is_read_whole():
    ex = extract_invoice(doc_from_rows(_wrapped_in_cell("RE2026-", "00852")), [])
    assert ex.value("invoice_number") == "RE2026-00852" and ex.fields["invoice_number"].method == "label_above"
    # a series code broken off at its space
    assert extract_invoice(doc_from_rows(_wrapped_in_cell("FT", "A2026/406")), []).value("invoice_number") == "FT A2026/406"


def test_a_wrapped_first_part_that_joins_no_way_leaves_the_number_to_a_person():
    # "2026" over "00852": no separator says how the parts join, and "00852" alone is not the number
    field = extract_invoice(doc_from_rows(_wrapped_in_cell("2026", "00852")), []).fields.get("invoice_number")
    assert field is None or field.value != "00852" and field.confidence < 0.5


def test_a_scan_line_merging_the_values_and_their_captions_holds_the_value_under_the_caption():
    """OCR took the row of values and the row of their captions under it for one line (a word
    read across both, "June"/"Due" as "JuneDue", joins them): the number over "Invoice No." is in the
    caption's own line, and the line under it is the next row's values. The one under the
    caption is held, not called sure."""
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    from tests.unit.test_extraction_fields import row_words

    def word(text, x, top, bottom):
        return Word(text, Box(x, top, x + 5.5 * len(text), bottom), 1, 0.96)

    merged = [word("INVOICE", 40, 169, 179), word("TOUK", 80, 169.6, 184.7), word("POS000458", 313, 171.7, 184.7),
              word("Invoice", 313, 184.7, 190.4), word("No.", 355, 185, 190.4), word("7", 401, 174.2, 181.4),
              word("Date", 401, 186.1, 191.5), word("May", 410, 174.6, 184), word("of", 430, 186.1, 191.5),
              word("Issue", 445, 186.5, 191.9), word("2026", 432, 174.6, 182.2), word("6", 488, 175.3, 182.9),
              word("Payment", 488, 187.2, 194.0), word("JuneDue", 496, 175.7, 193.0), word("2026", 522, 176.0, 183.6)]
    words = [*row_words("Pennine Office Supplies", 0, confidence=0.96), *row_words("VAT Reg. No.: GB282945916", 1, confidence=0.96),
             *merged, word("4500010609", 313, 198, 208), word("LS-59998", 401, 198, 208),
             word("Your", 313, 209, 215), word("Order", 340, 209, 215), word("No.", 372, 209, 215),
             *[w for r in range(12, 17) for w in row_words({12: "Description   Qty   Unit price   Net amount",
                                                              13: "Envelopes   6   11.66   69.96", 14: "Total excl. VAT   69.96",
                                                              15: "VAT 20%   13.99", 16: "Invoice Total   83.95"}[r], r, confidence=0.96)]]
    ex = extract_invoice(DocumentText((Page(1, 595, 842, tuple(words), "ocr"),), None, "test"), [])
    field = ex.fields.get("invoice_number")
    assert field is None or field.value != "4500010609" or field.confidence <= 0.45


def test_a_date_read_back_that_the_heads_row_of_values_contradicts_is_held():
    # a row of a number and a date with no caption on it heads the page, dating the invoice
    # otherwise than the date read back over its caption: which way the page reads, a person says
    rows = {0: "Tvrtka d.o.o.", 2: [(40, "ORD-5521"), (300, "10.03.2026")],
            4: [(40, "INV-0042"), (300, "14.03.2026")], 5: [(40, "Invoice No."), (300, "Invoice Date")], **_TABLE}
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert "header_row_differs" in field.evidence and field.confidence <= 0.4
    del rows[2]  # no such row: the date over its caption stands
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert field.value == "2026-03-14" and "header_row_differs" not in field.evidence and field.confidence >= 0.9
