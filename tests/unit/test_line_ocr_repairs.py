"""Line items on OCR'd tables whose figures the OCR damaged: positioned words as Tesseract
returns them. A damaged figure is read again only when the row's own arithmetic (quantity x
unit price = amount) confirms the reading, each repair is named on the line, a text layer is
never "repaired", and an amount the OCR lost stands only when it completes the net."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.models import Box, DocumentText, Page, Word

D = Decimal
CHAR = 5.2


def _doc(rows: list[list[tuple]], method: str = "ocr_tesseract", confidence: float = 0.9) -> DocumentText:
    words = []
    for n, row in enumerate(rows):
        top = 80 + 14 * n
        for x, text in row:
            for part in text.split(" "):
                w = CHAR * len(part)
                words.append(Word(part, Box(x, top, x + w, top + 9), 1, confidence))
                x += w + 4
    return DocumentText((Page(1, 595, 842, tuple(words), method),), None, "test")


def _right(x_end: float, text: str) -> tuple:
    return (x_end - CHAR * len(text), text)


GOODS = [("Hex bolt M8 x 60, box", 20, D("30.94")), ("Hex nut M4, box of 100", 40, D("4.50")),
         ("Washer M8 zinc, bag", 8, D("12.66")), ("Cable tie 200 mm, pack", 15, D("7.17"))]


def _table(damage: dict, net_label: str = "Net total", net: Decimal = None) -> list:
    """The invoice's table with the words of row ``i`` column ``c`` replaced by ``damage[(i, c)]``
    (a list of (x_end, text) words; an empty list drops the figure)."""
    rows = [[(40, "Invoice No. INV-81")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")]]
    for i, (desc, q, p) in enumerate(GOODS):
        cells = {"qty": [(330, str(q))], "price": [(420, f"{p:.2f}")], "amount": [(520, f"{q * p:.2f}")]}
        cells.update({c: words for (r, c), words in damage.items() if r == i})
        rows.append([(40, desc)] + [_right(x, t) for c in ("qty", "price", "amount") for x, t in cells[c]])
    net = sum((q * p for _, q, p in GOODS), D(0)) if net is None else net
    rows += [[], [(360, net_label), _right(520, f"{net:.2f}")], [(360, "VAT 20 %"), _right(520, f"{net / 5:.2f}")],
             [(360, "Total"), _right(520, f"{net * 6 / 5:.2f}")]]
    return rows


PRINTED = sorted(q * p for _, q, p in GOODS)


@pytest.mark.parametrize("damage,repair", [
    ({(2, "amount"): [(520, "101:28")]}, "amount:mark:101:28->101.28"),  # a colon for the decimal point
    ({(2, "amount"): [(497, "101"), (520, ".28")]}, "amount:joined:101 .28->101.28"),  # cut at the mark
    ({(2, "amount"): [(520, "10128")]}, "amount:lost mark:10128->101.28"),  # the mark lost
    ({(0, "amount"): [(486, "6"), (500, "18"), (520, "-80")]}, "amount:joined+mark:6 18 -80->618.80"),  # cut in three, a dash
    ({(0, "amount"): [(520, "6l8.80")]}, "amount:letters:6l8.80->618.80"),  # "l" for 1
    ({(2, "qty"): [(330, "B")]}, "quantity:letters:B->8"),  # "B" for 8
    ({(1, "price"): [(420, "4.5O")]}, "unit_price:letters:4.5O->4.50"),  # "O" for 0
    ({(2, "amount"): [(520, "101)28")]}, "amount:mark:101)28->101.28"),  # a bracket for the comma
    ({(2, "amount"): [(520, "=——«101.28")]}, "amount:speck:=——«101.28->101.28"),  # specks before it
    ({(2, "amount"): [(520, "101.28)")]}, "amount:speck:101.28)->101.28"),  # a bracket no other opens
    ({(2, "amount"): [(520, "101.28:->")]}, "amount:speck:101.28:->->101.28"),  # specks after it
])
def test_a_figure_ocr_damaged_is_read_again_when_the_rows_arithmetic_confirms_it(damage, repair):
    ex = extract_invoice(_doc(_table(damage)), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert all(i.quantity * i.unit_price == i.amount for i in ex.lines)
    repaired = [i for i in ex.lines if i.evidence]
    assert [i.evidence for i in repaired] == [(repair,)]
    clean = [i for i in ex.lines if not i.evidence]
    assert all(i.confidence > repaired[0].confidence for i in clean)  # the arithmetic chose it: trusted a little less


def test_a_reading_the_arithmetic_does_not_confirm_is_left_as_read():
    # "Z" under the quantity would be 2, but 2 x 12.66 is not the amount 101.28 (the row's
    # quantity is 8): no repair is made up, the quantity stays unknown
    ex = extract_invoice(_doc(_table({(2, "qty"): [(330, "Z")]})), [])
    row = next(i for i in ex.lines if i.amount == D("101.28"))
    assert row.quantity is None and row.evidence == ()


def test_a_text_layer_is_never_repaired():
    # the same colon printed in a PDF's own text is what the page says, not an OCR misreading
    ex = extract_invoice(_doc(_table({(2, "amount"): [(520, "101:28")]}), method="pdf_text", confidence=1.0), [])
    assert D("101.28") not in [i.amount for i in ex.lines]
    assert all(i.evidence == () for i in ex.lines)


def test_an_amount_the_ocr_lost_is_quantity_times_price_when_the_lines_then_add_up_to_the_net():
    ex = extract_invoice(_doc(_table({(3, "amount"): []})), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    computed = next(i for i in ex.lines if i.amount == D("107.55"))
    assert computed.evidence == ("amount:computed:quantity x unit price",)
    assert computed.confidence < 0.7


def test_an_amount_the_ocr_lost_is_not_made_up_when_the_lines_would_not_add_up():
    # the net printed is another figure: the quantity x price row completes nothing, so it is no item
    net = sum((q * p for _, q, p in GOODS[:3]), D(0)) + D("50.00")
    ex = extract_invoice(_doc(_table({(3, "amount"): []}, net=net)), [])
    assert sorted(i.amount for i in ex.lines) == sorted(q * p for _, q, p in GOODS[:3])
    assert all(i.evidence == () for i in ex.lines)


def test_the_repairs_are_stored_with_the_line():
    from invoicepipe.adapters.db.documents import extraction_from_json, extraction_to_json

    ex = extract_invoice(_doc(_table({(2, "amount"): [(520, "101:28")]})), [])
    fields, lines = extraction_to_json(ex)
    back = extraction_from_json({"fields": fields, "lines": lines, "extractor_version": ex.extractor_version, "warnings": []})
    assert [i.evidence for i in back.lines] == [i.evidence for i in ex.lines]
    assert ("amount:mark:101:28->101.28",) in [i.evidence for i in back.lines]


def test_an_amount_with_one_digit_slipped_is_the_product_when_the_net_confirms_it():
    # "4210.72" where 1 x 1210.72 was printed, and "641.23" for 3 x 20.41: neither row's
    # arithmetic holds, and with the products the lines add up to the net printed
    goods = [("Bench drill 16 mm", 1, D("1210.72")), ("Hex key set", 3, D("20.41")), ("Vice 125 mm", 2, D("88.00"))]
    read = {0: "4210.72", 1: "641.23"}
    rows = [[(40, "Invoice No. INV-82")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")]]
    for i, (desc, q, p) in enumerate(goods):
        rows.append([(40, desc), _right(330, str(q)), _right(420, f"{p:.2f}"), _right(520, read.get(i, f"{q * p:.2f}"))])
    net = sum((q * p for _, q, p in goods), D(0))
    rows += [[], [(360, "Net total"), _right(520, f"{net:.2f}")], [(360, "VAT 20 %"), _right(520, f"{net / 5:.2f}")],
             [(360, "Total"), _right(520, f"{net * 6 / 5:.2f}")]]
    ex = extract_invoice(_doc(rows), [])
    assert [i.amount for i in ex.lines] == [q * p for _, q, p in goods]
    assert [i.evidence for i in ex.lines] == [("amount:product:4210.72->1210.72",), ("amount:product:641.23->61.23",), ()]


def test_a_slipped_digit_is_left_as_read_when_the_net_does_not_confirm_the_product():
    # the same misread row under a net that the products do not make: the amount stays as read
    rows = [[(40, "Invoice No. INV-83")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")],
            [(40, "Bench drill 16 mm"), _right(330, "1"), _right(420, "1210.72"), _right(520, "4210.72")],
            [(40, "Vice 125 mm"), _right(330, "2"), _right(420, "88.00"), _right(520, "176.00")],
            [], [(360, "Net total"), _right(520, "1500.00")], [(360, "VAT 20 %"), _right(520, "300.00")], [(360, "Total"), _right(520, "1800.00")]]
    ex = extract_invoice(_doc(rows), [])
    assert D("4210.72") in [i.amount for i in ex.lines] and all(i.evidence == () for i in ex.lines)


def test_a_speck_glued_to_a_header_name_does_not_hide_the_column():
    # "2Prijs": the unit-price column is still named, so the prices are read under it (and a
    # row naming the tax in its description, "Praktijkgids BTW", is still an item)
    rows = [[(40, "Factuurnummer 2026-0077")],
            [(40, "Omschrijving"), _right(330, "Aantal"), _right(420, "2Prijs"), (440, "BTW %"), _right(520, "Bedrag")],
            [(40, "Steeksleutel 10 mm"), _right(330, "1"), _right(420, "8,32"), (440, "21%"), _right(520, "8,32")],
            [(40, "Schroefbit PH1, lengte 50 mm"), _right(330, "25"), _right(420, "2,27"), (440, "21%"), _right(520, "56,75")],
            [(40, "Vakboek: Praktijkgids BTW 2026"), _right(330, "2"), _right(420, "42,50"), (440, "9%"), _right(520, "85,00")],
            [], [(360, "Subtotaal"), _right(520, "150,07")], [(360, "Totaal"), _right(520, "174,40")]]
    from invoicepipe.domain.extraction.extract import document_context
    from invoicepipe.domain.extraction.table_reader import read_table_items

    # the header's own reading (the row readers without a header could hide a lost column)
    items = read_table_items(document_context(_doc(rows))[0], D("150.07"))
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (D(1), D("8.32"), D("8.32")), (D(25), D("2.27"), D("56.75")), (D(2), D("42.50"), D("85.00"))]


def _invoice(rows_read: list, net: Decimal, sums_x: float = 360) -> list:
    rows = [[(40, "Invoice No. INV-84")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")]]
    rows += rows_read
    return rows + [[], [(sums_x, "Net total"), _right(520, f"{net:.2f}")], [(sums_x, "VAT 20 %"), _right(520, f"{net / 5:.2f}")],
                   [(sums_x, "Total"), _right(520, f"{net * 6 / 5:.2f}")]]


def test_a_lost_thousands_digit_is_repaired_with_a_quantity_read_off_its_column():
    # the quantity header OCR garbled ("llosc" for "Ilość"), so no row reads a quantity by its
    # column, and "462.00" for 50 x 29.24 = 1,462.00: the row's loose numbers hold the
    # quantity the net confirms
    rows = [[(40, "Invoice No. INV-85")], [(40, "Lp."), (60, "Description"), _right(330, "llosc"), _right(420, "Unit price"),
                                          _right(520, "Amount")],
            [(40, "1"), (60, "Junction box IP55 szt."), _right(330, "50"), _right(420, "29.24"), (440, "HE"), _right(520, "462.00")],
            [(40, "2"), (60, "Cable 5x4 mm2 mb"), _right(330, "25"), _right(420, "42.91"), _right(520, "1072.75")],
            [], [(360, "Net total"), _right(520, "2534.75")], [(360, "VAT 20 %"), _right(520, "506.95")],
            [(360, "Total"), _right(520, "3041.70")]]
    ex = extract_invoice(_doc(rows), [])
    assert sorted(i.amount for i in ex.lines) == [D("1072.75"), D("1462.00")]
    assert ("amount:product:462.00->1462.00",) in [i.evidence for i in ex.lines]


def test_unit_price_and_amount_both_without_their_decimal_marks():
    # "10  789  7890" for 10 x 7,89 = 78,90: the row agrees at a hundred times its size; the
    # net (with the other row's cents) says the marks were lost
    rows = [[(40, "Cork board 6 mm"), _right(330, "10"), _right(420, "789"), _right(520, "7890")],
            [(40, "Cork granulate"), _right(330, "40"), _right(420, "6.80"), _right(520, "272.00")]]
    ex = extract_invoice(_doc(_invoice(rows, D("350.90"))), [])
    board = next(i for i in ex.lines if i.description.startswith("Cork board"))
    assert (board.unit_price, board.amount) == (D("7.89"), D("78.90"))
    assert "amount:lost mark:7890->78.90" in board.evidence


def test_quantity_and_amount_both_without_their_decimal_marks():
    # "100  450.00  45000" for 1,00 x 450,00 = 450,00 (hours billed with two decimals): the
    # row agrees at a hundred times its size through its quantity; the net says the marks
    # were lost, in the quantity and the amount alike
    rows = [[(40, "Monthly bookkeeping"), _right(330, "100"), _right(420, "450.00"), _right(520, "45000")],
            [(40, "Tax advice hours"), _right(330, "7.25"), _right(420, "151.20"), _right(520, "1096.20")]]
    ex = extract_invoice(_doc(_invoice(rows, D("1546.20"))), [])
    fee = next(i for i in ex.lines if i.description.startswith("Monthly"))
    assert (fee.quantity, fee.amount) == (D("1.00"), D("450.00"))
    assert "amount:lost mark:45000->450.00" in fee.evidence and "quantity:lost mark:100->1.00" in fee.evidence


def test_a_quantity_of_a_hundred_stands_when_the_net_says_so():
    rows = [[(40, "Cable ties"), _right(330, "100"), _right(420, "450.00"), _right(520, "45000")],
            [(40, "Tax advice hours"), _right(330, "7.25"), _right(420, "151.20"), _right(520, "1096.20")]]
    ex = extract_invoice(_doc(_invoice(rows, D("46096.20"))), [])
    assert D("45000") in [i.amount for i in ex.lines]


def test_a_speck_after_a_whole_quantity_read_as_a_mark():
    # "3," for a quantity of 3 and "428," + "00" cut at the mark: a whole number OCR read with
    # a mark and no digit after it is the number
    rows = [[(40, "Catalogue 16 pages"), _right(330, "3,"), _right(420, "18.06"), _right(520, "54.18")],
            [(40, "Catalogue 24 pages"), _right(330, "2"), _right(420, "22.40"), _right(520, "44.80")]]
    ex = extract_invoice(_doc(_invoice(rows, D("98.98"))), [])
    assert sorted((i.quantity, i.amount) for i in ex.lines) == [(D("2"), D("44.80")), (D("3"), D("54.18"))]


def test_a_text_layer_number_with_a_comma_after_it_is_no_amount():
    layer = _doc([[(40, "Items 1, 2, 3, as agreed")]], method="pdf_text", confidence=1.0)
    line = build_layout(layer).lines[0]
    assert amounts_on(line, None, CHAR) == []


def test_whole_figures_are_kept_when_the_net_says_they_were_printed_so():
    rows = [[(40, "Cork board 6 mm"), _right(330, "10"), _right(420, "789"), _right(520, "7890")],
            [(40, "Cork granulate"), _right(330, "40"), _right(420, "6.80"), _right(520, "272.00")]]
    ex = extract_invoice(_doc(_invoice(rows, D("8162.00"))), [])
    assert D("7890") in [i.amount for i in ex.lines]


def test_sums_printed_left_of_the_amount_column_close_the_table():
    # "Summe netto 381.70" set under the description column: the sums end the table, and the
    # register line of the footer under them, whose numbers fall under the columns, is no
    # item; so the row whose amount the OCR lost is quantity x unit price, completing the net
    rows = [[(40, "Rechnung Nr. 1")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")],
            [(40, "Isolierband 19 mm"), _right(330, "6"), _right(420, "2.40"), _right(520, "14.40")],
            [(40, "Abzweigdose AP IP65"), _right(330, "15"), _right(420, "4.82")],
            [(40, "Kupferschiene 20x3 mm"), _right(330, "25"), _right(420, "11.80"), _right(520, "295.00")],
            [], [(40, "Summe netto 381.70")], [(40, "MwSt 19% 72.52")], [(40, "Summe brutto EUR 454.22")], [],
            [(40, "Amtsgericht Kassel HRB 720813 Bank"), _right(420, "8813"), _right(520, "27")]]
    ex = extract_invoice(_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("14.40"), D("72.30"), D("295.00")]


def test_a_total_in_a_block_beside_the_table_does_not_close_it():
    # "Te betalen € 201,28" of a side block on an item's line, the item's text going on after
    # it: the table goes on
    rows = [[(40, "Factuur 2026-1")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")],
            [(40, "Schroefbit PH1"), _right(330, "15"), _right(420, "2.10"), _right(520, "31.50")],
            [(40, "Te betalen € 201.28 25 mm")],
            [(40, "Metaalboor 3 mm"), _right(330, "10"), _right(420, "7.06"), _right(520, "70.60")],
            [], [(360, "Subtotaal"), _right(520, "102.10")], [(360, "Totaal"), _right(520, "102.10")]]
    ex = extract_invoice(_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("31.50"), D("70.60")]


def test_a_unit_price_read_off_its_column_and_the_amount_both_without_their_marks():
    # "5  1232  6160" for 5 x 12,32 = 61,60 under a price column whose name the OCR garbled
    # ("Prjs"): the row's arithmetic finds the price among its loose numbers, agreeing at a
    # hundred times its size, and the net says both marks were lost
    rows = [[(40, "Invoice No. INV-86")], [(40, "Description"), _right(330, "Qty"), _right(420, "Prjs"), _right(520, "Amount")],
            [(40, "Cork board 6 mm"), _right(330, "5"), _right(420, "1232"), _right(520, "6160")],
            [(40, "Cork granulate"), _right(330, "40"), _right(420, "6.80"), _right(520, "272.00")],
            [], [(360, "Net total"), _right(520, "333.60")], [(360, "VAT 20 %"), _right(520, "66.72")], [(360, "Total"), _right(520, "400.32")]]
    ex = extract_invoice(_doc(rows), [])
    board = next(i for i in ex.lines if i.description.startswith("Cork board"))
    assert (board.unit_price, board.amount) == (D("12.32"), D("61.60"))
    assert "unit_price:lost mark:1232->12.32" in board.evidence


def test_a_row_without_a_quantity_read_is_one_piece_when_a_repaired_amount_is_its_unit_price():
    # "af  ea  23.33  23:33": no quantity read, the amount's mark read as a colon; the amount
    # repaired equals the unit price to the cent, so the row is one piece at that price
    rows = [[(40, "Invoice No. INV-87")], [(40, "Description"), _right(330, "Qty"), (345, "Unit"), _right(420, "Unit price"),
                                          _right(520, "Amount")],
            [(40, "Hex bolt M8x50"), _right(330, "4"), (345, "case"), _right(420, "34.33"), _right(520, "137.32")],
            [(40, "Hex bolt M8x16"), _right(330, "af"), (345, "ea"), _right(420, "23.33"), _right(520, "23:33")],
            [(40, "Ball bearing 6200"), _right(330, "5"), (345, "ea"), _right(420, "8.44"), _right(520, "42.20")],
            [], [(360, "Net total"), _right(520, "202.85")], [(360, "VAT 20 %"), _right(520, "40.57")], [(360, "Total"), _right(520, "243.42")]]
    ex = extract_invoice(_doc(rows), [])
    assert sorted(i.amount for i in ex.lines) == [D("23.33"), D("42.20"), D("137.32")]
    assert "amount:mark:23:33->23.33" in next(i for i in ex.lines if i.amount == D("23.33")).evidence
    # a figure in brackets is a negative one: no bracket is taken for a speck there
    assert _readings_of("(101.28)") == [D("-101.28")]


def _readings_of(text: str) -> list:
    from invoicepipe.domain.extraction.table_repair import _readings
    return [value for value, _ in _readings(text, ".", True)]


def _unpriced_table(amount_words: list, price_lost: bool = False) -> list:
    """The invoice's table under a header whose unit-price name the OCR garbled ("P-.U."): the
    unit prices stand in no column, and the third row's amount is ``amount_words`` (its unit
    price lost too when ``price_lost``)."""
    rows = [[(40, "Invoice No. INV-84")], [(40, "Description"), _right(330, "Qty"), _right(420, "P-.U."), _right(520, "Amount")]]
    for i, (desc, q, p) in enumerate(GOODS):
        amount = amount_words if i == 2 else [(520, f"{q * p:.2f}")]
        price = [] if price_lost and i == 2 else [_right(420, f"{p:.2f}")]
        rows.append([(40, desc), _right(330, str(q))] + price + [_right(x, t) for x, t in amount])
    net = sum((q * p for _, q, p in GOODS), D(0))
    rows += [[], [(360, "Net total"), _right(520, f"{net:.2f}")], [(360, "VAT 20 %"), _right(520, f"{net / 5:.2f}")],
             [(360, "Total"), _right(520, f"{net * 6 / 5:.2f}")]]
    return rows


def test_an_amount_cut_after_its_decimal_mark_is_joined_when_the_rows_arithmetic_confirms_it():
    # "101. 28": the cents alone under the amount column, the units a stray number before them;
    # 8 x 12.66 = 101.28 confirms the joined figure
    ex = extract_invoice(_doc(_unpriced_table([(500, "101."), (520, "28")])), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    joined = next(i for i in ex.lines if i.amount == D("101.28"))
    assert joined.evidence == ("amount:joined at mark:101. 28->101.28",)


def test_a_figure_before_two_digits_is_not_joined_where_the_arithmetic_does_not_confirm_it():
    ex = extract_invoice(_doc(_unpriced_table([(500, "101."), (520, "75")])), [])
    assert D("101.75") not in [i.amount for i in ex.lines]
    assert all("joined at mark" not in " ".join(i.evidence) for i in ex.lines)


def test_a_cut_amount_with_no_unit_price_is_joined_only_where_the_net_confirms_it():
    # the third row's unit price lost as well: no row arithmetic, but the lines add up to the
    # net printed only with 101.28 joined
    ex = extract_invoice(_doc(_unpriced_table([(500, "101,"), (520, "28")], price_lost=True)), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert next(i for i in ex.lines if i.amount == D("101.28")).evidence == ("amount:joined at mark:28->101.28",)
