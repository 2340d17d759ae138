"""An invoice in a language the label vocabulary does not know (Icelandic): net, tax and total
from the column that adds up twice (``column_totals``), the date of issue confirmed by the
vendor's payment terms (``issue_witness``), and a cover letter's date held where the invoice page
is dated otherwise (``dateline.dated_elsewhere``). Every amount and date here is found without
a label."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.column_totals import column_totals, rate_rows_totals
from invoicepipe.domain.extraction.conventions import document_context
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows, doc_with_tall_word

_RIGHT = 520.0


def _right(text: str) -> tuple[float, str]:
    """``text`` right-aligned on the amount column, as an invoice prints its amounts."""
    return (_RIGHT - len(text) * CHAR_W, text)


def _invoice(items=("4.500,00", "12.000,00"), tail=(("Samtals án vsk.", "16.500,00"), ("Virðisaukaskattur 24%", "3.960,00"),
                                                  ("Samtals til greiðslu", "20.460,00"))) -> dict:
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117", 2: "Dagsetning 14.03.2026",
            4: [(40, "Vara"), (300, "Magn"), (380, "Einingarverð"), _right("Upphæð")]}
    row = 5
    for i, amount in enumerate(items):
        rows[row] = [(40, f"Vara {i + 1}"), (300, "1"), (380, amount), _right(amount)]
        row += 1
    row += 1
    for label, amount in tail:
        rows[row] = [(300, label), _right(amount)]
        row += 1
    return rows


def _column(rows: dict):
    ctx = document_context(doc_from_rows(rows))[0]
    found = column_totals(ctx)
    return None if found is None else tuple(c.value for c in found)


def test_the_column_that_adds_up_twice_gives_net_tax_and_total():
    assert _column(_invoice()) == ("16500.00", "3960.00", "20460.00")


def test_tax_rows_of_two_rates_add_up_to_the_tax():
    tail = (("Samtals án vsk.", "16.500,00"), ("Vsk. 24%", "2.880,00"), ("Vsk. 11%", "330,00"), ("Til greiðslu", "19.710,00"))
    assert _column(_invoice(items=("4.500,00", "12.000,00"), tail=tail)) == ("16500.00", "3210.00", "19710.00")


def test_a_rounding_row_closes_the_total_but_is_no_tax():
    # "Sléttun 0,27" (no rate, under one unit) between the tax row and the total: the total
    # closes with it, the tax is the tax row's, and the rounding is the total's adjustment
    tail = (("Samtals án vsk.", "16.500,00"), ("Vsk. 24%", "3.959,73"), ("Sléttun", "0,27"), ("Til greiðslu", "20.460,00"))
    assert _column(_invoice(tail=tail)) == ("16500.00", "3959.73", "20460.00")
    total = extract_invoice(doc_from_rows(_invoice(tail=tail)), []).fields["total"]
    assert "adjusted:+0.27" in total.evidence and "arithmetic" in total.evidence
    # a row printing its rate is a tax, however small
    tail = (("Samtals án vsk.", "16.500,00"), ("Vsk. 24%", "3.959,73"), ("Vsk. 0,1%", "0,27"), ("Til greiðslu", "20.460,00"))
    assert _column(_invoice(tail=tail)) == ("16500.00", "3960.00", "20460.00")


def test_a_larger_amount_inside_a_sentence_does_not_hide_the_column():
    # a share capital in the footer is larger than the total, but words follow it on its line:
    # it is a sentence's amount, not a printed sum
    rows = _invoice()
    rows[25] = [(40, "Temeljni kapital 30.000,00 EUR uplaćen u cijelosti")]
    assert _column(rows) == ("16500.00", "3960.00", "20460.00")
    # nor does one in the footer below the sums, outside their column (a share capital)
    rows[25] = [(40, "Osnovni kapital"), (140, "30.000,00 EUR")]
    assert _column(rows) == ("16500.00", "3960.00", "20460.00")
    # printed in the sums' column, or above them, the larger amount still closes the document
    rows[25] = [(300, "Áður greitt"), _right("30.000,00 EUR")]
    assert _column(rows) is None
    del rows[25]
    rows[3] = [(40, "Samningur"), (140, "30.000,00")]
    assert _column(rows) is None


def test_a_net_label_on_the_amount_payable_gives_way_to_the_column():
    # "Net amount" on the amount payable, no tax label known: the labels read an untaxed
    # invoice (net = total), while the column adds up twice with a tax row in it
    tail = (("Qqqq", "16.500,00"), ("Zzzz 24%", "3.960,00"), ("Total", "20.460,00"), ("Net amount", "20.460,00"))
    ex = extract_invoice(doc_from_rows(_invoice(tail=tail)), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("16500.00", "3960.00", "20460.00")
    assert "class:two" in ex.fields["total"].evidence


def test_the_items_of_a_table_over_a_page_break_add_up_to_the_net_on_the_last_page():
    from invoicepipe.domain.models import DocumentText, Page
    from tests.unit.test_extraction_fields import row_words

    first = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
             4: [(40, "Vara"), (300, "Magn"), _right("Upphæð")],
             5: [(40, "Vara 1"), (300, "1"), _right("4.500,00")], 6: [(40, "Vara 2"), (300, "1"), _right("2.000,00")]}
    second = {1: [(40, "Vara 3"), (300, "1"), _right("10.000,00")], 3: [(300, "Samtals án vsk."), _right("16.500,00")],
              4: [(300, "Vsk. 24%"), _right("3.960,00")], 5: [(300, "Til greiðslu"), _right("20.460,00")]}
    pages = []
    for number, rows in ((1, first), (2, second)):
        words = [w for row, spec in rows.items() for x, text in (spec if isinstance(spec, list) else [(40.0, spec)])
                 for w in row_words(text, row, x, page=number)]
        pages.append(Page(number, 595, 842, tuple(words), "pdf_text"))
    ctx = document_context(DocumentText(tuple(pages), None, "test"))[0]
    assert tuple(c.value for c in column_totals(ctx)) == ("16500.00", "3960.00", "20460.00")


def test_without_the_items_adding_up_to_the_net_the_column_says_nothing():
    # net + tax = total below items that do not add up to the net: one sum is a coincidence
    assert _column(_invoice(items=("4.500,00", "11.000,00"))) is None


def test_a_total_smaller_than_another_amount_is_no_total():
    tail = (("Samtals án vsk.", "16.500,00"), ("Vsk. 24%", "3.960,00"), ("Samtals", "20.460,00"), ("Áður greitt", "25.000,00"))
    assert _column(_invoice(tail=tail)) is None


def test_a_tax_above_any_rate_is_no_tax_row():
    tail = (("Samtals án vsk.", "16.500,00"), ("Flutningur", "6.000,00"), ("Samtals", "22.500,00"))
    assert _column(_invoice(tail=tail)) is None


def test_items_that_print_their_gross_add_up_to_the_total_under_them():
    # each item row prints its net, rate, tax and gross; the gross column adds up to the total
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
            4: [(40, "Vara"), (250, "Nettó"), (320, "Vsk."), (380, "Vsk. upphæð"), _right("Samtals")]}
    for i, (net, tax, gross) in enumerate((("1.000,00", "240,00", "1.240,00"), ("500,00", "120,00", "620,00"))):
        rows[5 + i] = [(40, f"Vara {i + 1}"), (250, net), (320, "24%"), (380, tax), _right(gross)]
    rows[8] = [(300, "Án vsk."), _right("1.500,00")]
    rows[9] = [(300, "Vsk. 24%"), _right("360,00")]
    rows[10] = [(300, "Til greiðslu"), _right("1.860,00")]
    assert _column(rows) == ("1500.00", "360.00", "1860.00")


def test_breakdown_rows_whose_tax_is_their_rate_of_the_base_add_up_to_the_largest_amount():
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
            4: [(40, "Vara"), (300, "Magn"), (380, "Verð"), _right("Upphæð")],
            5: [(40, "Pappír A4"), (300, "25"), (380, "331,00"), _right("8.275,00")],
            6: [(40, "Kaffi"), (300, "2"), (380, "1.000,00"), _right("2.000,00")],
            8: [(200, "8.275,00"), (300, "24 %"), (400, "1.986,00")],
            9: [(200, "2.000,00"), (300, "11 %"), (400, "220,00")],
            11: [(300, "Til greiðslu"), _right("12.481,00 kr.")]}
    ctx = document_context(doc_from_rows(rows))[0]
    assert tuple(c.value for c in rate_rows_totals(ctx)) == ("10275.00", "2206.00", "12481.00")
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("10275.00", "2206.00", "12481.00")
    # one base misprinted: its tax is no rate of it, and nothing adds up to the total
    rows[8] = [(200, "8.257,00"), (300, "24 %"), (400, "1.986,00")]
    assert rate_rows_totals(document_context(doc_from_rows(rows))[0]) is None


def test_a_credit_notes_breakdown_rows_that_print_their_minus_add_up_as_well():
    # a credit note signs every amount: the rows' sizes add up to the largest amount's, and
    # the net, tax and total keep the sign printed
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Kreditreikningur 2026-0118",
            4: [(40, "Vara"), (300, "Magn"), (380, "Verð"), _right("Upphæð")],
            5: [(40, "Pappír A4"), (300, "-25"), (380, "331,00"), _right("-8.275,00")],
            6: [(40, "Kaffi"), (300, "-2"), (380, "1.000,00"), _right("-2.000,00")],
            8: [(100, "24 %"), (200, "-8.275,00"), (300, "-1.986,00"), (400, "-10.261,00")],
            9: [(100, "11 %"), (200, "-2.000,00"), (300, "-220,00"), (400, "-2.220,00")],
            11: [(300, "Alls"), _right("-12.481,00 kr.")]}
    ctx = document_context(doc_from_rows(rows))[0]
    assert tuple(c.value for c in rate_rows_totals(ctx)) == ("-10275.00", "-2206.00", "-12481.00")


def test_a_summary_box_over_the_items_at_a_zero_rate():
    # the sums in a box above the items (net, "0 %" tax, total), the items in their own column
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
            3: [(300, "Samtals án vsk."), (420, "143,78")], 4: [(300, "Vsk. 0 % – öfug skattskylda"), (420, "0,00")],
            5: [(300, "Til greiðslu"), (420, "143,78")],
            7: [(40, "Vara"), (300, "Magn"), (380, "Verð"), _right("Upphæð")]}
    for i, amount in enumerate(("28,60", "95,50", "19,68")):
        rows[8 + i] = [(40, f"Vara {i + 1}"), (300, "1"), (380, amount), _right(amount)]
    assert _column(rows) == ("143.78", "0.00", "143.78")
    # no rate printed on the zero row: a zero is no tax row
    rows[4] = [(300, "Vsk."), (420, "0,00")]
    assert _column(rows) is None


def test_an_invoice_in_an_unknown_language_gets_its_amounts_from_the_column():
    ex = extract_invoice(doc_from_rows(_invoice()), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("16500.00", "3960.00", "20460.00")
    assert ex.fields["total"].method == "column_sums"


def test_a_total_label_over_the_net_gives_way_to_the_column():
    # "Total" (a word the vocabulary knows) over the net, "án VSK" (excluding VAT) unknown: the
    # column has that amount as its net, the tax and a larger total under it
    tail = (("Total án VSK", "16.500,00"), ("VSK 24%", "3.960,00"), ("Til greiðslu", "20.460,00"))
    ex = extract_invoice(doc_from_rows(_invoice(tail=tail)), [])
    assert (ex.value("net"), ex.value("total")) == ("16500.00", "20460.00")


def test_a_cover_letters_date_is_held_when_the_invoice_page_is_dated_otherwise():
    from invoicepipe.domain.models import DocumentText, Page
    from tests.unit.test_extraction_fields import row_words

    letter = {0: "Norðurljós Skrifstofuvörur ehf.", 2: "Reykjavík, 16. mars 2026", 4: "Meðfylgjandi er reikningur okkar."}
    invoice = _invoice()
    pages = []
    for number, rows in ((1, letter), (2, invoice)):
        words = []
        for row, spec in rows.items():
            for x, text in (spec if isinstance(spec, list) else [(40.0, spec)]):
                words.extend(row_words(text, row, x, page=number))
        pages.append(Page(number, 595, 842, tuple(words), "pdf_text"))
    ex = extract_invoice(DocumentText(tuple(pages), None, "test"), [])
    date = ex.fields["invoice_date"]
    assert date.method == "dateline" and "dated_elsewhere" in date.evidence and date.confidence <= 0.4
    # a letter that is the invoice itself keeps its dateline's score
    alone = extract_invoice(DocumentText((pages[0],), None, "test"), [])
    assert alone.fields["invoice_date"].confidence > 0.4


def test_an_unlabelled_date_of_issue_is_confirmed_by_the_vendors_terms():
    from invoicepipe.domain.models import BankAccount, Vendor

    rows = _invoice()
    rows[3] = "Gjalddagi 13.04.2026"  # the due date, under a word the vocabulary does not know
    rows[20] = "IS14 0159 2600 7654 5510 7303 39"
    vendor = Vendor("V-IS", "Norðurljós Skrifstofuvörur ehf.", bank_accounts=(BankAccount("IS140159260076545510730339"),),
                    payment_terms_days=30)
    ex = extract_invoice(doc_from_rows(rows), [vendor])
    date, due = ex.fields["invoice_date"], ex.fields["due_date"]
    assert (date.value, due.value) == ("2026-03-14", "2026-04-13")
    assert "terms_gap" in date.evidence and date.confidence >= 0.6
    # other terms: the first date stays the guess it was
    other = extract_invoice(doc_from_rows(rows), [Vendor("V-IS", vendor.name, bank_accounts=vendor.bank_accounts,
                                                        payment_terms_days=14)])
    assert other.value("invoice_date") == "2026-03-14" and other.fields["invoice_date"].confidence < 0.6


def _with_terms(rows: dict, days: int = 30):
    from invoicepipe.domain.models import BankAccount, Vendor

    rows[20] = "IS14 0159 2600 7654 5510 7303 39"
    vendor = Vendor("V-IS", "Norðurljós Skrifstofuvörur ehf.", bank_accounts=(BankAccount("IS140159260076545510730339"),),
                    payment_terms_days=days)
    return extract_invoice(doc_from_rows(rows), [vendor])


def test_a_guess_that_is_another_date_gives_way_to_the_pair_the_terms_name():
    # the first date printed is the delivery date; the date of issue and the due date, under
    # words the vocabulary does not know, are the vendor's 30 days apart
    rows = _invoice()
    rows[2] = "Afhending 10.03.2026"
    rows[3] = "Dagsetning 14.03.2026"
    rows[15] = "Gjalddagi 13.04.2026"
    ex = _with_terms(rows)
    date, due = ex.fields["invoice_date"], ex.fields["due_date"]
    assert (date.value, due.value) == ("2026-03-14", "2026-04-13")
    assert "terms_gap" in date.evidence and date.confidence >= 0.6
    # other terms name no pair: the first date stays the guess it was
    other = _with_terms(rows, days=14).fields["invoice_date"]
    assert other.value == "2026-03-10" and other.confidence < 0.6


def test_the_first_and_latest_date_is_the_date_of_issue_where_the_terms_name_no_due_date():
    # "Dagsetning 14.03.2026" over "Afhending 10.03.2026" (the delivery it bills): the first date
    # printed is the latest, and the vendor's terms (30 days) put no printed date before it
    rows = _invoice()
    rows[3] = "Afhending 10.03.2026"
    date = _with_terms(rows).fields["invoice_date"]
    assert date.value == "2026-03-14" and "latest_date" in date.evidence and date.confidence >= 0.6
    # with no terms known, a due date printed first is not told apart: the guess stays one
    guess = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert "latest_date" not in guess.evidence and guess.confidence < 0.6
    # the due date printed first, the date of issue the terms before it: the pair names both
    rows[2], rows[3] = "Gjalddagi 13.04.2026", "Dagsetning 14.03.2026"
    ex = _with_terms(rows)
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-03-14", "2026-04-13")
    assert "latest_date" not in ex.fields["invoice_date"].evidence


@pytest.mark.parametrize("rows_of_dates", [
    # a service month whose ends are 30 days apart is no date of issue and due date
    {3: "Tímabil 14.03.2026 - 13.04.2026"},
    # two pairs the terms would explain: which is the invoice's, the terms do not say
    {3: "Dagsetning 14.03.2026   Pöntun 16.03.2026", 15: "Gjalddagi 13.04.2026   Greitt 15.04.2026"},
])
def test_a_period_or_two_pairs_leave_the_guess(rows_of_dates):
    rows = {**_invoice(), 2: "Afhending 10.03.2026", **rows_of_dates}
    guess = _with_terms(rows).fields["invoice_date"]
    assert guess.value == "2026-03-10" and guess.confidence < 0.6


def test_the_number_under_a_label_made_of_the_titles_word_and_a_number_abbreviation():
    # "Reikningsnúmer" is no label the vocabulary knows; it begins like the title REIKNINGUR
    rows = _invoice()
    rows[1] = "REIKNINGUR"
    rows[2] = "Reikningsnúmer 2026-0117   Viðskiptanúmer 40321"
    ex = extract_invoice(doc_from_rows(rows), [])
    number = ex.fields["invoice_number"]
    assert number.value == "2026-0117" and number.confidence < 0.5
    # without the title the page names no number
    rows[1] = "Norðurljós"
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") != "2026-0117"


def test_a_label_made_of_the_headings_word_and_a_number_abbreviation_reads_as_a_label():
    # the title set large, as a page's heading, in whatever case: "Reikningur" beside nothing
    # else that says so, and "Reikningsnúmer" under it names that paper's number
    rows = _invoice()
    rows[1] = "Norðurljós ehf.   Reikningur"
    rows[3] = "Reikningsnúmer 2026-0117   Viðskiptanúmer 40321"
    ex = extract_invoice(doc_with_tall_word(rows, "Reikningur"), [])
    number = ex.fields["invoice_number"]
    assert number.value == "2026-0117" and number.confidence >= 0.6
    # the same word at the text's size is no heading: the label stays weak (or is none)
    weak = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    assert weak is None or weak.confidence < 0.5


def test_a_title_word_itself_is_no_number_label():
    # "Ksiegowosc" (an accounting department, alone on its line, so a title word) ends in "c",
    # a number abbreviation ("č."): it is the title word itself, not a stem with a number word
    from invoicepipe.domain.extraction.search import make_context
    from invoicepipe.domain.extraction.layout import build_layout

    rows = _invoice()
    rows[3] = "Ksiegowosc"
    rows[4] = "ul. Prosta 51"
    ctx = make_context(build_layout(doc_from_rows(rows)))
    assert not [h for h in ctx.hits_for("invoice_number") if h.line.text == "Ksiegowosc"]


def test_a_known_number_label_keeps_the_title_stem_out():
    rows = _invoice()
    rows[1] = "REIKNINGUR"
    rows[2] = "Reikningsnr. 2026-0117"
    rows[3] = "Invoice No. 2026-0118"
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") == "2026-0118"


def test_the_only_date_of_a_text_layer_is_the_date_of_issue():
    rows = _invoice()
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_date") == "2026-03-14" and "sole_date" in ex.fields["invoice_date"].evidence
    # a second date the terms do not explain leaves the first a guess
    rows[3] = "Afhending 12.03.2026"
    guess = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert "sole_date" not in guess.evidence and guess.confidence < 0.6


def test_a_day_and_month_without_their_year_leave_the_whole_date_no_sole_one():
    # "12. März" over "2026" in a narrow cell: a date whose year a line break took, so the
    # one whole date on the page may be another (the due date) and confirms nothing
    rows = _invoice()
    rows[3] = "Afhending 12. März"
    guess = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert "sole_date" not in guess.evidence and guess.confidence < 0.6


def test_a_year_in_an_items_words_is_no_unread_date():
    # "Praxis Umsatzsteuer 2026" (a book's edition) on a priced item line: the one date printed
    # is still the only one; the same year alone on a line of its own says a date went unread
    rows = _invoice()
    rows[6] = [(40, "Handbók 2026"), (300, "1"), (380, "4.500,00"), _right("4.500,00")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert "sole_date" in ex.fields["invoice_date"].evidence
    rows[3] = [(300, "2026")]
    guess = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert "sole_date" not in guess.evidence and guess.confidence < 0.6


def test_the_evaluation_can_read_only_some_languages_labels(tmp_path):
    from invoicepipe.adapters.ocr import OcrSettings
    from invoicepipe.domain.extraction.labels import keep_label_languages, label_languages_kept, labels_in_text
    from invoicepipe.evaluation.extraction_run import _cache_path

    scan = tmp_path / "scan.png"
    scan.write_bytes(b"not really an image")
    full = _cache_path(tmp_path, scan, False, OcrSettings())
    assert [h[0] for h in labels_in_text("rechnungsnummer re-1")] == ["invoice_number"]
    assert label_languages_kept() == "all"
    try:
        keep_label_languages(frozenset({"en"}))
        assert labels_in_text("rechnungsnummer re-1") == ()
        assert [h[0] for h in labels_in_text("invoice number re-1")] == ["invoice_number"]
        # an OCR reading's second readings ask the rules kept where to look: cached apart
        assert label_languages_kept() == "en" and _cache_path(tmp_path, scan, False, OcrSettings()) != full
        with pytest.raises(ValueError, match="no labels in language"):
            keep_label_languages(frozenset({"xx"}))
    finally:
        keep_label_languages(None)
    assert [h[0] for h in labels_in_text("rechnungsnummer re-1")] == ["invoice_number"]
    assert _cache_path(tmp_path, scan, False, OcrSettings()) == full


def test_a_net_printed_as_the_largest_amount_is_no_total_the_rows_reach_by_chance():
    # two item rows' bases and taxes add up to the "Net total" of three (250 + 350 + 17.50 +
    # 66.50 = 684 = 250 + 350 + 84): the largest amount is labelled a net, so no total is read
    rows = {0: "Norðurljós Skrifstofuvörur ehf.", 1: "Reikningur 2026-0117",
            4: [(40, "Vara"), (250, "Nettó"), (320, "Vsk."), (380, "Vsk. upphæð"), _right("Samtals")],
            5: [(40, "Veitingar"), (250, "250,00"), (320, "7 %"), (380, "17,50"), _right("267,50")],
            6: [(40, "Salur"), (250, "350,00"), (320, "19 %"), (380, "66,50"), _right("416,50")],
            7: [(40, "Drykkir"), (250, "84,00"), (320, "19 %"), (380, "15,96"), _right("99,96")],
            9: [(300, "Net total"), _right("684,00")]}
    ctx = document_context(doc_from_rows(rows))[0]
    assert rate_rows_totals(ctx) is None and column_totals(ctx) is None


def test_best_before_dates_the_terms_apart_are_no_date_of_issue():
    # two best-before dates of the goods lie the vendor's 30 days apart by chance, two years
    # after the first date printed: they are no date of issue and due date of these dealings
    rows = _invoice()
    rows[25] = [(40, "Lota L2601-653 · Best fyrir 24.05.2028")]
    rows[26] = [(40, "Lota L2601-611 · Best fyrir 23.06.2028")]
    date = _with_terms(rows).fields["invoice_date"]
    assert date.value == "2026-03-14" and "terms_gap" not in date.evidence
