"""The header row of a line-item table and the columns it names.

A header is a line whose words are mostly column names (description, quantity, unit price,
amount, and the columns around them: position, article number / HSN-SAC code, unit,
discount, tax rate, tax amount, net and gross amount) in English, German, French, Spanish,
Italian, Dutch, Portuguese, Polish, Swedish, Danish, Norwegian, Finnish, Czech, Hungarian,
Romanian and Indian GST usage, matched on accent-folded text.
A name split over two header lines ("Unit" over "Price", "CGST" over "Rate  Amt") is read
by joining the line under the header when it holds only column words.

Each named column owns the stretch of the page between the midpoints to its neighbours, so
numbers printed under it right-aligned, centred or left-aligned all land in it; this needs
neither ruling lines nor a proportional font (a monospaced print is the same geometry).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, union_box
from invoicepipe.domain.extraction.pattern_set import compile_guarded

TAXES = r"(?:vat|tax|gst|[cisu]gst|mwst|ust|tva|iva|btw|vat|igic|podatek|steuer|moms|mva|alv|dph|sst|hst|pst|qst|kdv|ppn|afa|pvm|pvn|pdv|ddv)"
# Longer names win over shorter ones they contain ("unit price" over "unit", "net amount"
# over "amount"); among equally long ones the order here decides.
KINDS: tuple[tuple[str, str], ...] = (
    ("tax_rate", rf"{TAXES}\s*-?\s*(?:%|rate|satz|taux|tarief|tipo|aliquota|taxa|stawka)|(?:rate|satz|taux|tasa|stawka|aliquota|taxa|tarief|cota)\s*(?:{TAXES}\s*%?|%|\(%\))|{TAXES}\s*kulcs|"
                 rf"steuersatz|(?:moms|mva)\s*-?\s*sats|sazba(?:\s*dph)?|%\s*{TAXES}|{TAXES}\s*\(%\)|km\s*%|kdv\s*orani|%"),
    ("tax_amount", rf"{TAXES}\s*-?\s*(?:amount|amt\.?|betrag|montant|importe|importo|bedrag|kwota|valor|wartosc|ertek|osszeg)|(?:montant|importe|cuota|kwota|valor|importo|valoarea?)\s*{TAXES}|"
                   rf"steuerbetrag|(?:moms|mva)\s*-?\s*bel(?:opp|ob|op)|imposta|cuota|{TAXES}"),
    ("net", r"net\s*(?:amount|value|total)?|(?:amount|total|value)\s*\(?\s*(?:net|excl\.?(?:\s*\w+)?)\s*\)?|taxable\s*(?:value|amount)|"
            r"netto\s*(?:betrag|wert)?|(?:gesamt|betrag)\s*netto|montant\s*ht|total\s*ht|prix\s*total\s*ht|base(?:\s*imponible)?|imponibile|"
            r"importe\s*neto|wartosc\s*netto|bedrag\s*excl\.?(?:\s*btw)?|excl\.?\s*(?:vat|btw|tax|gst)|valor\s*liquido|neto|"
            r"(?:belopp\s*)?(?:exkl|ekskl)\.?\s*(?:moms|mva)|veroton|bez\s*dph|zaklad(?:\s*dph)?|netto\s*ertek|(?:valoarea?|total)\s*fara\s*tva"),
    ("gross", r"gross\s*(?:amount|value|total)?|(?:amount|total)\s*\(?\s*incl\.?\s*\w*\s*\)?|brutto\s*(?:betrag|wert)?|(?:gesamt|betrag)\s*brutto|"
              r"montant\s*ttc|total\s*ttc|ttc|wartosc\s*brutto|bedrag\s*incl\.?(?:\s*btw)?|incl\.?\s*(?:vat|btw|tax|gst)|totale\s*ivato|"
              r"importe\s*total|valor\s*total\s*c(?:om)?\s*iva|(?:belopp\s*)?inkl\.?\s*(?:moms|mva)|verollinen|s\s*dph|brutto\s*ertek|(?:valoarea?|total)\s*cu\s*tva"),
    ("unit_price", r"unit\s*(?:price|cost|rate)|(?:netto|brutto)\s*-?\s*(?:einzel)?preis|(?:net|gross)\s*(?:unit\s*)?price|preis\s*(?:netto|brutto)|"
                   r"prix\s*(?:unitaire\s*)?(?:net|brut)|price\s*(?:per\s*unit|each)?|rate|einzelpreis|e-?preis|stuckpreis|preis(?:\s*je\s*einheit)?|"
                   r"p\.?\s*u\.?(?:\s*ht)?|prix\s*(?:unitaire|unit\.?)?(?:\s*ht)?|prijs(?:\s*per\s*stuk)?|stukprijs|eenheidsprijs|"
                   r"precio(?:\s*unit(?:ario|\.)?)?|prezzo(?:\s*unit(?:ario|\.)?)?|preco(?:\s*unit(?:ario|\.)?)?|valor\s*unit(?:ario|\.)?|"
                   r"cena\s*za\s*(?:jednotku|m\.?\s*j\.?)|cena(?:\s*(?:jedn\.?|jednostkowa)(?:\s*netto)?|\s*netto)?|each|mrp|"
                   r"a\s*-?\s*pris|pris(?:\s*per\s*(?:st|stk|enhet|enhed))?|styckpris|stk\.?\s*-?\s*pris|enhe(?:t|d)s\s*-?\s*pris|"
                   r"a\s*-?\s*hinta|yksikkohinta|hinta|jedn(?:otkova)?\.?\s*cena|(?:vnt\.?\s*|vieneto\s*)?kaina|(?:uhiku\s*)?hind|uhikuhind|"
                   r"birim\s*fiyat[iı]?|fiyat|(?:jed\.?\s*)?cijena|(?:netto\s*)?egysegar|pret(?:\s*unitar)?(?:\s*\(?\s*fara\s*tva\s*\)?)?|"
                   # German compounds name the price by what it is ("Listenpreis", "Verkaufspreis");
                   # a total price ("Gesamtpreis") is the line amount
                   r"(?!gesamt|end)[a-z]{3,}preis"),
    ("quantity", r"qty\.?|quantity|(?:[a-z]{3,})?menge|anzahl|quantite|qte\.?|aantal|hoeveelheid|cantidad|cant\.?|uds\.?|unidades|quantita|q\.?\s*ta|qta|"
                 r"quantidade|qtd\.?|qde\.?|ilosc|il\.|pcs|nos\.?|antal|antall|mangd|maara|kpl|mnozstvi|menny(?:iseg|\.)?|cantitate|"
                 r"kiekis|daudzums|kogus|miktar|mnozstvo|kolicina"),
    ("unit", r"units?|uom|u/m|einheit|eh|me|unite|eenheid|unidad|ud\.?|u\.?\s*m\.?|unita|unidade|un\.|j\.?\s*m\.?|jedn\.?|per|"
             r"enh(?:et|ed)?\.?|yks(?:ikko)?\.?|jednotka|m\.?\s*j\.?|mato\s*vnt\.?|vnt\.?|merv\.?|mervieniba|uhik|birim|jed\.?\s*mj\.?"),
    ("discount", r"disc(?:ount)?\.?\s*%?|rabatt\s*%?|remise\s*%?|korting\s*%?|descuento\s*%?|dto\.?\s*%?|sconto\s*%?|desconto\s*%?|rabat\s*%?|alennus\s*%?|sleva\s*%?|"
                 r"nuolaida\s*%?|atlaide\s*%?|allahindlus\s*%?|[iİı]skonto\s*%?|popust\s*%?"),
    ("sku", r"hsn\s*/?\s*(?:sac)?|sac|hsn\s*code|sku|art(?:ikel)?\.?\s*-?\s*(?:nr\.?|no\.?|nummer)|item\s*(?:no\.?|code|#)|product\s*(?:code|no\.?)|"
            r"part\s*(?:no\.?|number)|code|ref(?:erence)?\.?|ref\.|reference|referencia|riferimento|codice|codigo|cod\.?|artikelnr\.?|"
            r"bestellnr\.?|mat(?:erial)?\.?\s*-?\s*nr\.?|indeks|kod|symbol|artikelnummer|var[eu]\s*-?\s*(?:nr\.?|nummer)|varenummer|"
            r"tuote(?:nro|numero|koodi)|kod\s*zbozi|cikkszam|kodas|kods|kood"),
    ("position", r"pos\.?|position|s\.?\s*no\.?|sr\.?\s*no\.?|sl\.?\s*no\.?|#|nr\.?|no\.?|lp\.?|l\.p\.|n[°o]|line|ln|zeile|ligne|lijn|linea|riga|linha|"
                 r"ssz\.?|nr\.?\s*crt\.?"),
    ("description", r"description(?:\s*of\s*goods(?:\s*/\s*services)?)?|particulars|items?\s*description|article|artikel|bezeichnung|beschreibung|"
                    r"leistung|artikelbezeichnung|designation|libelle|product|produkt|omschrijving|descripcion|concepto|descrizione|"
                    r"descricao|items?|nazwa(?:\s*towaru(?:\s*/\s*uslugi)?)?|towar|goods|services?|details|text|"
                    r"benamning|beskrivning|beskrivelse|varebeskrivelse|specifikation|kuvaus|tuote|nimike|popis|nazev|oznaceni|"
                    r"megnevezes|termek(?:\s*megnevezese)?|denumirea?(?:\s*produselor(?:\s*sau\s*a\s*serviciilor)?)?|descriere|produs|"
                    # Baltic, Turkish, South Slavic and Slovak: "Pavadinimas", "Nosaukums", "Nimetus", "Açıklama", "Naziv", "Názov"
                    r"(?:prekes\s*)?pavadinimas|aprasymas|nosaukums|apraksts|nimetus|kirjeldus|ac[iı]klama|mal\s*(?:/\s*)?hizmet|"
                    r"urun(?:\s*/\s*hizmet)?|naziv|nazov|opis|"
                    r"[a-z]{3,}(?:beschreibung|bezeichnung)"),  # German compounds: "Artikelbeschreibung", "Leistungsbezeichnung"
    ("amount", r"amount|line\s*total|total|betrag|gesamt(?:preis|betrag)?|(?:positions|zeilen|posten|end)(?:betrag|preis|summe)|summe|entgelt|montant|prix\s*total|bedrag|totaal|importe|importo|valor|"
               r"wartosc|kwota|total\s*(?:line|price)|ext(?:ended)?\.?\s*(?:price|amount)?|value|sum|suma|"
               r"belopp|belob|belop|summa|totalt|i\s*alt|yhteensa|celkem|cena\s*celkem|ertek|osszeg|valoarea?|"
               r"tutar[iı]?|iznos|znesek|vrednost|verte|vertiba"),
)
_GLUED_SPECK = re.compile(r"(?<!\S)[\d|!'`.,:;]{1,2}(?=[a-z]{3,})")
_RX = [(kind, re.compile(rf"(?<![\w%])(?:{rx})(?![\w])")) for kind, rx in KINDS]
_ANY_NAME = compile_guarded(r"(?<![\w%])(?:" + "|".join(f"(?:{rx})" for _, rx in KINDS) + r")(?![\w])")
AMOUNT_KINDS = ("net", "amount", "gross")
NUMERIC_KINDS = ("quantity", "unit_price", "discount", "tax_rate", "tax_amount", *AMOUNT_KINDS)
# These alone (with nothing else a table prints) do not make a header: "Total", "No.", "Rate".
_WEAK = {"position", "unit", "sku", "tax_rate", "tax_amount", "discount"}


@dataclass(frozen=True)
class Column:
    kind: str
    x0: float  # where the header's name starts and ends
    x1: float
    lo: float = 0.0  # the stretch of the page the column owns
    hi: float = 0.0
    edge: Optional[tuple[str, float]] = None  # ("right" | "left", x) its numbers align on, when they do
    start: Optional[float] = None  # where its aligned numbers start, leftmost
    edge_y: float = 0.0  # where down the page ``edge`` was measured, and how far it moves
    slope: float = 0.0  # per point further down (a slanted scan or photo; 0 when straight)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Header:
    line: Line
    columns: tuple[Column, ...]
    bottom: float  # lowest edge of the header (two-line headers end lower)
    lines: int = 1  # how many lines the header takes
    left: float = -1e9  # where the table starts, right of a block printed beside it (``table_block``)

    def column(self, kind: str) -> Optional[Column]:
        return next((c for c in self.columns if c.kind == kind), None)

    def kinds(self) -> set:
        return {c.kind for c in self.columns}

    @property
    def text_end(self) -> float:
        """Where descriptions end: at the first numeric column's numbers (or its stretch)."""
        starts = [c.start if c.start is not None else c.lo for c in self.columns if c.kind in NUMERIC_KINDS]
        return min(starts, default=1e9)


@lru_cache(maxsize=8192)  # every line of every page is searched for column names: texts come back
def _searched(text: str) -> str:
    # a speck OCR glued to the front of a name ("2Prijs", "|Amount") is blanked, not
    # deleted, so the offsets still map to the line's words
    return _GLUED_SPECK.sub(lambda m: " " * len(m.group()), fold_accents(text).lower())


def may_head(lines: Sequence[Line]) -> list[bool]:
    """For each of a page's lines, whether it can be a header row: whether any column name
    is on it (``find_header`` finds none on the others).

    All the names, as one pattern, are searched once over the page's lines joined with
    newlines, instead of each name's pattern over each line: most lines carry no column
    name (three in four on the generated sets and corpora). The answer is the same as line
    by line: a name on a line alone also matches in the joined text (a newline passes the
    patterns' word-boundary checks as the ends of a line's text do), so the search either
    finds a match there or has passed it inside a match that touches the line (one
    reaching over a newline with ``\\s*``), and every line a match touches is kept. Only
    the lines kept are searched again, one by one, by ``find_header``.
    """
    texts = [_searched(ln.text) for ln in lines]
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    joined = "\n".join(texts)
    keep = [False] * len(lines)
    for m in _ANY_NAME.finditer(joined):
        first = bisect.bisect_right(starts, m.start()) - 1
        last = max(first, bisect.bisect_right(starts, max(m.start(), m.end() - 1)) - 1)
        for i in range(first, last + 1):
            keep[i] = True
    return keep


def _names(line: Line) -> tuple[tuple[tuple[str, int, int], ...], float]:
    """Column names on ``line`` (kind, start, end) without overlaps, and the share of its
    letters they cover."""
    return _names_in(line.text)


@lru_cache(maxsize=4096)
def _names_in(line_text: str) -> tuple[tuple[tuple[str, int, int], ...], float]:
    # A function of the text alone, kept: find_header reads a header's second line again as
    # the next line, and a vendor's layout prints the same header line on every invoice.
    text = _searched(line_text)
    found = [(kind, m.start(), m.end()) for kind, rx in _RX for m in rx.finditer(text) if m.end() > m.start()]
    order = {k: i for i, (k, _) in enumerate(KINDS)}
    found.sort(key=lambda f: (-(f[2] - f[1]), order[f[0]]))
    taken: list[tuple[str, int, int]] = []
    for kind, s, e in found:
        if all(e <= ts or s >= te for _, ts, te in taken):
            taken.append((kind, s, e))
    letters = sum(1 for ch in text if ch.isalnum() or ch == "%")
    covered = sum(sum(1 for ch in text[s:e] if ch.isalnum() or ch == "%") for _, s, e in taken)
    return tuple(sorted(taken, key=lambda f: f[1])), covered / max(1, letters)


_MIN_COVERAGE = 0.6  # of a header line's letters by names, with three kinds of column or more
_FULL_COVERAGE = 0.9  # with fewer
_MAX_DIGITS = 3


def _is_header(kinds: Sequence[str], coverage: float, line: Line) -> bool:
    strong = set(kinds) - _WEAK
    # without an amount column the amount is quantity x unit price
    has_amount = any(k in AMOUNT_KINDS for k in kinds) or {"quantity", "unit_price"} <= set(kinds)
    digits = sum(ch.isdigit() for ch in line.text)
    enough = len(set(kinds)) >= 3 and coverage >= _MIN_COVERAGE or coverage >= _FULL_COVERAGE
    return has_amount and len(strong) >= 2 and enough and digits <= _MAX_DIGITS


def _cannot_head(coverage: float, line: Line) -> bool:
    """What ``_is_header`` refuses whatever kinds of column are found: too few of the
    line's letters in names, or too many digits. Most lines with a column name are such
    (an address with "Tel", a sentence with "total"), and need not be read further."""
    return coverage < _MIN_COVERAGE or sum(ch.isdigit() for ch in line.text) > _MAX_DIGITS


def find_header(line: Line, below: Optional[Line] = None) -> Optional[Header]:
    """The table header on ``line`` (joined with ``below`` when that is a second header line).
    Whether the line is a header is judged on its names as read; its columns are those names
    with a name set a column's gap apart read as two (``_cells``)."""
    if sum(ch.isdigit() for ch in line.text) > _MAX_DIGITS:  # refused whatever its names (``_cannot_head``), and
        return None  # most lines tried have amounts (those right of a block's gap): no names searched
    names, coverage = _names(line)
    if not names or _cannot_head(coverage, line):
        return None
    named = [(k, line.words_in(s, e)) for k, s, e in names if line.words_in(s, e)]
    judged = [(k, union_box(words)) for k, words in named]
    cells = [cell for k, words in named for cell in _cells(k, words, line.height)]
    bottom, used = line.box.bottom, 1
    if below is not None and below.box.top - line.box.bottom < 1.2 * line.height:
        judged += _hyphenated(line, below, judged)
        cells += _hyphenated(line, below, cells)
        more, more_cov = _names(below)
        if more and more_cov >= 0.8 and not any(ch.isdigit() for ch in below.text):
            second = [(k, union_box(below.words_in(s, e))) for k, s, e in more if below.words_in(s, e)]
            judged, cells = _join_two_lines(judged, second), _join_two_lines(cells, second)
            bottom, used = below.box.bottom, 2
    if not _is_header([k for k, _ in judged], coverage, line):
        return None
    return Header(line, _regions(cells), bottom, used)


# a column's name is set as one phrase: its words stand a space apart, never a column's
# gap (in line heights; a word space is about a third of one)
NAME_GAP = 1.5


def _cells(kind: str, words: Sequence, height: float) -> list:
    """The header cells of a name made of ``words``: one, unless the words stand a column's gap
    apart (``NAME_GAP``); then each run of them is read as a name of its own ("Btw" and "Bedrag",
    the rate's and the amount's columns, are no "Btw bedrag" tax amount)."""
    runs = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word.box.x0 - prev.box.x1 > NAME_GAP * height:
            runs.append([])
        runs[-1].append(word)
    if len(runs) == 1:
        return [(kind, union_box(words))]
    out = []
    for run in runs:
        names, _ = _names_in(" ".join(w.text for w in run))
        out.extend((k, union_box(run)) for k, _, _ in names)
    return out


def _hyphenated(line: Line, below: Line, cells: list) -> list:
    """Names hyphenated over two header lines ("Positions-" over "betrag"): a word of
    ``line`` that is no name and ends in a hyphen, joined with the word right under it, when
    the two together are one name."""
    out = []
    for w in line.words:
        if len(w.text) < 4 or not w.text.endswith("-") or any(b.x0 <= w.box.x0 < b.x1 for _, b in cells):
            continue
        under = [u for u in below.words if u.box.x0 < w.box.x1 and w.box.x0 < u.box.x1]
        if len(under) != 1:
            continue
        joined = w.text[:-1] + under[0].text
        names, coverage = _names_in(joined)
        if len(names) == 1 and coverage >= 0.99:
            out.append((names[0][0], w.box.union(under[0].box)))
    return out


def _join_two_lines(top: list, bottom: list) -> list:
    """A name on the second header line under one on the first refines it ("Unit" over
    "Price" is the unit price, "CGST" over "Amt" a tax amount); a name standing alone adds
    a column."""
    out = list(top)
    for kind, box in bottom:
        i = next((i for i, (_, b) in enumerate(out) if b.x0 < box.x1 and box.x0 < b.x1), None)
        if i is None:
            out.append((kind, box))
            continue
        upper, ubox = out[i]
        merged = ubox.union(box)
        if upper == "unit" and kind in ("unit_price", "amount"):
            out[i] = ("unit_price", merged)
        elif upper in ("tax_amount", "tax_rate") or (kind in ("tax_rate", "tax_amount")):
            out[i] = (kind if kind in ("tax_rate", "tax_amount") else "tax_amount", box)
        elif upper in _WEAK or upper == "description" and kind in NUMERIC_KINDS:
            out[i] = (kind, merged)
    return sorted(out, key=lambda c: c[1].x0)


def _regions(cells: list) -> tuple[Column, ...]:
    cells = sorted(cells, key=lambda c: c[1].x0)
    cols = []
    for i, (kind, box) in enumerate(cells):
        lo = (cells[i - 1][1].x1 + box.x0) / 2 if i else -1e9
        hi = (box.x1 + cells[i + 1][1].x0) / 2 if i + 1 < len(cells) else 1e9
        cols.append(Column(kind, box.x0, box.x1, lo, hi))
    return tuple(cols)


def column_at(header: Header, x0: float, x1: float) -> Optional[Column]:
    """The column a value spanning ``[x0, x1]`` was printed in: the one whose stretch holds
    most of it (a right-aligned number may reach past its header's midpoint)."""
    best, best_overlap = None, 0.0
    for col in header.columns:
        # min(x1, hi) - max(x0, lo) as comparisons (the same first-of-equals picks): asked
        # for every word of every table row against every column
        hi, lo = col.hi, col.lo
        overlap = (hi if hi < x1 else x1) - (lo if lo > x0 else x0)
        if overlap > best_overlap:
            best, best_overlap = col, overlap
    return best
