"""The invoice number printed only in the title, "RECHNUNG 2026-0183"
(``extraction.title_number``): a heading set larger than the text, with nothing but the
document word and the number, names the number when no number label is on the page."""

from dataclasses import replace

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box
from tests.unit.test_extraction_fields import doc_from_rows

ROWS = {
    0: "KESSLER ELEKTROTECHNIK",
    2: "Meridian Werkstoffe GmbH",
    3: "Friedrichstraße 123, 10117 Berlin",
    6: "RECHNUNG 2026-0183",
    8: [(40, "Datum"), (140, "Kunden-Nr."), (240, "Ihre Bestellung")],
    9: [(40, "7. Jan. 2026"), (140, "71134"), (240, "4500010808")],
    11: [(40, "Pos. Art.-Nr. Bezeichnung"), (300, "Menge"), (360, "E-Preis"), (450, "Betrag")],
    12: [(40, "1 NYM-1013 Mantelleitung NYM-J 3x1,5"), (300, "120,5"), (360, "1,53"), (450, "184,37")],
    14: [(300, "Summe netto"), (450, "184,37")],
    15: [(300, "MwSt 19 %"), (450, "35,03")],
    16: [(300, "Summe brutto"), (450, "EUR 219,40")],
}


def _set_large(rows: dict, row: int, heading_height: float, from_x: float = 0.0):
    """``rows`` as a document, the words of ``row`` from ``from_x`` on set ``heading_height`` tall."""
    doc = doc_from_rows(rows)
    page = doc.pages[0]
    top = 40 + row * 14.0
    words = tuple(replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + heading_height))
                  if w.box.top == top and w.box.x0 >= from_x else w for w in page.words)
    return replace(doc, pages=(replace(page, words=words),))


def _doc(heading_height: float):
    return _set_large(ROWS, 6, heading_height)


def test_a_large_heading_names_the_number():
    ex = extract_invoice(_doc(18.0), [])
    assert ex.value("invoice_number") == "2026-0183"
    assert ex.fields["invoice_number"].method == "title_number"


def test_a_title_word_in_body_text_stays_weak():
    ex = extract_invoice(_doc(10.0), [])
    assert ex.fields["invoice_number"].method != "title_number"


def _heading_beside(left: list, heading_height: float = 18.0):
    """The heading at the right of row 6, ``left`` (x, text) items of another column at its left."""
    return _set_large({**ROWS, 6: [*left, (330, "RECHNUNG 2026-0183")]}, 6, heading_height, from_x=330)


def test_a_heading_beside_another_column_names_the_number():
    # the seller's name at the left of the line, the title and its number at the right: the
    # line groups what stands at one height, the heading is its own cell
    ex = extract_invoice(_heading_beside([(40, "Kessler Elektrotechnik GmbH")]), [])
    assert ex.value("invoice_number") == "2026-0183"
    assert ex.fields["invoice_number"].method == "title_number"


def test_words_run_into_the_heading_keep_it_weak():
    # a word a word space before the title ("PROFORMA RECHNUNG 2026-0183") says which
    # document the number is: not a heading of its own
    ex = extract_invoice(_heading_beside([(286, "PROFORMA")]), [])  # it ends at 326
    number = ex.fields.get("invoice_number")
    assert number is None or number.method != "title_number"


def _qualified(words: list, heights: tuple):
    """Row 6 as ``words`` (x, text) items, each set as tall as ``heights`` gives."""
    doc = doc_from_rows({**ROWS, 6: words})
    page, top = doc.pages[0], 40 + 6 * 14.0
    tall = {x: h for (x, _), h in zip(words, heights)}
    out = []
    for w in page.words:
        start = max((x for x in tall if x <= w.box.x0 + 0.01), default=None)
        if w.box.top == top and start is not None:
            w = replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + tall[start]))
        out.append(w)
    return replace(doc, pages=(replace(page, words=tuple(out)),))


def test_a_heading_qualified_in_its_own_print_names_the_number():
    # "Tax Invoice POS000340": the title word after a word of the heading's own size
    ex = extract_invoice(_qualified([(300, "Tax"), (326, "Invoice"), (380, "POS000340")], (18.0, 18.0, 18.0)), [])
    assert ex.value("invoice_number") == "POS000340"
    assert ex.fields["invoice_number"].method == "title_number"


def test_a_qualifier_naming_another_paper_keeps_the_heading_weak():
    ex = extract_invoice(_qualified([(270, "Proforma"), (326, "Invoice"), (380, "POS000340")], (18.0, 18.0, 18.0)), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.method != "title_number"


def test_a_word_in_another_print_before_the_title_is_no_qualifier():
    # a logo's word set far larger a word space before the title: another print, not the heading's
    ex = extract_invoice(_qualified([(300, "Tax"), (326, "Invoice"), (380, "POS000340")], (30.0, 18.0, 18.0)), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.method != "title_number"


# -- a heading whose title word no vocabulary holds ----------------------------------------

def _unread(heading: str, height: float = 18.0, rows: dict = ROWS):
    """``rows`` with row 6 ``heading`` (its title word in no vocabulary), set ``height`` tall."""
    return _set_large({**rows, 6: heading}, 6, height)


def test_a_large_heading_with_an_unread_title_word_names_the_number():
    ex = extract_invoice(_unread("ZORBLAT 2026-0183"), [])
    number = ex.fields["invoice_number"]
    assert number.value == "2026-0183" and number.method == "title_number"
    assert "unread_title" in number.evidence


def test_an_unread_heading_takes_the_series_code_with_its_number():
    ex = extract_invoice(_unread("ZORBLAT FT A2026/810"), [])
    assert ex.value("invoice_number") == "FT A2026/810"


def _closing(heading: str):
    """``title_number._closing_identifier`` of row 6 set large: (title words, value) or None."""
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.layout import heading_height
    from invoicepipe.domain.extraction.search import parse_identifier
    from invoicepipe.domain.extraction.title_number import _closing_identifier
    ctx = document_context(_unread(heading))[0]
    lines = ctx.layout.by_page[1]
    line = next(ln for ln in lines if ln.text == heading)
    found = _closing_identifier(ctx, line, parse_identifier, heading_height(lines))
    return None if found is None else ([w.text for w in found[0]], found[1][0])


def test_an_unread_heading_of_two_words_and_a_number_word_closes_with_the_number():
    # "CREDIT MEMO NO. 000607" where no vocabulary holds the number word either
    assert _closing("ZORBLAT KLUPP NO. 2026-0183") == (["ZORBLAT", "KLUPP", "NO."], "2026-0183")
    assert _closing("ZORBLAT KLUPP FRAMM 2026-0183") is None  # a third word that is no number word


def test_an_unread_word_in_body_text_names_no_number():
    ex = extract_invoice(_unread("ZORBLAT 2026-0183", height=10.0), [])
    number = ex.fields.get("invoice_number")
    assert number is None or "unread_title" not in number.evidence


def test_a_value_a_column_apart_from_an_unread_heading_is_not_its_number():
    # "Rechnung" at the left, a sidebar's delivery-note number at the right of the same height
    ex = extract_invoice(_set_large({**ROWS, 6: [(40, "ZORBLAT"), (404, "87117589")]}, 6, 18.0), [])
    number = ex.fields.get("invoice_number")
    assert number is None or "unread_title" not in number.evidence


def test_a_series_code_opening_the_numbers_box_is_no_title_word():
    # "Faktura sprzedaży | FS 578/01/2026": two boxes of one row, the second opening with its code
    ex = extract_invoice(_set_large({**ROWS, 6: [(40, "ZORBLAT"), (330, "FS 578/01/2026")]}, 6, 18.0), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.value != "578/01/2026"


def test_a_body_word_with_ascenders_is_no_heading_on_an_ocr_page():
    # an OCR word's box is its ink: "Hyvityslaskun" (ascenders, a descender) stands half as
    # tall again as "numero" in the same print, as do a tenth or more of the page's words
    doc = doc_from_rows({**ROWS, 6: "Hyvityslaskun 719"})
    page = doc.pages[0]
    tall_letters = set("bdfhklptyHLKTYÄÖ")
    words = tuple(replace(w, confidence=0.95, box=Box(w.box.x0, w.box.top, w.box.x1,
                                                      w.box.top + (8.6 if tall_letters & set(w.text) else 6.0)))
                  for w in page.words)
    ex = extract_invoice(replace(doc, pages=(replace(page, words=words, method="ocr_tesseract"),)), [])
    number = ex.fields.get("invoice_number")
    assert number is None or "unread_title" not in number.evidence


def test_an_unread_heading_naming_another_paper_names_no_number():
    ex = extract_invoice(_unread("PROFORMA 2026-0183"), [])
    number = ex.fields.get("invoice_number")
    assert number is None or "unread_title" not in number.evidence


# -- the bare document word as one label of a block of labels ------------------------------

BLOCK = {
    0: "Midwest Office Products",
    3: [(40, "SHIP TO"), (330, "Invoice"), (420, "000679-A")],
    4: [(40, "Meridian Materials Inc."), (330, "Receiving Date"), (420, "01/09/2026")],
    5: [(40, "780 N Water Street"), (330, "Customer"), (420, "33530")],
    6: [(40, "Milwaukee, WI 53202"), (330, "Payment Due"), (420, "02/08/2026")],
    9: [(40, "Part # Item Description"), (450, "Amount")],
    10: [(40, "TNR-1080 Toner cartridge"), (450, "1,199.40")],
    12: [(300, "Amount Due"), (450, "$1,199.40")],
}


def test_a_document_word_among_labels_names_the_number():
    ex = extract_invoice(doc_from_rows(BLOCK), [])
    number = ex.fields["invoice_number"]
    assert (number.value, number.method) == ("000679-A", "title_number")
    assert "label_column" in number.evidence


def test_a_document_word_without_labels_under_it_stays_weak():
    rows = {k: v for k, v in BLOCK.items() if k not in (4, 5, 6)}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.fields["invoice_number"].method != "title_number"


def test_a_document_word_with_a_colon_is_a_label():
    ex = extract_invoice(doc_from_rows({0: "Vendor Ltd", 2: "Invoice: 12345", 4: "Date: 01/09/2026",
                                        8: [(300, "Total"), (450, "10.00")]}), [])
    assert ex.value("invoice_number") == "12345"
    assert ex.fields["invoice_number"].confidence >= 0.7


def test_czech_number_signs_after_a_document_title():
    for line, number in (("Opravný daňový doklad č. 202600684", "202600684"), ("Dobropis č. 2026017", "2026017"),
                         ("Faktura - dahovy doklad ¢. 202600663", "202600663")):
        ex = extract_invoice(doc_from_rows({0: "Železářství Morava s.r.o.", 2: line, 8: [(300, "Celkem k úhradě"), (450, "10,00")]}), [])
        assert ex.value("invoice_number") == number, line


def _title_over(number_row: list, heading_height: float = 18.0):
    """"Faktura VAT" set large at the right of row 4, ``number_row`` (x, text) on row 5."""
    rows = {0: "HURTOWNIA BUDOWLANA WARTA", 4: [(309, "Faktura VAT")], 5: number_row,
            8: [(40, "KLIENT"), (309, "Data wyst.: 16.02.2026")], 9: [(40, "Meridian Polska Sp. z o.o."), (309, "Klient nr: 62731")],
            14: [(300, "Razem netto"), (450, "389,20")], 15: [(300, "VAT 23%"), (450, "89,52")], 16: [(300, "Do zapłaty"), (450, "478,72")]}
    return _set_large(rows, 4, heading_height)


def test_an_identifier_alone_under_a_large_title_is_the_number():
    # "Faktura VAT" over "FV/887/02/2026", a logo's letters far left on the number's line
    ex = extract_invoice(_title_over([(56, "HB"), (309, "FV/887/02/2026")]), [])
    number = ex.fields["invoice_number"]
    assert (number.value, number.method) == ("FV/887/02/2026", "title_number") and number.confidence >= 0.8
    # a phrase under the title names nothing; nor does a title set as small as the text
    assert ex.fields["invoice_number"].value != "62731"
    phrase = extract_invoice(_title_over([(309, "FV/887/02/2026"), (370, "korekta")]), []).fields.get("invoice_number")
    assert phrase is None or phrase.method != "title_number"
    small = extract_invoice(_title_over([(309, "FV/887/02/2026")], heading_height=10.0), []).fields.get("invoice_number")
    assert small is None or small.method != "title_number"


def test_a_qualifier_set_as_large_opens_the_heading_the_number_stands_under():
    # "SALES INVOICE" set large, the identifier alone right under "SALES", its cell's first word
    rows = {**ROWS, 6: [(309, "SALES INVOICE")], 7: [(309, "POS000073")], 8: [(40, "Kunden-Nr.")], 9: [(40, "71134")]}
    ex = extract_invoice(_set_large(rows, 6, 18.0), [])
    assert ex.value("invoice_number") == "POS000073" and ex.fields["invoice_number"].method == "title_number"
    # a word of another column a cell before the heading is not its start
    rows[6] = [(40, "Kessler GmbH"), (309, "INVOICE")]
    rows[7] = [(40, "POS000073")]
    ex = extract_invoice(_set_large(rows, 6, 18.0), [])
    assert ex.fields.get("invoice_number") is None or ex.fields["invoice_number"].method != "title_number"


def test_a_series_code_and_its_number_alone_under_a_large_title():
    # "PVM SĄSKAITA FAKTŪRA" set large, "KNM 000520" alone right under it: the code is the
    # number's first part; a code a cell before a number is not
    rows = {**ROWS, 6: [(37, "FAKTURA")], 7: [(37, "KNM 000520")], 8: [(40, "Kunden-Nr.")], 9: [(40, "71134")]}
    ex = extract_invoice(_set_large(rows, 6, 18.0), [])
    assert ex.value("invoice_number") == "KNM 000520" and ex.fields["invoice_number"].method == "title_number"
    rows[7] = [(37, "KNM"), (140, "000520")]
    ex = extract_invoice(_set_large(rows, 6, 18.0), [])
    assert ex.fields.get("invoice_number") is None or ex.fields["invoice_number"].method != "title_number"


def test_a_number_the_heading_wrapped_at_its_dash():
    # "RĒĶINS / INVOICE BPD-" set large, "00781" at the heading's left edge under it, the
    # seller's street in another column of its line: the number broke at its dash
    rows = {**ROWS, 6: [(309, "RĒĶINS / INVOICE BPD-")], 7: [(40, "Krasta iela 52"), (309, "00781")],
            8: [(40, "Kunden-Nr.")], 9: [(40, "71134")]}
    ex = extract_invoice(_set_large(rows, 6, 18.0, from_x=300), [])
    number = ex.fields["invoice_number"]
    assert (number.value, number.method) == ("BPD-00781", "title_number") and number.confidence >= 0.8
    # a part that does not end at a separator, or words after it in the heading, join nothing
    for heading in ("RĒĶINS / INVOICE BPD", "RĒĶINS / INVOICE BPD- copy"):
        rows[6] = [(309, heading)]
        ex = extract_invoice(_set_large(rows, 6, 18.0, from_x=300), [])
        assert ex.fields.get("invoice_number") is None or ex.fields["invoice_number"].method != "title_number"
    # digits that do not start at the heading's left edge are not its wrapped number
    rows[6], rows[7] = [(309, "RĒĶINS / INVOICE BPD-")], [(40, "Krasta iela 52"), (420, "00781")]
    ex = extract_invoice(_set_large(rows, 6, 18.0, from_x=300), [])
    assert ex.fields.get("invoice_number") is None or ex.fields["invoice_number"].method != "title_number"


def test_a_number_wrapped_after_words_of_the_title():
    # "Factura de abono A-" set large over "2026/00819": the rest of the number under the
    # heading is never the whole of it (it was paid without its series), and the Spanish
    # "Factura de abono" titles a credit note
    rows = {**ROWS, 6: [(309, "Factura de abono A-")], 7: [(40, "Calle de Colón 18"), (309, "2026/00819")],
            8: [(40, "Kunden-Nr.")], 9: [(40, "71134")]}
    ex = extract_invoice(_set_large(rows, 6, 18.0, from_x=300), [])
    assert ex.value("invoice_number") == "A-2026/00819" and ex.fields["invoice_number"].method == "title_number"
    assert ex.value("document_type") == "credit_note"
