"""A value whose middle OCR read a second time ("100" inside "450001080") is doubted; one
character inside it (a speck read as "3") is not."""
from invoicepipe.domain.extraction.layout import make_line
from invoicepipe.domain.extraction.search import _overlaid
from invoicepipe.domain.models import Box, Word


def _line(*words):
    return make_line(1, [Word(t, Box(x0, 96, x1, 103), 1, 0.9) for t, x0, x1 in words], 0)


def test_a_short_word_read_inside_the_value_is_a_second_reading():
    line = _line(("450001080", 438, 486), ("100", 453, 464))
    assert _overlaid(line, line.words[:1])


def test_one_character_inside_the_value_is_a_speck():
    line = _line(("450001080", 438, 486), ("3", 460, 464))
    assert not _overlaid(line, line.words[:1])


def test_neighbours_that_only_touch_are_no_second_reading():
    line = _line(("450001080", 438, 486), ("86201306", 485, 530))
    assert not _overlaid(line, line.words[:1])
