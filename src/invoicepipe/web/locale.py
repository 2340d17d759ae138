"""The person's conventions, from the browser's Accept-Language: how they type amounts and
dates (``Convention``) and how amounts are shown to them (grouping and currency).

CLDR (through Babel) knows each locale's decimal mark and short date pattern; writing that
table by hand would be a second, smaller and wrong copy of it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format
from babel.numbers import format_currency, format_decimal, get_decimal_symbol

from ..domain.typed_input import UNKNOWN, Convention
from ..errors import PermanentError

DEFAULT_LOCALE = "en_GB"  # grouping "1,234.50" and day-first dates: the least surprising default


def preferred_locale(accept_language: Optional[str]) -> Optional[Locale]:
    """The first locale of the header Babel knows ("de-CH,de;q=0.9,en;q=0.8" -> de_CH)."""
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")[:10]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            ranked.append((-q, i, tag.strip()))
    for _, _, tag in sorted(ranked):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return None


def convention_for(locale: Optional[Locale]) -> Convention:
    """The decimal mark and numeric date order of ``locale``; UNKNOWN without one, so that
    ambiguous input ("1.234", "03/04/2026") is refused rather than guessed."""
    if locale is None:
        return UNKNOWN
    pattern = get_date_format("short", locale=locale).pattern
    day, month = pattern.find("d"), pattern.find("M")
    order = None if day < 0 or month < 0 or pattern.find("y") == 0 else ("dmy" if day < month else "mdy")
    return Convention(decimal_sep=get_decimal_symbol(locale), date_order=order)


def named_convention(tag: Optional[str]) -> Convention:
    """The convention of a language tag an API caller names; UNKNOWN without one, and a
    PermanentError for a tag nobody knows (a typo must not silently mean "guess")."""
    if not tag:
        return UNKNOWN
    locale = preferred_locale(tag)
    if locale is None:
        raise PermanentError("locale: not a known language tag (for example de-DE, en-US, fr-CH)")
    return convention_for(locale)


def _decimal(value) -> Optional[Decimal]:
    """The number to format, or None when there is none or it is not one (shown as is)."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def money(value, currency: Optional[str] = None, locale: Optional[Locale] = None) -> str:
    """An amount with grouping and its currency ("EUR 1,234.50" / "1.234,50 €"); "" for none."""
    amount = _decimal(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    where = locale or Locale.parse(DEFAULT_LOCALE)
    if currency and len(currency) == 3 and currency.isalpha():
        return format_currency(amount, currency.upper(), locale=where, format_type="standard")
    return format_decimal(amount, format="#,##0.00", locale=where)


def number(value, locale: Optional[Locale] = None, cents: bool = False) -> str:
    """A quantity (its own decimals, at most four) or, with ``cents``, a price or line amount
    (at least two decimals: 12.50, 0.125) with grouping."""
    amount = _decimal(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    return format_decimal(amount, format="#,##0.00##" if cents else "#,##0.####", locale=locale or Locale.parse(DEFAULT_LOCALE))


def request_locale(request) -> Optional[Locale]:
    """The locale of this request's browser, read once per request."""
    state = request.state
    if not hasattr(state, "ui_locale"):
        state.ui_locale = preferred_locale(request.headers.get("accept-language"))
    return state.ui_locale
