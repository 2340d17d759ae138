"""pdfplumber's grouping of characters into words and lines, as plain loops over upright text.

``WordExtractor`` (``x_tolerance`` = ``y_tolerance`` = 3, no blank characters kept, no text
flow) and the non-layout ``extract_text`` give a digital invoice its words and its ruled
cells their text. They build a dict per word, a sort key per character through several
generator layers and a key function per comparison: about a tenth of a digital invoice's
parse CPU. The same steps run here in the same order on the same floats:

1. runs of characters with the same ``upright`` (``itertools.groupby``);
2. per run, lines: the distinct ``top`` values sorted and chained while each is within the
   tolerance of the previous one (``cluster_list``), characters stably sorted by their
   line's index, then each line stably sorted by ``x0``;
3. words: a space ends a word; a character starts a new one when it begins left of the
   previous character's ``x0``, more than the tolerance right of its ``x1``, or its
   ``top`` is more than the tolerance away; an empty text is a word of its own;
4. a word is its characters' texts (ligatures expanded) and their joint box.

Only upright runs (ordinary horizontal text) take this path: a sideways run, rare on an
invoice, goes to pdfplumber itself (its characters made into pdfplumber's dicts), so its
other reading directions need no copy here. ``tests/unit/test_char_words.py`` compares
both on random and real pages.

A character is a ``Char`` tuple (text, x0, x1, top, bottom, height, upright): the reader
zips PDFium's columns into them, where a dict per character cost as much as the grouping.
"""

from __future__ import annotations

import itertools
from operator import itemgetter

from pdfplumber.utils.text import LIGATURES, WordExtractor

TOLERANCE = 3  # x and y, pdfplumber's defaults and the values pdf_words and the tables use
SETTINGS = {"x_tolerance": TOLERANCE, "y_tolerance": TOLERANCE, "keep_blank_chars": False, "use_text_flow": False}
_PDFPLUMBER = WordExtractor(**SETTINGS)

Char = tuple[str, float, float, float, float, float, bool]  # text, x0, x1, top, bottom, height, upright
TEXT, X0, X1, TOP, BOTTOM, HEIGHT, UPRIGHT = range(7)
WordTuple = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom
_UPRIGHT = itemgetter(UPRIGHT)
_X0 = itemgetter(X0)
_TOP = itemgetter(TOP)
_WORD_TOP = itemgetter(2)


def as_dict(char: Char) -> dict:
    """The character as pdfplumber's dict (``doctop`` is ``top``: one page)."""
    text, x0, x1, top, bottom, height, upright = char
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "height": height,
            "upright": upright}


def words(chars: list[Char]) -> list[WordTuple]:
    """``WordExtractor.iter_extract_tuples`` of the characters as (text, x0, top, x1, bottom)."""
    out: list[WordTuple] = []
    for upright, run in itertools.groupby(chars, _UPRIGHT):
        if upright:
            for line in _lines(list(run)):
                _line_words(line, out)
        else:
            out.extend((w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
                       for w, _ in _PDFPLUMBER.iter_extract_tuples(map(as_dict, run)))
    return out


def text(chars: list[Char]) -> str:
    """``pdfplumber.utils.extract_text(chars, x_tolerance=3, y_tolerance=3)``: the words,
    clustered into lines by their top, joined by spaces and the lines by newlines."""
    found = words(chars)
    if not found:
        return ""
    return "\n".join(" ".join(word[0] for word in line) for line in _clustered(found, _WORD_TOP))


def _clustered(items: list, top) -> list[list]:
    """``cluster_objects(items, top, TOLERANCE)``: groups in order of their smallest top, each
    keeping the items' own order (its stable sort by group index, done as buckets)."""
    index: dict[float, int] = {}
    group, last = -1, None
    for value in sorted(set(map(top, items))):
        if last is None or value > last + TOLERANCE:
            group += 1
        index[value] = group
        last = value
    if group <= 0:
        return [items] if items else []
    groups: list[list] = [[] for _ in range(group + 1)]
    for item in items:
        groups[index[top(item)]].append(item)
    return groups


def _lines(chars: list[Char]) -> list[list[Char]]:
    return [sorted(line, key=_X0) for line in _clustered(chars, _TOP)]


def _line_words(line: list[Char], out: list[WordTuple]) -> None:
    """The words of one line, sorted by x0; the word being built is kept in locals (its
    texts, its box so far, its last character's x0, x1 and top), not as a list of dicts."""
    parts: list[str] = []
    x0 = top = x1 = bottom = last_x0 = last_x1 = last_top = 0.0
    for value, c_x0, c_x1, c_top, c_bottom, _, _ in line:
        if value.isspace():
            if parts:
                out.append(("".join(parts), x0, top, x1, bottom))
                parts = []
            continue
        if value == "":  # pdfplumber: "in split_at_punctuation", true of "" when that is empty
            if parts:
                out.append(("".join(parts), x0, top, x1, bottom))
                parts = []
            out.append(("", c_x0, c_top, c_x1, c_bottom))
            continue
        if parts and (c_x0 < last_x0 or c_x0 > last_x1 + TOLERANCE or abs(c_top - last_top) > TOLERANCE):
            out.append(("".join(parts), x0, top, x1, bottom))
            parts = []
        if parts:
            # min() and max() keep the first of equal values: so do strict comparisons
            if c_x0 < x0:
                x0 = c_x0
            if c_top < top:
                top = c_top
            if c_x1 > x1:
                x1 = c_x1
            if c_bottom > bottom:
                bottom = c_bottom
        else:
            x0, top, x1, bottom = c_x0, c_top, c_x1, c_bottom
        parts.append(LIGATURES.get(value, value))
        last_x0, last_x1, last_top = c_x0, c_x1, c_top
    if parts:
        out.append(("".join(parts), x0, top, x1, bottom))
