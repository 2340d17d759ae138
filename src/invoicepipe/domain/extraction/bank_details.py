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
    for page in doc.pages:
        text = " ".join(w.text for w in page.words)
        for m in _PRINTED_IBAN.finditer(text):
            if find_iban(m.group(1)) is None:
                return page.number
    return None


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


def _page_lines(page: Page) -> list[list[int]]:
    """The indexes of the page's words by line, each line left to right. A page's word list
    need not be in reading order (a word of the line may be listed before the line's start),
    so the lines are made from the boxes: a word joins the line whose first word's height
    holds its vertical centre."""
    lines: list[list[int]] = []
    for i in sorted(range(len(page.words)), key=lambda i: (page.words[i].box.top + page.words[i].box.bottom) / 2):
        w = page.words[i]
        mid = (w.box.top + w.box.bottom) / 2
        if lines and page.words[lines[-1][0]].box.top <= mid <= page.words[lines[-1][0]].box.bottom:
            lines[-1].append(i)
        else:
            lines.append([i])
    return [sorted(line, key=lambda i: page.words[i].box.x0) for line in lines]


def garbled_iban_runs(page: Page) -> list[tuple[int, ...]]:
    """For each IBAN printed after its label on ``page`` that fails its checks, the indexes of
    the words it is printed in, left to right: the word its start falls in and the words
    after it on its line, each a word or group gap from the last."""
    runs = []
    for line in _page_lines(page):
        texts = [page.words[i].text for i in line]
        starts, pos = [], 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        for m in _PRINTED_IBAN.finditer(" ".join(texts)):
            if find_iban(m.group(1)) is not None:
                continue
            k = max(n for n, at in enumerate(starts) if at <= m.start(1))
            run = [line[k]]
            for i in line[k + 1:k + _RUN_WORDS]:
                last, w = page.words[run[-1]], page.words[i]
                if w.box.x0 - last.box.x1 > _RUN_GAP * max(1.0, last.box.bottom - last.box.top):
                    break
                run.append(i)
            runs.append(tuple(run))
    return runs


def _line_up_to(page: Page, run: tuple[int, ...], right: float) -> tuple[int, ...]:
    """``run`` with the words after it on its line centred left of ``right``: a group the
    page read further off than a group gap ("3300" … "87") is the IBAN's all the same when the
    second reading's IBAN reaches over it."""
    line = next(ln for ln in _page_lines(page) if run[-1] in ln)
    after = line[line.index(run[-1]) + 1:]
    return tuple(run) + tuple(i for i in after[:_RUN_WORDS] if (page.words[i].box.x0 + page.words[i].box.x1) / 2 <= right)


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
