"""Format parsers and validators for values printed on invoices.

Pure functions over strings: amounts in either decimal convention, dates in numeric and
written forms (English, German, French, Dutch month names), IBAN with the ISO 7064 mod-97
check and VAT ids by country pattern. Every parser returns ``None`` for text it does not
recognise so callers can use them as validators.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Optional

from stdnum import iban as stdnum_iban, numdb

from invoicepipe.domain.extraction.iban_repair import repair
from invoicepipe.domain.extraction.pattern_set import compile_guarded

# a rate's percent sign before its digits, as Turkish prints it ("%20", "KDV (%10)"), the
# alternative a rate pattern's digits-then-sign form is joined with; three digits or more after
# the sign are an amount (a rupee sign read as "%": "%189.00"), as are digits running on
RATE_SIGN_FIRST = r"(?<![\w.,%])%(\d{1,2}(?:[.,]\d{1,2})?)(?![\d.,]*\d)"


def rate_digits(match: re.Match) -> str:
    """The digits of a rate matched by a pattern joined with ``RATE_SIGN_FIRST``: its first
    group, or its second where the sign came first."""
    return match.group(1) if match.group(1) is not None else match.group(2)
from invoicepipe.domain.extraction.tax_id_repair import LOOSE_GSTIN, repaired_gstin

CURRENCY_SYMBOLS = {
    "€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "₹": "INR", "¥": "JPY", "zł": "PLN", "ZŁ": "PLN",
    "Rs.": "INR", "Rs": "INR", "RS": "INR", "RS.": "INR", "RM": "MYR", "R$": "BRL",
    "Fr.": "CHF", "SFr.": "CHF", "SFR.": "CHF", "FR.": "CHF", "Fr": "CHF", "SFr": "CHF", "SFR": "CHF", "FR": "CHF",
    "S$": "SGD", "HK$": "HKD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD",
    "Kč": "CZK", "Euro": "EUR", "Euros": "EUR",
    # OCR without the Polish pack reads "zł" as "zl"; only right after an amount (see _SYMBOL_RX)
    "zl": "PLN",
    # the Romanian leu, written after the amount ("238,00 lei"); only there: "lei" is an Italian word
    "lei": "RON", "LEI": "RON", "Lei": "RON",
    # the Turkish lira's sign and abbreviation ("2.249,50 TL"; "TL" only after an amount) and
    # the Bulgarian lev ("2 249,50 лв.")
    "₺": "TRY", "TL": "TRY", "лв.": "BGN", "лв": "BGN",
}
ISO_CURRENCIES = frozenset(
    "EUR USD GBP INR CHF PLN CZK SEK NOK DKK HUF JPY CNY CAD AUD NZD RON BGN HRK TRY ZAR SGD HKD AED BRL MXN MYR".split()
)
# "kr" is the krona/krone of three countries: the document has to say which (see conventions)
AMBIGUOUS_SYMBOLS = frozenset({"kr", "kr.", "Kr", "Kr.", "KR", "KR."})
# "Rs" and "RM" only in capitals: a lower-case "rs" is a unit (the Finnish "rasia", a box).
# Longest first: "US$" and "R$" before "$", "SFr." before "Fr.". "Fr." needs its dot (a bare
# "Fr" is also Friday and "Frau"); "RM" must touch a digit or stand alone before one (or
# before a credit note's signed or bracketed amount: "RM (157.26)").
# A "Fr." joined to a word before it by a dot, dash or slash is a weekday or a domain
# ("Mo.-Fr. 08.30", "Mo - Fr.", "free.fr."). "S$", "HK$", "A$", "C$", "NZ$" name their own
# dollar; "Euro" is written out in running text ("Betrag in Euro"); "zl" counts only right
# after a digit (an OCR-read "zł"). "SFr" is a word of its own: inside a BIC ("VJLSFRZW") it is
# no franc.
_SYMBOL_RX = (r"US\$|R\$|(?<![A-Za-z])(?:HK|AU|CA|NZ|[SAC])\$|[€$£₹¥₺]|(?<=\d)(?-i:TL)\b|(?<=\d )(?-i:TL)\b|(?<=\d )лв\.?|(?<![A-Za-z])SFr(?:\.|(?![A-Za-z]))|(?<![A-Za-z.\-–/@])(?<![-–/] )Fr\.|\b(?-i:Rs|RS)\.?(?=[\s\d]|$)|\b(?-i:RM)(?=\s*[(\-–]?\s*\d)|zł|"
              r"(?<=\d)zl\b|(?<=\d )zl\b|(?<=\d )lei\b|\bKč|\beuros?\b|\bkr\.?(?=\s*\d|\s*$)")
SYMBOL_RX = _SYMBOL_RX
# a code may touch the amount after it ("EUR1.234,56", "USD1,234.56"): a word boundary or a digit ends it
_CURRENCY_TOKEN = compile_guarded(r"%s|\b(?:%s)(?:\b|(?=\d))" % (_SYMBOL_RX, "|".join(sorted(ISO_CURRENCIES))), re.I)
_SYMBOL_CODES = {k.lower(): v for k, v in CURRENCY_SYMBOLS.items()}
# digits with optional group separators (dot, comma, apostrophe, thin/normal space) and a decimal part
_AMOUNT_BODY = re.compile(r"^\d{1,3}(?:[.,'\u2019\u202f\u00a0 ]\d{2,3})*(?:[.,]\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")


# one separator for both the thousands groups and the cents ("7,502,93", "1.234.56")
REGROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*\1\d{2}")


_MISREAD_APOSTROPHE = re.compile(r"(?<=\d)[:°´`](?=\d{3}(?:['\u2019:°´`]\d{3})*[.,]\d{2}\)?-?$)")
_SWISS_ROUND = re.compile(r"(?<=\d)[.,][-\u2013\u2014]+$")
_SENTENCE_END = re.compile(r"(?<=[.,]\d\d)[.,;]$")
_NON_DIGIT = re.compile(r"\D")


# digits of the largest amount read (a trillion with its cents): a longer run of digits is a
# code ("4583164573846519900064429000…", a Finnish giro slip's virtual bar code), and reading
# it as money would outgrow the decimal context's 28 digits in later arithmetic
MAX_AMOUNT_DIGITS = 15


# A document prints the same few amounts many times and every field, table and cross-check
# reads them again: the parse is a pure function of the text, so each is parsed once.
@lru_cache(maxsize=8192)
def parse_amount(text: str, decimal_sep: Optional[str] = None) -> Optional[Decimal]:
    """Parse a printed money amount into a Decimal, or return None if it is not one.

    Accepts currency symbols or ISO codes before or after, leading or trailing minus,
    parentheses for negatives, thousands separators of any kind (including spaces, the
    apostrophe and Indian 2-digit grouping) and both decimal conventions. A single separator
    followed by exactly three digits is ambiguous ("1.234"); ``decimal_sep`` (the document's
    majority convention) decides, and without it the separator is read as a thousands mark.
    """
    s = _CURRENCY_TOKEN.sub("", text).strip().replace("\u2212", "-")
    # OCR reads the Swiss apostrophe of "13'222.95" as a colon, degree sign or accent: only
    # between a digit and three digits that end in cents is it a group mark
    s = _MISREAD_APOSTROPHE.sub("'", s)
    # Swiss round amounts "120.–" / "120.-" mean 120.00, not a trailing minus
    s = _SWISS_ROUND.sub("", s)
    negative = False
    # accounting software (Tally) signs an adjustment row with a bracketed sign before the
    # amount: "(-)0.24" is minus 0.24, "(+)0.40" plus 0.40
    if s[:3] in ("(-)", "(+)"):
        negative, s = s[1] == "-", s[3:].strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.endswith("-"):
        negative, s = True, s[:-1].strip()
    if s.startswith("-"):
        negative, s = True, s[1:].strip()
    if s.startswith("+"):
        s = s[1:].strip()
    s = s.rstrip(":").strip()
    # a full stop or comma ending a sentence after the cents ("Totale EUR 2.304,25.")
    s = _SENTENCE_END.sub("", s)
    if s.startswith(".") and _CURRENCY_TOKEN.search(text):
        s = s[1:]  # "INR.35,652.19": the dot belongs to the currency code
    if not s or not _AMOUNT_BODY.match(s):
        return None
    if sum(c.isdigit() for c in s) > MAX_AMOUNT_DIGITS:
        return None  # a giro slip's virtual bar code or an account number, not money
    seps = [(i, c) for i, c in enumerate(s) if not c.isdigit()]
    if not seps:
        return _signed(Decimal(s), negative)
    last_i, last_c = seps[-1]
    tail = len(s) - last_i - 1
    if last_c in ".," and tail in (1, 2):
        int_part, frac = s[:last_i], s[last_i + 1:]
        if any(c == last_c for _, c in seps[:-1]):
            # "1.234.56": the decimal mark cannot also group, unless the page's amounts say a
            # comma is the decimal mark and the rest are whole thousands groups: then OCR (or
            # a careless print) repeated it for the group mark ("7,502,93"). The value is
            # doubted where it is weighed (``regrouped``). On a dot page "2.690.27" is left
            # unparsed: the amounts' second reading (``amount_reread``) mends it from the image.
            if not (decimal_sep == last_c == "," and tail == 2 and REGROUPED.fullmatch(s)):
                return None
    elif last_c in ".," and tail == 3 and len(seps) == 1 and decimal_sep == last_c:
        int_part, frac = s[:last_i], s[last_i + 1:]
    else:
        int_part, frac = s, ""
        if len({c for _, c in seps}) > 1:
            return None
    digits = _NON_DIGIT.sub("", int_part)
    try:
        value = Decimal(digits + ("." + frac if frac else ""))
    except InvalidOperation:
        return None
    return _signed(value, negative)


def _signed(value: Decimal, negative: bool) -> Decimal:
    return -value if negative else value


def format_amount(value: Decimal) -> str:
    """Normalise an amount to the two-decimal string of the value convention."""
    return str(value.quantize(Decimal("0.01")))


def currency_code(token: str) -> Optional[str]:
    """ISO code of one printed currency token ("€", "Rs.", "RM", "SFr.", "usd"); None for
    a token that names no single currency ("kr" is Swedish, Norwegian or Danish)."""
    tok = token.strip()
    if tok in AMBIGUOUS_SYMBOLS or tok.lower() in ("kr", "kr."):
        return None
    code = _SYMBOL_CODES.get(tok.lower()) or _SYMBOL_CODES.get(tok.lower().rstrip("."))
    if code:
        return code
    return tok.upper() if tok.upper() in ISO_CURRENCIES else None


@lru_cache(maxsize=8192)  # asked of every amount's word and its neighbours: the same few texts
def currency_in(text: str) -> Optional[str]:
    """Return the ISO code of the first unambiguous currency symbol or code found in ``text``."""
    for m in _CURRENCY_TOKEN.finditer(text):
        code = currency_code(m.group(0))
        if code:
            return code
    return None


MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "marz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "okt": 10, "dez": 12, "jän": 1, "mrz": 3,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "fév": 2, "avr": 4, "juil": 7, "déc": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "mrt": 3, "okt.": 10,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "dezembro": 12, "fev": 2, "out": 10,
    # Polish: dates print the genitive ("4 marca 2026"); headers sometimes the nominative
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    "styczeń": 1, "luty": 2, "marzec": 3, "kwiecień": 4, "maj": 5, "czerwiec": 6, "lipiec": 7,
    "sierpień": 8, "wrzesień": 9, "październik": 10, "listopad": 11, "grudzień": 12,
    # and the three-letter abbreviations of invoicing programs ("16 sty 2026", "14 lut 2026")
    "sty": 1, "lut": 2, "kwi": 4, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10, "lis": 11, "gru": 12,
    # Czech: the genitive of a date ("8. ledna 2026") and the nominative of headers
    "ledna": 1, "února": 2, "března": 3, "dubna": 4, "května": 5, "června": 6, "července": 7,
    "srpna": 8, "září": 9, "října": 10, "listopadu": 11, "prosince": 12,
    "leden": 1, "únor": 2, "březen": 3, "duben": 4, "květen": 5, "červen": 6, "červenec": 7,
    "srpen": 8, "říjen": 10, "prosinec": 12,
    # Slovak genitives ("8. januára 2026"); "marca", "mája" are the Polish ones above
    "januára": 1, "februára": 2, "apríla": 4, "júna": 6, "júla": 7, "augusta": 8, "septembra": 9,
    "októbra": 10, "novembra": 11, "decembra": 12,
    # Danish, Norwegian, Swedish (the rest are the German or English spellings above)
    "marts": 3, "augusti": 8, "desember": 12, "januari": 1, "februari": 2,
    # the German abbreviation of März keeps its umlaut ("3. Mär. 2026")
    "mär": 3,
    # Finnish: a date prints the partitive ("4. maaliskuuta 2026"), a header the nominative
    "tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4, "toukokuuta": 5, "kesäkuuta": 6,
    "heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9, "lokakuuta": 10, "marraskuuta": 11, "joulukuuta": 12,
    "tammikuu": 1, "helmikuu": 2, "maaliskuu": 3, "huhtikuu": 4, "toukokuu": 5, "kesäkuu": 6,
    "heinäkuu": 7, "elokuu": 8, "syyskuu": 9, "lokakuu": 10, "marraskuu": 11, "joulukuu": 12,
    # Hungarian ("2026. március 4.", year first: ``YMD_WORDS``) and its abbreviations
    "január": 1, "február": 2, "március": 3, "április": 4, "május": 5, "június": 6, "július": 7,
    "augusztus": 8, "szeptember": 9, "október": 10,
    "febr": 2, "márc": 3, "ápr": 4, "máj": 5, "jún": 6, "júl": 7, "szept": 9,
    # Romanian ("4 martie 2026"; "mai" and "august" are above)
    "ianuarie": 1, "februarie": 2, "martie": 3, "aprilie": 4, "iunie": 6, "iulie": 7,
    "septembrie": 9, "octombrie": 10, "noiembrie": 11, "decembrie": 12,
    # Estonian ("4. märts 2026"; "mai", "august", "september", "november" are above)
    "jaanuar": 1, "veebruar": 2, "märts": 3, "aprill": 4, "juuni": 6, "juuli": 7, "oktoober": 10, "detsember": 12,
    # Turkish ("4 Mart 2026"); the dotless ı has no plain form to fold to, so both spellings
    "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "mayis": 5, "haziran": 6, "temmuz": 7,
    "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "kasim": 11, "aralık": 12, "aralik": 12,
    # Latvian: a date prints the locative ("2026. gada 4. martā", ``YMD_BALTIC``), a header the
    # nominative ("marts" is the Danish one above)
    "janvārī": 1, "februārī": 2, "martā": 3, "aprīlī": 4, "maijā": 5, "jūnijā": 6, "jūlijā": 7,
    "augustā": 8, "septembrī": 9, "oktobrī": 10, "novembrī": 11, "decembrī": 12,
    "janvāris": 1, "februāris": 2, "aprīlis": 4, "maijs": 5, "jūnijs": 6, "jūlijs": 7, "augusts": 8,
    "septembris": 9, "oktobris": 10, "novembris": 11, "decembris": 12,
    # Lithuanian: a date prints the genitive ("2026 m. kovo 4 d."), a header the nominative
    "sausio": 1, "vasario": 2, "kovo": 3, "balandžio": 4, "gegužės": 5, "birželio": 6, "liepos": 7,
    "rugpjūčio": 8, "rugsėjo": 9, "spalio": 10, "lapkričio": 11, "gruodžio": 12,
    "sausis": 1, "vasaris": 2, "kovas": 3, "balandis": 4, "gegužė": 5, "birželis": 6, "liepa": 7,
    "rugpjūtis": 8, "rugsėjis": 9, "spalis": 10, "lapkritis": 11, "gruodis": 12,
    # an audit against CLDR's month names (babel) for the languages above: the forms missing
    # here, but for abbreviations of three letters that are words elsewhere ("des", "led",
    # "pro", "sub") and the Croatian names, whose "listopad" is October where the Polish and
    # Czech one is November
    "novembro": 11, "apríl": 4, "marec": 3, "mája": 5,  # Portuguese, Slovak
    "jaan": 1, "veebr": 2, "dets": 12,  # Estonian abbreviations ("9. veebr. 2026")
    "jūl": 7, "jūn": 6,  # Latvian abbreviations
    "saus": 1, "birž": 6, "liep": 7, "rugp": 8, "rugs": 9, "spal": 10, "lapkr": 11, "gruod": 12,  # Lithuanian
    "ian": 1, "iun": 6, "iul": 7,  # Romanian abbreviations
    "avgust": 8, "julij": 7, "junij": 6, "avg": 8,  # Slovenian
    # Slovenian genitives ("15. januarja 2026"; "marca", "aprila", "maja" are above)
    "januarja": 1, "februarja": 2, "junija": 6, "julija": 7,
    # Serbian and Bosnian (Latin script): "15. mart 2026", "15. marta 2026."
    "januara": 1, "februara": 2, "marta": 3, "aprila": 4, "juna": 6, "jula": 7, "avgusta": 8,
    "septembar": 9, "oktobar": 10, "oktobra": 10, "novembar": 11, "decembar": 12,
    # Croatian, nominative and genitive ("15. ožujka 2026."), but for "listopad(a)": October
    # in Croatian, November in Polish and Czech, it stays the Polish one above
    "siječanj": 1, "siječnja": 1, "veljača": 2, "veljače": 2, "ožujak": 3, "ožujka": 3, "travanj": 4, "travnja": 4,
    "svibanj": 5, "svibnja": 5, "lipanj": 6, "lipnja": 6, "srpanj": 7, "srpnja": 7, "kolovoz": 8, "kolovoza": 8,
    "rujan": 9, "rujna": 9, "studeni": 11, "studenoga": 11, "studenog": 11, "prosinac": 12, "prosinca": 12,
}
# OCR and plain-ASCII printers drop accents ("marco", "wrzesnia"): accept the folded names too
MONTHS.update({"".join(c for c in unicodedata.normalize("NFD", m) if not unicodedata.combining(c)).replace("ł", "l"): n
               for m, n in list(MONTHS.items())})


def longest_first_alternation(words) -> str:
    """A regex alternation of the literal ``words`` that tries, wherever several match, the
    longest first: the same matches as ``"|".join(words sorted longest first)``. It is written
    as a tree of shared prefixes ("mar(?:ch|s|zec|ca|)"), so the engine reads a word's
    first letters once instead of trying each of some 190 month names in turn at every
    position (the flat list was most of the date search's time). Two words can match at one
    place only when one is a prefix of the other, and the tree tries a longer continuation
    before the end of a shorter word, so the order among them is the flat list's."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: dict) -> str:
    options = [re.escape(ch) + _group(child) for ch, child in node.items() if ch]
    if "" in node:
        options.append("")  # the word ending here: tried after every longer one
    return "|".join(options)


def _group(node: dict) -> str:
    if list(node) == [""]:
        return ""
    inner = _branches(node)
    return f"(?:{inner})" if "|" in inner else inner


_MONTH_ALT = longest_first_alternation(MONTHS)
NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?![\d])")
# "4 Mar 2026", "4-Mar-26", "04-Mar-2026", "4. März 2026", "4 de marzo de 2026", "4 marca 2026 r."
# Two digits after the month are its year only where no month name follows them: in "16 de
# enero de | 15 de enero de" (two dates whose years wrapped to the next line) or "25. jaanuar
# 23. jaanuar", they are the next date's day.
_NEXT_DAY = r"\d{2}(?!\.?\s*(?:de\s+)?(?:%s)(?!\w))" % _MONTH_ALT
DMY_WORDS = re.compile(r"(?i)(?<!\w)(\d{1,2})(?:\.|st|nd|rd|th)?[\s/-]*(?:de\s+)?(%s)\.?,?[\s/-]*(?:de\s+)?(\d{4}|%s)(?!\d|[.,]\d)"
                       % (_MONTH_ALT, _NEXT_DAY))
# Czech and Slovak day-first dates with a space after each dot ("8. 1. 2026", "8.1. 2026"):
# the year has four digits, so no pair of amounts or a section number reads as one
SPACED_DATE = re.compile(r"(?<![\d.,])(\d{1,2})\. ?(\d{1,2})\. ?((?:19|20)\d\d)(?![\d]|[.,]\d)")
MDY_WORDS = re.compile(r"(?i)(?<!\w)(%s)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})(?!\d)" % _MONTH_ALT)
# a day and a month name with no year after them ("24. März" over "2026" in a narrow cell): a
# date whose year a line break took
DAY_MONTH_ONLY = re.compile(r"(?i)(?<![\w.])(\d{1,2})(?:\.|st|nd|rd|th)?\s*(?:de\s+)?(%s)\.?(?!\w)(?![\s,./-]*(?:de\s+)?(?:\d{4}|%s)(?![\d.]))"
                            % (_MONTH_ALT, _NEXT_DAY))
# Hungarian dates put the year first, each part closed by a dot: "2026. március 4.",
# "2026. márc. 4.", "2026. 03. 04." (the unspaced "2026.03.04." is ``NUMERIC_DATE``'s)
YMD_WORDS = re.compile(r"(?i)(?<![\w.,])((?:19|20)\d\d)\.\s*(%s)\.?\s+(\d{1,2})\.?(?![\d]|[.,]\d)" % _MONTH_ALT)
YMD_SPACED = re.compile(r"(?<![\d.,])((?:19|20)\d\d)\. (\d{1,2})\. ?(\d{1,2})\.(?!\d)")
# Latvian and Lithuanian written dates put the year first with the word for "year" after it:
# "2026. gada 4. martā" (day, then month) and "2026 m. kovo 4 d." (month, then day)
YMD_BALTIC = re.compile(r"(?i)(?<![\w.,])((?:19|20)\d\d)(?:\.?\s*g(?:ada|\.)\s+(\d{1,2})\.\s*(%s)"
                        r"|\s*m\.\s*(%s)\s+(\d{1,2})\s*d\.?)(?!\w)" % (_MONTH_ALT, _MONTH_ALT))
DATE_PATTERNS = (NUMERIC_DATE, SPACED_DATE, DMY_WORDS, MDY_WORDS, YMD_WORDS, YMD_SPACED, YMD_BALTIC)


# "listopad(a)" is November in Polish ("15 listopada 2026 r.") and October in Croatian, which
# writes the day as an ordinal ("15. listopada 2026."): a day with its dot before it may be
# either, so the date is as unsure as a numeric one whose order the page does not prove
_DOTTED_DAY_LISTOPAD = re.compile(r"\d\.\s*listopad", re.I)


def _two_senses(matched: str, month: str) -> bool:
    return month.lower().startswith("listopad") and month.lower() != "listopadu" and bool(_DOTTED_DAY_LISTOPAD.search(matched))


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) == 2 and n < 70 else n + 1900 if len(y) == 2 else n


def _make(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d) if 1970 <= y <= 2099 else None
    except ValueError:
        return None


def parse_date(text: str, order: Optional[str] = None) -> Optional[tuple[date, bool]]:
    """Find the first date in ``text``; return (date, ambiguous) or None.

    Numeric forms: ISO year-first, day-first with dots (German usage is always day-first),
    and slash/dash forms whose order is taken from the unambiguous parts, else from
    ``order`` ("dmy" or "mdy", the document's locale evidence), else day-first. ``ambiguous``
    is True when both readings are valid dates; the caller knows whether ``order`` was proven
    by the document or only guessed, and lowers the confidence in the latter case.
    """
    best: Optional[tuple[int, date, bool]] = None
    for m in NUMERIC_DATE.finditer(text):
        a, sep, b, c = m.groups()
        if len(a) == 4:
            found, amb = _make(int(a), int(b), int(c)), False
        elif len(a) > 2:
            continue
        else:
            y = _year(c)
            dmy, mdy = _make(y, int(b), int(a)), _make(y, int(a), int(b))
            amb = bool(dmy and mdy and dmy != mdy) and sep != "."  # dotted dates are day-first by convention
            if sep == "." or order != "mdy":
                found = dmy or mdy
            else:
                found = mdy or dmy
        if found:
            best = (m.start(), found, amb)
            break
    m = SPACED_DATE.search(text)
    if m and (best is None or m.start() < best[0]):
        found = _make(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if found:
            best = (m.start(), found, False)  # dotted: day-first by convention
    m = YMD_SPACED.search(text)
    if m and (best is None or m.start() < best[0]):
        found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            best = (m.start(), found, False)  # year first: month then day, by convention
    for rx, fields in ((DMY_WORDS, (0, 1, 2)), (MDY_WORDS, (1, 0, 2)), (YMD_WORDS, (2, 1, 0))):
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            g = m.groups()
            d, mon, y = g[fields[0]], g[fields[1]], g[fields[2]]
            found = _make(_year(y), MONTHS[mon.lower()], int(d))
            if found:
                best = (m.start(), found, _two_senses(m.group(0), mon))
    m = YMD_BALTIC.search(text)
    if m and (best is None or m.start() < best[0]):
        y, d_lv, mon_lv, mon_lt, d_lt = m.groups()
        found = _make(int(y), MONTHS[(mon_lv or mon_lt).lower()], int(d_lv or d_lt))
        if found:
            best = (m.start(), found, False)
    return (best[1], best[2]) if best else None


def date_order_evidence(text: str) -> Optional[str]:
    """Return "dmy" or "mdy" when some slash/dash date in ``text`` can only be read one way."""
    votes = {"dmy": 0, "mdy": 0}
    for m in NUMERIC_DATE.finditer(text):
        a, sep, b, _ = m.groups()
        if len(a) > 2 or sep == ".":
            continue
        if int(a) > 12 >= int(b):
            votes["dmy"] += 1
        elif int(b) > 12 >= int(a):
            votes["mdy"] += 1
    if votes["dmy"] == votes["mdy"]:
        return None
    return "dmy" if votes["dmy"] > votes["mdy"] else "mdy"


# groups of four are separated by spaces; OCR sometimes reads one of them as "." (the
# mod-97 check keeps that tolerance from accepting anything else)
# the check digits may be read as their letter lookalikes ("ITS6"): the repair below reads
# them back as digits
IBAN_RE = re.compile(r"\b([A-Z]{2}[\dOQDSILZBG]{2}(?:[ .]?[A-Z0-9]){11,30})\b")
_IBAN_START = re.compile(r"\b[A-Z]{2}[\dOQDSILZBG]{2}")


@lru_cache(maxsize=4096)
def iban_valid(iban: str, national_check: bool = True) -> bool:
    """True when ``iban`` (spaces allowed) has its country's length and format and passes
    the ISO 7064 mod-97 check (python-stdnum knows every country's rules); with
    ``national_check`` also the country's own check digits inside the account number
    (Spain's CCC, Belgium's, ...), which catch a misread the mod-97 check lets through."""
    return stdnum_iban.is_valid(iban, check_country=national_check)


_IBAN_DB = numdb.get("iban")
_BBAN_PART = re.compile(r"(\d+)!")


@lru_cache(maxsize=None)
def iban_length(country: str) -> Optional[int]:
    """The length of an IBAN of ``country`` in python-stdnum's registry (None: no such
    country). A string of any other length cannot pass ``iban_valid``, so the search asks
    the full check only of strings of the right length."""
    props = _IBAN_DB.info(country)[0][1]
    bban = props.get("bban") if len(country) == 2 and country.isalpha() else None
    return 4 + sum(int(n) for n in _BBAN_PART.findall(bban)) if bban else None


def upper_in_place(text: str) -> str:
    """``text`` in capitals letter for letter: "ß".upper() is "SS", which would move every
    offset after it (a match's position must stay the word's)."""
    upper = text.upper()
    return upper if len(upper) == len(text) else "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in text)


# every line is searched by the vendor resolution, the conventions and the IBAN field alike
@lru_cache(maxsize=8192)
def find_iban(text: str, national_check: bool = True) -> Optional[tuple[str, int, int]]:
    """First valid IBAN in ``text`` as (normalised, start, end); trailing groups are trimmed until valid.

    The IBAN as read is tried first, then as repaired for OCR lookalikes (``iban_repair``:
    0/O, 5/S, 8/B ... by what the country's format puts at each position); the check
    digits decide. ``national_check=False`` accepts an IBAN that passes mod 97 but not its
    country's inner check digits: only for comparing with accounts already on file."""
    upper = upper_in_place(text)
    # every start, not only where the last match ended: "PL2975273632 Konto PL42 2199 …" reads
    # as one run of groups from the VAT id on, and the IBAN inside it starts further right
    for start in _IBAN_START.finditer(upper):
        m = IBAN_RE.match(upper, start.start())
        if m is None:
            continue
        raw = m.group(1)
        length = iban_length(raw[:2])
        if length is None:
            continue
        for end in range(len(raw), 14, -1):
            cand = raw[:end].replace(" ", "").replace(".", "")
            if len(cand) != length:
                continue
            for fixed in dict.fromkeys((cand, repair(cand), repair(cand, c_as_digit=True))):
                if iban_valid(fixed, national_check):
                    return fixed, m.start(1), m.start(1) + end
    return None


VAT_PATTERNS = {
    "DE": r"DE ?\d{3} ?\d{3} ?\d{3}", "AT": r"ATU ?\d{8}", "FR": r"FR ?[0-9A-HJ-NP-Z]{2} ?\d{3} ?\d{3} ?\d{3}",
    "NL": r"NL ?\d{9} ?B\d{2}", "BE": r"BE ?0?\d{3}\.?\d{3}\.?\d{3}", "GB": r"GB ?\d{3} ?\d{4} ?\d{2}(?: ?\d{3})?",
    "IT": r"IT ?\d{11}", "ES": r"ES ?[A-Z0-9]\d{7}[A-Z0-9]", "LU": r"LU ?\d{8}", "PL": r"PL ?\d{10}", "PT": r"PT ?\d{9}",
    "CH": r"CHE[- ]?\d{3}\.?\d{3}\.?\d{3}", "DK": r"DK ?\d{8}", "SE": r"SE ?\d{12}", "IE": r"IE ?\d{7}[A-Z]{1,2}",
    "IN": r"\d{2}[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]",  # GSTIN
}
VAT_RE = re.compile(r"(?<![A-Z0-9])(?:%s)(?![A-Z0-9])" % "|".join(VAT_PATTERNS.values()))


_VAT_SEPARATORS = re.compile(r"[\s.\-]")
_ID_SEPARATORS = re.compile(r"[\s.\-/]")


def find_vat_ids(text: str) -> list[tuple[str, int, int]]:
    """All VAT ids (EU country patterns and Indian GSTIN) in ``text``, normalised without spaces/dots."""
    return list(_vat_ids(text))


@lru_cache(maxsize=8192)
def _vat_ids(text: str) -> tuple[tuple[str, int, int], ...]:
    upper = text.upper()
    found = [(_VAT_SEPARATORS.sub("", m.group(0)), m.start(), m.end()) for m in VAT_RE.finditer(upper)]
    # a GSTIN with an OCR lookalike in its digits or letters fails the pattern; its check
    # character confirms the one reading its format allows (``tax_id_repair``)
    taken = {s for _, s, _ in found}
    for m in LOOSE_GSTIN.finditer(upper):
        fixed = repaired_gstin(m.group(0)) if m.start() not in taken else None
        if fixed:
            found.append((fixed, m.start(), m.end()))
    return tuple(sorted(found, key=lambda f: f[1]))


def normalise_id(text: str) -> str:
    """Compare-form of identifiers: upper case without spaces, dots and dashes."""
    return _ID_SEPARATORS.sub("", text).upper()
