"""A value read where a stamp was taken out, checked against the page as it was (``ocr_stamp_witness``)."""

import numpy as np
from PIL import Image

from invoicepipe.adapters.ocr_stamp_witness import witness
from invoicepipe.domain.extraction.identifier_reread import DOUBTED_BOXES_KEY, doubted_words
from invoicepipe.domain.models import Box, DocumentText, Page, Word

PX = 2.0


def _pages() -> tuple[Image.Image, Image.Image]:
    """The page as read (a stamp's strokes made paper over a date's digit) and as it was."""
    read = np.full((300, 600), 250, np.uint8)
    read[200:216, 420:520] = 30  # the date's print
    plain = read.copy()
    plain[200:216, 470:480] = 140  # a stamp's stroke over one digit, on the page as it was
    return Image.fromarray(read), Image.fromarray(plain)


def _words() -> list[Word]:
    return [Word("Invoice", Box(100, 100, 140, 108), 1, 0.95), Word("Date", Box(145, 100, 170, 108), 1, 0.95),
            Word("01/26/2026", Box(210, 100, 260, 108), 1, 0.9), Word("50875", Box(210, 40, 240, 48), 1, 0.9)]


def _reader(plain_text: str):
    """Reads "01/26/2026" on the page as read, ``plain_text`` where the stamp's stroke still is."""
    def read(image: Image.Image, px: float, number: int) -> list[Word]:
        a = np.asarray(image)
        text = plain_text if ((a > 100) & (a < 200)).mean() > 0.02 else "01/26/2026"
        return [Word(text, Box(0, 0, 1, 1), number, 0.9)]
    return read


def test_a_value_the_page_as_it_was_reads_otherwise_is_doubted():
    read, plain = _pages()
    record = witness(_words(), read, plain, PX, 1, _reader("01/28/2026"))
    assert record == {"stamp_doubted": 1, DOUBTED_BOXES_KEY: ((210.0, 100.0, 260.0, 108.0),)}


def test_a_value_read_alike_on_both_pages_and_words_the_step_did_not_touch_are_left():
    read, plain = _pages()
    assert witness(_words(), read, plain, PX, 1, _reader("01/26/2026")) == {}
    assert witness(_words(), read, read.copy(), PX, 1, _reader("x")) == {}


def test_the_extractor_names_the_doubted_boxes_words():
    words = tuple(_words())
    page = Page(1, 600, 300, words, "ocr_tesseract", capture={DOUBTED_BOXES_KEY: ((210.0, 100.0, 260.0, 108.0),)})
    doc = DocumentText(pages=(page,))
    assert doubted_words(doc) == frozenset({words[2]})


def test_a_doubted_date_is_kept_and_held():
    from invoicepipe.domain.extraction import extract_invoice
    from invoicepipe.domain.extraction.identifier_reread import DISAGREED
    words = (Word("Invoice", Box(100, 100, 140, 108), 1, 0.95), Word("Date", Box(145, 100, 170, 108), 1, 0.95),
             Word("01/26/2026", Box(210, 100, 260, 108), 1, 0.95))
    plain = DocumentText(pages=(Page(1, 600, 800, words, "ocr_tesseract"),))
    doubted = DocumentText(pages=(Page(1, 600, 800, words, "ocr_tesseract",
                                       capture={DOUBTED_BOXES_KEY: ((210.0, 100.0, 260.0, 108.0),)}),))
    assert extract_invoice(plain, ()).value("invoice_date") == "2026-01-26"
    assert extract_invoice(plain, ()).confidence("invoice_date") > DISAGREED
    assert extract_invoice(doubted, ()).value("invoice_date") == "2026-01-26"
    assert extract_invoice(doubted, ()).confidence("invoice_date") <= DISAGREED


def test_noise_the_page_as_it_was_reads_beside_a_stamp_is_no_other_value():
    # the plain page's crop of "2026000724" read "BRENNER" (a harbor dev photo, seed 8): no
    # competing reading of the value, and the value is not doubted
    read, plain = _pages()
    assert witness(_words(), read, plain, PX, 1, _reader("BRENNER")) == {}
    assert witness(_words(), read, plain, PX, 1, _reader("01/28/2026"))["stamp_doubted"] == 1
