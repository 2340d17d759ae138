"""The VAT, GST and sales-tax rates each country charges, in percent, as data.

A rate the page prints is the best witness that tax = rate x net; where the page prints none,
the rates of the countries whose tax ids and IBANs are on it are the next best. They are a
handful per country, where the list of every rate in use anywhere
(``amount_checks.STANDARD_RATES``) has thirty: a small amount fits one of thirty by chance
far more often than one of three.

No maintained package publishes these tables, so they are written here: standard and reduced
rates in force for invoices of 2025-2026, with a rate replaced in that period kept beside
its successor (an invoice dated before the change still charges it). Countries with no
national rate (the United States) are left out; an unknown country adds no rate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable


def _rates(*values: str) -> frozenset[Decimal]:
    return frozenset(Decimal(v) for v in values)


COUNTRY_RATES: dict[str, frozenset[Decimal]] = {
    # European Union
    "AT": _rates("20", "13", "10"),
    "BE": _rates("21", "12", "6"),
    "BG": _rates("20", "9"),
    "CY": _rates("19", "9", "5", "3"),
    "CZ": _rates("21", "12"),
    "DE": _rates("19", "7"),
    "DK": _rates("25"),
    "EE": _rates("24", "22", "13", "9"),
    "ES": _rates("21", "10", "4"),
    "FI": _rates("25.5", "24", "14", "13.5", "10"),
    "FR": _rates("20", "10", "5.5", "2.1"),
    "GR": _rates("24", "13", "6"),
    "HR": _rates("25", "13", "5"),
    "HU": _rates("27", "18", "5"),
    "IE": _rates("23", "13.5", "9", "4.8"),
    "IT": _rates("22", "10", "5", "4"),
    "LT": _rates("21", "12", "9", "5"),
    "LU": _rates("17", "14", "8", "3"),
    "LV": _rates("21", "12", "5"),
    "MT": _rates("18", "12", "7", "5"),
    "NL": _rates("21", "9"),
    "PL": _rates("23", "8", "5"),
    "PT": _rates("23", "22", "16", "13", "6"),  # with the Azores' and Madeira's
    "RO": _rates("21", "19", "11", "9", "5"),
    "SE": _rates("25", "12", "6"),
    "SI": _rates("22", "9.5", "5"),
    "SK": _rates("23", "20", "19", "10", "5"),
    # the rest of Europe
    "CH": _rates("8.1", "3.8", "2.6", "7.7", "3.7", "2.5"),
    "LI": _rates("8.1", "3.8", "2.6", "7.7", "3.7", "2.5"),
    "GB": _rates("20", "5"),
    "IS": _rates("24", "11"),
    "NO": _rates("25", "15", "12"),
    "TR": _rates("20", "10", "1"),
    # elsewhere; India's GST with its CGST and SGST halves
    "AE": _rates("5"),
    "AU": _rates("10"),
    "CA": _rates("5", "13", "14.975", "15"),
    "IN": _rates("5", "12", "18", "28", "40", "2.5", "6", "9", "14", "20"),
    "JP": _rates("10", "8"),
    "MX": _rates("16"),
    "MY": _rates("10", "8", "6", "5"),
    "NZ": _rates("15"),
    "SA": _rates("15"),
    "SG": _rates("9"),
    "ZA": _rates("15"),
}


def rates_of(countries: Iterable[str]) -> frozenset[Decimal]:
    """Every rate charged in any of ``countries`` (ISO 3166 alpha-2; Greece's VAT prefix EL
    counts as GR)."""
    out: set[Decimal] = set()
    for country in countries:
        out |= COUNTRY_RATES.get("GR" if country == "EL" else country, frozenset())
    return frozenset(out)
