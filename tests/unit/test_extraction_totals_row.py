"""A row of captions over a row of amounts, and a heading wrapped in a narrow column.

The totals printed as a row ("Totaal excl. btw | Btw 21% | Btw 9% | Totaal incl. btw" over
their amounts), the currency printed before each amount, amounts right-aligned and wider than
their captions; a credit note's title and number wrapped in a narrow heading column."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import keep_label_languages

from .test_extraction_fields import doc_from_rows

TOTALS_ROW = {
    0: "Factuur 2026-0412", 1: "Factuurdatum: 14-01-2026", 2: "Btw-nr.: NL535501791B01",
    10: [(60, "Totaal excl. btw"), (200, "Btw 21%"), (300, "Btw 9%"), (430, "Totaal incl. btw")],
    11: [(75, "€ 266,80"), (200, "€ 23,21"), (300, "€ 14,07"), (445, "€ 304,08")],
}


@pytest.fixture
def english_labels_only():
    """Labels of English only: the stand-in for a language the vocabulary does not hold."""
    keep_label_languages(frozenset({"en"}))
    yield
    keep_label_languages(None)


def _amounts(rows: dict) -> dict:
    ex = extract_invoice(doc_from_rows(rows), [])
    return {k: ex.value(k) for k in ("net", "tax", "total")}


def test_a_currency_before_each_amount_is_not_the_amount_before_it():
    # "€ 266,80   € 23,21": the second "€" opens the second amount; taken as the first
    # one's, "€ 266,80 €" reaches into the next cell and its caption's column loses it
    assert _amounts(TOTALS_ROW)["net"] == "266.80"


def test_the_tax_cells_of_one_row_add_up_to_the_tax():
    ex = extract_invoice(doc_from_rows(TOTALS_ROW), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("266.80", "37.28", "304.08")
    assert "arithmetic" in ex.fields["total"].evidence


def test_an_amount_wider_than_its_caption_is_read_whole():
    # "K úhrade" over "1 713,83 EUR", right-aligned: the leading group stands left of the
    # caption's column, and the column alone reads "713,83 EUR"
    rows = {0: "Faktúra č. 2026000506", 1: "Dátum vyhotovenia: 16.02.2026", 2: "IČ DPH: SK4297630315",
            10: [(60, "Celkom bez DPH"), (200, "DPH 23 %"), (440, "K úhrade")],
            11: [(60, "1 393,36 EUR"), (200, "320,47 EUR"), (415, "1 713,83 EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "1713.83" and ex.fields["total"].method == "label_below"
    # but never across the caption before it: an amount starting under "Netto" is its value
    rows = {0: "Faktúra č. 2026000506", 10: [(60, "Netto"), (120, "K úhrade")], 11: [(70, "12 345,67")]}
    assert extract_invoice(doc_from_rows(rows), []).fields["total"].method != "label_below"


def test_a_row_of_sums_pays_nothing():
    # a till's payment lines print one amount each; a row of sums over an OCR-garbled "0.00"
    # in the bank details is no tendered amount and change
    rows = {0: "Invoice 4711", 10: [(300, "TOTAL"), (450, "29.35")],
            11: [(300, "Subtotals"), (400, "29.35"), (450, "12.00")], 12: "Bank 0.00"}
    assert "paid" not in extract_invoice(doc_from_rows(rows), []).fields["total"].evidence
    till = {0: "Invoice 4711", 10: [(300, "TOTAL"), (450, "29.35")], 11: [(300, "CASH"), (450, "50.00")],
            12: [(300, "CHANGE"), (450, "20.65")]}
    assert "paid" in extract_invoice(doc_from_rows(till), []).fields["total"].evidence


def test_a_title_and_number_wrapped_in_a_narrow_heading():
    rows = {0: [(300, "FACTURA")], 1: [(300, "RECTIFICATIVA Nº A-")],
            2: [(40, "Tornillería Levante"), (300, "2026/00468")], 3: [(300, "Fecha factura: 16 de enero de 2026")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("document_type") == "credit_note"
    assert ex.value("invoice_number") == "A-2026/00468"
    # two fields side by side are no wrapped title: the lower line starts elsewhere
    rows = {0: [(300, "CREDIT")], 1: [(340, "NOTE")], 3: "Invoice No. 4711"}
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "invoice"


def test_a_croatian_credit_notes_title_names_its_type():
    rows = {0: "Knjižno odobrenje", 2: "Broj odobrenja: 622/PP1/1", 3: "Datum računa: 6.2.2026."}
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "credit_note"


STRIP = {
    0: "Arve nr 644", 1: "Kuupäev: 18.02.2026", 2: "KMKR nr: EE109058306",
    5: [(40, "Kirjeldus"), (300, "Kogus"), (360, "Hind"), (450, "Summa")],
    6: [(40, "Pastapliiats punane"), (300, "40"), (360, "11,25"), (450, "450,00")],
    7: [(40, "Kleeplint 25 mm"), (300, "4"), (360, "1,46"), (450, "5,84")],
    8: [(40, "Erialaraamat"), (300, "2"), (360, "35,10"), (450, "70,20")],
    10: [(40, "Vahesumma"), (150, "Käibemaks 24%"), (260, "Käibemaks 9%"), (400, "Kokku")],
    11: [(40, "526,04 EUR"), (150, "109,40 EUR"), (260, "6,32 EUR"), (400, "641,76 EUR")],
}


def test_a_row_of_sums_under_its_captions_adds_up_to_net_tax_and_total():
    ex = extract_invoice(doc_from_rows(STRIP), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("526.04", "115.72", "641.76")
    assert "arithmetic" in ex.fields["total"].evidence
    # the captions' row closes the item table: its values are no item
    assert [str(li.amount) for li in ex.lines] == ["450.00", "5.84", "70.20"]


def test_a_breakdown_row_or_a_part_is_no_row_of_sums():
    rows = dict(STRIP)
    rows[11] = [(40, "24%"), (100, "455,84"), (150, "109,40"), (260, "565,24")]  # one rate's row
    rows[12] = "Kokku tasuda 641,76 EUR"
    assert extract_invoice(doc_from_rows(rows), []).fields["total"].method != "row_sums"
    rows = dict(STRIP)
    rows[14] = "Tasuda koos viivisega 700,00 EUR"  # a larger amount: the row is not the invoice's sum
    assert extract_invoice(doc_from_rows(rows), []).fields["total"].method != "row_sums"


def test_a_wrapped_number_under_a_speck_line_on_a_scan():
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    words = (Word("Kreditrekins", Box(312, 40, 435, 60), 1, 0.93), Word("Nr.", Box(442, 41, 470, 54), 1, 0.93),
             Word("BPD-", Box(478, 41, 527, 54), 1, 0.93), Word("—", Box(330, 62, 340, 63), 1, 0.34),
             Word("00394", Box(312, 66, 371, 80), 1, 0.97), Word("Rīga,", Box(37, 116, 60, 125), 1, 0.95))
    ex = extract_invoice(DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test"), [])
    assert ex.value("invoice_number") == "BPD-00394"


def test_a_heading_numbers_series_code_a_large_space_before_it():
    # "KNM" and "000533" set in the heading's large type: their space is wider than a body
    # text's, and the code is still the number's own first part
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    words = (Word("SĄSKAITA", Box(315, 37, 415, 57), 1, 0.95), Word("FAKTURA", Box(421, 40, 517, 55), 1, 0.95),
             Word("Nr.", Box(523, 43, 551, 56), 1, 0.95), Word("KNM", Box(315, 60, 363, 73), 1, 0.96),
             Word("000533", Box(371, 60, 441, 74), 1, 0.96),
             *(Word(w, Box(40 + 70 * i, 200, 40 + 70 * i + 4.7 * len(w), 207), 1, 0.95)  # body text, 4.7 pt a character
               for i, w in enumerate("Konstitucijos pr. 21 Vilnius LT-08130 Lietuva".split())))
    ex = extract_invoice(DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test"), [])
    assert ex.value("invoice_number") == "KNM 000533"


def test_a_number_ocr_split_inside_a_word_is_held():
    # "616/PP" + "1/1" two pixels apart: OCR split "616/PP1/1", and the rest may be its own
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    words = (Word("Broj", Box(319, 40, 340, 48), 1, 0.95), Word("računa", Box(343, 40, 375, 48), 1, 0.95),
             Word("616/PP", Box(319, 60, 386, 75), 1, 0.91), Word("1/1", Box(388, 62, 415, 76), 1, 0.9),
             Word("Zagreb", Box(40, 200, 70, 207), 1, 0.95))
    f = extract_invoice(DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test"), []).fields["invoice_number"]
    assert "glued_after" in f.evidence and f.confidence <= 0.45


def test_a_date_a_due_caption_reads_as_its_own_is_held():
    # a photo's skew set the due date's cell beside the issue date's wrapped caption:
    # "Data wystawienia /" over "Issue date 06.02.2026" under "TERMIN PŁATNOŚCI"; the date
    # right of the caption's lower line stands under the next box's caption, so the caption's
    # own date is read under it (``search._in_next_caption_column``)
    rows = {5: [(40, "Nr dok."), (150, "Data wystawienia /"), (300, "TERMIN PŁATNOŚCI")],
            6: [(40, "FV/875/01/2026"), (150, "Issue date"), (300, "06.02.2026 r.")], 7: [(150, "23.01.2026 r.")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-01-23", "2026-02-06")
    # beside a caption of one line nothing says the row is a row of boxes: the due caption
    # reading the same words holds the date
    rows = {5: [(40, "Nr dok."), (300, "TERMIN PŁATNOŚCI")],
            6: [(40, "FV/875/01/2026"), (150, "Issue date"), (300, "06.02.2026 r.")]}
    f = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert f.value == "2026-02-06" and "claimed_by_due_date" in f.evidence


def test_right_under_the_items_sum_a_sum_in_unknown_words_ends_the_items():
    # "Kopsumma bez PVN" restates the items' sum, then the tax row in words no list holds
    rows = {0: "Rēķins Nr. BPD-00150",
            5: [(40, "Kods"), (100, "Nosaukums"), (300, "Daudzums"), (380, "Cena"), (450, "Summa")],
            6: [(40, "PIL-1004"), (100, "Lodīšu pildspalva melna"), (300, "3"), (380, "7,80"), (450, "23,40")],
            7: [(40, "LEN-1010"), (100, "Līmlente 25 mm x 66 m"), (300, "1"), (380, "1,40"), (450, "1,40")],
            9: [(100, "Kopsumma pirms nodokļa"), (450, "24,80")],
            10: [(100, "Pievienotās vērtības nodoklis (21%)"), (450, "5,21")],
            11: [(100, "Summa kopā EUR"), (450, "30,01")]}
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.table_reader import read_table_items
    ctx, _ = document_context(doc_from_rows(rows))
    assert [str(li.amount) for li in read_table_items(ctx)] == ["23.40", "1.40"]


def test_a_headings_number_wrapped_to_the_headings_left_edge():
    rows = {0: [(112, "Hanse Bürobedarf"), (309, "Gutschrift Nr. RE2026-")],
            1: [(112, "Spaldingstraße 160"), (309, "00217")], 9: "Gutschrift zu Rechnung RE2026-00212"}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") == "RE2026-00217"
    # under neither the piece nor the heading's edge: another field's
    rows[1] = [(112, "Spaldingstraße 160"), (360, "00217")]
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") != "RE2026-00217"


def test_the_number_word_before_the_corrective_invoices_word():
    rows = {0: "FACTURA RECTIFICATIVA", 3: [(40, "CLIENTE"), (300, "Nº rectificativa: A-2026/00553")]}
    f = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert f.value == "A-2026/00553" and f.confidence >= 0.9


def test_a_caption_row_with_only_its_tax_known_closes_the_items():
    # "Ilma maksuta" and "Kokku" in no list: the tax's caption names its rate, and the row of
    # three captions over the sums is no item, nor is the row of sums under it (one item: no
    # sum of items before it to tell the sums' row by)
    rows = {k: v for k, v in STRIP.items() if k < 7}
    rows[10] = [(40, "Ilma maksuta"), (360, "Käibemaks 24%"), (450, "Kokku")]
    rows[11] = [(40, "450,00"), (360, "108,00"), (450, "558,00")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert [str(li.amount) for li in ex.lines] == ["450.00"]
    # an item's description naming a rate in one cell is still an item
    rows = {k: v for k, v in STRIP.items() if k < 10}
    rows[7] = [(40, "Kleeplint käibemaks 24%"), (300, "4"), (360, "1,46"), (450, "5,84")]
    assert [str(li.amount) for li in extract_invoice(doc_from_rows(rows), []).lines] == ["450.00", "5.84", "70.20"]


def test_a_specks_figure_in_the_caption_row_is_no_figure():
    from dataclasses import replace

    from invoicepipe.domain.models import DocumentText

    rows = {0: "Faktúra č. 2026000508", 1: "Dátum vystavenia: 18.02.2026",
            5: [(40, "Kód"), (100, "Názov položky"), (300, "Množstvo"), (360, "Jedn. cena"), (450, "Spolu bez DPH")],
            6: [(40, "PER-1081"), (100, "Guľôčkové pero zelené"), (300, "-1"), (360, "14,29"), (450, "-14,29")],
            8: [(40, "Základ dane"), (150, "DPH 23 %"), (200, "5"), (300, "K úhrade")],
            9: [(40, "-14,29 €"), (360, "-3,29 €"), (450, "-17,58 €")]}
    page = doc_from_rows(rows, confidence=0.9).pages[0]
    # OCR read a speck between two captions as "5", doubting it: the captions close the items
    words = tuple(replace(w, confidence=0.37) if w.text == "5" else w for w in page.words)
    doc = DocumentText((replace(page, words=words),), None, "test")
    assert [str(li.amount) for li in extract_invoice(doc, []).lines] == ["-14.29"]


def test_a_specks_minus_before_one_amount_of_the_row_of_sums():
    rows = {k: v for k, v in STRIP.items() if k < 10}
    rows[10] = [(40, "Vahesumma"), (150, "Käibemaks 24%"), (260, "Käibemaks 9%"), (400, "Kokku")]
    rows[11] = [(40, "-526,04 EUR"), (150, "109,40 EUR"), (260, "6,32 EUR"), (400, "641,76 EUR")]
    scan = extract_invoice(doc_from_rows(rows, confidence=0.9), [])
    assert (scan.value("net"), scan.value("total")) == ("526.04", "641.76") and "repaired" in scan.fields["net"].evidence
    # on a text layer the sign is printed: nothing is repaired
    assert extract_invoice(doc_from_rows(rows), []).value("net") != "526.04"


def test_under_captions_no_list_holds_the_items_adding_up_make_the_row_of_sums():
    # none of the captions is a word the vocabulary knows: the row adding up is one sum, the
    # items above adding up to its first amount the second that checks it
    rows = dict(STRIP)
    rows[10] = [(40, "Qwerty"), (150, "Asdfgh 24%"), (260, "Asdfgh 9%"), (400, "Zxcvb")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("526.04", "115.72", "641.76")
    assert ex.fields["total"].method == "row_sums"
    # items that do not add up to it leave the row one sum, which may be chance
    rows[8] = [(40, "Erialaraamat"), (300, "2"), (360, "35,10"), (450, "70,30")]
    assert extract_invoice(doc_from_rows(rows), []).fields["total"].method != "row_sums"


def test_a_row_of_sums_under_unknown_captions_sums_the_items_of_every_page():
    # the items run over a page break and the row of sums under captions no list holds closes
    # the second page: the items of both pages add up to its first amount
    from invoicepipe.domain.models import DocumentText, Page

    from .test_extraction_fields import row_words

    first = [(0, "UTENSILERIA LOMBARDA"), (2, "Zxqv 468/2026")] + [(5 + k, f"Vite TE {k}") for k in range(6)]
    amounts = ["95,00", "304,00", "32,76", "9,93", "44,36", "308,00", "16,75", "207,20"]
    words1 = [w for row, text in first for w in row_words(text, row)]
    words1 += [w for k, a in enumerate(amounts[:6]) for w in row_words(a, 5 + k, 450.0)]
    words2 = [w for k in range(2) for w in row_words(f"Inserto {k}", 1 + k, 40.0, page=2) + row_words(amounts[6 + k], 1 + k, 450.0, page=2)]
    net = sum(float(a.replace(",", ".")) for a in amounts)  # 1018.00
    words2 += row_words("Zxqv merce", 5, 60.0, page=2) + row_words("Plorb 22%", 5, 220.0, page=2) + row_words("Gnarf", 5, 420.0, page=2)
    words2 += (row_words("1.018,00", 6, 60.0, page=2) + row_words("223,96", 6, 220.0, page=2)
               + row_words("1.241,96", 6, 420.0, page=2))
    doc = DocumentText((Page(1, 595, 842, tuple(words1), "pdf_text"), Page(2, 595, 842, tuple(words2), "pdf_text")), None, "t")
    ex = extract_invoice(doc, [])
    assert round(net, 2) == 1018.00
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1018.00", "223.96", "1241.96")
    assert ex.fields["net"].method == "row_sums"


def test_a_net_larger_than_the_total_reads_the_two_labels_in_reverse(english_labels_only):
    # qualifiers no list holds: "Total HT" read as the total and "Net à payer" as the net, the
    # net larger than the total; their difference printed at a rate of the smaller is the tax
    rows = {0: "VISSERIE DU RHONE", 2: "Invoice F2026-00454",
            6: [(40.0, "VTH-1202 Vis tête hexagonale"), (339.0, "2"), (440.0, "29,48"), (520.0, "58,96")],
            9: [(400.0, "Total HT"), (518.0, "58,96 EUR")], 10: [(400.0, "TVA 20 %"), (518.0, "11,79 EUR")],
            11: [(400.0, "Net à payer"), (518.0, "70,75 EUR")]}
    assert _amounts(rows) == {"net": "58.96", "tax": "11.79", "total": "70.75"}
    # the difference at no rate of the smaller: nothing says the labels are reversed
    rows[10] = [(400.0, "TVA 20 %"), (518.0, "1,79 EUR")]
    rows[11] = [(400.0, "Net à payer"), (518.0, "60,75 EUR")]
    assert _amounts(rows)["total"] != "60.75"


def test_one_item_over_a_row_of_sums_under_unknown_captions():
    # one item, its amount printed again as the row's first sum, the row adding up by itself:
    # net, tax and total; and the row is no second item
    rows = {0: "KONTORITARBED HARJU", 2: "Zxqv 202600421",
            5: [(47.0, "Nr"), (78.0, "Kogus"), (113.0, "Kood"), (180.0, "Kirjeldus"), (400.0, "Plorb"), (500.0, "Gnarf")],
            6: [(53.0, "1"), (94.0, "15"), (113.0, "PAS-1011"), (180.0, "Pastapliiats must"), (420.0, "8,21"), (510.0, "123,15")],
            8: [(147.0, "Zxqvrtu"), (333.0, "Plorbax 24%"), (490.0, "Gnarf kvant")],
            9: [(160.0, "123,15"), (365.0, "29,56"), (515.0, "152,71")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("123.15", "29.56", "152.71")
    assert ex.fields["total"].method == "row_sums"
    assert [str(i.amount) for i in ex.lines] == ["123.15"]


def test_the_row_read_as_the_sums_is_no_item():
    # under captions no list holds the items' table runs on into the row of sums: the line the
    # total was read from (``row_sums``) is no item, the items above it stay
    from decimal import Decimal

    from invoicepipe.domain.extraction.extract import _without_row_of_sums
    from invoicepipe.domain.models import Box, ExtractedField, LineItem

    item = LineItem("Pastapliiats", amount=Decimal("123.15"), page=1, box=Box(40, 294, 560, 304))
    sums_row = LineItem("", amount=Decimal("152.71"), page=1, box=Box(150, 334, 560, 344))
    total = ExtractedField("total", "152.71", 0.99, "row_sums", page=1, box=Box(515, 334, 545, 344))
    assert _without_row_of_sums([item, sums_row], {"total": total}) == [item]
    # a labelled total's row too, where the row's one amount is the total's; an item row beside
    # the box with its own amount, or with a quantity and price, stays
    labelled = ExtractedField("total", "152.71", 0.99, "label_below", page=1, box=Box(515, 334, 545, 344))
    assert _without_row_of_sums([item, sums_row], {"total": labelled}) == [item]
    other = LineItem("", amount=Decimal("52.71"), page=1, box=Box(150, 334, 560, 344))
    priced = LineItem("", Decimal("1"), Decimal("152.71"), Decimal("152.71"), page=1, box=Box(150, 334, 560, 344))
    assert _without_row_of_sums([item, other, priced], {"total": labelled}) == [item, other, priced]


def test_a_row_that_printed_a_sum_is_no_item():
    # the items' table runs on into the totals under captions no list holds: the row that
    # printed the net ("Ar PVN apliekamā vērtība -16,84 €", one amount, no quantity or price)
    # is no second item; the one item, of the same amount with its quantity and price, stays
    from decimal import Decimal

    from invoicepipe.domain.extraction.extract import _without_row_of_sums
    from invoicepipe.domain.models import Box, ExtractedField, LineItem

    item = LineItem("Lodīšu pildspalva melna", Decimal("-2"), Decimal("8.42"), Decimal("-16.84"), page=1,
                    box=Box(41, 245, 560, 255))
    sum_row = LineItem("Ar PVN apliekamā vērtība", amount=Decimal("-16.84"), page=1, box=Box(338, 271, 560, 281))
    net = ExtractedField("net", "-16.84", 0.94, "column_sums", 1, Box(523, 272, 550, 280))
    assert _without_row_of_sums([item, sum_row], {"net": net}) == [item]
    # a net read off the one item's own row leaves the item
    on_item = ExtractedField("net", "-16.84", 0.3, "largest_amount", 1, Box(527, 246, 555, 254))
    assert _without_row_of_sums([item], {"net": on_item}) == [item]


def test_a_rows_thousands_set_a_digits_width_apart_are_joined_where_the_items_then_add_up():
    # "1" + "290,00": a table's figure spacing sets the group a digit's width from its
    # thousands, wider than a thousands space; read apart, the items miss the net by 1,000.
    # Read again with such groups joined, they add up to it, and that reading is kept
    rows = {0: "Biuro Prekes UAB", 1: "Invoice No. KNM-2026-0012", 2: "Invoice date 2026-01-29",
            4: [(40, "Description"), (250, "Qty"), (300, "Price"), (350, "Disc."), (470, "Amount")],
            5: [(40, "Toner cartridge"), (250, "20"), (300, "86,00"), (350, "25"), (470, "1"), (482, "290,00")],
            6: [(40, "Paper A4"), (250, "1"), (300, "500,00"), (350, "0"), (482, "500,00")],
            8: [(300, "Net amount"), (475, "1 790,00")], 9: [(300, "VAT 21%"), (482, "375,90")],
            10: [(300, "Total"), (475, "2 165,90")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert [str(i.amount) for i in ex.lines] == ["1290.00", "500.00"] and "lines" in ex.fields["net"].evidence
    # where joining makes nothing add up (a quantity and a price a digit apart), the first reading stays
    rows[5] = [(40, "Toner cartridge"), (250, "20"), (300, "86,00"), (350, "25"), (470, "1"), (482, "290,00")]
    rows[8] = [(300, "Net amount"), (482, "790,00")]
    rows[9] = [(300, "VAT 21%"), (482, "165,90")]
    rows[10] = [(300, "Total"), (482, "955,90")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert [str(i.amount) for i in ex.lines] == ["290.00", "500.00"]


def test_a_reversed_net_and_total_with_a_tax_row_per_rate_between_them(english_labels_only):
    # "Montant HT" unread, "Net à payer" read as the net, two rates: no amount prints the
    # difference, but the rows between, each a rate's tax, add up to it, and the nets their
    # rates imply add up to the smaller amount (5 149,65 / 20 % + 52,80 / 5,5 % = 26 708,25)
    rows = {0: "VISSERIE DU RHONE", 2: "Invoice F2026-00455",
            6: [(40.0, "VTH-1202 Vis tête hexagonale"), (339.0, "2"), (440.0, "13354,125"), (520.0, "25 748,25")],
            7: [(40.0, "ECR-1069 Écrou hexagonal"), (339.0, "1"), (440.0, "960,00"), (520.0, "960,00")],
            9: [(400.0, "Montant HT"), (518.0, "26 708,25")], 10: [(400.0, "TVA 20 %"), (518.0, "5 149,65")],
            11: [(400.0, "TVA 5,5 %"), (518.0, "52,80")], 12: [(400.0, "Net à payer"), (518.0, "31 910,70")]}
    assert _amounts(rows) == {"net": "26708.25", "tax": "5202.45", "total": "31910.70"}
    # a row's tax off its rate by a unit: the rows say nothing, the reading stays reversed
    rows[10] = [(400.0, "TVA 20 %"), (518.0, "5 150,65")]
    rows[12] = [(400.0, "Net à payer"), (518.0, "31 911,70")]
    assert _amounts(rows)["total"] != "31911.70"
    # a line between that is no rate's tax row (a shipping charge): no block of tax rows
    rows[10] = [(400.0, "TVA 20 %"), (518.0, "5 149,65")]
    rows[11] = [(400.0, "Port"), (518.0, "52,80")]
    rows[12] = [(400.0, "Net à payer"), (518.0, "31 910,70")]
    assert _amounts(rows)["total"] != "31910.70"
