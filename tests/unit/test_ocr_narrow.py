"""A narrow page (a till roll) is read again as one block of rows, and that reading is kept
only when its sure words outweigh the first reading's."""

from PIL import Image

from invoicepipe.adapters.ocr_narrow import NARROW_COLUMNS, print_columns, reread_narrow
from invoicepipe.domain.models import Box, Word


def _row(y: float, texts: list[tuple[float, str]], conf: float = 0.9, char: float = 5.0) -> list[Word]:
    return [Word(t, Box(x, y, x + char * len(t), y + 8), 1, conf) for x, t in texts]


def _labels_only(char: float = 5.0) -> list[Word]:
    return [w for i, name in enumerate(("BREAD", "MILK", "SUBTOTAL", "TOTAL", "CASH", "CHANGE"))
            for w in _row(20 + 12 * i, [(10, name)], char=char)]


def _with_amounts(char: float = 5.0) -> list[Word]:
    return _labels_only(char) + [w for i in range(6) for w in _row(20 + 12 * i, [(180, f"{i + 1}.50")], char=char)]


def test_a_roll_is_a_page_few_characters_of_its_own_print_wide():
    assert print_columns(_labels_only(), 227) < NARROW_COLUMNS  # 80 mm: 45 characters of 5 pt
    assert print_columns(_labels_only(), 595) > NARROW_COLUMNS  # A4: 119 of them
    assert print_columns(_labels_only()[:3], 227) is None  # too few words to measure


def test_the_rows_reading_replaces_a_first_reading_that_lost_the_amount_column():
    image = Image.new("L", (227 * 2, 400), 255)
    calls = []

    def read_rows(img, px, number):
        calls.append(number)
        return _with_amounts()

    words, record = reread_narrow(_labels_only(), image, 2.0, 1, read_rows)
    assert calls == [1] and record == {"narrow_columns": 45, "rows_read": True}
    assert any(w.text == "4.50" for w in words)


def test_specks_read_as_unsure_marks_do_not_buy_the_rows_reading_the_page():
    image = Image.new("L", (227 * 2, 400), 255)
    first = _with_amounts()
    specks = [w for i in range(30) for w in _row(5 * i, [(200, "'")], conf=0.3)]
    words, record = reread_narrow(first, image, 2.0, 1, lambda img, px, n: first[:-1] + specks)
    assert words is first and record["rows_read"] is False


def test_a_wide_page_is_never_read_again():
    image = Image.new("L", (595 * 2, 842 * 2), 255)

    def read_rows(img, px, number):
        raise AssertionError("a wide page must cost no second reading")

    words, record = reread_narrow(_labels_only(), image, 2.0, 1, read_rows)
    assert record == {} and len(words) == 6
