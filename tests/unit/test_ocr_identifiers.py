"""Codes whose letters touch digits are read again; two readings that disagree only in
confusable pairs (O/0, I/1, S/5, B/8) keep the surer one and hold its confidence down."""
from PIL import Image

from invoicepipe.adapters import ocr_identifiers
from invoicepipe.adapters.ocr_identifiers import DOUBT, confusable_only, reread_identifiers, suspect
from invoicepipe.domain.models import Box, Word

IMAGE = Image.new("L", (1654, 2339), 255)
PX = 200 / 72


def _word(text: str, conf: float = 0.64) -> Word:
    return Word(text, Box(190, 110, 245, 120), 1, conf)


def _reader(text: str, conf: float, calls: list):
    def read(image, px, page):
        calls.append(image.size)
        return [Word(text, Box(5, 3, 60, 13), page, conf)]
    return read


def test_which_words_are_suspect():
    assert suspect(_word("CVFO00082"))
    assert suspect(_word("ES31"))
    assert suspect(_word("1O25"))
    assert not suspect(_word("CVF000082"))  # no letter beside a digit that a digit resembles
    assert not suspect(_word("THX-1139"))
    assert not suspect(_word("SO1"))  # one digit: no code to speak of
    assert not suspect(_word("Invoice"))


def test_confusable_only():
    assert confusable_only("CVFO00082", "CVF000082")
    assert confusable_only("B/2S9", "8/259")
    assert not confusable_only("CVFO00082", "CVFO00082")  # agreement is no disagreement
    assert not confusable_only("CVFO00082", "CVFO000082")  # a character more: something else was read
    assert not confusable_only("CVFO00082", "CVFA00082")


def test_a_surer_second_reading_replaces_the_code_and_both_are_doubted():
    calls = []
    words, record, doubted = reread_identifiers([_word("Ltd", 0.97), _word("CVFO00082", 0.64)], IMAGE, PX, 1,
                                                _reader("CVF000082", 0.79, calls))
    assert [w.text for w in words] == ["Ltd", "CVF000082"]
    assert words[1].confidence == DOUBT and words[1].box == _word("x").box
    assert record == {"codes_reread": 1, "codes_doubted": 1}
    assert doubted == {words[1]}  # kept for ocr_confirm: no later reading may vouch for it
    # the crop is read at twice the page's resolution
    assert calls and calls[0][1] > 2 * 10 * PX


def test_a_less_sure_second_reading_keeps_the_first_but_doubts_it():
    words, _, _ = reread_identifiers([_word("CVFO00082", 0.64)], IMAGE, PX, 1, _reader("CVF000082", 0.5, []))
    assert words[0].text == "CVFO00082" and words[0].confidence == DOUBT


def test_agreeing_or_unrelated_readings_change_nothing():
    first = [_word("CVFO00082", 0.64)]
    assert reread_identifiers(first, IMAGE, PX, 1, _reader("CVFO00082", 0.9, []))[0] == first
    assert reread_identifiers(first, IMAGE, PX, 1, _reader("CVFO000082", 0.9, []))[0] == first


def test_a_page_without_codes_reads_nothing():
    calls = []
    words = [_word("Invoice", 0.9), _word("4500010718", 0.95)]
    assert reread_identifiers(words, IMAGE, PX, 1, _reader("x", 0.9, calls)) == (words, {}, frozenset())
    assert calls == []


def test_at_most_max_words_per_page(monkeypatch):
    monkeypatch.setattr(ocr_identifiers, "MAX_WORDS", 3)
    calls = []
    reread_identifiers([_word("AB1O2") for _ in range(10)], IMAGE, PX, 1, _reader("AB102", 0.9, calls))
    assert len(calls) == 3
