"""Specks read as characters inside another word's box (``ocr_specks``)."""

from invoicepipe.adapters.ocr_specks import drop_specks
from invoicepipe.domain.models import Box, Word


def _w(text: str, x0: float, x1: float, top: float = 293.0, bottom: float = 301.0, conf: float = 0.9) -> Word:
    return Word(text, Box(x0, top, x1, bottom), 1, conf)


def test_a_speck_inside_a_word_is_dropped_and_counted():
    # "Avoir 2 TTC": a dot in "Avoir" read as "2" at 0.73, a fraction of the word's height
    words = [_w("2", 437.4, 439.6, 293.0, 295.2, 0.73), _w("Avoir", 415.8, 446.4), _w("TTC", 449.6, 472.7),
             _w("41,50", 498.6, 530.6)]
    kept, record = drop_specks(words)
    assert [w.text for w in kept] == ["Avoir", "TTC", "41,50"]
    assert record == {"specks_dropped": 1}


def test_words_beside_each_other_or_as_tall_are_kept():
    words = [_w("No", 100, 112), _w(".", 112.2, 113.5, 298.0, 301.0), _w("1", 115, 119),
             _w("Total", 200, 230), _w("TTC", 205, 225, 293.5, 300.5)]  # overlapping, but as tall
    kept, record = drop_specks(words)
    assert kept == words and record == {}
    assert drop_specks([]) == ([], {})
