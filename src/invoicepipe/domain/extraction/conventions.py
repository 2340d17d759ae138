"""A document's conventions: decimal mark, date order and currency.

They are read once per document, before any field, because every value parser depends on
them: "1.234" is a thousand or one point two three four, "03/04/2026" is March or April.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from stdnum.au import abn as stdnum_au_abn

from invoicepipe.domain.extraction.currency_evidence import agreed_currency, domestic_currency, validated_countries
from invoicepipe.domain.extraction.layout import Line, build_layout
from invoicepipe.domain.extraction.parsing import (
    AMBIGUOUS_SYMBOLS, ISO_CURRENCIES, SYMBOL_RX, currency_code, date_order_evidence, find_iban, find_vat_ids)
from invoicepipe.domain.extraction.pattern_set import first_class
from invoicepipe.domain.extraction.search import Candidate, Context, label_candidates, make_context
from invoicepipe.domain.extraction.second_currency import line_states_rate
from invoicepipe.domain.models import DocumentText

# ISO codes only in capitals in running text ("try" is a word, "TRY" the lira); symbols any case;
# a local abbreviation alone in parentheses names the currency of a column or sum ("Total (RM)",
# "Amount (Rs.)"), though no digit follows it. A code joined to digits by a hyphen or an
# underscore is the head of an article code ("CHF-1050", a "Chiave fissa"), not a currency.
_ISO_CODE_RX = r"(?<![A-Za-z])(%s)(?![A-Za-z]|[-_]\d)" % "|".join(sorted(ISO_CURRENCIES))
_IN_PARENS_RX = r"(?<=\()(?:RM|Rs\.?|₹|zł|Fr\.|kr\.?)(?=\))"
# the engine would try the whole alternation at every character of every line; a look-ahead
# for the characters a code or symbol can start with lets it pass over the others at once
_CURRENCY_STARTS = (first_class(_ISO_CODE_RX), first_class(SYMBOL_RX, re.I), first_class(_IN_PARENS_RX))
_CURRENCY_RX = re.compile("%s(?:%s|(?i:%s)|%s)" % (
    "" if None in _CURRENCY_STARTS else "(?=%s|(?i:%s)|%s)" % _CURRENCY_STARTS, _ISO_CODE_RX, SYMBOL_RX, _IN_PARENS_RX))
# which krona/krone a "kr" is, and which dollar a "$" is, from the countries on the page
_KRONE = {"SE": "SEK", "NO": "NOK", "DK": "DKK"}
_DOLLARS = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}


def document_context(doc: DocumentText) -> tuple[Context, Optional[tuple[Candidate, float]]]:
    """Lines, label hits and the document's conventions (decimal mark, date order), plus its currency."""
    ctx = make_context(build_layout(doc))
    text = doc.text
    ctx.decimal_sep = decimal_convention(text)
    currency = currency_of(ctx)
    proven = date_order_evidence(text)
    ctx.date_order, ctx.date_order_proven = proven or order_from_locale(ctx, currency), proven is not None
    ctx.date_order_local = proven is None and locale_backs_order(ctx, ctx.date_order, currency)
    return ctx, currency


_COMMA_CENTS = re.compile(r"\d,\d{2}(?!\d)")
_DOT_CENTS = re.compile(r"\d\.\d{2}(?!\d)")


def decimal_convention(text: str) -> Optional[str]:
    commas = len(_COMMA_CENTS.findall(text))
    dots = len(_DOT_CENTS.findall(text))
    return None if commas == dots else ("," if commas > dots else ".")


def currency_of(ctx: Context, prior: Optional[str] = None) -> Optional[tuple[Candidate, float]]:
    """The document currency: codes and symbols counted, weighted by where they are printed.

    A code next to or under a currency label ("Währung" / "EUR") counts five times, one on a
    totals line three times; a "$" read by OCR counts half (it is often a misread "S" or
    "5"); ``prior`` (the resolved vendor's master currency) adds two.
    """
    counts: Counter = Counter()
    where: dict[str, tuple] = {}
    for cand in label_candidates(ctx, "currency", _currency_after):
        counts[cand.value] += 5
        where.setdefault(cand.value, cand.words)
    countries = countries_on_page(ctx)
    for ln in ctx.layout.lines:
        if line_states_rate(ln.text):
            continue  # "… 12 819 Ft (1 EUR = 395,66 HUF)": the conversion names both currencies, votes for neither
        for tok, start, end in _currency_tokens(ln):
            if _inside_token(ln.text, tok, start, end):
                continue  # "6f9b726e37£629b...": a letter OCR read as a sign inside a code
            code = _resolve_symbol(tok, countries, prior)
            if code == "JPY" and tok == "¥" and not ocr_free(ln) and _rupee_evidenced(ctx, prior):
                code = "INR"  # the rupee sign read as the yen's (see ``_rupee_evidenced``)
            if code is None:
                continue
            weight = 3 if ln_is_total(ctx, ln) else 1
            if not ocr_free(ln) and len(tok) == 1 and not _beside_digit(ln.text, start, end):
                weight = _SPECK  # "Cashier: Gita. £": a lone sign OCR read off a speck
            counts[code] += weight * (0.5 if tok == "$" and not ocr_free(ln) else 1)
            where.setdefault(code, ln.words_in(start, end))
    if not counts:
        # no clear sign: garbled readings, the master and the countries may still agree
        return agreed_currency(ctx, prior, countries) or _unprinted_currency(ctx, prior)
    if max(counts.values()) < 1:
        # nothing but lone signs apart from any digit ("č" read as "€"): a sign read beside
        # the amounts, even garbled, says more when the other witnesses agree with it
        agreed = agreed_currency(ctx, prior, countries)
        if agreed and any(n.startswith("reading") for n in agreed[0].notes):
            return agreed
    # the currencies read anywhere but as lone specks (an OCR'd "$" beside a digit weighs 0.5)
    printed = {c for c, w in counts.items() if w >= 0.5}
    if prior:
        counts[prior] += 2
    code, n = counts.most_common(1)[0]
    share = n / sum(counts.values())
    conf = min(0.97, 0.5 + 0.45 * share + 0.02 * min(n, 10) / 10)
    if n < 1:
        conf = min(conf, _SPECKS_ONLY)  # nothing but lone signs: a guess for a person to confirm
    elif code == prior and (code_beside_total(ctx, code) or printed == {code}) and code in _domestic(validated_countries(ctx)):
        # "Invoice Total GBP 3,457.63" (or "975,86 €") on a scan: the code or sign beside the
        # total, the vendor master and the checked ids' country all name it; a stray "$" read
        # off an id weighs nothing. Or the only currency the page prints at all, wherever
        # ("Cijena (EUR)" heading a column, "Temeljni kapital 20.000,00 EUR"): an invoice in
        # another currency would print that one somewhere
        conf = max(conf, CODE_AGREED)
    return Candidate("currency", code, conf, "symbol_count", where.get(code, ()), code), round(conf, 3)


# OCR reads the rupee sign "₹" (a stem with two bars and a tail) as the yen's "¥": on an OCR'd
# line a "¥" is the rupee where the vendor master bills in rupees or a valid GSTIN puts
# India on the page, and neither says yen
def _rupee_evidenced(ctx: Context, prior: Optional[str]) -> bool:
    return prior == "INR" or (prior != "JPY" and "IN" in validated_countries(ctx))


# an ISO code beside the total that the vendor master and the page's countries agree with
CODE_AGREED = 0.95


def code_beside_total(ctx: Context, code: str) -> bool:
    """``code`` printed right before or after an amount on a total, net or tax line, as the
    code or as a sign only it has ("975,86 €"; a "$" or "kr" names no one currency)."""
    for ln in ctx.layout.lines:
        if not ln_is_total(ctx, ln):
            continue
        for tok, start, end in _currency_tokens(ln):
            named = tok.upper() == code or (tok not in AMBIGUOUS_SYMBOLS and tok.lower().rstrip(".") != "kr"
                                            and tok != "$" and currency_code(tok) == code)
            if named and (_AMOUNT_AFTER.match(ln.text, end) or _AMOUNT_BEFORE.search(ln.text, 0, start)):
                return True
    return False


# a signed or bracketed amount right after or before the code ("GBP -50.22", "(50.22) GBP")
_AMOUNT_AFTER = re.compile(r"\s?[-–(]?\s?\d")
_AMOUNT_BEFORE = re.compile(r"\d[-–)]?\s?$")


def _domestic(countries: set) -> set:
    return {domestic_currency(c) for c in countries} - {None}


def _inside_token(text: str, tok: str, start: int, end: int) -> bool:
    """A one-character sign with a letter or digit right before and right after it: inside a
    word or a code (a fiscal code's hex digits), where no amount's sign stands ("£12.50",
    "12,50 €", "€12")."""
    return len(tok) == 1 and 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


# the weight of a one-character sign that OCR read apart from any digit, and the highest
# confidence of a currency known from such signs alone
_SPECK = 0.25
_SPECKS_ONLY = 0.6


def _beside_digit(text: str, start: int, end: int) -> bool:
    """A digit within one character (a space or a dot) of the sign: "€ 12,50", "12,50€", "$3";
    not the head of a long bare run of digits, which is an id whose letters OCR read as signs
    ("SE4042..." as "$£4042...")."""
    if _ID_AFTER.match(text, end):
        return False
    return any(c.isdigit() for c in text[max(0, start - 2):start] + text[end:end + 2])


# more digits than any amount printed without a group mark
_ID_AFTER = re.compile(r"\S*\d{9}")


def _currency_tokens(line: Line) -> tuple[tuple[str, int, int], ...]:
    """The currency codes and symbols printed on ``line`` (read once: the currency is
    counted again when the vendor master's currency is known)."""
    found = line.memo.get("currency_tokens")
    if found is None:
        found = line.memo["currency_tokens"] = _currency_tokens_in(line.text)
    return found


@lru_cache(maxsize=8192)  # a function of the text: a layout's lines come back on every invoice
def _currency_tokens_in(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((m.group(0), m.start(), m.end()) for m in _CURRENCY_RX.finditer(text))


def _unprinted_currency(ctx: Context, prior: Optional[str]) -> Optional[tuple[Candidate, float]]:
    """No currency printed anywhere: the resolved vendor's master currency, else the currency
    of the one country whose VAT ids or IBANs are on the page. Both are weak evidence (a
    vendor may bill abroad in another currency), so the score stays below any routing
    threshold: a person confirms it, but sees a likely value instead of an empty field."""
    if prior:
        return Candidate("currency", prior, 0.6, "vendor_master", (), prior), 0.6
    domestic = {domestic_currency(c) for c in countries_on_page(ctx)} - {None}
    if len(domestic) == 1:
        code = domestic.pop()
        return Candidate("currency", code, 0.5, "country", (), code), 0.5
    return None




def _currency_after(ctx: Context, line: Line, start: int, end: int):
    m = _CURRENCY_RX.search(line.text, start, end)
    if m is None or m.start() - start > 12:
        return None
    code = _resolve_symbol(m.group(0), countries_on_page(ctx), None)
    return (code, code, m.start(), m.end(), 1.0) if code else None


def _resolve_symbol(tok: str, countries: set, prior: Optional[str]) -> Optional[str]:
    """ISO code of a printed token; "kr" by the Nordic country on the page (or the vendor's
    currency), "$" as the vendor's own dollar when the master says it bills in one."""
    if tok in AMBIGUOUS_SYMBOLS or tok.lower().rstrip(".") == "kr":
        nordic = sorted(_KRONE[c] for c in countries if c in _KRONE)
        if prior in _KRONE.values():
            return prior
        return nordic[0] if len(nordic) == 1 else None
    code = currency_code(tok)
    if code == "USD" and tok == "$" and prior in _DOLLARS:
        return prior
    return code


def countries_on_page(ctx: Context) -> set:
    """Countries of the VAT ids and IBANs printed on the document (seller's and buyer's)."""
    if ctx.countries is None:
        found = set()
        for ln in ctx.layout.lines:
            found.update(v[:2] for v, _, _ in find_vat_ids(ln.text) if v[:2].isalpha())
            iban = find_iban(ln.text)
            if iban:
                found.add(iban[0][:2])
        ctx.countries = found
    return ctx.countries


def ln_is_total(ctx: Context, line: Line) -> bool:
    return any(h.field in ("total", "net", "tax") for h in ctx.hits[id(line)])


def ocr_free(line: Line) -> bool:
    """True for text-layer words (confidence 1.0), where a "$" is really printed."""
    return all(w.confidence >= 1.0 for w in line.words)


# countries where a numeric date may be written month first
_MONTH_FIRST = frozenset({"US", "CA", "PH"})


# a US address line: a state's postal code and a ZIP code ("Chicago, IL 60623", "Des Moines,
# IA 50313-1234"). Canada writes a province and "A1A 1A1", the Philippines no state codes
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
              "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
_US_PLACE = re.compile(r"[a-z],?\s+(?:%s)\s+\d{5}(?:-\d{4})?(?!\d)" % _US_STATES)


def us_addresses(ctx: Context) -> int:
    """How many lines of the page hold a US city, state and ZIP code."""
    return sum(1 for ln in ctx.layout.lines if _US_PLACE.search(ln.text))


def locale_backs_order(ctx: Context, order: str, currency: Optional[tuple]) -> bool:
    """True when two independent signals say the day comes first: VAT ids or IBANs on the
    page, none of a month-first country, and either labels mostly in another language than
    English or a currency other than the US dollar. Month first is backed only by a US
    dollar amount on an English page with no European id and the addresses of both parties
    in the US (state and ZIP code): an English dollar invoice without them may be Canadian."""
    if order == "mdy":
        return bool(currency and currency[0].value == "USD" and us_addresses(ctx) >= 2
                    and not countries_on_page(ctx) - {"US"})
    if order != "dmy":
        return False
    if australian(ctx) == 2:
        return True  # an Australian address and a checked ABN: two signals of a day-first country
    countries = countries_on_page(ctx)
    if not countries or countries & _MONTH_FIRST:
        return False
    langs = _label_languages(ctx)
    english = not langs or langs.most_common(1)[0][0] == "en"
    return not english or bool(currency and currency[0].value != "USD")


def _label_languages(ctx: Context) -> Counter:
    """The languages of the page's clear labels (0.8 or more). A label no vocabulary holds (a
    caption of the title's stem, ``title_stem``) is in no language the page can be told by."""
    return Counter(h.lang for hs in ctx.hits.values() for h in hs if h.strength >= 0.8 and h.lang not in ("", "xx"))


def order_from_locale(ctx: Context, currency: Optional[tuple]) -> str:
    """Month-first only for US-dollar English documents with no European VAT id or IBAN on
    them (an Irish or Dutch vendor billing in dollars still writes the day first) and no
    Australian address or ABN (a "$" alone is read as the US dollar before the vendor's
    currency is known, and Australia writes the day first); everyone else writes day first."""
    langs = _label_languages(ctx)
    english = not langs or langs.most_common(1)[0][0] == "en"
    european = bool(countries_on_page(ctx) - {"US", "IN"})
    dollar = bool(currency and currency[0].value == "USD")
    return "mdy" if english and dollar and not european and not australian(ctx) else "dmy"


# an Australian address ("East Maitland NSW 2323": a state and a four-digit postcode) and the
# business number's caption before eleven digits ("ABN 69 106 186 587")
_AU_PLACE = re.compile(r"\b(?:NSW|VIC|QLD|SA|WA|TAS|ACT|NT)\s+\d{4}(?!\d)")
_ABN = re.compile(r"\bABN:?\s*(\d{2} ?\d{3} ?\d{3} ?\d{3})(?!\d)")


def australian(ctx: Context) -> int:
    """How many Australian signals the page gives: an Australian address, an ABN whose check
    digits hold (python-stdnum); 0, 1 or 2."""
    place = any(_AU_PLACE.search(ln.text) for ln in ctx.layout.lines)
    abn = any((m := _ABN.search(ln.text)) and stdnum_au_abn.is_valid(m.group(1)) for ln in ctx.layout.lines)
    return int(place) + int(abn)
