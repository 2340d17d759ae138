"""The page's own print as a third witness between two engines' readings of a code (``ocr_glyphs``)."""

from PIL import Image, ImageDraw, ImageFont

from invoicepipe.adapters import ocr_glyphs
from invoicepipe.adapters.ocr_confirm import confirm_identifiers
from invoicepipe.domain.extraction.identifier_reread import DISAGREED, sided_confidence
from invoicepipe.domain.models import Box, DocumentText, ExtractedField, Extraction, Page, Word

PX = 2.0  # pixels per point of the drawn pages
# Pillow's own face: the same glyphs on every machine, no system font needed
FONT = ImageFont.load_default(size=32)


def _page(lines: list[list[tuple[str, str]]], size: tuple[int, int] = (1400, 500)):
    """A page image with each line's words drawn, and the words as a page reading would give
    them: (text read, text printed) per word; boxes in points, read surely."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    words = []
    for row, line in enumerate(lines):
        x, y = 20, 20 + 70 * row
        for read, printed in line:
            x0, top, x1, bottom = draw.textbbox((x, y), printed, font=FONT)
            draw.text((x, y), printed, font=FONT, fill=0)
            words.append(Word(read, Box(x0 / PX, top / PX, x1 / PX, bottom / PX), 1, 0.96))
            x = x1 + 24
    return image, words


_BODY = [[("ORDER", "ORDER"), ("OPEN", "OPEN"), ("2000", "2000"), ("1000", "1000")],
         [("SALES", "SALES"), ("5500", "5500"), ("INVOICE", "INVOICE"), ("1100", "1100"), ("BOX", "BOX")]]


def _value(printed: str, body=_BODY):
    image, words = _page([[(printed, printed)], *body])
    return image, words, words[0]


def test_the_print_sides_with_the_reading_whose_zeros_it_repeats():
    image, words, value = _value("INV0000424")
    assert ocr_glyphs.vote(image, PX, words, value, ["INVO000424", "INV0000424"]) == "INV0000424"
    assert ocr_glyphs.vote(image, PX, words, value, ["INV0000424", "INVO000424"]) == "INV0000424"


def test_a_letter_printed_in_a_code_sides_with_the_reading_of_the_letter():
    image, words, value = _value("INVO000424")
    assert ocr_glyphs.vote(image, PX, words, value, ["INVO000424", "INV0000424"]) == "INVO000424"


def test_letters_and_digits_are_told_apart_from_the_pages_own_words():
    image, words, value = _value("SI000072")
    assert ocr_glyphs.vote(image, PX, words, value, ["51000072", "SI000072"]) == "SI000072"
    image, words, value = _value("51000072")
    assert ocr_glyphs.vote(image, PX, words, value, ["51000072", "SI000072"]) == "51000072"


def test_a_face_whose_letter_and_digit_are_one_shape_says_nothing():
    # every "O" the page read is printed as a zero: the face cannot tell them apart
    body = [[("ORDER", "0RDER"), ("OPEN", "0PEN"), ("2000", "2000"), ("BOX", "B0X")]]
    image, words, value = _value("INV0000424", body)
    assert ocr_glyphs.vote(image, PX, words, value, ["INVO000424", "INV0000424"]) is None


def test_a_page_without_the_characters_or_print_that_does_not_split_says_nothing():
    image, words, value = _value("SI000072", [[("ORDER", "ORDER"), ("2000", "2000")]])
    # no "S", "5", "I" or "1" elsewhere in the value or on the page
    assert ocr_glyphs.vote(image, PX, words, value, ["51000072", "SI000072"]) is None
    image, words, value = _value("INV0000424")
    # readings of another length than the print's glyphs, or not two different ones
    assert ocr_glyphs.vote(image, PX, words, value, ["INVO0000424", "INV00000424"]) is None
    assert ocr_glyphs.vote(image, PX, words, value, ["INV0000424", "INV0000424"]) is None
    blank = Image.new("L", image.size, 255)
    assert ocr_glyphs.vote(blank, PX, words, value, ["INVO000424", "INV0000424"]) is None


def test_exemplars_come_only_from_sure_words_of_the_values_size_and_weight():
    image, words, value = _value("INV0000424")
    height = value.box.bottom - value.box.top
    weight = ocr_glyphs.stroke_weight(ocr_glyphs._crop(image, PX, value.box))
    found = ocr_glyphs.exemplars(image, PX, words, {"O", "0"}, height, value.box, weight)
    assert found["O"] and found["0"]
    unsure = [Word(w.text, w.box, w.page, 0.5) for w in words]
    assert not any(ocr_glyphs.exemplars(image, PX, unsure, {"O", "0"}, height, value.box).values())
    assert not any(ocr_glyphs.exemplars(image, PX, words, {"O", "0"}, height * 3, value.box).values())
    # a value printed twice as heavy finds no exemplar in regular words
    assert not any(ocr_glyphs.exemplars(image, PX, words, {"O", "0"}, height, value.box, weight * 2).values())


def _reader(text: str, conf: float):
    def read(image, px, number):
        return [Word(text, Box(0, 0, 60, 10), number, conf)]
    return read


def test_the_number_takes_the_reading_its_print_sides_with_lifted(monkeypatch):
    import invoicepipe.adapters.ocr_confirm as ocr_confirm
    image, words, value = _value("INV0000424")
    page_words = (Word("INVO000424", value.box, 1, 0.68), *words[1:])
    fields = {"invoice_number": ExtractedField("invoice_number", "INVO000424", 0.4, "label_right", 1, value.box)}
    monkeypatch.setattr(ocr_confirm, "extract_invoice", lambda doc, vendors: Extraction(fields))
    doc = DocumentText((Page(1, 700, 250, page_words, "ocr_tesseract"),), None, "test")
    read = confirm_identifiers(doc, {1: (image, PX)}, _reader("INV0000424", 0.99), engine="rapidocr 3.10.0")
    assert read.pages[0].words[0] == Word("INV0000424", value.box, 1, sided_confidence(0.99))
    assert read.pages[0].capture["ids_sided_by_print"] == 1 and read.pages[0].capture["ids_disagreed"] == 0
    # on a page that cannot say (no print at all), the value is held with the other engine's characters
    blank = Image.new("L", image.size, 255)
    held = confirm_identifiers(doc, {1: (blank, PX)}, _reader("INV0000424", 0.99), engine="rapidocr 3.10.0")
    assert held.pages[0].words[0] == Word("INV0000424", value.box, 1, DISAGREED)
    assert "ids_sided_by_print" not in held.pages[0].capture


def test_mirror_symmetry_tells_a_bar_from_a_flagged_one():
    image, words = _page([[("I1O0S5", "I1O0S5")]])
    glyphs = ocr_glyphs.split_glyphs(ocr_glyphs._crop(image, PX, words[0].box))
    assert len(glyphs) == 6
    i, one, o, zero, s, five = (ocr_glyphs._asymmetry(g.bitmap) for g in glyphs)
    assert i < 0.05 and o < 0.1 and zero < 0.1  # mirror-symmetric shapes
    assert one > 0.2 and five > 0.2
    # the difference costs the resemblance: an "I" is less like a "1" than like itself
    assert ocr_glyphs.resemblance(glyphs[0], glyphs[0]) - ocr_glyphs.resemblance(glyphs[0], glyphs[1]) > 0.3
