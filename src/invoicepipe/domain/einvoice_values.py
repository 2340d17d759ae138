"""Reading single values out of e-invoice XML elements (both syntaxes), by local name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional
from xml.etree.ElementTree import Element


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def text(el: Optional[Element], path: str) -> Optional[str]:
    found = el.find(path) if el is not None else None
    if found is None or found.text is None:
        return None
    return " ".join(found.text.split()) or None


def dec(value: Optional[str]) -> Optional[Decimal]:
    try:
        number = Decimal(value.strip()) if value else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def dec_at(el: Optional[Element], path: str) -> Optional[Decimal]:
    return dec(text(el, path))


def indicator(value: Optional[str]) -> bool:
    return (value or "").strip().lower() == "true"


def compact(value: Optional[str]) -> Optional[str]:
    """An identifier (VAT id, IBAN) without spaces, upper-cased."""
    return "".join((value or "").split()).upper() or None


def iso_date(raw: Optional[str]) -> Optional[str]:
    """CII ``format="102"`` (YYYYMMDD) or an ISO date (UBL), as YYYY-MM-DD."""
    raw = (raw or "").strip()
    if len(raw) >= 8 and raw[:8].isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
        return raw[:10]
    return None


def amount_text(value: Optional[Decimal]) -> Optional[str]:
    """A money amount in the project's convention (two decimals), or None."""
    return None if value is None else str(value.quantize(Decimal("0.01")))
