"""Words whose boxes overlap on one line are one reading, not two values: a boxed date strip
OCR'd twice ("13/02/202" over "/02/2026") is one date."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.layout import make_line
from invoicepipe.domain.models import Box, DocumentText, Page, Word


def _w(text: str, x0: float, x1: float, confidence: float = 0.9, top: float = 96) -> Word:
    return Word(text, Box(x0, top, x1, top + 7), 1, confidence)


def test_a_date_read_twice_with_overlap_is_one_date():
    # 9 characters over 37 points; the second reading starts at the first one's third character
    line = make_line(1, [_w("13/02/202", 278, 315, 0.33), _w("/02/2026", 286, 320, 0.87)], 0)
    assert [w.text for w in line.words] == ["13/02/2026"]
    assert line.words[0].confidence == 0.33 and line.rereads == frozenset({0})


def test_a_fragment_inside_a_reading_adds_nothing():
    line = make_line(1, [_w("15/03/2026", 338, 387), _w("/03/2", 348, 372)], 0)
    assert [w.text for w in line.words] == ["15/03/2026"] and not line.rereads


def test_readings_that_disagree_stay_apart():
    line = make_line(1, [_w("A2026/224", 100, 145), _w("A2026/:", 110, 150)], 0)
    assert [w.text for w in line.words] == ["A2026/224", "A2026/:"]


def test_shared_characters_must_fill_the_overlap():
    # "2026" ends the first word and begins the second, but the boxes overlap by one character only
    line = make_line(1, [_w("01/2026", 100, 135), _w("2026-77", 130, 165)], 0)
    assert [w.text for w in line.words] == ["01/2026", "2026-77"]


def test_printed_words_that_touch_are_untouched():
    line = make_line(1, [_w("Invoice", 100, 135, 1.0), _w("date", 137, 157, 1.0)], 0)
    assert [w.text for w in line.words] == ["Invoice", "date"]


def test_the_invoice_date_is_read_from_the_joined_reading():
    words = [_w("Invoice", 100, 135, top=60), _w("date", 137, 157, top=60),
             _w("13/02/202", 100, 137, 0.85, top=75), _w("/02/2026", 108, 142, 0.87, top=75)]
    doc = DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")
    assert extract_invoice(doc, []).value("invoice_date") == "2026-02-13"
