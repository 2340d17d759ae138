"""A label lost under a stamp in a key-value column, read again (``ocr_label_cells``)."""

import numpy as np
from PIL import Image

from invoicepipe.adapters.ocr_label_cells import agree, lost_label_cells, reread_label_cells
from invoicepipe.domain.models import Box, Word

PX = 2.0  # pixels per point of the test page


def _w(text: str, x0: float, x1: float, top: float, conf: float = 0.95, bottom: float = 0.0) -> Word:
    return Word(text, Box(x0, top, x1, bottom or top + 8.0), 1, conf)


def _block(date_row: list[Word]) -> list[Word]:
    """harbor's remit layout: "Invoice No." and "Account No." read, the date's label under a stamp."""
    return [_w("Invoice", 148, 178, 100), _w("No.", 182, 195, 100, 0.73), _w("INV0000427", 216, 275, 100),
            *date_row, _w("01/26/2026", 215, 275, 120, 0.73),
            _w("Account", 148, 180, 140), _w("No.", 185, 198, 140), _w("50875", 216, 250, 140)]


def _page() -> Image.Image:
    """Paper, the label's dark print in the date's cell, and a stamp's lighter grey across it."""
    page = np.full((400, 700), 250, np.uint8)
    page[244:256, 300:400] = 40  # the label's print (points 150-200, 122-128)
    page[236:264, 330:420] = np.where(page[236:264, 330:420] < 100, 40, 150)  # the stamp's grey around it
    return Image.fromarray(page)


def _reader(text: str, score: float):
    """A reader that reads ``text`` only where the stamp's grey is gone (no mid grey left)."""
    def read(image: Image.Image, px: float, number: int) -> list[Word]:
        a = np.asarray(image)
        if ((a > 100) & (a < 200)).mean() > 0.05:
            return [Word("ipa", Box(0, 0, 10, 8), number, 0.3)]
        return [Word(text, Box(0, 0, image.width / px, image.height / px), number, score)]
    return read


def test_the_cell_of_a_label_lost_in_a_key_value_column_is_found():
    cells = lost_label_cells(_block([_w("ipa", 148, 160, 121, 0.0)]))
    assert len(cells) == 1
    cell, value = cells[0]
    assert value.text == "01/26/2026"
    assert 145 <= cell.x0 <= 148 and cell.x1 < 215 and cell.top < 120 < 128 < cell.bottom


def test_no_cell_where_the_label_was_read_or_no_column_stands_beside():
    assert lost_label_cells(_block([_w("Invoice", 148, 178, 120), _w("Date", 182, 200, 120)])) == []
    alone = [_w("ipa", 148, 160, 121, 0.0), _w("01/26/2026", 215, 275, 120, 0.73)]
    assert lost_label_cells(alone) == []


def test_a_tilted_stamps_tall_reading_is_no_label():
    # "EINGEOAnNGEN" read surely across three rows: its box is no row's label
    stamp = _w("EINGEOAnNGEN", 120, 210, 95, 0.83, bottom=150)
    assert len(lost_label_cells(_block([stamp]))) == 1


def test_a_label_both_engines_read_alike_without_the_stamp_is_taken():
    words = _block([_w("ipa", 148, 160, 121, 0.0)])
    out, record = reread_label_cells(words, _page(), PX, 1, _reader("Invoice Date", 0.9), _reader("Invoice Date", 0.95))
    assert record == {"labels_reread": 1}
    texts = [w.text for w in out]
    assert "ipa" not in texts and "Invoice" in texts and "Date" in texts
    label = [w for w in out if w.text == "Date"][0]
    assert label.confidence == 0.85 and abs((label.box.top + label.box.bottom) / 2 - 124) < 3


def test_engines_that_read_the_cell_apart_leave_the_page_as_it_was():
    words = _block([_w("ipa", 148, 160, 121, 0.0)])
    out, record = reread_label_cells(words, _page(), PX, 1, _reader("Invoice Date", 0.9), _reader("Invoice Dale", 0.95))
    assert out == words and record == {}


def test_agreement_needs_the_same_letters_and_mostly_letters():
    w = lambda t: [Word(t, Box(0, 0, 1, 1), 1, 0.9)]
    assert agree(w("Invoice Date"), [*w("Invoice"), *w("Date.")])
    assert not agree(w("Invoice Date"), w("Invoice Dale"))
    assert not agree(w("2 Stk 6,19"), w("2 Stk 6,19"))  # a table row's cells read alike are no label
    assert not agree(w("ab"), w("ab"))


def test_a_description_read_unsurely_beside_a_code_is_no_lost_label():
    # an item table: "PH1," is no key-value column's value, and a description read at 0.59 is
    # print read, not a stamp's marks (atlas: re-reading it moved the row and lost the total)
    rows = [_w("Schroefbit", 301, 347, 294, 0.92), _w("PH1,", 350, 368, 294, 0.92),
            _w("_Schroefbit", 302, 347, 238, 0.59), _w("PH1,", 351, 369, 238, 0.92)]
    assert lost_label_cells(rows) == []
    date_row = [_w("Invoice", 148, 178, 100), _w("No.", 182, 195, 100), _w("INV0000427", 216, 275, 100),
                _w("lnvoice", 148, 178, 120, 0.59), _w("01/26/2026", 215, 275, 120, 0.9)]
    assert lost_label_cells(date_row) == []


def test_a_cell_the_page_read_alike_keeps_its_words():
    # the page read the label, unsurely: the two engines reading the same letters change nothing
    words = _block([_w("Invoice", 148, 170, 121, 0.3), _w("Date", 172, 200, 121, 0.4)])
    out, record = reread_label_cells(words, _page(), PX, 1, _reader("Invoice Date", 0.9), _reader("Invoice Date", 0.95))
    assert out == words and record == {}


def test_an_amounts_label_is_not_read_again():
    # a totals block: "Rechnungsbetrag" read as marks beside "22.966,76" is left to the
    # amounts' own checks (a totals label read again set off the amounts' region re-read)
    rows = [_w("Nettobetrag", 148, 200, 100), _w("19.299,80", 216, 262, 100),
            _w("ReGhnungs", 148, 200, 120, 0.3), _w("22.966,76", 216, 262, 120)]
    assert lost_label_cells(rows) == []
