"""Thousands groups a whole character apart: the reading a monospaced print asks for.

A proportional font sets a thousands space at about a third of an em, narrower than a word
space, and ``candidates`` joins "1 234,56" by that gap. A monospaced print (a legacy ERP's
line printer layout, a typewritten form) has one width for every character, its space
too: "41 273,87" may be an amount or a quantity and a price set a space apart, and the
print alone cannot tell. So the first reading leaves such groups apart, and an amount
with a group left of it is doubted (``amount_checks.left_fragment``).

The page's own arithmetic can tell. Where the chosen net, tax or total has such a group
beside it, the document is read a second time with every group a space apart joined to
its thousands (``joined_groups``); that reading is the page's when its net + tax = total
then holds with the joined values (``extract``). A quantity joined to its price by
mistake makes no header add up, and the line items it spoils no longer add up to the net,
which holds the invoice either way.

A table may also set its groups a digit's width apart (a figure space: "1" + "290,00" in an
item's amount column), wider than the first reading joins. Nothing then marks a group left
of the header amounts, but the items miss the net by the lost thousands, or the amounts do
not add up at all. The joined reading is then kept only where its net + tax = total holds and
its items add up to its net as well (``extract``): two sums, not one, must agree.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.layout import group_lines
from invoicepipe.domain.extraction.skew import estimate_slope
from invoicepipe.domain.models import DocumentText, Word

# the thousands, a bare group of three digits after them, and the last group with the
# cents and a credit note's sign (as ``candidates`` reads a space-grouped amount)
_FIRST = re.compile(r"\(?[-€$£₹]?\d{1,3}")
_GROUP = re.compile(r"\d{3}")
_TAIL = re.compile(r"\d{3}(?:[.,]\d{2})?(?:-?[€$£₹]|[€$£₹]?-|\))?")
# a monospaced space is one advance; OCR boxes hug the ink, so the gap between the
# glyphs runs up to about one and a half advances
_SPACE_ADVANCES = 1.6


def lost_group(evidence: tuple[str, ...]) -> bool:
    """Whether an amount's evidence says a group stands left of it (``fragment``)."""
    return "fragment" in evidence


def joined_groups(doc: DocumentText) -> Optional[DocumentText]:
    """``doc`` with every digit group that stands one character's space right of its
    thousands joined to them into one word ("33" + "556,00" -> "33 556,00"); None when no
    group stands so. Only the words joined change: the lines are found again from the page's
    words as on the first reading."""
    pages, joined = [], False
    for page in doc.pages:
        words = [w for w in page.words if w.text.strip()]
        slope = estimate_slope(words) if page.method.startswith("ocr") else 0.0
        ids = {id(w) for w in words}
        replaced: dict[int, Optional[Word]] = {}  # a joined word in place of its first part, None for the rest
        for line in group_lines(words, page.number, slope):
            run: list[Word] = []
            for w in line.words:
                if run and id(w) in ids and _continues(run, w):
                    run.append(w)
                    continue
                _join(run, replaced)
                run = [w] if id(w) in ids and _FIRST.fullmatch(w.text) else []
            _join(run, replaced)
        if replaced:
            joined = True
            words = [replaced.get(id(w), w) for w in page.words if replaced.get(id(w), w) is not None]
            page = replace(page, words=tuple(words))
        pages.append(page)
    return replace(doc, pages=tuple(pages)) if joined else None


def _continues(run: list[Word], word: Word) -> bool:
    """Whether ``word`` is the next group of the number ``run`` began, one space on."""
    last = run[-1]
    if len(run) > 1 and not _GROUP.fullmatch(last.text):  # cents or a sign end the number
        return False
    if not _TAIL.fullmatch(word.text):
        return False
    advance = (word.box.x1 - word.box.x0) / len(word.text)
    return 0 <= word.box.x0 - last.box.x1 <= _SPACE_ADVANCES * advance


def _join(run: list[Word], replaced: dict) -> None:
    """One word for the run's groups; nothing for a lone word or a bracket left open
    ("(1" + "234,56": no one bracketed amount)."""
    if len(run) < 2 or run[0].text.startswith("(") != run[-1].text.endswith(")"):
        return
    box = run[0].box
    for w in run[1:]:
        box = box.union(w.box)
    replaced[id(run[0])] = Word(" ".join(w.text for w in run), box, run[0].page, min(w.confidence for w in run))
    replaced.update((id(w), None) for w in run[1:])
