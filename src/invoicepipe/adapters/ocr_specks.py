"""Specks Tesseract reads as characters inside another word's box, dropped.

A speck of toner or a stamp's dot inside a printed word is sometimes read as a word of its
own, a character or two in a box a fraction of the word's height: "2" inside "Avoir", ":"
inside "Debiteurnummer". The layout orders a line's words by position, so the speck lands
in the middle of the line's text ("Avoir 2 TTC", "Debiteurnummer ; 83427") and breaks the
label the vocabulary would have matched: a credit note's total was then taken as the
largest amount on the page, at a guess's score.

No printed word lies inside another's box at a fraction of its height: where the page's
reading has one, it is the same ink read twice, and the larger word is the reading of the
print. Such a word is dropped (``SMALLER``, ``SLACK``); a word beside another, or as tall as
it, is left whatever it reads.
"""

from __future__ import annotations

from invoicepipe.domain.models import Box, Word

# a word this much shorter than the word whose box holds it is a speck read as a character
SMALLER = 0.5
# how far (points) a speck's box may reach past the holding word's and still be inside it
SLACK = 0.5


def _inside(small: Box, big: Box) -> bool:
    return (big.x0 - SLACK <= small.x0 and small.x1 <= big.x1 + SLACK
            and big.top - SLACK <= small.top and small.bottom <= big.bottom + SLACK)


def drop_specks(words: list[Word]) -> tuple[list[Word], dict]:
    """``words`` without the specks read inside another word's box (see the module), and a
    capture record counting them (empty when there were none)."""
    if not words:
        return words, {}
    heights = sorted(w.box.bottom - w.box.top for w in words)
    # the words looked at: shorter than half the page's typical word (a speck in a heading's
    # word may be taller, and is left: it costs a look at every word for every small one)
    typical = heights[len(heights) // 2]
    small = [i for i, w in enumerate(words) if w.box.bottom - w.box.top < SMALLER * typical]
    dropped = set()
    for i in small:
        w = words[i]
        h = w.box.bottom - w.box.top
        if any(j != i and j not in dropped and h < SMALLER * (o.box.bottom - o.box.top) and _inside(w.box, o.box)
               for j, o in enumerate(words)):
            dropped.add(i)
    if not dropped:
        return words, {}
    return [w for i, w in enumerate(words) if i not in dropped], {"specks_dropped": len(dropped)}
