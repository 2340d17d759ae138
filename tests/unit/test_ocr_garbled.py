"""Spots Tesseract read as garbage are read again on their own, and the new words replace
them only when they are surer."""

from PIL import Image

from invoicepipe.adapters import ocr_garbled
from invoicepipe.adapters.ocr_garbled import reread_garbled, spots
from invoicepipe.domain.models import Box, Word

PX = 2.0  # pixels per point of the page image


def _w(text: str, x0: float, top: float, x1: float, conf: float) -> Word:
    return Word(text, Box(x0, top, x1, top + 10), 1, conf)


def _page() -> list[Word]:
    """An address block beside a label block; the 'Due date' row came back as garbage."""
    return [_w("Accounts", 40, 100, 90, 0.96), _w("Payable", 95, 100, 140, 0.95),
            _w("Invoice", 300, 88, 340, 0.95), _w("Date:", 345, 88, 375, 0.96), _w("22.01.2026", 420, 88, 480, 0.97),
            _w("eae", 300, 102, 350, 0.26), _w("'", 340, 104, 342, 0.04),
            _w("|", 500, 60, 502, 0.10),  # a table rule read as a bar: not a word
            _w("Plot", 40, 114, 70, 0.95)]


class _Reader:
    """Stands in for Tesseract: hands back fixed words (in the crop's points) and records the crops."""

    def __init__(self, words):
        self.words, self.crops = words, []

    def __call__(self, image: Image.Image, px: float, number: int) -> list[Word]:
        self.crops.append((image.size, px))
        return list(self.words)


def test_garbled_words_on_one_row_form_one_spot_and_rules_are_no_words():
    found = spots(_page())
    assert len(found) == 1
    box, members = found[0]
    assert [_page()[i].text for i in members] == ["eae"]  # the mark "'" has no letter: no word of its own
    assert (box.x0, box.x1) == (300, 350)


def test_a_garbled_spot_is_replaced_by_its_own_sure_reading_in_page_points():
    # the crop starts MARGIN_X line heights left of the spot and MARGIN_Y above it
    left = 300 - ocr_garbled.MARGIN_X * 10
    top = 102 - ocr_garbled.MARGIN_Y * 10
    reader = _Reader([Word("Due", Box(20 - 0.0, 4, 40, 14), 1, 0.95), Word("date:", Box(44, 4, 70, 14), 1, 0.94),
                      Word("06.02.2026", Box(120, 4, 160, 14), 1, 0.96)])
    words, record = reread_garbled(_page(), Image.new("L", (1200, 600), 255), PX, 1, reader)
    texts = [w.text for w in words]
    assert "eae" not in texts and "'" not in texts and "|" in texts  # the mark inside the spot goes with it
    assert texts.index("Due") == texts.index("Payable") + 4  # where the garbage was, in reading order
    due = next(w for w in words if w.text == "Due")
    assert abs(due.box.x0 - (left + 20)) < 1 and abs(due.box.top - (top + 4)) < 1
    assert record == {"garbled_spots": 1, "garbled_replaced": 1}
    (size, px), = reader.crops
    assert px == PX * ocr_garbled.SCALE
    assert size[1] > 2 * 10 * PX  # the spot's row and its margins, enlarged


def test_an_unsure_rereading_leaves_the_first_one():
    reader = _Reader([Word("eee", Box(20, 4, 40, 14), 1, 0.4), Word("a", Box(44, 4, 50, 14), 1, 0.2)])
    words, record = reread_garbled(_page(), Image.new("L", (1200, 600), 255), PX, 1, reader)
    assert words == _page() and record["garbled_replaced"] == 0


def test_words_cut_by_the_crop_or_already_read_surely_are_not_taken():
    width = 50 + 2 * ocr_garbled.MARGIN_X * 10  # the crop's width in points
    top = 102 - ocr_garbled.MARGIN_Y * 10
    cut = Word("Dat", Box(width - 8, 4, width, 14), 1, 0.9)  # runs into the crop's right side
    # the sure "Date:" of the row above, caught by the margin: the first reading holds it
    again = Word("Date:", Box(45 + ocr_garbled.MARGIN_X * 10, 88 - top, 75 + ocr_garbled.MARGIN_X * 10, 98 - top), 1, 0.9)
    due = Word("Due", Box(20, 4, 40, 14), 1, 0.95)
    words, _ = reread_garbled(_page(), Image.new("L", (1200, 600), 255), PX, 1, _Reader([cut, again, due]))
    texts = [w.text for w in words]
    assert texts.count("Date:") == 1 and "Dat" not in texts and "Due" in texts


def test_a_page_without_garbage_asks_for_no_second_reading():
    clean = [w for w in _page() if w.confidence > 0.5]
    reader = _Reader([])
    assert reread_garbled(clean, Image.new("L", (1200, 600), 255), PX, 1, reader) == (clean, {})
    assert reader.crops == []


def test_a_rereading_with_fewer_letters_than_the_garbage_leaves_the_first_one():
    # a table row read as glued cells: a sure number or two alone would lose the rest of the row
    row = [_w("_1|zAG-1003", 40, 200, 120, 0.30), _w("Decoupeerzaagbladhout", 125, 200, 260, 0.41),
           _w("2.295,00]", 400, 200, 450, 0.18)]
    reader = _Reader([Word("47,20", Box(30, 4, 60, 14), 1, 0.95)])
    words, record = reread_garbled(_page() + row, Image.new("L", (1200, 600), 255), PX, 1, reader)
    assert all(w in words for w in row) and record["garbled_replaced"] == 1  # only the 'Due date' spot


def test_a_surer_and_longer_rereading_replaces_the_first_readings_fragment_beside_the_garbage():
    # the first reading kept "te:" of "Due date:" and turned the rest into "enemies"
    page = [_w("Invoice", 300, 88, 340, 0.95), _w("enemies", 300, 102, 340, 0.0), _w("te:", 342, 102, 360, 0.8),
            _w("06.02.2026", 420, 102, 480, 0.96)]
    left, top = 300 - ocr_garbled.MARGIN_X * 10, 102 - ocr_garbled.MARGIN_Y * 10
    reader = _Reader([Word("Due", Box(15, 3.5, 28, 13.5), 1, 0.97), Word("date:", Box(55, 3.5, 68, 13.5), 1, 0.97)])
    words, record = reread_garbled(page, Image.new("L", (1200, 600), 255), PX, 1, reader)
    assert [w.text for w in words] == ["Invoice", "Due", "date:", "06.02.2026"] and record["garbled_replaced"] == 1
    assert abs(words[2].box.x0 - (left + 55)) < 1e-6 and abs(words[2].box.top - (top + 3.5)) < 1e-6
