"""An identifier whose part OCR read a second time alike ("20" and "85" over
"FE2026-00785") is not doubted as read twice; one read otherwise, one reaching past the
word, or one with a character a space after it (a truncated boxed number) still is."""
from invoicepipe.domain.extraction.layout import make_line
from invoicepipe.domain.extraction.search import _overlaid, parse_amount_value, parse_identifier
from invoicepipe.domain.extraction.second_reading import read_again_alike, stands_apart
from invoicepipe.domain.models import Box, Word


def _word(text, x0, x1):
    return Word(text, Box(x0, 96, x1, 103), 1, 0.9)


def _line(*words):
    return make_line(1, [_word(*w) for w in words], 0)


def test_a_part_read_again_with_the_same_characters_agrees():
    word = _word("FE2026-00785", 204, 265)  # about 5.1 pt a character
    assert read_again_alike(word, _word("20", 215, 224))
    assert read_again_alike(word, _word("85", 256, 260))
    assert read_again_alike(_word("A2026/224", 229, 275), _word("A2026/:", 230, 259))


def test_other_characters_another_place_or_past_the_word_disagree():
    word = _word("FE2026-00785", 204, 265)
    assert not read_again_alike(word, _word("36", 215, 224))  # other digits
    assert not read_again_alike(word, _word("85", 214, 224))  # "85" is there, but not at that place
    assert not read_again_alike(word, _word("0785X1", 240, 280))  # reaches past the word
    assert not read_again_alike(word, _word("8", 256, 260))  # one character agrees by chance


def test_an_identifier_standing_apart_read_again_alike_is_not_overlaid():
    line = _line(("FE2026-00785", 204, 265), ("20", 215, 224), ("85", 256, 260), ("23/02/2026", 278, 330))
    value = line.words[:1]
    assert not _overlaid(line, value, parse_identifier)
    # without knowing it is an identifier, or for an amount, the old doubt stands
    assert _overlaid(line, value) and _overlaid(line, value, parse_amount_value)


def test_a_character_a_space_after_the_value_keeps_the_doubt():
    # a boxed PO "4500010802" read "450001080", its middle read again alike and its last digit alone
    line = _line(("450001080", 438, 486), ("00", 454, 464), ("2", 487, 494))
    assert not stands_apart(line.words, line.words[:1])
    assert _overlaid(line, line.words[:1], parse_identifier)


def test_a_part_read_otherwise_is_still_a_second_reading():
    line = _line(("FE2026-00785", 204, 265), ("26", 215, 224))
    assert _overlaid(line, line.words[:1], parse_identifier)
