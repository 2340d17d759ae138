"""A scanned invoice or PO number read unsurely is read again on its own; two readings that
agree count as two readings (domain.extraction.identifier_reread, adapters.ocr_confirm)."""
import pytest
from PIL import Image

from invoicepipe.adapters.ocr_confirm import confirm_identifiers
from invoicepipe.domain.extraction.identifier_reread import (
    DISAGREED, DOUBTED_KEY, MAX_CONFIDENCE, Judgement, confusable_only, doubted_words, with_doubt, Spot, agreed_confidence, compare_form, judge, judge_sure, spots, with_confidence)
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
    # ... or a speck before the value read as a typographic quote ("„2026000785")
    assert agreed_confidence([_w("2026000785", 0.6)], [_w("„2026000785", 0.9)]) == 1 - 0.4 * 0.1
    assert agreed_confidence([_w("INV-0815", 0.6)], [_w("INV-0815”", 0.9)]) == 1 - 0.4 * 0.1


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
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 1, "ids_confirmed_by": "tesseract"}
    # one crop, read at twice the page's resolution, a little wider than the value
    (size, px), = calls
    assert px == 2 * PX and size[0] > 2 * 55 * PX


def test_a_disagreeing_second_reading_leaves_the_page_as_read(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    first = _doc()
    doc = confirm_identifiers(first, {1: (IMAGE, PX)}, _reader("4711-0816", 0.95, []))
    assert doc.pages[0].words == first.pages[0].words
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 0, "ids_confirmed_by": "tesseract"}


def test_nothing_is_read_again_when_nothing_is_unsure(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    calls = []
    first = _doc(0.95)
    assert confirm_identifiers(first, {1: (IMAGE, PX)}, _reader("4711-0815", 0.9, calls)) is first
    assert calls == []


def _at(text: str, conf: float, x0: float, top: float = 0) -> Word:
    return Word(text, Box(x0, top, x0 + 10, top + 10), 1, conf)


def test_another_engine_that_agrees_lifts_as_a_second_reading():
    # spaces, the crop's edge punctuation and the page's word order are not the print's characters
    assert judge([_w("SI000072", 0.6)], [_w("SI 000072:", 0.9)], independent=True) == Judgement("agreed", 1 - 0.4 * 0.1)
    assert compare_form([_at("000632", 0.9, 60), _at("B2", 0.9, 40)]) == "B2000632"
    assert compare_form([_at("4711", 0.9, 60), _at("0815", 0.9, 40, top=30)]) == "47110815"  # two lines: as read


def test_another_engine_that_reads_other_characters_holds_the_value():
    # the Courier "SI000072" Tesseract read as "51000072" on the page and in its crop
    # ... differing only in shapes OCR confuses, the page's word takes the other engine's characters
    assert judge([_w("51000072", 0.69)], [_w("SI000072", 0.99)], independent=True) == Judgement("disagreed", DISAGREED,
                                                                                                "SI000072")
    assert judge([_w("CVFO00087", 0.38)], [_w("CVF000087", 1.0)], independent=True) == Judgement("disagreed", DISAGREED,
                                                                                                 "CVF000087")
    assert judge([_w("Al2026/0646", 0.2)], [_w("A12026/0646", 1.0)], independent=True) == Judgement("disagreed", 0.2)
    # the same letters in another case are no other characters: agreed, the code in capitals
    assert judge([_w("ab12", 0.5)], [_w("AB12", 0.9)], independent=True) == Judgement("agreed", 0.95, "AB12", "case")


def test_readings_of_the_same_letters_in_another_case_agree():
    # Tesseract lowers a capital it takes for small ("Psi000588", "Pos000480"); RapidOCR reads the capitals
    assert judge([_w("Psi000588", 0.6)], [_w("PSI000588", 0.9)], True) == Judgement("agreed", 0.96, "PSI000588", "case")
    # the page's word in capitals keeps its characters when the other engine lowers one
    assert judge([_w("PSI000869", 0.6)], [_w("PSi000869", 0.9)], True) == Judgement("agreed", 0.96, None, "case")
    # a value of two words keeps the page's words: which of them holds which letters is unknown
    assert judge([_w("Pos", 0.6), _w("000480", 0.6)], [_w("POS000480", 0.9)], True) == Judgement("agreed", 0.96, None, "case")
    # another letter is another reading; the same engine again is no witness
    assert judge([_w("Psi000588", 0.6)], [_w("PST000588", 0.9)], True).outcome == "disagreed"
    assert judge([_w("Psi000588", 0.6)], [_w("PSI000588", 0.9)], False) == Judgement("unchanged")


def test_the_same_engine_disagreeing_or_an_empty_reading_changes_nothing():
    assert judge([_w("51000072", 0.69)], [_w("SI000072", 0.99)], independent=False) == Judgement("unchanged")
    assert judge([_w("51000072", 0.69)], [], independent=True) == Judgement("unchanged")
    assert judge([_w("51000072", 0.69)], [_w("|:", 0.9)], independent=True) == Judgement("unchanged")


def test_a_disagreement_lowers_the_spots_words_and_never_raises_them():
    doc = _doc()
    held = with_confidence(doc, Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,)), DISAGREED, lower=True)
    assert [w.confidence for w in held.pages[0].words] == [0.96, 0.95, DISAGREED, 0.97, 0.5]
    assert with_confidence(_doc(0.2), Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,)), DISAGREED,
                           lower=True).pages[0].words[2].confidence == 0.2


def test_another_engines_disagreement_holds_the_number_and_says_so(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    doc = confirm_identifiers(_doc(0.69), {1: (IMAGE, PX)}, _reader("4711-O815", 0.99, []), engine="rapidocr 3.10.0")
    assert doc.pages[0].words[2].confidence == DISAGREED
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 0, "ids_confirmed_by": "rapidocr 3.10.0",
                                    "ids_disagreed": 1}
    agreed = confirm_identifiers(_doc(0.6), {1: (IMAGE, PX)}, _reader("4711-0815", 0.8, []), engine="rapidocr 3.10.0")
    assert agreed.pages[0].words[2].confidence == pytest.approx(1 - 0.4 * 0.2)
    assert agreed.pages[0].capture["ids_disagreed"] == 0


def _engines(monkeypatch, rapidocr):
    """The OCR module with fake engines: Tesseract reads the crop as the page did, RapidOCR
    reads an O for the 0; ``rapidocr`` is what ``rapidocr_available`` says."""
    from invoicepipe.adapters import ocr
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    monkeypatch.setattr(ocr, "rapidocr_available", lambda: rapidocr)
    monkeypatch.setattr(ocr, "tesseract_words", lambda image, px, page, *a, **k: [Word("4711-0815", Box(5, 3, 60, 13), page, 0.8)])
    monkeypatch.setattr(ocr, "read_line_rapidocr", lambda image, px, page: [Word("4711-O815", Box(5, 3, 60, 13), page, 0.99)])
    return ocr


def test_rapidocr_reads_the_numbers_again_when_installed_and_chosen(monkeypatch):
    ocr = _engines(monkeypatch, "rapidocr 3.10.0")
    doc = ocr._confirm_identifiers(_doc(), {1: (IMAGE, PX)}, ocr.OcrSettings(), "eng", frozenset())
    assert doc.pages[0].capture["ids_confirmed_by"] == "rapidocr 3.10.0" and doc.pages[0].capture["ids_disagreed"] == 1
    assert doc.pages[0].words[2].confidence == DISAGREED


def test_without_rapidocr_or_by_choice_tesseract_reads_them_as_before(monkeypatch):
    ocr = _engines(monkeypatch, None)
    doc = ocr._confirm_identifiers(_doc(), {1: (IMAGE, PX)}, ocr.OcrSettings(), "eng", frozenset())
    assert doc.pages[0].capture == {"ids_reread": 1, "ids_confirmed": 1, "ids_confirmed_by": "tesseract"}
    ocr = _engines(monkeypatch, "rapidocr 3.10.0")
    settings = ocr.OcrSettings.from_env({"INVOICEPIPE_OCR_CONFIRM": "Tesseract"})
    assert settings.confirm_reader == "tesseract"
    doc = ocr._confirm_identifiers(_doc(), {1: (IMAGE, PX)}, settings, "eng", frozenset())
    assert doc.pages[0].capture["ids_confirmed_by"] == "tesseract"


def _cell_doc() -> DocumentText:
    """An invoice number whose box takes in the date printed beside it, read unsurely."""
    words = (Word("0000424", Box(115, 100, 150, 110), 1, 0.95), Word("Jan", Box(152, 100, 165, 110), 1, 0.08),
             Word("20,2026", Box(167, 100, 190, 110), 1, 0.08))
    return DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test")


def test_for_another_engine_a_spot_holds_only_the_values_words():
    box = Box(115, 100, 190, 110)
    fields = {"invoice_number": ExtractedField("invoice_number", "0000424", 0.4, "label_right", 1, box)}
    assert spots(_cell_doc(), Extraction(fields), (1,))[0].indexes == (0, 1, 2)
    assert spots(_cell_doc(), Extraction(fields), (1,), value_words=True) == []  # the number itself was read surely
    fields = {"invoice_number": ExtractedField("invoice_number", "A1 2026/0646", 0.4, "label_right", 1, box)}
    doc = DocumentText((Page(1, 595, 842, (Word("Al2026/0646", Box(115, 100, 150, 110), 1, 0.5),
                                           Word("Jan", Box(152, 100, 165, 110), 1, 0.08)), "ocr_tesseract"),), None, "t")
    (spot,) = spots(doc, Extraction(fields), (1,), value_words=True)
    assert spot.indexes == (0,) and spot.value == "A1 2026/0646"  # l for 1 still holds the value's characters


def test_another_engine_reading_the_extractors_value_agrees():
    page = [_w("Al2026/0646", 0.5)]
    assert judge(page, [_w("A12026/0646", 0.9)], True, "A1 2026/0646") == Judgement("agreed", pytest.approx(1 - 0.5 * 0.1))
    assert judge(page, [_w("A12026/0646", 0.9)], False, "A1 2026/0646") == Judgement("unchanged")
    assert judge(page, [_w("A12026/0645", 0.9)], True, "A1 2026/0646").outcome == "disagreed"


def test_a_sure_reading_is_checked_by_another_engine_only():
    doc = _doc(0.97)
    assert spots(doc, _extraction(), [1]) == []
    assert spots(doc, _extraction(), [1], value_words=True) == []
    checked = spots(doc, _extraction(), [1], value_words=True, check_sure=True)
    assert [(s.field, s.sure) for s in checked] == [("invoice_number", True)]
    # the PO has the vendor's open POs to check it: a sure PO is not read again
    po = Extraction({"po_number": ExtractedField("po_number", "4711-0815", 0.9, "label_right", 1, Box(115, 100, 170, 110))})
    assert spots(doc, po, [1], value_words=True, check_sure=True) == []


@pytest.mark.parametrize("second, outcome", [
    ("2026000822", "disagreed"),   # the page lost the first digit under a stamp
    ("O26000822", "disagreed"),    # another character is another character
    ("026.000822", "unchanged"),   # punctuation, spaces and case are not compared
    ("026 000 822", "unchanged"),
    ("", "unchanged"),             # nothing read says nothing
])
def test_a_sure_value_is_held_only_when_the_other_engine_reads_other_characters(second, outcome):
    first = [_at("026000822", 0.97, 0)]
    theirs = [_at(second, 0.99, 0)] if second else []
    verdict = judge_sure(first, theirs, "026000822")
    assert verdict.outcome == outcome
    assert verdict.confidence == (DISAGREED if outcome == "disagreed" else None)


def test_a_sure_value_is_never_lifted_and_a_disagreement_says_so(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    same = confirm_identifiers(_doc(0.95), {1: (IMAGE, PX)}, _reader("4711-0815", 0.99, []), engine="rapidocr 3.10.0")
    assert same.pages[0].words[2].confidence == 0.95
    assert same.pages[0].capture["ids_disagreed"] == 0
    lost = confirm_identifiers(_doc(0.97), {1: (IMAGE, PX)}, _reader("14711-0815", 0.99, []), engine="rapidocr 3.10.0")
    assert lost.pages[0].words[2].confidence == 0.97  # kept as read, named as doubted (``with_doubt``)
    assert lost.pages[0].capture["ids_disagreed"] == 1 and lost.pages[0].capture[DOUBTED_KEY] == (2,)
    # Tesseract reading its own sure print again is never asked
    calls = []
    confirm_identifiers(_doc(0.97), {1: (IMAGE, PX)}, _reader("14711-0815", 0.99, calls))
    assert calls == []


def test_a_doubted_sure_value_keeps_its_words_and_its_place_but_is_held(monkeypatch):
    # the fresh "0000424" read surely, RapidOCR's crop taking in the date beside it: lowering
    # its words let an area code "(414)" win at confidence 0; the value must stay, held
    from invoicepipe.domain.extraction import extract_invoice
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    words = (Word("Invoice", Box(50, 100, 90, 110), 1, 0.96), Word("#", Box(92, 100, 98, 110), 1, 0.93),
             Word("0000424", Box(115, 100, 150, 110), 1, 0.95), Word("Jan", Box(152, 100, 165, 110), 1, 0.9),
             Word("Tel.", Box(50, 140, 70, 150), 1, 0.97), Word("(414)", Box(72, 140, 95, 150), 1, 0.96),
             Word("Invoice", Box(50, 180, 90, 190), 1, 0.96), Word("(414)", Box(92, 180, 115, 190), 1, 0.96))
    doc = DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test")
    before = extract_invoice(doc, ()).fields["invoice_number"]
    assert before.value == "0000424"
    read = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("0000424 Jan 20, 2026", 0.94, []), engine="rapidocr 3.10.0")
    assert [w.confidence for w in read.pages[0].words] == [w.confidence for w in words]
    assert doubted_words(read) == frozenset({words[2]})
    held = extract_invoice(read, ()).fields["invoice_number"]
    assert held.value == "0000424" and "engines_disagreed" in held.evidence
    assert held.confidence <= DISAGREED < before.confidence


def test_doubts_accumulate_per_page_and_name_only_words_of_the_page():
    spot = Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,), sure=True)
    doc = with_doubt(with_doubt(_doc(0.97), spot), Spot("po_number", 1, Box(50, 300, 80, 310), (3, 2), sure=True))
    assert doc.pages[0].capture[DOUBTED_KEY] == (2, 3)
    assert doubted_words(doc) == frozenset({doc.pages[0].words[2], doc.pages[0].words[3]})
    assert doubted_words(_doc(0.97)) == frozenset()


@pytest.mark.parametrize("page, other, expected", [
    ("51000072", "SI000072", True),     # Courier SI read as 51
    ("$1000067", "SI000067", True),     # a sign read for S
    ("INVO000424", "INV0000424", True),
    ("SI@00085", "SI000085", True),
    ("51000072", "SI000073", False),    # another digit is no confusion
    ("SI1000067", "SI000067", False),   # a character more
    ("SI000072", "SI000072", False),    # no disagreement
    ("", "SI000072", False),
])
def test_confusable_only_disagreements(page, other, expected):
    assert confusable_only(page, other) is expected


def test_a_confusable_disagreement_gives_the_word_the_other_engines_characters_held(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    fields = {"invoice_number": ExtractedField("invoice_number", "INVO000424", 0.4, "label_right", 1,
                                               Box(115, 100, 170, 110))}
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: Extraction(fields))
    words = (Word("Invoice", Box(50, 100, 90, 110), 1, 0.96), Word("No.", Box(92, 100, 110, 110), 1, 0.95),
             Word("INVO000424", Box(115, 100, 170, 110), 1, 0.45))
    doc = DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test")
    read = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("INV0000424", 1.0, []), engine="rapidocr 3.10.0")
    assert read.pages[0].words[2] == Word("INV0000424", Box(115, 100, 170, 110), 1, DISAGREED)
    assert read.pages[0].capture["ids_read_as_other"] == 1 and read.pages[0].capture["ids_disagreed"] == 1
    # another difference (a character more) only lowers the page's word, as before
    other = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("INV00000424", 1.0, []), engine="rapidocr 3.10.0")
    assert other.pages[0].words[2] == Word("INVO000424", Box(115, 100, 170, 110), 1, DISAGREED)
    assert "ids_read_as_other" not in other.pages[0].capture
    # a spot of two words is not rewritten: which word holds which characters is unknown
    assert judge([_w("INVO", 0.5), _w("000424", 0.5)], [_w("INV0000424", 1.0)], True).reading is None


def test_a_garbled_page_word_takes_the_other_engines_code_when_tesseracts_crop_reads_it_too():
    # atlas "SKY0000611" read "SkKyY0000611" on the page: RapidOCR and Tesseract's crop read the code
    page = [_w("SkKyY0000611", 0.5)]
    assert judge(page, [_w("SKY0000611", 1.0)], True).reading is None  # two engines, a character apart: no choice
    # two readings of the print against the page's garbled one: agreed on their characters
    assert judge(page, [_w("SKY0000611", 1.0)], True, witness=[_w("SKY0000611", 0.88)]) == Judgement(
        "agreed", 0.99, "SKY0000611", "majority")
    assert judge([_w("S$1000447", 0.4)], [_w("SI000447", 0.8)], True, witness=[_w("si000447", 0.5)]) == Judgement(
        "agreed", 0.9, "SI000447", "majority")
    # the witness may confuse shapes as the page does ("S1000067" for "SI000067"): RapidOCR's
    # characters, held, as no two readings agree
    assert judge([_w("SI1000067", 0.3)], [_w("SI000067", 1.0)], True, witness=[_w("S1000067", 0.2)]) == Judgement(
        "disagreed", DISAGREED, "SI000067")
    # two crops that read part of the value ("2026" of "FV/00747/2026") are no majority over the page
    assert judge([_w("FV/00747/2026", 0.5)], [_w("2026", 0.9)], True, witness=[_w("2026", 0.9)]).outcome == "disagreed"
    # a witness reading something else again decides nothing
    assert judge(page, [_w("SKY0000611", 1.0)], True, witness=[_w("SKY000061", 0.9)]).reading is None
    assert judge(page, [_w("SKY0000611", 1.0)], True, witness=[]).reading is None


def test_tesseracts_crop_is_asked_when_the_engines_disagree_and_decides_with_the_other_engine(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    fields = {"invoice_number": ExtractedField("invoice_number", "SkKyY0000611", 0.4, "label_right", 1,
                                               Box(115, 100, 170, 110))}
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: Extraction(fields))
    words = (Word("Invoice", Box(50, 100, 90, 110), 1, 0.96), Word("SkKyY0000611", Box(115, 100, 170, 110), 1, 0.45))
    doc = DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test")
    asked = []
    read = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("SKY0000611", 1.0, []), engine="rapidocr 3.10.0",
                               witness=_reader("SKY0000611", 0.88, asked))
    assert read.pages[0].words[1] == Word("SKY0000611", Box(115, 100, 170, 110), 1, 0.99) and len(asked) == 1
    assert read.pages[0].capture["ids_agreed_by_majority"] == 1 and read.pages[0].capture["ids_disagreed"] == 0
    asked.clear()
    # a disagreement in confusable shapes only asks it too: "P0S000329" on the page, "POS000329" twice
    confusable = DocumentText((Page(1, 595, 842, (words[0], Word("P0S000329", words[1].box, 1, 0.45)), "ocr_tesseract"),),
                              None, "test")
    read = confirm_identifiers(confusable, {1: (IMAGE, PX)}, _reader("POS000329", 0.9, []), engine="rapidocr 3.10.0",
                               witness=_reader("POS000329", 0.8, asked))
    assert read.pages[0].words[1] == Word("POS000329", Box(115, 100, 170, 110), 1, 0.98) and len(asked) == 1
    asked.clear()
    confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("SkKyY0000611", 1.0, []), engine="rapidocr 3.10.0",
                        witness=_reader("SKY0000611", 0.88, asked))
    assert asked == []  # the engines agree: no third reading


def test_a_sure_value_takes_the_code_both_crops_read(monkeypatch):
    # harbor "2026000822" read surely as "026000822" on the page; RapidOCR and Tesseract's crop read it whole
    first = [_at("026000822", 0.97, 0)]
    assert judge_sure(first, [_at("2026000822", 0.97, 0)], "026000822").reading is None
    assert judge_sure(first, [_at("2026000822", 0.97, 0)], "026000822", [_at("2026000822", 0.82, 0)]) == Judgement(
        "agreed", 0.99, "2026000822", "majority")
    assert judge_sure(first, [_at("2026000822", 0.97, 0)], "026000822", [_at("026000822", 0.9, 0)]).reading is None
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    fields = {"invoice_number": ExtractedField("invoice_number", "026000822", 0.9, "label_right", 1,
                                               Box(115, 100, 170, 110))}
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: Extraction(fields))
    words = (Word("Rechnungs-Nr.", Box(50, 100, 110, 110), 1, 0.91), Word("026000822", Box(115, 100, 170, 110), 1, 0.97))
    doc = DocumentText((Page(1, 595, 842, words, "ocr_tesseract"),), None, "test")
    read = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("2026000822", 0.97, []), engine="rapidocr 3.10.0",
                               witness=_reader("2026000822", 0.82, []))
    # the two crops' characters, lifted; the wider reading holds them and no more, so nothing is doubted
    assert read.pages[0].words[1] == Word("2026000822", Box(115, 100, 170, 110), 1, 0.99)
    assert DOUBTED_KEY not in read.pages[0].capture and read.pages[0].capture["ids_agreed_by_majority"] == 1
    alone = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("2026000822", 0.97, []), engine="rapidocr 3.10.0",
                                witness=_reader("026000822", 0.9, []))
    assert alone.pages[0].words[1] == words[1] and alone.pages[0].capture[DOUBTED_KEY] == (1,)


def test_the_amounts_check_and_the_identifiers_extract_a_document_not_read_again_once(monkeypatch):
    import invoicepipe.adapters.ocr as ocr
    import invoicepipe.adapters.ocr_amounts as ocr_amounts
    from invoicepipe.adapters.ocr_confirm import confirm_identifiers

    extracted = []
    monkeypatch.setattr(ocr, "extract_invoice", lambda doc, vendors: extracted.append(doc) or _extraction())
    monkeypatch.setattr(ocr_amounts, "needs_reread", lambda first: False)  # the amounts agree: not read again
    extract = ocr._remembered_extraction()
    first = _doc()
    doc = ocr_amounts.reread_amounts(first, {1: (IMAGE, PX)}, _reader("12.00", 0.9, []), extract)
    doc = confirm_identifiers(doc, {1: (IMAGE, PX)}, _reader("4711-0815", 0.8, []), extract=extract)
    assert extracted == [first]
    assert doc.pages[0].capture["ids_confirmed"] == 1
    extract(doc)  # a document read again is another document
    assert extracted == [first, doc]


# -- print beside a surely read number (``beside_span``, ``extended``) --------------------------

@pytest.mark.parametrize("beside, held", [
    (["AR-000594"], True),              # the prefix the page lost under a stamp
    (["AR-", "000594"], True),          # split by the other engine at its hyphen
    (["AR", "/000594"], True),
    (["0005941"], True),                # a digit more after it
    (["No.", "000594"], False),         # a label beside it is another token
    (["Nr:000594"], False),             # a colon ends a label, even glued to the value
    (["Nr:AR-000594"], True),
    (["n.º000594"], False),             # a number sign the other engine read without its space
    (["Nº000594"], False),
    (["No.000594"], False),
    (["#000594"], False),
    (["No.AR-000594"], True),           # a number sign before a lost prefix still shows the prefix
    (["RECEIVED", "000594", "04.03.2026"], False),  # the stamp's own words, a date
    (["000594"], False),
    ([], False),
])
def test_a_sure_number_is_held_when_the_other_engine_reads_it_joined_to_more_print(beside, held):
    from invoicepipe.domain.extraction.identifier_reread import extended

    words = [_at(text, 0.99, 20 * i) for i, text in enumerate(beside)]
    assert extended("000594", words) is held


def test_the_line_is_read_beside_the_value_up_to_the_nearest_sure_word():
    from invoicepipe.domain.extraction.identifier_reread import BESIDE, beside_span

    spot = Spot("invoice_number", 1, Box(115, 100, 170, 110), (2,), "4711-0815", True)
    # "Invoice No." ends at 110, sure: read from just after it, and BESIDE heights to the right
    assert beside_span(spot, _doc(0.97).pages[0].words) == (pytest.approx(112), pytest.approx(170 + BESIDE * 10))
    # unsure words and words of other lines do not bound it
    words = (Word("No.", Box(92, 100, 110, 110), 1, 0.5), Word("x", Box(0, 100, 10, 110), 1, 0.5),
             Word("4711-0815", Box(115, 100, 170, 110), 1, 0.97), Word("Date", Box(172, 130, 190, 140), 1, 0.97))
    assert beside_span(spot, words) == (pytest.approx(115 - BESIDE * 10), pytest.approx(170 + BESIDE * 10))
    # a label's tail read at 0.90 (under READ_BELOW) bounds it all the same: its print is read already
    label = (Word("Rechnungs-Nr.", Box(60, 100, 108, 110), 1, 0.90), Word("x", Box(0, 100, 10, 110), 1, 0.5),
             Word("4711-0815", Box(115, 100, 170, 110), 1, 0.97))
    assert beside_span(spot, label)[0] == pytest.approx(110)
    # sure words right beside it on both sides: nothing more to see than the value's own crop
    tight = (Word("No.", Box(92, 100, 113, 110), 1, 0.97), Word("4711-0815", Box(115, 100, 170, 110), 1, 0.97),
             Word("vom", Box(172, 100, 185, 110), 1, 0.97))
    assert beside_span(Spot("invoice_number", 1, Box(115, 100, 170, 110), (1,), "4711-0815", True), tight) is None


def test_the_other_engine_reading_more_print_beside_a_sure_number_holds_it(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: _extraction())
    narrow = round((55 + 2 * ocr_confirm.MARGIN_X * 10) * PX * ocr_confirm.SCALE) + 2

    def reader(beside):
        def read(image, px, page):  # the value's own crop reads the value; the wider line reads ``beside``
            return [Word("4711-0815" if image.width <= narrow else beside, Box(0, 0, 10, 10), page, 0.99)]
        return read

    held = confirm_identifiers(_doc(0.97), {1: (IMAGE, PX)}, reader("AR-4711-0815"), engine="rapidocr 3.10.0")
    assert held.pages[0].capture["ids_disagreed"] == 1 and held.pages[0].capture[DOUBTED_KEY] == (2,)
    kept = confirm_identifiers(_doc(0.97), {1: (IMAGE, PX)}, reader("4711-0815 12.03.2026"), engine="rapidocr 3.10.0")
    assert kept.pages[0].capture["ids_disagreed"] == 0
    # Tesseract's own crop (the witness) reads the value as the page did: the wider reading still holds it
    witnessed = confirm_identifiers(_doc(0.97), {1: (IMAGE, PX)}, reader("AR-4711-0815"), engine="rapidocr 3.10.0",
                                    witness=reader("4711-0815"))
    assert witnessed.pages[0].capture["ids_disagreed"] == 1


def test_a_stamps_stroke_read_at_the_crops_edge_is_no_part_of_the_value():
    # Tesseract's crop of a number under a stamp: the stamp's stroke read as "*" before it
    second = [_at("*", 0.3, 100), _at("F2026-00276", 0.41, 104)]
    assert compare_form(second) == "F2026-00276"
    assert judge([_at("F2026-00276", 0.85, 100)], second, True).outcome == "agreed"


def test_line_groups_part_a_value_wrapped_onto_two_lines():
    from invoicepipe.domain.extraction.identifier_reread import line_groups

    piece = Word("RE2026-", Box(448.6, 34.2, 530.6, 49.0), 1, 0.92)
    wrapped = Word("00367", Box(301.3, 58.0, 359.3, 74.9), 1, 0.97)
    caption = Word("Nr.:", Box(406.1, 37.1, 440.3, 49.7), 1, 0.91)
    assert line_groups([wrapped, piece]) == [[piece], [wrapped]]
    assert line_groups([piece, caption, wrapped]) == [[caption, piece], [wrapped]]
