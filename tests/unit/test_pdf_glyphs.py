"""adapters/pdf_glyphs._printed: which of PDFium's text-page characters are printed, and as
what (no PDFium call is needed when the text has no space)."""

from __future__ import annotations

from invoicepipe.adapters.pdf_glyphs import _printed


def test_controls_dropped_hyphen_marks_and_pairs_turned_into_their_characters():
    text = "ab\x02c\x01d\ud83d\ude00e\ud800f\ufffe"
    indices, texts, made_up = _printed(None, text)
    assert indices == [0, 1, 2, 3, 5, 6, 8, 10, 11]
    assert texts == ["a", "b", "-", "c", "d", "\U0001F600", "e", "f", "-"]
    assert made_up is False


def test_plain_text_is_kept_whole():
    assert _printed(None, "Total") == ([0, 1, 2, 3, 4], ["T", "o", "t", "a", "l"], False)
