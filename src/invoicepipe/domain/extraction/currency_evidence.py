"""A currency no clear sign names, resolved from the agreement of independent evidence.

Local abbreviations are printed after or before the amounts ("1 711,24 Kč", "Rs. 450.00",
"12 500 Ft"), and OCR garbles them: "Kč" comes back as "Ké", "KC" or "K¢", "zł" as "zt",
"Fr." as "Fr,". Such a reading names a currency only weakly (it may be a speck, a unit, a
word), and so does every other witness of a currency the page does not print clearly:

- ``reading``: an OCR-confusable form of a currency's sign or abbreviation right beside an
  amount with cents or thousands groups (a "kr" names three currencies at once);
- ``master``: the resolved vendor's currency in the vendor master;
- ``country``: the one domestic currency of the countries of the VAT ids and IBANs whose
  check digits hold (a VAT id or an IBAN of another currency's country is no contradiction:
  vendors bill abroad, and the buyer's ids are on the page too);
- ``format``: the document's decimal mark is the one of every country that pays in it.

The value is the one currency every reading and the master name (the country or the
master picks among a "kr"'s three). When a reading or the master names another, nothing is
agreed: the caller keeps its old guess (the master's currency, else the country's) at a
score a person confirms. Otherwise the chance that every agreeing witness is wrong is the
product of their doubts. A lone master or country keeps the score it had as the only guess
(0.6, 0.5); only a reading with the master and the country (and, for one reading, the
format) reaches a routing threshold, so a currency never printed is confirmed by a person.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from babel import Locale
from babel.core import get_global
from babel.numbers import get_territory_currencies
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.in_ import gstin
from stdnum.no import orgnr as no_orgnr

from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.parsing import find_iban, find_vat_ids
from invoicepipe.domain.extraction.search import Candidate, Context

# (pattern, currencies, side): OCR readings of local abbreviations and where they stand
# beside the amount ("after", "before" or "both"); case matters ("ke" is a Czech word, "Rs"
# and "RM" are capitals). Clean forms that name their currency alone are counted as printed
# signs before this module is asked.
_NORDIC = frozenset({"SEK", "NOK", "DKK"})
_READINGS = (
    (r"K[cčćéèeëEC¢€]\.?", frozenset({"CZK"}), "after"),
    (r"(?:z[łlt1I|!]|Z[ŁL])", frozenset({"PLN"}), "after"),
    (r"Ft\.?", frozenset({"HUF"}), "after"),
    (r"R[sS5][.,:]?", frozenset({"INR"}), "both"),
    (r"R[MN]", frozenset({"MYR"}), "both"),
    (r"S?Fr[.,:]?", frozenset({"CHF"}), "both"),
    (r"[kK][rR][.,]?", _NORDIC, "both"),
)
_TOKEN = re.compile(r"(?<![^\s(|:])(%s)(?=[\s)|:]|$)" % "|".join(p for p, _, _ in _READINGS))
_ONE = [(re.compile(p + r"\Z"), codes, side) for p, codes, side in _READINGS]
# money beside the token: cents, or thousands groups (a forint or yen amount has no cents);
# never the head or tail of a date ("Fr 12.05.2026") nor a time ("Mo - Fr 08.30 - 12.30 Uhr")
_MONEY = r"(?:\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+[.,]\d{1,2})"
# a credit note's amount in brackets or signed ("RM (157.26)", "Rs. -450.00", "(90.85) zł") is money too
_MONEY_BEFORE = re.compile(r"(?<![\d.,/])%s\)?[-–]?\s?\Z" % _MONEY)
_MONEY_AFTER = re.compile(r"\A\s?[(-]?%s(?![.,/]?\d)(?!\s*(?:[-–]\s*\d|Uhr\b|h\b))" % _MONEY)

# each witness's doubt: the chance it names a currency the invoice is not in
DOUBT = {"reading": 0.4, "readings": 0.3, "master": 0.4, "country": 0.5, "format": 0.85}
# no agreement beats a clear sign
MAX_AGREED = 0.96
_LONE_METHOD = {("master",): "vendor_master", ("country",): "country"}
# the method of a currency several witnesses agree on, and the country witness's tag (the
# router confirms a currency printed nowhere by them: ``routing.currency_agrees_with_master``)
AGREED_METHOD = "agreement"
COUNTRY_WITNESS = "country"

# VAT ids of every shape ``parsing`` knows, plus the all-digit ones of the other countries
# ("CZ72277025", "HU12345676", "NO 974760673 MVA"): the check digits decide
_DIGIT_VAT = re.compile(r"(?<![A-Z0-9])[A-Z]{2} ?\d{8,12}(?![0-9A-Z])")


def readings(ctx: Context) -> list[tuple[frozenset, tuple]]:
    """The currencies named by OCR-confusable signs beside amounts, and by the currency's
    name in an amount written out in words: (codes, words) per reading."""
    found = []
    for line in ctx.layout.lines:
        for m in _TOKEN.finditer(line.text):
            codes = _beside_money(line.text, m)
            if codes:
                found.append((codes, line.words_in(m.start(), m.end())))
        for m in _NAMED_IN_WORDS.finditer(line.text):
            codes = next(c for k, c in _CURRENCY_NAMES.items() if m.group(1).lower().startswith(k))
            found.append((codes, line.words_in(m.start(1), m.end(1))))
    return found


# The total written out in words names its currency ("Rupees One Lakh Nineteen Thousand ...
# Only", "Ringgit Malaysia Two Hundred ..."): where the sign beside the figures is a glyph OCR
# garbles ("₹" read "=" or "%"), the name is a reading of its own. Only the name followed by
# a number word counts ("Rupees in words" is a label); "rupees" names four currencies, of
# which the master or the country picks.
_CURRENCY_NAMES = {"rupee": frozenset({"INR", "PKR", "LKR", "NPR"}), "ringgit": frozenset({"MYR"})}
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
                r"lakh|lac|crore|million)")
_NAMED_IN_WORDS = re.compile(r"(?i)(?<![^\W\d_])(rupees?|ringgit)(?:\s+malaysia)?\s+%s\b" % _NUMBER_WORD)


def _beside_money(text: str, m: re.Match) -> Optional[frozenset]:
    token = m.group(1)
    for rx, codes, side in _ONE:
        if rx.match(token):
            before = side in ("after", "both") and _MONEY_BEFORE.search(text[max(0, m.start() - 24):m.start()])
            after = side in ("before", "both") and _MONEY_AFTER.match(text[m.end():m.end() + 24])
            return codes if before or after else None
    return None


def validated_countries(ctx: Context) -> set:
    """Countries of the VAT ids (EU, Swiss, Norwegian, British, Indian GSTIN) and IBANs on the
    page whose check digits hold: a random run of capitals and digits is no country."""
    found = set()
    for line in ctx.layout.lines:
        found.update(_line_countries(line))
    return found


def _line_countries(line: Line) -> frozenset:
    got = line.memo.get("valid_countries")
    if got is None:
        got = line.memo["valid_countries"] = _countries_in(line.text)
    return got


@lru_cache(maxsize=8192)
def _countries_in(text: str) -> frozenset:
    out = set()
    upper = text.upper()
    for token in [v for v, _, _ in find_vat_ids(upper)] + _DIGIT_VAT.findall(upper):
        country = _vat_country(token)
        if country:
            out.add(country)
    iban = find_iban(text)
    if iban:
        out.add(iban[0][:2])
    return frozenset(out)


def _vat_country(token: str) -> Optional[str]:
    compact = re.sub(r"[\s.-]", "", token)
    if gstin.is_valid(compact):
        return "IN"
    if compact.startswith("CHE"):
        return "CH" if ch_uid.is_valid(compact[:12]) else None
    if compact.startswith("NO"):
        return "NO" if no_orgnr.is_valid(compact[2:].removesuffix("MVA")) else None
    if compact[:2] in ("GB", "XI"):
        return "GB" if gb_vat.is_valid(compact) else None
    try:
        return ("GR" if compact[:2] == "EL" else compact[:2]) if eu_vat.is_valid(compact) else None
    except Exception:  # a prefix stdnum does not know
        return None


@lru_cache(maxsize=64)
def domestic_currency(country: str) -> Optional[str]:
    """The one currency of ``country`` in CLDR (Babel, not a hand-kept table; VAT ids write
    Greece "EL"); None for none or several."""
    try:
        found = get_territory_currencies("GR" if country == "EL" else country)
    except Exception:  # an unknown territory code read off a page
        return None
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=64)
def decimal_mark(currency: str) -> Optional[str]:
    """The decimal mark of every country paying in ``currency``, or None when they differ
    (the euro's countries write both)."""
    marks = set()
    for territory in get_global("territory_currencies"):
        if domestic_currency(territory) != currency:
            continue
        try:
            marks.add(Locale.parse(f"und_{territory}").number_symbols["latn"]["decimal"])
        except Exception:  # a territory without a locale of its own
            continue
    return marks.pop() if len(marks) == 1 else None


def agreed_currency(ctx: Context, prior: Optional[str], seen: Iterable[str] = ()) -> Optional[tuple[Candidate, float]]:
    """The currency named by the readings, the vendor master (``prior``) and the page's
    countries, with a confidence from how many agree (see the module); None when none names
    one. ``seen`` are the countries of ids read without their check digits: one of another
    currency's country leaves the country unsure (a misread digit does not move a country)."""
    read = readings(ctx)
    domestic = {domestic_currency(c) for c in validated_countries(ctx)}
    country = domestic.pop() if len(domestic) == 1 else None
    if country and any(domestic_currency(c) != country for c in seen):
        country = None
    named = [codes for codes, _ in read] + ([frozenset({prior})] if prior else [])
    options = set().union(*named) if named else ({country} if country else set())
    # "kr" alone names three currencies: the country or the master decides which
    options = {c for c in options if c} if len(options) == 1 else {c for c in options if c in (prior, country)}
    if len(options) != 1:
        return None
    code = options.pop()
    if any(code not in codes for codes in named):
        return None  # a reading or the master names another currency: no agreement
    mine = [words for codes, words in read if code in codes]
    agreeing = (["readings" if len(mine) > 1 else "reading"] if mine else []) + (["master"] if prior == code else [])
    agreeing += [COUNTRY_WITNESS] if country == code else []
    agreeing += ["format"] if agreeing and ctx.decimal_sep and decimal_mark(code) == ctx.decimal_sep else []
    conf = min(MAX_AGREED, _combined(DOUBT[a] for a in agreeing))
    notes = [f"reading:{len(mine)}" if a == "readings" else a for a in agreeing]
    # a lone master or country keeps the method it was named by when it was the only guess
    method = _LONE_METHOD.get(tuple(a for a in agreeing if a != "format"), AGREED_METHOD)
    cand = Candidate("currency", code, conf, method, mine[0] if mine else (), code, notes=notes)
    return cand, round(conf, 3)


def _combined(doubts: Iterable[float]) -> float:
    doubt = 1.0
    for d in doubts:
        doubt *= d
    return 1.0 - doubt
