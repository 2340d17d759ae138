"""A scanned invoice or PO number read unsurely is read again on its own; two readings that
agree count as two readings (domain.extraction.identifier_reread, adapters.ocr_confirm)."""
from PIL import Image

from invoicepipe.adapters.ocr_confirm import confirm_identifiers
from invoicepipe.domain.extraction.identifier_reread import (
    MAX_CONFIDENCE, Spot, agreed_confidence, spots, with_confidence)
from invoicepipe.domain.models import Box, DocumentText, ExtractedField, Extraction, Page, Word

PX = 200 / 72
IMAGE = Image.new("L", (1654, 2339), 255)


def _doc(number_conf: float = 0.5, method: str = "ocr_tesseract") -> DocumentText:
    words = (Word("Invoice", Box(50, 100, 90, 110), 1, 0.96), Word("No.", Box(92, 100, 110, 110), 1, 0.95),
             Word("4711-0815", Box(115, 100, 170, 110), 1, number_conf),
             Word("Total", Box(50, 300, 80, 310), 1, 0.97), Word("12.00", Box(200, 300, 230, 310), 1, 0.5))
    return DocumentText((Page(1, 595, 842, words, method),), None, "test")


def _extraction(box: Box = Box(115, 100, 170, 110)) -> Extraction:
    return Extraction({"invoice_number": ExtractedField("invoice_number", "4711-0815", 0.4, "label_right", 1, box)})


def _w(text: str, conf: float) -> Word:
    return Word(text, Box(0, 0, 10, 10), 1, conf)


def test_an_unsurely_read_number_on_an_ocr_page_is_a_spot():
    found = spots(_doc(), _extraction(), (1,))
    assert found == [Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,))]


def test_no_spot_for_a_sure_reading_a_text_layer_or_a_doubted_code():
    assert spots(_doc(0.93), _extraction(), (1,)) == []
    assert spots(_doc(), _extraction(), ()) == []  # page 1 is not an OCR page
    doc = _doc()
    assert spots(doc, _extraction(), (1,), frozenset({doc.pages[0].words[2]})) == []


def test_a_field_without_a_box_or_words_under_it_is_no_spot():
    assert spots(_doc(), _extraction(Box(400, 700, 450, 710)), (1,)) == []
    fields = {"invoice_number": ExtractedField("invoice_number", "4711-0815", 0.4, "label_right")}
    assert spots(_doc(), Extraction(fields), (1,)) == []


def test_two_agreeing_readings_multiply_their_doubts():
    assert agreed_confidence([_w("4711-0815", 0.5)], [_w("4711-0815", 0.8)]) == 1 - 0.5 * 0.2
    # the crop's edge may add a ruling line or a label's colon; spaces are the segmentation's
    assert agreed_confidence([_w("4500", 0.6), _w("0105", 0.5)], [_w("|45000105:", 0.7)]) == 1 - 0.5 * 0.3
    assert agreed_confidence([_w("A1", 0.99)], [_w("A1", 0.99)]) == MAX_CONFIDENCE


def test_readings_that_differ_in_anything_agree_on_nothing():
    assert agreed_confidence([_w("4711-0815", 0.5)], [_w("4711-0816", 0.9)]) is None
    assert agreed_confidence([_w("CVFO00082", 0.5)], [_w("CVF000082", 0.9)]) is None  # O is not 0
    assert agreed_confidence([_w("ab12", 0.5)], [_w("AB12", 0.9)]) is None  # case is the print's
    assert agreed_confidence([_w("4711", 0.5)], []) is None


def test_confidence_is_raised_on_the_spots_words_only_and_never_lowered():
    doc = _doc()
    raised = with_confidence(doc, Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,)), 0.9)
    assert [w.confidence for w in raised.pages[0].words] == [0.96, 0.95, 0.9, 0.97, 0.5]
    assert with_confidence(doc, Spot("invoice_number", 1, Box(50, 100, 90, 110), (0,)), 0.5).pages[0].words[0].confidence == 0.96


def _reader(text: str, conf: float, calls: list):
    def read(image, px, page):
        calls.append((image.size, px))
        return [Word(text, Box(5, 3, 60, 13), page, conf)]
    return read


def test_the_document_takes_an_agreeing_second_reading(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    calls = []
    doc = confirm_identifiers(_doc(), {1: (IMAGE, PX)}, _reader("4711-0815", 0.8, calls))
    assert doc.pages[0].words[2].confidence == 1 - 0.5 * 0.2
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 1}
    # one crop, read at twice the page's resolution, a little wider than the value
    (size, px), = calls
    assert px == 2 * PX and size[0] > 2 * 55 * PX


def test_a_disagreeing_second_reading_leaves_the_page_as_read(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    first = _doc()
    doc = confirm_identifiers(first, {1: (IMAGE, PX)}, _reader("4711-0816", 0.95, []))
    assert doc.pages[0].words == first.pages[0].words
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 0}


def test_nothing_is_read_again_when_nothing_is_unsure(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    calls = []
    first = _doc(0.95)
    assert confirm_identifiers(first, {1: (IMAGE, PX)}, _reader("4711-0815", 0.9, calls)) is first
    assert calls == []
