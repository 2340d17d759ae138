"""Summary rows inside or right under an item table, and tables carried over pages whose
amounts the OCR lost on one page. Synthetic positioned words (as an OCR or a text layer
returns them), in wording and positions no fixture layout uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word

D = Decimal


def _doc(pages: list[list[list[tuple]]], method: str = "pdf_text") -> DocumentText:
    """Each page a list of rows, each row (x, text) pairs; a text's words are set 5.2 points
    a character apart, 14 points a row."""
    out = []
    for number, rows in enumerate(pages, start=1):
        words = []
        for n, row in enumerate(rows):
            top = 80 + 14 * n
            for x, text in row:
                for part in text.split(" "):
                    w = 5.2 * len(part)
                    words.append(Word(part, Box(x, top, x + w, top + 9), number, 0.9))
                    x += w + 4
        out.append(Page(number, 595, 842, tuple(words), method))
    return DocumentText(tuple(out), None, "test")


def _r(x_end: float, text: str) -> tuple:
    return (x_end - 5.2 * len(text) - 4 * text.count(" "), text)


HEAD = [[(40, "Invoice No. KV-3391")], [(40, "Invoice date 2026-05-11")], []]
COLUMNS = [(40, "Ref"), (100, "Description"), _r(360, "Qty"), _r(440, "Price"), _r(530, "Value")]
GOODS = [("A-17", "Drive belt, 1250 mm", 3, D("14.20")), ("C-02", "Grease cartridge 400 g", 12, D("6.45")),
         ("F-88", "Filter element, fine", 2, D("31.90"))]


def _item(ref, desc, q, p, amount=True):
    return [(40, ref), (100, desc), _r(360, str(q)), _r(440, f"{p:.2f}")] + ([_r(530, f"{q * p:.2f}")] if amount else [])


def _credit(ref, desc, q, p):
    """A credit note's item as legacy prints set it: quantity and amount in parentheses."""
    return [(40, ref), (100, desc), _r(360, f"({q})"), _r(440, f"{p:.2f}"), _r(530, f"({q * p:.2f})")]


@pytest.mark.parametrize("label", ["GOODS VALUE", "Value of goods", "Warenwert", "Valeur des marchandises"])
def test_the_value_of_the_goods_under_a_credit_notes_items_is_no_item(label):
    net = sum((q * p for _, _, q, p in GOODS), D(0))
    rows = HEAD + [COLUMNS] + [_credit(*g) for g in GOODS] + [
        [(100, label), _r(530, f"({net:.2f})")], [(100, "VAT 20 %"), _r(530, f"({net / 5:.2f})")],
        [(100, "TOTAL CREDIT"), _r(530, f"({net * D('1.2'):.2f})")]]
    ex = extract_invoice(_doc([rows]), [])
    assert [i.amount for i in ex.lines] == [-q * p for _, _, q, p in GOODS]
    assert ex.amount("net") == -net


def test_a_row_restating_the_sum_of_the_items_above_in_unknown_words_is_no_item():
    """No vocabulary names "Kokku" (Estonian), but an item is priced on its own: a row with
    no quantity or price whose amount is what the rows above add up to is a summary."""
    net = sum((q * p for _, _, q, p in GOODS), D(0))
    rows = HEAD + [COLUMNS] + [_item(*g) for g in GOODS] + [[(100, "Kokku"), _r(530, f"{net:.2f}")]]
    ex = extract_invoice(_doc([rows]), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in GOODS]


def test_a_long_row_whose_amount_a_sum_label_names_is_no_item():
    """A counter-value note inside the table ("Counter-value at the ECB rate of 13 Jan 2026,
    1 EUR = 1.0842 USD: Taxable value 22.40") is long, but the sum label right before its amount
    says what it is: the items' sum restated, not an item."""
    one = GOODS[:1]
    net = sum((q * p for _, _, q, p in one), D(0))
    note = "Counter-value at the ECB rate of 13 Jan 2026, 1 EUR = 1.0842 USD: Taxable value"
    rows = HEAD + [COLUMNS] + [_item(*g) for g in one] + [[(100, note), _r(530, f"{net:.2f}")]]
    ex = extract_invoice(_doc([rows]), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in one]


def test_a_row_without_quantity_that_is_not_the_running_sum_stays_an_item():
    rows = HEAD + [COLUMNS] + [_item(*g) for g in GOODS] + [[(100, "Freight flat rate"), _r(530, "12.50")]]
    ex = extract_invoice(_doc([rows]), [])
    assert [i.amount for i in ex.lines][-1] == D("12.50")
    assert len(ex.lines) == 4


@pytest.mark.parametrize("title", ["VAT handbook 2026", "Handbuch Umsatzsteuer", "Erialaraamat: Käibemaks"])
def test_a_product_whose_name_holds_a_tax_word_stays_an_item_when_its_price_was_lost(title):
    """A book on VAT, its unit price lost to the scan: the row still prints an article number
    under the Ref column and a quantity under Qty, which no sum row does."""
    book = ("B-40", title, 5, D("35.10"))
    net = sum((q * p for _, _, q, p in (*GOODS, book)), D(0))
    priceless = [(40, book[0]), (100, title), _r(360, "5"), _r(530, f"{5 * book[3]:.2f}")]
    rows = HEAD + [COLUMNS] + [_item(*g) for g in GOODS] + [priceless] + [
        [(300, "Net amount"), _r(530, f"{net:.2f}")], [(300, "VAT 20 %"), _r(530, f"{net / 5:.2f}")],
        [(300, "Total due"), _r(530, f"{net * D('1.2'):.2f}")]]
    ex = extract_invoice(_doc([rows]), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in (*GOODS, book)]
    assert ex.lines[-1].sku == "B-40" and ex.lines[-1].quantity == 5


def test_amounts_lost_on_the_first_page_are_confirmed_by_the_carried_forward_sum():
    """The OCR read no amount column on page 1 (neither its name nor its figures): quantity
    x price stands in there. The brought-forward sum on page 2 equals those products, so
    they stand even when a figure misread on page 2 keeps the table from adding up to the
    net."""
    first = [("A-%02d" % n, f"Spacer sleeve {n} mm", n + 1, D("2.15") + n) for n in range(1, 7)]
    second = [("B-%02d" % n, f"Retaining ring {n}", n + 2, D("0.85") + n) for n in range(1, 5)]
    carry = sum((q * p for _, _, q, p in first), D(0))
    net = carry + sum((q * p for _, _, q, p in second), D(0))
    page1 = HEAD + [COLUMNS[:4]] + [_item(*g, amount=False) for g in first] + [[(100, "Carried forward")]]
    misread = [_item(*g) for g in second]
    misread[1][-1] = _r(530, f"{second[1][2] * second[1][3]:.2f}-")  # a speck read as a trailing minus
    page2 = [COLUMNS, [(100, "Brought forward"), _r(530, f"{carry:.2f}")]] + misread + [
        [(100, "Net amount"), _r(530, f"{net:.2f}")], [(100, "Total"), _r(530, f"{net * D('1.2'):.2f}")]]
    ex = extract_invoice(_doc([page1, page2], method="ocr_tesseract"), [])
    assert len(ex.lines) == len(first) + len(second)
    assert [i.amount for i in ex.lines[:6]] == [q * p for _, _, q, p in first]
    assert {i.page for i in ex.lines} == {1, 2}


def _scan_table(amounts: list, sign: str = "") -> list:
    net = sum((q * p for _, _, q, p in GOODS), D(0))
    rows = HEAD + [COLUMNS] + [_item(*g)[:4] + [_r(530, a)] for g, a in zip(GOODS, amounts)]
    return rows + [[(100, "Net amount"), _r(530, f"{net:.2f}{sign}")], [(100, "Total"), _r(530, f"{net * D('1.2'):.2f}{sign}")]]


def test_a_speck_read_as_a_trailing_minus_is_undone_when_the_net_confirms_it():
    amounts = [f"{q * p:.2f}" for _, _, q, p in GOODS]
    amounts[1] += "-"
    ex = extract_invoice(_doc([_scan_table(amounts)], method="ocr_tesseract"), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in GOODS]
    assert any("product" in e for e in ex.lines[1].evidence)


def test_a_credit_note_printing_every_amount_with_a_trailing_minus_keeps_its_signs():
    amounts = [f"{q * p:.2f}-" for _, _, q, p in GOODS]
    ex = extract_invoice(_doc([_scan_table(amounts, sign="-")], method="ocr_tesseract"), [])
    assert [i.amount for i in ex.lines] == [-q * p for _, _, q, p in GOODS]


def test_an_amount_the_ocr_read_as_a_stray_digit_is_quantity_times_price_when_the_net_confirms_it():
    amounts = [f"{q * p:.2f}" for _, _, q, p in GOODS]
    amounts[2] = "1"  # the figure lost but for one stroke
    ex = extract_invoice(_doc([_scan_table(amounts)], method="ocr_tesseract"), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in GOODS]
    assert any("unread" in e for e in ex.lines[2].evidence)
    assert ex.lines[2].confidence < 0.9  # computed, not read


def _two_pages(totals_on_both: bool, copy: bool = False):
    first = [(f"K-{n}", f"Hose clamp {n} mm", n, D("1.25") + n) for n in range(10, 16)]
    second = [(f"L-{n}", f"Cable gland M{n}", n - 20, D("0.40") + n) for n in range(22, 26)]
    goods = first + (first if copy else second)
    net = sum((q * p for _, _, q, p in goods), D(0))
    foot = [[(100, "Subtotal"), _r(530, f"{net:.2f}")], [(100, "VAT 20 %"), _r(530, f"{net / 5:.2f}")],
            [(100, "Invoice total"), _r(530, f"{net * D('1.2'):.2f}")]]
    page1 = HEAD + [COLUMNS] + [_item(*g) for g in first] + (foot if totals_on_both else [])
    page2 = [COLUMNS] + [_item(*g) for g in goods[len(first):]] + foot
    return [page1, page2], goods


def test_a_table_whose_totals_block_is_printed_on_every_page_goes_on_under_the_repeated_header():
    """On a scan whose page 2 lost one amount (quantity x price stands in, confirmed by the
    net): the header reading is the one that can carry the table over the totals block."""
    pages, goods = _two_pages(totals_on_both=True)
    pages[1][2] = pages[1][2][:4] + [_r(530, "1")]
    ex = extract_invoice(_doc(pages, method="ocr_tesseract"), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in goods]
    assert {i.page for i in ex.lines} == {1, 2}


def test_items_repeated_on_a_page_after_the_totals_are_not_counted_twice():
    """A copy of the items after the totals adds up to twice the net: not the same table."""
    pages, goods = _two_pages(totals_on_both=True, copy=True)
    first = goods[:6]
    net = sum((q * p for _, _, q, p in first), D(0))
    pages[0][-3:] = [[(100, "Subtotal"), _r(530, f"{net:.2f}")], [(100, "VAT 20 %"), _r(530, f"{net / 5:.2f}")],
                     [(100, "Invoice total"), _r(530, f"{net * D('1.2'):.2f}")]]
    pages[1][-3:] = pages[0][-3:]
    ex = extract_invoice(_doc(pages), [])
    assert [i.amount for i in ex.lines] == [q * p for _, _, q, p in first]
