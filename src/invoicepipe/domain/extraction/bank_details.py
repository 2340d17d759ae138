"""Bank details printed but not readable: a reason to hold, never a silent gap.

The bank check compares the IBAN an invoice asks to be paid into with the vendor master.
When a scan garbles that IBAN ("DES59 1351 …") the check digits fail, extraction rightly
reads no IBAN, and the check has nothing to compare: a forged account would pass unseen.
So an IBAN label followed by something shaped like an IBAN that fails its check digits is
reported (``iban_unreadable``) and a person reads it off the page.

Before that, the OCR reader reads such an IBAN's line again on its own
(``adapters/ocr_iban``): ``garbled_iban_runs`` names the words it stands in, and where the
second reading holds an IBAN that passes its checks, ``with_iban_reading`` gives those
words its characters. The check digits are the witness here: one character misread always
fails mod 97, so a reading that passes is the print, not a guess, and the bank check then
compares it with the master like any IBAN read off a page (a misread that passed by chance
would not be an account on file, and is held there).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.parsing import find_iban
from invoicepipe.domain.models import DocumentText, Extraction, Page, Word

# "IBAN", then (within a few characters) two letters and digits running on for at least
# 14 more characters: the shape of an IBAN, whatever OCR did to single characters.
_PRINTED_IBAN = re.compile(r"(?i)\bIBAN\b\W{0,4}([A-Z][A-Z0-9]{1,3}\d[\dA-Z ]{13,40})")


def garbled_iban(doc: DocumentText) -> Optional[int]:
    """The page on which an IBAN is printed after its label but cannot be read, or None."""
    return next((page.number for page in doc.pages if garbled_iban_runs(page)), None)


def flag_unreadable_iban(extraction: Extraction, doc: DocumentText) -> Extraction:
    """``extraction`` with an ``iban_unreadable`` warning when an IBAN is printed but none was read."""
    if extraction.value("iban") or any(w.startswith("iban_unreadable") for w in extraction.warnings):
        return extraction
    page = garbled_iban(doc)
    return extraction if page is None else replace(extraction, warnings=extraction.warnings + (f"iban_unreadable:{page}",))


# the words of a garbled IBAN: its line's words from the one it starts in, a group gap apart
# (at most this many of the words' heights: a group the page lost leaves such a gap), at most
# this many of them
_RUN_GAP = 4.0
_RUN_WORDS = 12


def _on_line(a: Word, b: Word) -> bool:
    """Two words on one line: their boxes overlap by half the lower one's height."""
    overlap = min(a.box.bottom, b.box.bottom) - max(a.box.top, b.box.top)
    return overlap >= 0.5 * min(a.box.bottom - a.box.top, b.box.bottom - b.box.top)


def _in_line(page: Page, first: int, x0: float, x1: float) -> list[int]:
    """The words on ``first``'s line that stand between ``x0`` and ``x1``, left to right: a
    page lists a word of the line out of reading order now and then ("7975" listed before
    the line's "IBAN:"), and the list's order would leave it out."""
    anchor = page.words[first]
    found = [i for i, w in enumerate(page.words)
             if _on_line(w, anchor) and w.box.x0 >= x0 - 1 and w.box.x1 <= x1 + 1]
    return sorted(found, key=lambda i: page.words[i].box.x0)


def garbled_iban_runs(page: Page) -> list[tuple[int, ...]]:
    """For each IBAN printed after its label on ``page`` that fails its checks, the indexes of
    the words it is printed in, left to right: the word its start falls in and the words
    after it on its line, each a word or group gap from the last (found in the page's word
    order, which puts a value after its label even on the next line; then every word of the
    line within that stretch)."""
    texts = [w.text for w in page.words]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    runs = []
    for m in _PRINTED_IBAN.finditer(" ".join(texts)):
        if find_iban(m.group(1)) is not None:
            continue
        first = max(i for i, at in enumerate(starts) if at <= m.start(1))
        run = [first]
        for i in range(first + 1, min(len(texts), first + _RUN_WORDS)):
            last, w = page.words[run[-1]], page.words[i]
            if not _on_line(w, last) or w.box.x0 < last.box.x1 - 1 or w.box.x0 - last.box.x1 > _RUN_GAP * max(
                    1.0, last.box.bottom - last.box.top):
                break
            run.append(i)
        runs.append(tuple(_in_line(page, first, page.words[first].box.x0, page.words[run[-1]].box.x1)))
    return runs


def _line_up_to(page: Page, run: tuple[int, ...], right: float) -> tuple[int, ...]:
    """``run`` with the words after it on its line centred left of ``right``: a group the
    page read further off than a group gap ("3300" … "87") is the IBAN's all the same when the
    second reading's IBAN reaches over it."""
    end = page.words[run[-1]].box.x1
    after = [i for i in _in_line(page, run[0], end, float("inf")) if i not in run
             and (page.words[i].box.x0 + page.words[i].box.x1) / 2 <= right]
    return tuple(run) + tuple(after[:_RUN_WORDS])


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def with_iban_reading(doc: DocumentText, page_number: int, run: tuple[int, ...], iban: str,
                      confidence: float, right: Optional[float] = None) -> DocumentText:
    """``doc`` with the IBAN ``iban`` (compact, valid) written into the words of ``run`` on
    page ``page_number`` that the page read it in: the run's first words up to its length
    in letters and digits, and none centred right of ``right`` (where the second reading's
    IBAN ends on the page: a "BIC" after it is no part of it), each taking a share of its
    characters in proportion to what it read (the number of words, and so every other word's
    index, stays as it was), at ``confidence``."""
    page = next(p for p in doc.pages if p.number == page_number)
    if right is not None:
        run = _line_up_to(page, run, right)
    taken, count = [], 0
    for i in run:
        box = page.words[i].box
        if taken and (count >= len(iban) - 1 or (right is not None and (box.x0 + box.x1) / 2 > right)):
            break
        taken.append(i)
        count += max(1, _alnum(page.words[i].text))
    shares = [max(1, _alnum(page.words[i].text)) for i in taken]
    total = sum(shares)
    words, at = list(page.words), 0
    for n, (i, share) in enumerate(zip(taken, shares)):
        left = len(taken) - n - 1
        size = len(iban) - at - left if not left else max(1, min(len(iban) - at - left, round(share * len(iban) / total)))
        w = words[i]
        words[i] = Word(iban[at:at + size], w.box, w.page, confidence)
        at += size
    pages = tuple(replace(p, words=tuple(words)) if p.number == page_number else p for p in doc.pages)
    return replace(doc, pages=pages)
