"""Line items on scanned tables printed beside a block of text, or with figures OCR read
damaged on a shaded band: the block's words stay out of the items, and a figure is read
again only when a row's arithmetic or the document's net confirms the reading."""

from __future__ import annotations

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word

D = Decimal
CHAR = 5.2


def _doc(rows: list[list[tuple]]) -> DocumentText:
    words = []
    for n, row in enumerate(rows):
        top = 80 + 14 * n
        for x, text in row:
            for part in text.split(" "):
                w = CHAR * len(part)
                words.append(Word(part, Box(x, top, x + w, top + 9), 1, 0.9))
                x += w + 4
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


def _right(x_end: float, text: str) -> tuple:
    return (x_end - CHAR * len(text), text)


GOODS = [("Hex bolt M8 x 60, box", 20, D("30.94")), ("Hex nut M4, box of 100", 40, D("4.50")),
         ("Washer M8 zinc, bag", 8, D("12.66")), ("Cable tie 200 mm, pack", 15, D("7.17"))]
NET = sum((q * p for _, q, p in GOODS), D(0))
PRINTED = sorted(q * p for _, q, p in GOODS)


def _table(damage: dict, beside: list = ()) -> list:
    """The invoice's table, row ``i`` column ``c`` replaced by ``damage[(i, c)]`` (x_end, text)
    words; ``beside``: words of a block left of the table on the header line and each row."""
    block = list(beside) + [[]] * 8
    rows = [[(40, "Invoice No. INV-81")],
            block[0] + [(230, "Description"), _right(400, "Qty"), _right(470, "Unit price"), _right(540, "Amount")]]
    for i, (desc, q, p) in enumerate(GOODS):
        cells = {"qty": [(400, str(q))], "price": [(470, f"{p:.2f}")], "amount": [(540, f"{q * p:.2f}")]}
        cells.update({c: words for (r, c), words in damage.items() if r == i})
        rows.append(block[i + 1] + [(230, desc)] + [_right(x, t) for c in ("qty", "price", "amount") for x, t in cells[c]])
    rows += [[], [(380, "Net total"), _right(540, f"{NET:.2f}")], [(380, "VAT 20 %"), _right(540, f"{NET / 5:.2f}")],
             [(380, "Total"), _right(540, f"{NET * 6 / 5:.2f}")]]
    return rows


def test_a_block_beside_the_table_neither_hides_its_header_nor_becomes_an_item():
    total = f"{NET * 6 / 5:.2f}"
    block = [[(40, "VAT 0 % due"), _right(190, "0.00")], [(40, "Pay"), _right(190, total)], [(40, "PAYMENT")],
             [(40, "IBAN: GB29 6016 1331 9268")], [(40, "BIC: NWBKGB2L")]]
    ex = extract_invoice(_doc(_table({}, block)), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert not any("IBAN" in i.description or "Pay" in i.description for i in ex.lines)


def test_a_comma_read_as_a_low_quote_is_the_decimal_mark_when_the_arithmetic_agrees():
    ex = extract_invoice(_doc(_table({(2, "price"): [(470, "12„66")]})), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert [i.evidence for i in ex.lines if i.evidence] == [("unit_price:mark:12„66->12.66",)]


def test_a_speck_inside_a_figure_is_dropped_when_the_arithmetic_agrees():
    ex = extract_invoice(_doc(_table({(1, "price"): [(470, "4.5!0")]})), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert [i.evidence for i in ex.lines if i.evidence] == [("unit_price:speck:4.5!0->4.50",)]


def test_a_whole_number_under_amounts_with_cents_is_read_with_its_marks_only_when_the_net_confirms():
    # quantity and unit price lost, the amount's marks lost: only the net can say 101.28
    ex = extract_invoice(_doc(_table({(2, "qty"): [], (2, "price"): [], (2, "amount"): [(540, "10128")]})), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
    assert any("lost mark" in e for i in ex.lines for e in i.evidence)


def test_an_amount_alone_on_its_row_is_an_item_when_it_completes_the_net():
    ex = extract_invoice(_doc(_table({(3, "qty"): [], (3, "price"): []})), [])
    assert sorted(i.amount for i in ex.lines) == PRINTED
