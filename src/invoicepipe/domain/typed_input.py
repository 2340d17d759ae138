"""What a person typed into an amount or date field, read with the extractor's own parsers.

A reviewer types "12,50", "1.234,50", "4. März 2026" or "03/04/2026" the way their country
writes them. Reading those with ``Decimal`` or ``date.fromisoformat`` turned "12,50" into
1250.00 and refused every date that was not ISO. The extractor already reads every grouping
and every written date form (``extraction.parsing``); the same parsers read typed input, so a
value means the same thing whether it was printed or typed.

Only two forms cannot be read without knowing the writer's convention: an amount with one
separator followed by exactly three digits ("1.234": 1234 in Germany, 1.234 in the UK) and a
numeric date whose day and month both fit ("03/04/2026"). Those take the ``Convention`` (the
person's locale, or the document's); when it is unknown the input is refused with the two
readings, never guessed, because a wrong amount here is paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from .extraction.parsing import DATE_PATTERNS, parse_amount, parse_date

MAX_AMOUNT_DIGITS = 15  # larger than any invoice; refuses "1e400" and 400-digit pastes


class TypedInputError(ValueError):
    """The input cannot be read as the field's kind of value; the message says how to type it."""


@dataclass(frozen=True)
class Convention:
    """How the person (or the document) writes numbers and numeric dates; None = unknown."""
    decimal_sep: Optional[str] = None  # "." or ","
    date_order: Optional[str] = None  # "dmy" or "mdy" ("ymd" numeric dates are never ambiguous)


UNKNOWN = Convention()
_ONE_SEPARATOR_THOUSANDS = re.compile(r"^[-+(]?\s*\d{1,3}([.,])\d{3}\s*\)?-?$")


def read_amount(raw: str, convention: Convention = UNKNOWN) -> Decimal:
    """The amount in ``raw`` (currency symbols or codes, any grouping, trailing minus or
    parentheses allowed), quantised to cents; TypedInputError when it is not one amount or its
    reading depends on a convention nobody stated."""
    text = (raw or "").strip()
    if len(re.sub(r"\D", "", text)) > MAX_AMOUNT_DIGITS:
        raise TypedInputError(f"{_shown(text)} has more digits than any invoice amount")
    bare = re.sub(r"[^\d.,()+\-\s]", "", text).strip()
    if _ONE_SEPARATOR_THOUSANDS.match(bare) and convention.decimal_sep is None:
        whole = parse_amount(text, "," if "." in bare else ".")
        if whole is not None:
            raise TypedInputError(f"{_shown(text)} is ambiguous (a thousands mark or three decimals): "
                                  f"type {whole:.2f} if you mean {whole:.0f} and cents")
    value = parse_amount(text, convention.decimal_sep)
    if value is None:
        raise TypedInputError(f"{_shown(text)} is not an amount (for example 1234.50, 1,234.50 or 1.234,50)")
    cents = value.quantize(Decimal("0.01"))
    if cents != value:
        raise TypedInputError(f"{_shown(text)} has more than two decimals")
    return cents


_PLAIN_NUMBER = re.compile(r"^([-+]?)(\d+)(?:([.,])(\d{1,4}))?$")


def read_number(raw: str, convention: Convention = UNKNOWN, max_decimals: int = 4) -> Decimal:
    """A quantity or unit price ("2,5", "0.125", "1.000", "1'250"): like ``read_amount`` but
    with up to ``max_decimals`` decimals, because 0.125 per piece and 2.5 kg are real. "1,250"
    is 1250 or 1.25 depending on who wrote it: it takes the convention, or is refused."""
    text = (raw or "").strip()
    if len(re.sub(r"\D", "", text)) > MAX_AMOUNT_DIGITS:
        raise TypedInputError(f"{_shown(text)} has too many digits")
    plain = _PLAIN_NUMBER.match(text)
    if plain:
        sign, whole, sep, frac = plain.groups()
        # "0.125" or "1234,567" cannot be a thousands group: a group never follows 0 or 4+ digits
        grouping_possible = sep and len(frac) == 3 and not whole.startswith("0") and len(whole) <= 3
        if not grouping_possible and sep and len(frac) == 3:
            return Decimal(sign + whole + "." + frac)
        if sep and len(frac) == 3 and convention.decimal_sep is None:
            raise TypedInputError(f"{_shown(text)} is ambiguous (a thousands mark or three decimals): "
                                  f"type {whole}{frac} or {whole}.{frac}0")
        if sep and len(frac) == 3 and convention.decimal_sep != sep:
            return Decimal(sign + whole + frac)
        if sep and len(frac) > max_decimals:
            raise TypedInputError(f"{_shown(text)} has more than {max_decimals} decimals")
        return Decimal(sign + whole + ("." + frac if sep else ""))
    value = parse_amount(text, convention.decimal_sep)
    if value is None:
        raise TypedInputError(f"{_shown(text)} is not a number")
    return value


def read_date(raw: str, convention: Convention = UNKNOWN) -> date:
    """The date in ``raw`` in any form the extractor reads (ISO, 04.03.2026, 4-Mar-26,
    4. März 2026, 4 de marzo de 2026, March 4, 2026, numeric with the convention's order)."""
    text = (raw or "").strip()
    if not any(rx.fullmatch(text.rstrip(".")) or rx.fullmatch(text) for rx in DATE_PATTERNS):
        raise TypedInputError(f"{_shown(text)} is not a date (for example 2026-03-04 or 4 Mar 2026)")
    found = parse_date(text, convention.date_order)
    if not found:
        raise TypedInputError(f"{_shown(text)} is not a valid date")
    value, ambiguous = found
    if ambiguous and convention.date_order is None:
        day_first, month_first = parse_date(text, "dmy"), parse_date(text, "mdy")
        a, b = day_first[0], month_first[0]  # both exist: the text was read as ambiguous
        raise TypedInputError(f"{_shown(text)} could be {a:%d %b %Y} or {b:%d %b %Y}: type {a.isoformat()} or {b.isoformat()}")
    return value


def _shown(text: str) -> str:
    """The input quoted back, bounded: error messages never carry a whole paste."""
    return repr(text if len(text) <= 40 else text[:37] + "...")
