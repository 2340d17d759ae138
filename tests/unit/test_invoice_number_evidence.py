"""What makes a read invoice number trustworthy: its label, its whole printed form, and the
column it heads; what makes it doubtful: a word between the label and the value."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import identifier_in, skipped_before
from tests.unit.test_extraction_fields import doc_from_rows


def number(rows: dict):
    field = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    return (field.value, field.confidence, field.evidence) if field else None


def test_a_one_letter_series_belongs_to_the_number():
    assert identifier_in(": F 1234K20/1234/12   Data", 0) == ("F 1234K20/1234/12", 2, 19)
    assert identifier_in(": FT 2026/0489", 0)[0] == "FT 2026/0489"
    assert identifier_in(": E 2021-05-03", 0) is None  # a letter before a date is no series
    value, conf, _ = number({0: "Faktura nr: F 1234K20/1234/12   Data wystawienia: 2021-01-01", 2: "Razem 316,83 PLN"})
    assert value == "F 1234K20/1234/12" and conf >= 0.9


def test_a_value_past_an_unexplained_word_is_doubtful():
    found = identifier_in(" Original 12345", 0)
    assert found == ("12345", 10, 15) and skipped_before(" Original 12345", 10)
    assert not skipped_before(" No.: # 12345", 8)  # number words and marks are the label's
    value, conf, _ = number({0: "Invoice number: Original 12345", 2: "Total 316.83 EUR"})
    assert value == "12345" and conf < 0.5
    assert number({0: "Invoice number: 12345", 2: "Total 316.83 EUR"})[1] >= 0.9


def test_a_bare_invoice_word_heading_a_column_of_a_header_row_labels_the_number():
    header = {2: [(40.0, "Invoice"), (140.0, "Invoice date"), (240.0, "Due date"), (340.0, "PO Number")],
              3: [(40.0, "OCS-202600499"), (140.0, "2026-01-30"), (240.0, "2026-02-13"), (340.0, "4500010596")],
              5: "Total 316.83 EUR"}
    value, conf, evidence = number({0: "ORBITAL CLOUD SERVICES LTD", **header})
    assert value == "OCS-202600499" and "header_row_column" in evidence and conf >= 0.6
    # the same word as a title, over a line of text, is no column head
    title = number({0: "ORBITAL CLOUD SERVICES LTD   INVOICE", 1: "OCS-202600499", 5: "Total 316.83 EUR"})
    assert title is None or (title[1] < 0.5 and "header_row_column" not in title[2])


def test_zeros_and_marks_alone_are_no_number():
    # "Sp. z o.o." read "z 0.0." right before the number under the caption: no document is numbered so
    from invoicepipe.domain.extraction.candidates import identifier_in

    assert identifier_in("Sp. z 0.0. FV/119/01/2026", 0)[0] == "FV/119/01/2026"
    assert identifier_in("00-00 FV/119", 0)[0] == "FV/119"
    assert identifier_in("100/2026", 0)[0] == "100/2026"


def test_the_day_of_a_written_date_is_no_number():
    # "Invoice No." wrapped in its box over a row whose next cell holds "17 gennaio 2026":
    # the day of the date was read as the number at full confidence on a scan
    for text in ("17 gennaio 2026", "17 gennaio", "January 17, 2026", "4. März 2026", "2026 m. kovo 4 d."):
        assert identifier_in(text, 0) is None, text
    assert identifier_in("17 gennaio 2026  INV-12", 0) == ("INV-12", 17, 23)
    assert identifier_in("4500 units", 0) == ("4500", 0, 4)  # a number beside another word stays one


def test_a_column_head_names_only_the_row_of_values_under_it():
    # a skewed scan: the row of heads reads as one tall line (each head a little lower than the
    # one before), the number's cell under "Invoice" was lost, and the column reaches down into
    # the items, where a code in a description is no invoice number
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    from tests.unit.test_extraction_fields import row_words

    def at(text, x, top):
        return [Word(w.text, Box(w.box.x0, top, w.box.x1, top + 8), 1) for w in row_words(text, 0, x)]

    heads = at("Invoice", 40, 200) + at("Invoice date", 140, 202) + at("Due date", 240, 204) + at("PO Number", 340, 206)
    values = at("2026-01-30", 140, 226) + at("2026-02-13", 240, 226) + at("4500010596", 340, 226)
    items = at("Bolt M6x20", 40, 250) + at("8", 300, 250) + at("99.44", 450, 250)
    words = at("ORBITAL CLOUD SERVICES LTD", 40, 40) + heads + values + items + at("Total 99.44 EUR", 300, 300)
    field = extract_invoice(DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test"), []).fields.get(
        "invoice_number")
    assert field is None or "header_row_column" not in field.evidence and field.confidence < 0.6


def test_a_header_row_number_dated_by_its_row_is_the_invoices_own():
    # captions in words no list holds over a row of values: the identifier before the date is a
    # guess, unless it carries the year of the date beside it (the invoice's numbering restarts
    # each year; a customer's or an order's number is dated by no such scheme)
    def header(first):
        return {0: "ORBITAL CLOUD SERVICES LTD",
                3: [(40.0, "Zxqv wrt"), (160.0, "Plorb kvant"), (280.0, "Gnarf")],
                4: [(40.0, first), (160.0, "04.02.2026"), (280.0, "SO506110")],
                8: "Total 316.83 EUR"}
    value, conf, evidence = number(header("RE2026-00254"))
    assert value == "RE2026-00254" and "dated_in_row" in evidence and conf >= 0.6
    for undated in ("K-10023", "KD-4512026", "RE2025-00254"):
        value, conf, evidence = number(header(undated))
        assert value == undated and "dated_in_row" not in evidence and conf < 0.5, undated
    # digits alone make a header row only where they open with the row's year and run past it
    value, conf, evidence = number(header("2026000237"))
    assert value == "2026000237" and "dated_in_row" in evidence and conf >= 0.6
    for digits in ("4512026", "20261"):
        found = number(header(digits))
        assert found is None or found[0] != digits or found[1] < 0.5, digits
    # the year's last two digits set apart at either end of a scheme's runs date it, too
    for short in ("193/26", "FV26-00429", "A-00383/26"):
        value, conf, evidence = number(header(short))
        assert value == short and "dated_in_row" in evidence and conf >= 0.6, short
    for undated in ("K-26", "SO4426-118", "A-12-26-3", "193/25"):
        value, conf, evidence = number(header(undated))
        assert value == undated and "dated_in_row" not in evidence and conf < 0.5, undated


def test_the_date_beside_the_rows_dated_number_is_the_date_of_issue():
    # a row of values under captions no list holds: the number that carries its row's year and
    # the date beside it are the invoice's number and date; the later cell's earlier date (a
    # delivery) names nothing. Without the dated number the first date stays a guess.
    def issued(first):
        rows = {0: "ORBITAL CLOUD SERVICES LTD",
                3: [(40.0, "Zxqv wrt"), (160.0, "Plorb kvant"), (280.0, "Gnarf")],
                4: [(40.0, first), (160.0, "04.02.2026"), (280.0, "28.01.2026")],
                8: "Total 316.83 EUR"}
        return extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]

    dated = issued("RE2026-00254")
    assert dated.value == "2026-02-04" and "dated_row" in dated.evidence and dated.confidence >= 0.6
    for undated in ("K-10023", "RE2025-00254"):
        guess = issued(undated)
        assert guess.value == "2026-02-04" and "dated_row" not in guess.evidence and guess.confidence < 0.6, undated


def test_a_weak_labels_value_gives_way_to_the_header_rows_number():
    # a bare "NO" in a caption reaches down across the customer's cell ("... SAS" + the number)
    # and names a value more weakly than a header row does: the row's dated number is read
    rows = {0: "VISSERIE DU RHONE", 3: [(40.0, "ZXQV DE PLORB"), (309.0, "NO DE GNARF"), (397.0, "KVANT")],
            4: [(40.0, "Meridian France SAS"), (309.0, "F2026-00578"), (397.0, "14.01.2026")],
            5: [(40.0, "Service Comptabilite")], 9: "Total 296,24 EUR"}
    value, conf, evidence = number(rows)
    assert value == "F2026-00578" and "dated_in_row" in evidence and conf >= 0.6


def test_the_one_identifier_dated_by_the_page_is_a_guess_at_the_number():
    # a caption in words no list holds: the one identifier that opens its digits with the
    # page's year is the invoice's numbering, read for a person to confirm
    page = {0: "DUNA IRODATECHNIKA KFT", 1: [(250.0, "Zxqv wrtxyz: DIT-2026-00354")],
            4: [(40.0, "Plorb"), (200.0, "Kvant")], 5: [(40.0, "Átutalás"), (200.0, "2026.01.12.")],
            6: "Gnarf: 4500010411   Szl: SZL-127823", 9: "Total 146.83 EUR"}
    value, conf, evidence = number(page)
    assert value == "DIT-2026-00354" and "dated_number" in evidence and conf < 0.5
    # two dated identifiers (a corrected invoice's number beside the credit note's): none
    assert number({**page, 7: "Wrtx zxqv: DIT-2026-00350"}) is None
    # dates of two years: which year numbers the invoice, nothing says
    assert number({**page, 7: "Kvant 2025.12.30."}) is None
    # five digits opening with the year are a postcode's, not a number's
    postcode = {k: v for k, v in page.items() if k != 1}
    assert number({**postcode, 2: "Via Larga 8, 20261 Milano"}) is None
    # a number's opening wrapped over it in its narrow cell is its own
    wrapped = {0: "TORNILLERIA LEVANTE", 2: [(300.0, "A-"), (400.0, "22-abr-2026")], 3: [(300.0, "2026/00682")],
               9: "Total 146.83 EUR"}
    assert number(wrapped)[0] == "A-2026/00682"


def test_a_column_that_prints_its_captions_under_their_values():
    # read down the label's column: a value, its caption, a value, its caption, a value, its
    # caption, nothing under the last: the captions stand under their values, and the number
    # is the value over "Invoice No.", not the next caption's under it
    column = {2: [(309.0, "202600464")], 3: [(309.0, "Invoice No.")], 4: [(309.0, "4500010794")],
              5: [(309.0, "Zxqv plorbnum")], 6: [(309.0, "67496")], 7: [(309.0, "Gnarfkvant")]}
    value, conf, evidence = number({0: "GEREEDSCHAP TWENTE", **column, 12: "Total 316.83 EUR"})
    assert value == "202600464" and "captions_under_values" in evidence and conf >= 0.6
    # a column closing with a value says nothing of which way its captions stand
    column[8] = [(309.0, "A-77810")]
    value, conf, evidence = number({0: "GEREEDSCHAP TWENTE", **column, 12: "Total 316.83 EUR"})
    assert "captions_under_values" not in evidence and conf < 0.5


def test_an_amount_with_a_decimal_comma_is_no_identifier():
    # identifier tokens stop at a comma: the whole part of "53,38-" alone read as a number, and
    # a credit note's "Gutschrift gesamt 53,38- €" (its word a weak number label) gave "53"
    from invoicepipe.domain.extraction.candidates import identifier_in
    for amount in (" gesamt 53,38- €", " (12,50)", " 1.234,56", " €7,20", " -1.234,56 EUR"):
        assert identifier_in(amount, 0) is None, amount
    assert identifier_in(" KD-2026, 4711", 0)[0] == "KD-2026"
    assert identifier_in(" 4500010195, 12,50", 0)[0] == "4500010195"
    rows = {0: "WESERLAND BESCHLAEGE GMBH", 2: "Gutschrift", 6: [(40.0, "Pos Artikel"), (400.0, "Betrag")],
            7: [(40.0, "1 Sechskantschraube"), (400.0, "44,86-")], 9: [(300.0, "Gutschrift gesamt 53,38- €")]}
    found = number(rows)
    assert found is None or found[0] not in ("53", "38"), found
