"""Extraction on the kind of text OCR and unfamiliar layouts produce."""

import math

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.skew import estimate_slope
from invoicepipe.domain.models import Box, DocumentText, Page, Word


def doc(rows, method="ocr_tesseract", slope=0.0, height=10.0):
    """rows: (x, y, text); words 6 pt per character; ``slope`` tilts the page like a skewed scan."""
    words = []
    for x, y, text in rows:
        for token in text.split():
            w = 6 * len(token)
            dy = slope * (x + w / 2)
            words.append(Word(token, Box(x, y + dy, x + w, y + dy + height), 1, 0.9))
            x += w + 4
    return DocumentText((Page(1, 595, 842, tuple(words), method),), None, "test")


ROW_OF_BOXES = [(60, 200, "Invoice #"), (180, 200, "Date"), (300, 200, "Due date"), (420, 200, "Customer No."),
                (60, 213, "BWS-000385"), (180, 213, "10 January 2026"), (300, 213, "9 February 2026"), (420, 213, "14109")]


def test_skew_is_measured_and_rows_of_labels_and_values_stay_apart():
    tilt = math.tan(math.radians(1.2))
    skewed = doc(ROW_OF_BOXES + [(60, 300 + 14 * i, "Item line with several words here") for i in range(6)], slope=tilt)
    assert abs(estimate_slope(skewed.pages[0].words) - tilt) < 0.003
    texts = [ln.text for ln in build_layout(skewed).lines]
    assert "Invoice # Date Due date Customer No." in texts
    ex = extract_invoice(skewed, [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == ("BWS-000385", "2026-01-10", "2026-02-09")


def test_a_blot_spanning_two_rows_does_not_merge_them():
    rows = ROW_OF_BOXES + [(60, 300 + 14 * i, "Item line with several words here") for i in range(6)]
    page = doc(rows).pages[0]
    blot = Word("E", Box(150, 195, 166, 228), 1, 0.3)
    texts = [ln.text for ln in build_layout(DocumentText((Page(1, 595, 842, page.words + (blot,), "ocr_tesseract"),))).lines]
    assert any(t.startswith("BWS-000385") for t in texts) and any(t.startswith("Invoice #") for t in texts)


def test_unreadable_labels_leave_a_weak_reading_of_the_header_row():
    ex = extract_invoice(doc([(60, 40, "Kessler Elektro GmbH"), (60, 213, "GX-2026-0391"), (180, 213, "2026-01-24"),
                              (300, 213, "2026-02-14"), (420, 213, "41423")]), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("due_date")) == ("GX-2026-0391", "2026-01-24", "2026-02-14")
    assert ex.fields["invoice_number"].method == "header_row"
    # undated by its row, the number stays a guess (a dated one is the invoice's numbering:
    # test_invoice_number_evidence)
    ex = extract_invoice(doc([(60, 40, "Kessler Elektro GmbH"), (60, 213, "GX-0391"), (180, 213, "2026-01-24"),
                              (300, 213, "2026-02-14"), (420, 213, "41423")]), [])
    assert ex.value("invoice_number") == "GX-0391" and ex.confidence("invoice_number") < 0.6


def test_a_header_row_value_is_its_own_cell_not_the_legal_form_a_cell_before_it():
    # the customer's name ends in its legal form a cell left of the number: no series code
    row = [(60, 40, "Visserie du Rhone"), (40, 213, "Meridian France SAS"), (300, 213, "F2026-00584"),
           (400, 213, "07/02/2026"), (490, 213, "85466153")]
    ex = extract_invoice(doc(row), [])
    assert ex.value("invoice_number") == "F2026-00584" and ex.fields["invoice_number"].method == "header_row"
    # a series code a word space before its number stays with it
    ex = extract_invoice(doc([(60, 40, "Kessler Elektro GmbH"), (40, 213, "Fornitore Srl"), (300, 213, "FPR 460/26"),
                              (400, 213, "07/02/2026")]), [])
    assert ex.value("invoice_number") == "FPR 460/26"


def test_accents_lost_by_ocr_and_a_loose_thousands_space():
    ex = extract_invoice(doc([(60, 40, "Facture n° FA-1"), (300, 400, "Total HT"), (420, 400, "2 088,60 EUR"),
                              (300, 414, "TVA 20 %"), (420, 414, "417,72 EUR"), (300, 428, "Net a payer"),
                              (420, 428, "2"), (431, 428, "506,32 EUR")]), [])
    assert ex.value("total") == "2506.32" and ex.value("net") == "2088.60"


def test_a_period_is_not_the_date_of_issue_and_a_wrapped_date_is():
    ex = extract_invoice(doc([(60, 40, "Gutschrift (Selbst ausgestellte Rechnung) Nr. 471102 vom"), (60, 54, "05.03.2018"),
                              (60, 90, "Leistung vom 01.02.2018 bis 28.02.2018")], method="pdf_text"), [])
    assert ex.value("invoice_number") == "471102" and ex.value("invoice_date") == "2018-03-05"
    assert ex.value("document_type") == "invoice"  # a self-billed "Gutschrift" is an invoice


def test_the_only_date_read_with_a_two_digit_year_is_no_witness_on_a_page_of_four_digit_years():
    # a Lithuanian date wrapped in its cell ("2026 m." over "gegužės 30" over "d."), its
    # neighbour's beside it: "30 birželio 29" read across the two cells as 30 June 2029,
    # the only date read; the page prints its years in four digits
    from invoicepipe.domain.extraction.extract import document_context
    from invoicepipe.domain.extraction.issue_witness import sole_date
    from datetime import date
    rows = [(40, 40, "UAB Biuro Prekes"), (397, 115, "2026 m."), (485, 115, "2026 m."),
            (397, 127, "gegužės 30"), (485, 127, "birželio 29 d."), (397, 138, "d."), (485, 138, "d.")]
    ctx, _ = document_context(doc(rows, method="pdf_text"))
    assert not sole_date(ctx, date(2029, 6, 30))
    ctx, _ = document_context(doc([(40, 40, "UAB Biuro Prekes"), (397, 115, "2026-05-30")], method="pdf_text"))
    assert sole_date(ctx, date(2026, 5, 30))


def test_a_year_standing_apart_from_every_date_read_says_a_date_went_unread():
    # the only date read is a due date; the date of issue is printed in a form no pattern
    # reads, its year a word of its own: being the only date read makes it no date of issue
    from invoicepipe.domain.extraction.extract import document_context
    from invoicepipe.domain.extraction.issue_witness import sole_date
    from datetime import date
    ctx, _ = document_context(doc([(40, 40, "UAB Biuro Prekes"), (397, 115, "2026 m. IV 30 d."), (397, 127, "2026-05-30")],
                                  method="pdf_text"))
    assert not sole_date(ctx, date(2026, 5, 30))
    ctx, _ = document_context(doc([(40, 40, "UAB Biuro Prekes"), (397, 115, "Nr. 2026/00144"), (397, 127, "2026-05-30")],
                                  method="pdf_text"))
    assert sole_date(ctx, date(2026, 5, 30))  # a year inside a number is no date


def test_a_year_far_from_the_dates_says_no_date_went_unread():
    # "Tel. +34 915 2043", "Founded 1945": four digits that read as a year stand apart from
    # every date, but no date of the invoice is of a year so far from its date of issue
    from invoicepipe.domain.extraction.extract import document_context
    from invoicepipe.domain.extraction.issue_witness import sole_date
    from datetime import date
    for far in ("Tel. +34 915 2043", "Since 1945"):
        ctx, _ = document_context(doc([(40, 40, "Tornillería Levante"), (40, 60, far), (397, 115, "15-01-2026")],
                                      method="pdf_text"))
        assert sole_date(ctx, date(2026, 1, 15)), far
    ctx, _ = document_context(doc([(40, 40, "Tornillería Levante"), (40, 60, "Tel. +34 915 2025"), (397, 115, "15-01-2026")],
                                  method="pdf_text"))
    assert not sole_date(ctx, date(2026, 1, 15))  # the year before the date's may be a lost date's


def test_a_date_wrapped_in_its_cell_beside_another_wrapped_cell():
    # two narrow cells of a row of boxes wrap their dates over three lines, the next one half
    # a line lower: within the caption's column the lines interleave "12", "14 maart",
    # "februari", "2026", "2026"; the cell's own lines start where its first one starts
    rows = [(40, 40, "Gereedschap Twente"), (136, 262, "FACTUUR"), (136, 270, "DATUM:"), (186, 266, "BETAALDATUM:"),
            (136, 285, "12"), (186, 290, "14 maart"), (136, 296, "februari"), (186, 301, "2026"), (136, 306, "2026"),
            (300, 400, "Totaal 490,76 EUR")]
    ex = extract_invoice(doc(rows, method="pdf_text", height=5.0), [])
    assert ex.value("invoice_date") == "2026-02-12" and "stacked" in ex.fields["invoice_date"].evidence


def test_a_line_with_words_between_its_identifier_and_its_date_is_no_header_row():
    # an item's note under its row ("Charge L2601-988 · MHD 25.02.2028": a batch and its
    # best-before date) is no row of boxes; a title's one short joining word still is
    from invoicepipe.domain.extraction.extract import document_context
    from invoicepipe.domain.extraction.header_row import header_row_candidates

    def row(text):
        ctx, _ = document_context(doc([(60, 40, "Labor Traunviertel"), (60, 255, text)], method="pdf_text"))
        found = header_row_candidates(ctx)
        return found and (found["invoice_number"][0].value, found["invoice_date"][0].value)

    from invoicepipe.domain.extraction.labels import keep_label_languages

    try:
        keep_label_languages(frozenset({"en"}))  # "del": a word of a language no list holds
        assert not row("Charge L2601-988 · MHD 25.02.2028")
        assert row("Zxqv 193/26 del 08/01/26") == ("193/26", "2026-01-08")
        assert row("GX-2026-0391 2026-01-24") == ("GX-2026-0391", "2026-01-24")
    finally:
        keep_label_languages(None)


def test_the_first_date_printed_may_have_its_year_wrapped_in_its_cell():
    # "18 gennaio" over "2026" in a narrow cell, the due date whole beside it: the first date
    # printed is the wrapped one, flush with its cell's left edge or, right-aligned, its right
    from invoicepipe.domain.extraction.labels import keep_label_languages

    def first(rows):
        try:
            keep_label_languages(frozenset({"en"}))  # captions in words no list holds
            return extract_invoice(doc([(40, 40, "Utensileria Lombarda")] + rows, method="pdf_text"), []).value("invoice_date")
        finally:
            keep_label_languages(None)

    assert first([(125, 181, "18 gennaio"), (213, 181, "19 marzo 2026"), (125, 192, "2026")]) == "2026-01-18"
    # right-aligned: "15 de fevereiro de" over "2026" ending where the cell ends
    assert first([(335, 187, "15 de fevereiro de"), (413, 197, "2026"), (321, 210, "17 de março de 2026")]) == "2026-02-15"
    # a year under the middle of the cell is another cell's
    assert first([(125, 181, "18 gennaio"), (213, 181, "19 marzo 2026"), (145, 192, "2026")]) == "2026-03-19"
    # a day alone over its month over its year, the next cell's date half a line lower
    assert first([(136, 285, "12"), (186, 291, "14 maart"), (136, 296, "februari"), (186, 301, "2026"),
                  (136, 307, "2026")]) == "2026-02-12"
    # the year first, as Lithuanian and Latvian dates print it, wrapped flush left over three
    # or two lines, beside another cell's wrapped date (kv-2.48)
    assert first([(91, 260, "2026 m."), (145, 265, "2026 m."), (91, 271, "sausio 29"), (145, 276, "vasario 28 d."),
                  (91, 281, "d.")]) == "2026-01-29"
    assert first([(397, 181, "2026. gada 21."), (505, 181, "2026. gada 23."), (397, 191, "februārī"),
                  (505, 191, "martā")]) == "2026-02-21"
    # "de 2026" under "8 de febrero": the joining word opens the year's line
    assert first([(125, 207, "8 de febrero"), (213, 207, "10 de marzo"), (125, 217, "de 2026"), (213, 217, "de 2026")]) == "2026-02-08"
    # the day of one cell and the month and day of the next are no date ("gegužės 30" beside
    # "birželio 29 d.": not 2029-06-30); the date whole further down is the first
    assert first([(397, 127, "gegužės 30"), (485, 127, "birželio 29 d."), (40, 160, "Data 2026-05-30")]) == "2026-05-30"


def test_a_date_wrapped_under_a_label_that_wraps_too():
    # "Data wystawienia" over "faktury" (the invoice's word ends the label, naming the same
    # date) over "6 kwietnia" over "2026 r.": the cell's date is read under the label's last line
    rows = [(37, 84, "HURTOWNIA BUDOWLANA WARTA"), (200, 172, "Faktura nr"), (360, 172, "Data wystawienia"),
            (480, 172, "Nr zamówienia"), (360, 181, "faktury"), (200, 189, "FV/80/04/2026"), (360, 189, "6 kwietnia"),
            (480, 189, "4500010591"), (360, 200, "2026 r."), (300, 400, "Razem 1 602,03 PLN")]
    ex = extract_invoice(doc(rows, method="pdf_text", height=8.0), [])
    assert ex.value("invoice_date") == "2026-04-06" and "stacked" in ex.fields["invoice_date"].evidence


def test_a_wrapped_date_beside_a_value_reaching_into_its_column():
    # "FV/749/04/2026" in the cell left of "5 kwietnia" reaches into the date's column (which
    # opens three characters left of its label): its words are the other cell's, not the date's
    rows = [(37, 84, "HURTOWNIA BUDOWLANA WARTA"), (262, 198, "Numer faktury"), (360, 198, "Data wystawienia"),
            (480, 198, "Zamówienie nr"), (262, 207, "FV/749/04/2026"), (360, 207, "5 kwietnia"), (480, 207, "4500010800"),
            (360, 217, "2026 r."), (300, 400, "Razem 1 602,03 PLN")]
    ex = extract_invoice(doc(rows, method="pdf_text", height=8.0), [])
    assert ex.value("invoice_date") == "2026-04-05" and "stacked" in ex.fields["invoice_date"].evidence
