"""Typed value candidates found on lines: amounts, dates and identifiers.

Candidates carry the character span they cover so the words (boxes, OCR confidence) behind a
value can be recovered. Amounts are tokenised word by word: a number never spans a column
gap, and a space inside a number is accepted only when the gap is narrower than a
thousands space (see ``_thousands_gap``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import (DATE_PATTERNS, DAY_MONTH_ONLY, DMY_WORDS, MDY_WORDS, MONTHS, YMD_BALTIC,
                                                     YMD_WORDS, currency_in, parse_amount, parse_date)
from invoicepipe.domain.extraction.pattern_set import compile_guarded

_CUR_ONLY = re.compile(r"^(?:[€$£₹¥]|EUR|USD|GBP|INR|CHF|PLN|SEK|NOK|DKK|Rs\.?|S?Fr\.|kr\.?|zł)$", re.I)
# the last group of a space-grouped amount carries the sign of a credit note's trailing
# minus or closing bracket ("1 234,56-", "(1 234,56)"), as a word of its own would
_GROUP_TAIL = re.compile(r"^\d{3}(?:[.,]\d{2})?(?:-?[€$£₹]|[€$£₹]?-|\))?$")
_GROUP_HEAD = re.compile(r"\(?[-€$£₹]?\d{1,3}(?: \d{3})*")
# a group with a leading zero ("071,28") is never an amount of its own: no amount of one or
# more is printed with a leading zero, so the digits left of it are its thousands
_ZERO_GROUP = re.compile(r"^0\d\d(?:[.,]\d{2})?\b")
# how far apart, in characters, such a group may stand from its thousands: a monospaced
# print spaces them a whole character apart, OCR boxes a little more (``left_fragment``
# reads a lost group as far)
_ZERO_GROUP_REACH = 2.5
_DIGIT = re.compile(r"\d")
_NOT_NUMBER = re.compile(r"[^\d.,]")
_SENTENCE_END = re.compile(r"(?<=[.,]\d\d)[.,]$")
_CENTS = re.compile(r"[.,]\d{2}$")
_WHOLE_THEN_MARK = re.compile(r"^(\d{1,3})[.,]$")
_CENTS_ALONE = re.compile(r"[.,]\d{2}")
_WHOLE_END = re.compile(r"(?<![.,])\d$")
_YEAR = re.compile(r"(19|20)\d\d")


def is_bare_year(text: str) -> bool:
    """``text`` is a year alone ("2026"), of this era: a date's piece or a number's year; no
    invoice number of any development set is one."""
    return bool(_YEAR.fullmatch(text or ""))


# What a scan or a photo glues to an amount without changing its digits: dust and quote
# marks before it ("_RM89.50", "*RM34.15", "“5,61"), a rupee sign read as "%" ("%189.00",
# never a rate: a rate's "%" follows its digits), and after it specks, quotes or the tax
# code of a till receipt ("0,95B", "2,61 A" has it apart). The word's span is kept whole.
_LEAD_NOISE = re.compile(r"^(?:[_*“”\"'‘’|~^°«»!:;]+|%(?=[\d.,]*\d))+")
_TAIL_NOISE = re.compile(r"(?<=\d)(?:[_*“”\"'‘’|~^°«»!]+|(?<=[.,]\d\d)[A-G])$")


@dataclass(frozen=True)
class AmountToken:
    value: Decimal
    start: int
    end: int
    has_decimals: bool
    currency: Optional[str]


def amounts_on(line: Line, decimal_sep: Optional[str], char_width: float) -> list[AmountToken]:
    """Money-like numbers on ``line`` (percentages and bare years excluded)."""
    key = ("amounts", decimal_sep, char_width)
    found = line.memo.get(key)
    if found is None:
        found = line.memo[key] = tuple(_amounts_on(line, decimal_sep, char_width))
    return list(found)


def numbers_the_columns(line: Line) -> bool:
    """A row that numbers a table's columns under its header ("0 1 2 3 4 5 6", the Romanian
    statutory form, "1 2 3 4 5" in others): four or more small whole numbers counting up by
    one. It holds no amount, and no item."""
    texts = [w.text for w in line.words]
    if len(texts) < 4 or not all(t.isdigit() and len(t) <= 2 for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return numbers[0] in (0, 1) and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _amounts_on(line: Line, decimal_sep: Optional[str], char_width: float) -> list[AmountToken]:
    out: list[AmountToken] = []
    if numbers_the_columns(line):
        return out
    words, spans = line.words, line.spans
    count = len(words)
    i = 0
    taken = -1  # the last word a token took: a currency word after one amount is not also before the next
    while i < count:
        j = i
        text = words[i].text
        # a word without a digit (most words; one of letters alone is asked first, a letter
        # is never a decimal digit) opens no amount: neither join below can start from it
        # (a group head and a whole number both end in a digit), and nothing could keep it
        if text.isalpha() or not _DIGIT.search(text):
            i += 1
            continue
        # join "1" + "234,56" when the gap is narrower than a character (a thousands space)
        while (j + 1 < count and _GROUP_HEAD.fullmatch(text)
               and _GROUP_TAIL.match(words[j + 1].text)
               and text.startswith("(") == words[j + 1].text.endswith(")")
               and words[j + 1].box.x0 - words[j].box.x1 < _thousands_gap(words[j + 1], char_width)):
            j += 1
            text += " " + words[j].text
        # "*70" + ".62": OCR set the cents apart at the small decimal mark; a bare decimal part
        # a character or less right of a whole number is its cents (on a text layer a word
        # never splits so: what it prints apart is apart)
        if (j + 1 < count and words[j + 1].confidence < 1.0 and _CENTS_ALONE.fullmatch(words[j + 1].text)
                and _WHOLE_END.search(text) and not _CENTS.search(text)
                and words[j + 1].box.x0 - words[j].box.x1 < char_width):
            j += 1
            text += words[j].text
        nxt = words[j + 1].text if j + 1 < count else ""
        # "1.000,00 €   190,00 €": the "€" between them is the first amount's, not the second's
        prev = words[i - 1].text if i > 0 and i - 1 > taken else ""
        # a credit note's "(Fr. 90.85)" or "(90.85 EUR)": the brackets of a negative amount
        # enclose the currency word too, so each word holds only one of them
        if text.endswith(")") and "(" not in text and prev.startswith("(") and _CUR_ONLY.match(prev[1:]):
            text, prev = "(" + text, prev[1:]
        elif text.startswith("(") and ")" not in text and nxt.endswith(")") and _CUR_ONLY.match(nxt[:-1]):
            text, nxt = text + ")", nxt[:-1]
        text = _without_noise(text)
        if words[j].confidence < 1.0:
            # "3," for a quantity of 3 on a scan: a speck after a whole number read as a mark
            # with no digits after it (a text layer prints what it prints: "1, 2, 3," is a list)
            text = _WHOLE_THEN_MARK.sub(r"\1", text)
        value = parse_amount(text, decimal_sep)
        if value is not None and _DIGIT.search(text) and not text.rstrip().endswith("%") and not nxt.startswith("%"):
            digits = _SENTENCE_END.sub("", _NOT_NUMBER.sub("", text))  # "2.304,25." ends a sentence
            has_dec = bool(_CENTS.search(digits))
            # a page prints its currency on one side: with a currency word before the amount
            # ("€ 266,80   € 23,21"), the one after it opens the next amount
            before = bool(_CUR_ONLY.match(prev))
            after = not before and bool(_CUR_ONLY.match(nxt))
            cur = currency_in(text) or (currency_in(nxt) if after else None) or (currency_in(prev) if before else None)
            start, end, last = spans[i][0], spans[j][1], j
            if after:
                end, last = spans[j + 1][1], j + 1
            if before:
                start = spans[i - 1][0]
            if has_dec or cur or not _YEAR.fullmatch(text):
                out.append(AmountToken(value, start, end, has_dec, cur))
                taken = last
        i = j + 1
    return out


def _without_noise(text: str) -> str:
    """The amount inside a word of OCR noise (see ``_LEAD_NOISE``); the word as it is
    when nothing like a number is left."""
    core = _TAIL_NOISE.sub("", _LEAD_NOISE.sub("", text))
    return core if core and _DIGIT.search(core) else text


def _thousands_gap(word, char_width: float) -> float:
    # A thousands space is about a third of an em; OCR boxes hug the glyphs, so the gap is
    # judged against the digits' own height as well as the document's character width. A
    # monospaced print's space is a whole character: only a group that cannot stand alone
    # (``_ZERO_GROUP``) is joined that far, "41 273,87" may be a quantity and a price.
    if _ZERO_GROUP.match(word.text):
        return _ZERO_GROUP_REACH * char_width
    return max(0.8 * char_width, 0.6 * (word.box.bottom - word.box.top))


@dataclass(frozen=True)
class DateToken:
    value: date
    ambiguous: bool
    start: int
    end: int


# a quote mark or speck OCR put inside a numeric date ("2026-03-‘18", "23/02/’2026"), or a
# space after a hyphen of a date that opens with its four-digit year ("2026-01- 27": no
# amount or range is written so)
# A speck OCR read as a word of its own between the day and a written month ("20 ? januari
# 2026", "4 · marzo 2026"): the date patterns see "20 januari 2026" (a month name must still follow).
_MARK_IN_DATE = re.compile(r"(?<=\d[./-])[‘’'`´“”\"]+(?=\d)|(?<=(?<!\d)(?:19|20)\d\d-)[ ](?=\d\d?-\d\d?(?!\d))|"
                           r"(?:(?<=(?<!\d)(?:19|20)\d\d-\d\d-)|(?<=(?<!\d)(?:19|20)\d\d-\d-))[ ](?=\d\d?(?![\d.,]))|"
                           r"(?:(?<=(?<![\d.,])\d )|(?<=(?<![\d.,])\d\d ))[?·‘’'`´“”\"*°|:;,]{1,2} (?=[^\W\d_]{3,})")
# guarded by the marks it can start with (the same matches): every line with a digit is
# searched, and each alternative's look-behind was tried at every character
_MARK_IN_DATE = compile_guarded(_MARK_IN_DATE.pattern)


def dates_in(text: str, offset: int, order: Optional[str]) -> list[DateToken]:
    """Dates in ``text`` (a slice of a line starting at ``offset``), in order of appearance."""
    found = _dates_in(text, order)
    if not offset:
        return list(found)
    return [DateToken(d.value, d.ambiguous, d.start + offset, d.end + offset) for d in found]


# A function of the text and the date order alone, kept: the header lines searched for an
# unlabelled date row are the same on every invoice of a layout.
@lru_cache(maxsize=8192)
def _dates_in(text: str, order: Optional[str]) -> tuple[DateToken, ...]:
    if not _DIGIT.search(text):  # every date form has digits; a third of the lines have none
        return ()
    found: list[DateToken] = []
    text, where = _without_marks(text)
    for rx in DATE_PATTERNS:
        for m in rx.finditer(text):
            if _day_of_next_date(text, m):
                continue
            parsed = parse_date(m.group(0), order)
            if parsed:
                found.append(DateToken(parsed[0], parsed[1], where(m.start()), where(m.end() - 1) + 1))
    found.sort(key=lambda d: d.start)
    kept: list[DateToken] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return tuple(kept)


# a written date ending in two digits and a space, then a month's name
_SHORT_YEAR_END = re.compile(r"[^\W\d_]\.?,?\s+(\d{2})$")
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _day_of_next_date(text: str, m) -> bool:
    """"19 February 21 March": two cells' dates run together whose years wrapped away; the
    "21" ending the first match is the next date's day (a month's name follows it), no year."""
    if not _SHORT_YEAR_END.search(m.group(0)):
        return False
    nxt = _NEXT_WORD.match(text, m.end())
    return bool(nxt) and nxt.group(1).lower().rstrip(".") in MONTHS


def _without_marks(text: str):
    """``text`` without marks inside dates, and a map from its offsets to the original's."""
    marks = {i for m in _MARK_IN_DATE.finditer(text) for i in range(m.start(), m.end())}
    if not marks:
        return text, lambda i: i
    kept = [i for i in range(len(text)) if i not in marks]
    return "".join(text[i] for i in kept), lambda i: kept[i]


_ID_TOKEN = re.compile(r"[A-Za-z0-9#][A-Za-z0-9_/\-.#]*[A-Za-z0-9]|\d")
# Portuguese and Spanish numbering prints a series code before the number ("FT 2026/0378",
# "FV A/123"), Polish a letter ("F 1234K20/1234/12"): one to four capitals, one space, then
# a number with a separator in it (which must not itself be a date or an amount). The number
# itself may open with the series letters (SAF-T "FT A2026/49", "NC B/7"): up to three
# capitals, then a digit or the separator.
_SERIES = re.compile(r"[A-Z]{1,4} (?=[A-Z]{0,3}\d[0-9A-Z]*[/-]\d|[A-Z]{1,3}[/-]\d)[0-9A-Z][A-Za-z0-9/\-.]*[A-Za-z0-9]")
_LETTER_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Z] $")
_WORD = re.compile(r"[A-Za-z0-9#][A-Za-z0-9_/\-.#]*")
_PLAIN_AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})*[.,]\d{2}")
_STOP = re.compile(r"(?i)^(?:no|nr|n°|nº|number|nummer|numéro|date|datum|du|vom|of|de|page|seite|#|:)$")


def number_label_word(word: str) -> bool:
    """True for a word that belongs to a number's label ("Nr", "n°", "#"), never to the number."""
    return bool(_STOP.match(word.lstrip("#").rstrip(".:") or "#"))


# zeros and marks only: no document is numbered so ("Sp. z o.o." read "z 0.0." beside the number)
_ZEROS_ONLY = re.compile(r"[0.,/-]+")


def identifier_in(text: str, offset: int) -> Optional[tuple[str, int, int]]:
    """The first identifier-looking token in ``text`` (contains a digit, is not a date/amount).

    Only the first four tokens are considered: an identifier far from its label is more
    likely something else. A leading "#" or ":" belongs to the label, not the value.
    """
    written = None
    for n, m in enumerate(_ID_TOKEN.finditer(text)):
        if n >= 4:
            break
        tok = m.group(0).lstrip("#").rstrip(".")
        if not tok or _STOP.match(tok):
            continue
        if _in_amount(text, m.start(), m.end()):
            continue  # "53" of "53,38-": the token stops at the decimal comma, the word is an amount
        if tok.isdigit() and len(tok) <= 4:
            # the day or the year of a date written with its month's name ("17 gennaio 2026",
            # "January 17, 2026") is no number of its own
            written = _written_dates(text) if written is None else written
            if any(a <= m.start() and m.end() <= b for a, b in written):
                continue
        # a one-letter series code is no token of its own: look for it just before
        lead = _LETTER_BEFORE.search(text, 0, m.start())
        series = _SERIES.match(text, lead.start() if lead else m.start())
        if series and not _date_or_amount(series.group(0).rstrip(".").split(" ", 1)[1]):
            tok = series.group(0).rstrip(".")  # "FT 2026/0378": a series code, a space, its number
        if not _DIGIT.search(tok) or len(tok) < 2 or len(tok) > 40 or _ZEROS_ONLY.fullmatch(tok):
            continue
        if _date_or_amount(tok):
            continue
        start = offset + (series.start() if series and tok == series.group(0).rstrip(".") else
                          m.start() + (len(m.group(0)) - len(m.group(0).lstrip("#"))))
        return tok, start, start + len(tok)
    return None


_WRITTEN_DATES = (DMY_WORDS, MDY_WORDS, DAY_MONTH_ONLY, YMD_WORDS, YMD_BALTIC)


def _written_dates(text: str) -> list[tuple[int, int]]:
    """The spans of the dates written with a month's name in ``text``."""
    if not any(ch.isalpha() for ch in text):
        return []
    return [(m.start(), m.end()) for rx in _WRITTEN_DATES for m in rx.finditer(text)]


def _in_amount(text: str, start: int, end: int) -> bool:
    """The token at ``start:end`` is part of a word that prints an amount with a decimal comma
    and a sign or currency around it ("53,38-", "-1.234,56", "(12,50)", "€7,20"): identifier
    tokens stop at a comma, so its whole part alone would otherwise read as a number."""
    if not (end < len(text) and text[end] == "," or start > 0 and text[start - 1] == ","):
        return False
    a = start
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace():
        b += 1
    return bool(_PLAIN_AMOUNT.fullmatch(text[a:b].strip("-+()€$£%:;")))


def is_date_or_amount(tok: str) -> bool:
    """True for a token that is a date or a plain amount, never an identifier."""
    return _date_or_amount(tok)


def _date_or_amount(tok: str) -> bool:
    # a date's shape must also be a date: "282/01/2026" (a sale number, its month and year) is no day
    return (any(rx.fullmatch(tok) for rx in DATE_PATTERNS) and parse_date(tok, None) is not None) \
        or bool(_PLAIN_AMOUNT.fullmatch(tok))


def skipped_before(text: str, start: int) -> bool:
    """True when a word that is neither a number-label word nor punctuation stands between
    the start of ``text`` and ``start``: the identifier found is not the label's first word,
    so what the label names may be that word, or begin with it (a prefix lost). A lone small
    "o" is the ordinal's glyph OCR read apart ("AVOIR N° o 2026-FA-0221"), no word."""
    return any(not _STOP.match(m.group(0).lstrip("#").rstrip(".") or "#") and m.group(0) != "o"
               for m in _WORD.finditer(text[:start]))
