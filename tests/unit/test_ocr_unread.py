"""Print no sure word covers is found on the page image, read by the other engine, and its
words join the page only where Tesseract read nothing surely (``ocr_unread``)."""

from PIL import Image, ImageDraw, ImageFont

from invoicepipe.adapters import ocr_unread
from invoicepipe.adapters.ocr_unread import TAKEN_CAP, merge, read_by_other_engine, reread_unread, unread_regions
from invoicepipe.domain.models import Box, Word
from tests.printed_words import print_line

PX = 2.0  # pixels per point of the page image
FONT = ImageFont.load_default(size=22)


def _draw(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, conf: float) -> Word:
    """``text`` printed at pixel (x, y), as a word of a page reading at ``conf``."""
    return print_line(draw, FONT, x, y, (text,), PX, conf)[0]


def _page(label_block_conf: float | None):
    """An address block read surely and a label block at the right read at
    ``label_block_conf`` (None: not read at all, as under a stamp)."""
    img = Image.new("L", (1200, 700), 255)
    draw = ImageDraw.Draw(img)
    words = [_draw(draw, 80, 100, "Meridian", 0.95), _draw(draw, 200, 100, "Materials", 0.96),
             _draw(draw, 80, 140, "Accounts", 0.94), _draw(draw, 200, 140, "Payable", 0.95)]
    block = [_draw(draw, 700, 100, "Invoice", 0), _draw(draw, 800, 100, "Date", 0), _draw(draw, 900, 100, "03/07/2026", 0),
             _draw(draw, 700, 140, "Due", 0), _draw(draw, 760, 140, "Date", 0), _draw(draw, 900, 140, "04/06/2026", 0)]
    if label_block_conf is not None:
        words += [Word(w.text, w.box, 1, label_block_conf) for w in block]
    return img, words, block


def _inside(inner: Box, outer: Box) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.top <= inner.top and inner.bottom <= outer.bottom


def test_a_block_no_word_covers_is_found_and_the_read_print_is_not():
    img, words, block = _page(None)
    (region,) = unread_regions(img, PX, words)
    assert all(_inside(w.box, Box(region.x0 - 2, region.top - 2, region.x1 + 2, region.bottom + 2)) for w in block)
    assert region.x0 > 300  # the address block was read: not part of it


def test_a_page_read_surely_all_over_has_nothing_to_read_again():
    img, words, _ = _page(0.93)
    assert unread_regions(img, PX, words) == []


def test_marks_read_below_covered_do_not_cover_their_print():
    img, words, _ = _page(ocr_unread.COVERED - 0.2)
    assert len(unread_regions(img, PX, words)) == 1


def test_specks_and_rules_are_no_print_to_read():
    img = Image.new("L", (1200, 700), 255)
    draw = ImageDraw.Draw(img)
    words = [_draw(draw, 80, 100, "Meridian", 0.95), _draw(draw, 200, 100, "Materials", 0.96)]
    draw.line((60, 300, 1100, 300), fill=0, width=3)  # a ruling line
    draw.line((600, 320, 600, 650), fill=0, width=2)  # a column rule
    for x in range(100, 1100, 97):  # a scanner's specks
        draw.rectangle((x, 500 + x % 60, x + 2, 502 + x % 60), fill=0)
    assert unread_regions(img, PX, words) == []


def _w(text, x0, top, conf, width=40.0):
    return Word(text, Box(x0, top, x0 + width, top + 10), 1, conf)


def test_merge_takes_words_only_where_no_sure_word_stands():
    page = [_w("Invoice", 300, 50, 0.95), _w("ony", 300, 80, 0.29), _w("3/07/2026", 400, 80, 0.81)]
    new = [_w("Invoice", 300, 50, 0.99),  # Tesseract's sure word stays
           _w("Date", 300, 80, 0.98),  # over a mark: replaces it
           _w("03/07/2026", 400, 80, 0.99),  # over a word read above COVERED: left
           _w("Due", 300, 110, 0.97),  # empty space: taken
           _w("D", 305, 110, 0.9, width=10),  # overlaps a word already taken
           _w("~", 500, 110, 0.99),  # no letter or digit
           _w("ate", 600, 110, ocr_unread.ACCEPT - 0.1)]  # not sure enough
    merged, taken = merge(page, new)
    assert [w.text for w in merged] == ["Invoice", "3/07/2026", "Date", "Due"]
    assert taken == [2, 3]
    assert all(merged[i].confidence == TAKEN_CAP for i in taken)


def test_the_other_engines_words_are_named_in_the_capture_record():
    img, words, block = _page(None)
    calls = []

    def read(image, px, number, skip):
        calls.append(image.size)
        # the block as the other engine reads it, in the crop's points: found where printed
        (region,) = unread_regions(img, PX, words)
        left = max(0, int((region.x0 - ocr_unread.CROP_X * ocr_unread._line_height(words)) * px)) / px
        top = max(0, int((region.top - ocr_unread.CROP_Y * ocr_unread._line_height(words)) * px)) / px
        assert not skip(Box(block[0].box.x0 - left, block[0].box.top - top, block[2].box.x1 - left, block[2].box.bottom - top))
        return [Word(w.text, Box(w.box.x0 - left, w.box.top - top, w.box.x1 - left, w.box.bottom - top), number, 0.99)
                for w in block]

    merged, record = reread_unread(words, img, PX, 1, read)
    assert len(calls) == 1
    assert record["unread_regions"] == 1 and record["unread_taken"] == len(block)
    taken = [w for w in merged if read_by_other_engine(record, w)]
    assert [w.text for w in taken] == [w.text for w in block]
    assert all(abs(a.box.x0 - b.box.x0) < 0.6 and abs(a.box.top - b.box.top) < 0.6 for a, b in zip(taken, block))
    assert not any(read_by_other_engine(record, w) for w in words)


def test_nothing_is_read_without_another_engine_or_without_unread_print():
    img, words, _ = _page(0.95)
    assert reread_unread(words, img, PX, 1, None) == (words, {})
    assert reread_unread(words, img, PX, 1, lambda *a: [_w("x", 0, 0, 1.0)]) == (words, {})


def _number_doc():
    """ "Invoice No. INV0000448", the number read by the other engine alone (``UNREAD_KEY``)."""
    from invoicepipe.domain.models import DocumentText, Page

    words = (Word("Invoice", Box(300, 50, 335, 60), 1, 0.95), Word("No.", Box(338, 50, 352, 60), 1, 0.95),
             Word("INV0000448", Box(380, 50, 440, 60), 1, TAKEN_CAP))
    capture = {ocr_unread.UNREAD_KEY: (ocr_unread.box_key(words[2].box),)}
    return DocumentText((Page(1, 595, 842, words, "ocr_tesseract", capture=capture),), None, "test")


def _confirm(witness_text: str):
    from invoicepipe.adapters.ocr_confirm import confirm_identifiers

    rapid_calls = []

    def rapidocr(image, px, number):
        rapid_calls.append(image.size)
        return [Word("INV0000448", Box(0, 0, 60, 10), number, 0.99)]

    def tesseract(image, px, number):
        return [Word(witness_text, Box(0, 0, 60, 10), number, 0.9)]

    doc = confirm_identifiers(_number_doc(), {1: (Image.new("L", (1200, 1700), 255), PX)}, rapidocr,
                              engine="rapidocr 3", witness=tesseract)
    return next(w for w in doc.pages[0].words if w.box.x0 == 380), rapid_calls


def test_a_number_the_other_engine_read_alone_is_read_again_by_tesseract():
    from invoicepipe.domain.extraction.identifier_reread import DISAGREED

    agreed, rapid_calls = _confirm("INV0000448")
    assert rapid_calls == []  # the engine that read it is no witness of its own reading
    assert agreed.text == "INV0000448" and agreed.confidence > 0.95
    doubted, _ = _confirm("INV0000446")
    assert doubted.text == "INV0000448" and doubted.confidence == DISAGREED
    # a difference in confusable shapes only: lowered, the other engine's characters not taken
    confused, _ = _confirm("INVO000448")
    assert confused.text == "INV0000448" and confused.confidence == DISAGREED


def test_the_same_print_read_again_or_a_cut_word_is_not_taken():
    page = [_w("de", 300, 50, 0.95, width=12), _w("SI1000067", 300, 80, 0.3, width=60), _w("Albion", 100, 110, 0.95)]
    new = [_w("de", 309, 51, 0.99, width=12),  # the sure "de" again, its box a share of its line: beside it
           _w("967", 330, 80, 0.99, width=20),  # the detector cut the word the page read as garbage
           _w("Street", 150, 110, 0.98)]  # beside the sure "Albion": empty space
    merged, taken = merge(page, new)
    assert [merged[i].text for i in taken] == ["Street"]
    assert "SI1000067" in [w.text for w in merged]


def test_a_line_the_page_read_surely_is_not_recognized():
    from invoicepipe.adapters.ocr_unread import read_region

    asked = {}

    def read(image, px, number, read_already):
        left = (350 - ocr_unread.CROP_X * 10) / 1.0  # the crop's left edge in points (px 1)
        top = 50 - ocr_unread.CROP_Y * 10
        asked["read"] = read_already(Box(300 - left, 50 - top, 345 - left, 61 - top))  # no unread print on it
        asked["unread"] = read_already(Box(360 - left, 50 - top, 480 - left, 61 - top))  # holds an unread piece
        return []

    read_region(Image.new("L", (1000, 500), 255), 1.0, 1, Box(350, 50, 500, 80), 10.0, read, [Box(400, 52, 408, 60)])
    assert asked == {"read": True, "unread": False}


def test_blocks_whose_crops_would_overlap_are_read_as_one():
    from invoicepipe.adapters.ocr_unread import _read_once

    # crops reach CROP_X line heights (80 points at a 10-point line) to either side
    a, d, c, far = (9, Box(100, 100, 150, 110)), (12, Box(430, 100, 440, 110)), (10, Box(270, 100, 280, 110)), \
        (8, Box(2000, 100, 2050, 110))
    assert _read_once([a, far], 10.0) == [a, far]
    joined, alone = _read_once([a, d, c, far], 10.0)  # d meets a's crop only once c has joined it
    assert joined == (31, Box(100, 100, 440, 110)) and alone == far
