"""Till receipts: the payable total among the subtotal, a tax breakdown table, the cash
handed over and the change; local currency abbreviations; dates with times; and the
confidence of a total that was chosen among rivals without anything adding up."""

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_checks import AmountEvidence, evidence_class
from tests.unit.test_extraction_fields import doc_from_rows

GERMAN_TABLE = {
    0: "BÄCKEREI SONNENSCHEIN",
    1: "02.04.26 15:10   Bon-Nr. 011321",
    3: [(40, "Brezel"), (300, "0,95 B")],
    4: [(40, "Kaffee Crema 500g"), (300, "15,98 A")],
    5: [(40, "Milch 3,5% 1L"), (300, "15,53 B")],
    7: [(40, "SUMME EUR"), (300, "32,46")],
    8: [(40, "Bar"), (300, "50,00")],
    9: [(40, "Rückgeld"), (300, "17,54")],
    11: [(40, "MwSt  Netto"), (250, "MwSt  Brutto")],
    12: [(40, "A 19%  13,43"), (250, "2,55  15,98")],
    13: [(40, "B 7%  15,40"), (250, "1,08  16,48")],
}


def test_a_tax_breakdown_table_gives_the_sums_not_its_first_row():
    ex = extract_invoice(doc_from_rows(GERMAN_TABLE), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("28.83", "3.63", "32.46")
    assert "arithmetic" in ex.fields["total"].evidence
    assert ex.value("currency") == "EUR"


def test_a_breakdown_row_sum_never_outvotes_the_total_label():
    # the 7 % row misread: the remaining row adds up on its own, but the label says what was paid
    rows = {**GERMAN_TABLE, 13: [(40, "n 7,54  15,40"), (250, "1,0 8  16,48")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "32.46" and "paid" in ex.fields["total"].evidence


def test_one_breakdown_row_is_the_whole_document():
    rows = {k: v for k, v in GERMAN_TABLE.items() if k not in (3, 5, 13)}
    rows.update({7: [(40, "SUMME EUR"), (300, "15,98")], 8: [(40, "Bar"), (300, "20,00")], 9: [(40, "Rückgeld"), (300, "4,02")]})
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("13.43", "2.55", "15.98")


MALAYSIAN = {
    0: "KEDAI RUNCIT SRI MAJU",
    1: "Date: 23/02/2026 11:03:37",
    3: [(40, "MAGGI KARI 5S"), (300, "6.45")],
    4: [(40, "3 x AIR MINERAL 1.5L"), (300, "5.94")],
    6: [(40, "Total Sales (Excl. SST)"), (300, "12.39")],
    7: [(40, "SST 8%"), (300, "0.99")],
    8: [(40, "Rounding Adj"), (300, "0.02")],
    9: [(40, "Total (RM)"), (300, "13.40")],
    11: [(40, "CASH"), (300, "50.00")],
    12: [(40, "CHANGE"), (300, "36.60")],
}


def test_the_total_is_what_cash_minus_change_pays_and_rm_is_ringgit():
    ex = extract_invoice(doc_from_rows(MALAYSIAN), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("12.39", "0.99", "13.40")
    assert "paid" in ex.fields["total"].evidence
    assert ex.value("currency") == "MYR"
    assert ex.value("invoice_date") == "2026-02-23"


def test_cash_tendered_is_never_the_fallback_total():
    # nothing labels the total: the largest amount is the banknote, which is not it
    rows = {0: "PIEKARNIA", 2: [(40, "CHLEB"), (300, "5,49")], 3: [(40, "MLEKO"), (300, "3,29")],
            5: [(40, "Gotówka"), (300, "200,00")], 6: [(40, "Reszta"), (300, "191,22")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") != "200.00"


def test_polish_fiscal_receipt_sum_and_tax_sum():
    rows = {
        0: "PARAGON FISKALNY",
        1: "2026-03-18 15:42",
        3: [(40, "SPRZEDAŻ OPODATKOWANA A"), (300, "24,13")],
        4: [(40, "SPRZEDAŻ OPODATKOWANA B"), (300, "14,89")],
        5: [(40, "PTU A 23%"), (300, "4,51")],
        6: [(40, "PTU B 8%"), (300, "1,10")],
        7: [(40, "SUMA PTU"), (300, "5,61")],
        8: [(40, "SUMA PLN"), (300, "39,02 zł")],
        10: [(40, "Gotówka"), (300, "50,00")],
        11: [(40, "Reszta"), (300, "10,98")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("tax"), ex.value("total"), ex.value("currency")) == ("5.61", "39.02", "PLN")


def test_us_receipt_with_tip_two_digit_year_and_time():
    rows = {
        0: "SUNRISE DINER",
        2: [(40, "BURGER DELUXE"), (300, "14.95")],
        4: [(40, "Subtotal"), (300, "14.95")],
        5: [(40, "Sales Tax 8.875%"), (300, "1.33")],
        6: [(40, "Tip"), (300, "3.00")],
        7: [(40, "TOTAL"), (300, "$19.28")],
        9: [(40, "VISA"), (300, "19.28")],
        11: "6/1/26 8:13 PM  TRANS# 63519",
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "19.28" and ex.value("currency") == "USD"
    assert "arithmetic" in ex.fields["total"].evidence  # subtotal + tax + tip = total
    assert ex.value("invoice_date") == "2026-06-01"


def test_a_total_chosen_among_rivals_without_arithmetic_stays_below_high_confidence():
    # two total-worded sums, neither adding up with anything printed: which one is paid is a guess
    rows = {0: "SHOP", 2: [(40, "Total"), (300, "41.95")], 3: [(40, "Total"), (300, "45.67")],
            5: [(40, "VISA"), (300, "45.67")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    field = ex.fields["total"]
    assert "contested" in field.evidence and "class:alone" in field.evidence
    assert field.confidence <= 0.8


def test_contest_is_settled_by_arithmetic_or_payment():
    assert evidence_class(AmountEvidence(repeated=1, contested=True)) == "alone"
    assert evidence_class(AmountEvidence(repeated=1, paid=True, contested=True)) == "two"
    assert evidence_class(AmountEvidence(arithmetic=True, contested=True)) == "one"
    assert AmountEvidence(paid=True).agreements == 1 and Decimal("0.01")


def test_a_total_whose_label_was_lost_is_the_running_sum_below_the_net():
    rows = {
        0: "KOPI & TOAST PTE LTD",
        2: [(40, "KAYA TOAST SET"), (300, "S$44.07")],
        4: [(40, "Subtotal"), (300, "S$44.07")],
        5: [(40, "Svc Chg 10%"), (300, "S$4.41")],
        6: [(40, "GST 9%"), (300, "S$4.36")],
        7: [(300, "S$52.84")],  # "Total" not read
        9: [(40, "KAYA T0AST SET"), (300, "8$5.80 85.80")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("total") == "52.84" and ex.fields["total"].method == "sum_of_rows"
    assert ex.fields["total"].confidence < 0.8


def test_payment_words_are_labels_only_before_an_amount():
    from tests.unit.test_extraction_amounts import labels_of
    assert labels_of("CASH 50.00") == [("other_amount", "CASH")]
    assert labels_of("Cóntant : “€100,00") == [("other_amount", "Cóntant")]
    assert labels_of("SUMME EUR 32,46") == [("total", "SUMME")]
    # goods, payment terms and table headers that share the words are no labels
    assert labels_of("Connector RJ45, 8-pin CON-1059 12 pcs 127.88") == []
    assert labels_of("IBZY2087 Cash at Hotel") == []
    assert labels_of("Einzelpreis Gesamt") == []


def _amounts(text: str, sep: str = "."):
    from invoicepipe.domain.extraction.candidates import amounts_on
    from invoicepipe.domain.extraction.layout import build_layout
    line = build_layout(doc_from_rows({0: text})).lines[0]
    return [t.value for t in amounts_on(line, sep, 6.0)]


def test_noise_glued_to_an_amount_by_ocr_is_not_part_of_it():
    assert _amounts("TOTAL _RM89.50") == [Decimal("89.50")]
    assert _amounts("TOTAL *RM34.15") == [Decimal("34.15")]
    assert _amounts("Grand Total %189.00") == [Decimal("189.00")]  # a rupee sign read as "%"
    assert _amounts("Brezel 0,95B", ",") == [Decimal("0.95")]  # the tax code glued on
    assert _amounts("Remise “5,61 €", ",") == [Decimal("5.61")]


def test_a_rate_is_still_no_amount_and_letters_after_whole_numbers_stay():
    assert _amounts("SST 6% 5.07") == [Decimal("5.07")]
    assert _amounts("Art 1234A") == []


def _receipt(rows: dict, confidence: float = 1.0):
    """A receipt on an 80 mm roll (227 pt wide)."""
    from invoicepipe.domain.models import DocumentText, Page
    doc = doc_from_rows(rows, confidence=confidence)
    page = doc.pages[0]
    return DocumentText((Page(1, 227, 600, tuple(w for w in page.words if w.box.x1 < 227), page.method),), None, "test")


RECEIPT_HEAD = {
    0: "“. CAFETERÍA LA PLAZA :",
    1: "Calle Mayor 12",
    2: "28013 Madrid",
    3: "Tel. 91 555 0101",
    4: "Fecha: 14/03/2026 10:12",
    6: [(10, "CAFE CON LECHE"), (170, "2,40")],
    7: [(10, "TOTAL"), (170, "2,40")],
}


def test_a_receipts_shop_name_is_the_first_line_of_its_head_with_a_low_score():
    ex = extract_invoice(_receipt(RECEIPT_HEAD), [])
    assert ex.value("vendor") == "CAFETERÍA LA PLAZA"  # a place word without a number is a name
    assert ex.fields["vendor"].method == "receipt_head" and ex.fields["vendor"].confidence <= 0.6


def test_address_title_and_field_lines_are_never_the_shop_name():
    rows = {**RECEIPT_HEAD, 0: "PARAGON FISKALNY", 1: "Calle Mayor 12", 5: "Items: 3"}
    ex = extract_invoice(_receipt(rows), [])
    assert ex.value("vendor") is None  # the name was lost: no address or title stands in for it


def test_an_invoice_page_is_not_read_as_a_receipt_head():
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.receipt_vendor import receipt_vendor_name
    rows = {0: "Acme Supplies", 1: "1 Long Street", 3: [(40, "Widget, boxed, blue, for the long table of an invoice"), (450, "45,00")]}
    assert receipt_vendor_name(document_context(doc_from_rows(rows))[0]) is None


def test_an_item_count_is_never_the_total():
    rows = {0: "ANNAPURNA SUPER MART", 1: "Date: 23-Sep-2026 04:52 PM",
            3: [(10, "Grand Total"), (170, "416.00")], 4: [(10, "Total Items: 2")]}
    ex = extract_invoice(_receipt(rows, confidence=0.6), [])
    assert ex.value("total") == "416.00"


def test_a_whole_number_printed_elsewhere_does_not_confirm_a_total():
    from invoicepipe.domain.extraction.amount_checks import DocumentAmounts
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.search import Candidate
    ctx = document_context(doc_from_rows({0: "TOTAL TTC", 1: "3 x 4,78", 2: "COMTE 3", 3: "Remise 3,00"}))[0]
    doc = DocumentAmounts(ctx)
    three = Candidate("total", "3.00", 0.5, "label_below", ctx.layout.lines[1].words[:1], Decimal(3))
    assert doc.repeated(three, anywhere=True) == 1  # "Remise 3,00" only, not the count "COMTE 3"


def test_a_breakdown_row_whose_tax_cell_ocr_garbled_still_counts():
    rows = {k: v for k, v in GERMAN_TABLE.items() if k not in (7, 8, 9)}  # the total's line lost
    rows[13] = [(40, "B7% 15,40"), (250, "1;0S8  16,48")]
    ex = extract_invoice(doc_from_rows(rows, confidence=0.9), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("28.83", "3.63", "32.46")


def test_two_amounts_and_a_rate_without_a_garbled_cell_are_no_breakdown_row():
    from invoicepipe.domain.extraction.conventions import document_context
    from invoicepipe.domain.extraction.tax_breakdown import breakdown_rows
    ctx = document_context(doc_from_rows({0: [(40, "Widget 7%"), (250, "15,40  16,48")]}))[0]
    assert breakdown_rows(ctx) == []


def test_a_quote_mark_ocr_put_inside_a_date_is_read_past():
    from invoicepipe.domain.extraction.candidates import dates_in
    found = dates_in("-2026-03-‘18 15:42", 4, "dmy")
    assert [(d.value.isoformat(), d.start, d.end) for d in found] == [("2026-03-18", 5, 16)]
    assert dates_in("12.03.2026", 0, "dmy")[0].end == 10  # offsets of a clean date unchanged


def test_a_lone_currency_sign_read_off_a_speck_is_a_low_guess():
    rows = {0: "99 SPEEDMART MINI", 1: "Cashier: Gita. £", 2: [(10, "TOTAL"), (170, "_89.50")]}
    ex = extract_invoice(_receipt(rows, confidence=0.9), [])
    assert ex.value("currency") == "GBP" and ex.fields["currency"].confidence < 0.8
    rows[2] = [(10, "TOTAL"), (170, "£89.50")]  # the sign on the amount: the currency
    assert extract_invoice(_receipt(rows, confidence=0.9), []).fields["currency"].confidence >= 0.95


def test_a_tills_own_number_words_label_the_receipt_number_weakly():
    for line, number in (("07.01.2026 08:43 Bon-Nr. 12701", "12701"), ("Ticket n° 008384-464", "008384-464"),
                         ("TRANS# 061393", "061393"), ("Nr wydruku 41453", "41453")):
        ex = extract_invoice(_receipt({0: "GETRÄNKE HOFFMANN", 1: line, 3: [(10, "SUMME EUR"), (170, "12,34")]}), [])
        assert ex.value("invoice_number") == number and ex.fields["invoice_number"].confidence <= 0.5


INDIAN_NET_PAYABLE = {
    0: "SHREE SAGAR STORES",
    1: "Date: 09/05/26 19:40  Bill No: 4471",
    3: [(40, "TOOR DAL 1KG"), (300, "418.00")],
    4: [(40, "GHEE 500ML"), (300, "429.62")],
    6: [(40, "Gross Amount"), (300, "847.62")],
    7: [(40, "CGST @2.5%"), (300, "21.19")],
    8: [(40, "SGST @2.5%"), (300, "21.19")],
    9: [(40, "Round Off"), (300, "0.00")],
    10: [(40, "Net Amount"), (300, "Rs. 890.00")],
    12: [(40, "Cash Received"), (300, "1,000.00")],
    13: [(40, "Balance Paid"), (300, "110.00")],
}


def test_a_net_amount_the_payment_pays_is_the_total_when_no_total_label_is_read():
    ex = extract_invoice(doc_from_rows(INDIAN_NET_PAYABLE), [])
    assert ex.value("total") == "890.00"
    assert "paid" in ex.fields["total"].evidence and "net_label" in ex.fields["total"].evidence
    assert ex.value("net") != "890.00"


def test_a_net_amount_nothing_pays_stays_the_net():
    rows = {k: v for k, v in INDIAN_NET_PAYABLE.items() if k not in (12, 13)}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("net") == "890.00" and ex.value("total") != "890.00"


def test_a_net_amount_one_digit_off_the_payment_is_the_payment_misread():
    rows = {**INDIAN_NET_PAYABLE, 10: [(40, "Net Amount"), (300, "Rs. 890.60")]}
    ex = extract_invoice(doc_from_rows(rows, confidence=0.7), [])
    assert ex.value("total") == "890.00"
    assert "repaired" in ex.fields["total"].evidence and "paid" not in ex.fields["total"].evidence


def test_a_surely_read_total_is_not_mended_to_a_change_misread_by_one_digit():
    rows = {**INDIAN_NET_PAYABLE, 10: [(40, "Net Amount"), (300, "Rs. 890.60")]}
    ex = extract_invoice(doc_from_rows(rows, confidence=0.9), [])
    assert "repaired" not in ex.fields["total"].evidence and ex.value("total") != "890.00"


def test_a_total_the_items_above_add_up_to_is_never_mended():
    # "Reszta 0,98" read as "6,98": 40,00 - 6,98 is one digit off the total, but the items
    # and the per-rate sales rows add up to the printed 39,02
    rows = {
        0: "SKLEP U ANI", 1: "2026-07-01 09:17",
        3: [(40, "MASLO"), (300, "17,99 A")], 4: [(40, "CHLEB"), (300, "21,03 B")],
        6: [(40, "SUMA PLN"), (300, "39,02")],
        8: [(40, "Gotowka"), (300, "40,00")], 9: [(40, "Reszta"), (300, "6,98")],
    }
    ex = extract_invoice(doc_from_rows(rows, confidence=0.7), [])
    assert ex.value("total") == "39.02" and "repaired" not in ex.fields["total"].evidence


SYMBOL_READ_AS_DIGIT = {
    0: "ANNAPOORNA TIFFINS",
    1: "Date: 14/08/26 08:05",
    3: [(40, "IDLI VADA"), (300, "₹95.00")],
    4: [(40, "COFFEE"), (300, "₹94.00")],
    6: [(40, "TOTAL"), (300, "7189.00")],  # "₹189.00": the rupee sign read as a 7
    8: [(40, "CASH"), (300, "₹200.00")],
    9: [(40, "CHANGE"), (300, "₹11.00")],
}


def test_a_currency_sign_read_as_a_digit_is_mended_by_the_payment_but_stays_a_guess():
    ex = extract_invoice(doc_from_rows(SYMBOL_READ_AS_DIGIT, confidence=0.9), [])
    total = ex.fields["total"]
    assert total.value == "189.00" and "repaired" in total.evidence
    assert total.confidence < 0.9


def test_a_total_is_not_mended_to_a_payment_more_than_one_glyph_away():
    # 500.00 - 11.00 = 489.00: two glyphs off "7189.00", so no misreading of it
    rows = {**SYMBOL_READ_AS_DIGIT, 8: [(40, "CASH"), (300, "₹500.00")], 9: [(40, "CHANGE"), (300, "₹11.00")]}
    ex = extract_invoice(doc_from_rows(rows, confidence=0.9), [])
    assert ex.value("total") == "7189.00" and "repaired" not in ex.fields["total"].evidence
