"""The number's label in a language the vocabulary does not know: the title's word with a number word.

Across Europe the label of an invoice's number is the document's own name with a word or an
abbreviation for "number": "Rechnungs-Nr." under the title "RECHNUNG", "Factuurnr." under
"FACTUUR", "Faktura nr", "Fattura n.", "Laskun numero" under "LASKU", "Račun br.", "Faktura č.".
The name is printed as the title at the head of the first page, in capitals or on a line of
its own. The abbreviations are few and shared by many languages (nr, no, n°, nº, núm, #,
numero, nummer, number, č., br., št., sz.); the names are many, and the page itself says which
one it uses.

Where no label the vocabulary knows names the number, a word that begins like a title word of
the page (the same stem, an inflection apart: "Rechnungs" and "RECHNUNG", "Laskun" and
"LASKU") and ends in, or is followed by, a number abbreviation is taken as the number's label,
weakly (``STRENGTH``): the value stays under every routing threshold, so a person confirms a
number read for them instead of typing one in. Measured on every development set with all
labels but the English ones removed, before writing this; not tuned to any set. A stem that
names another party or paper ("Klient nr" under a buyer block's heading "KLIENT" in capitals,
``caption_stems.names_another``) is no such label (kv-2.46).

Where the title word is the page's heading, set large ("Invoice" beside the seller's address,
"Date | Invoice #" in the box under it), two observations agree: the paper names itself with
the word, and the caption names that paper's number. Such a label reads as one the vocabulary
holds (``HEADING_STRENGTH``, kv-2.53). A word in capitals or alone on its line is no heading
by that alone: a buyer block's "KLIENT" is in capitals too. Nor is the caption a label of
that strength where its number word is one or two letters glued to the stem ("Wartość" under
the letterhead's "WARTA"), where it may be a wrapped caption's lower line, or where a row of
values stands over it (the page prints its values over their captions).
"""

from __future__ import annotations

import re

from invoicepipe.domain.extraction.caption_stems import names_another
from invoicepipe.domain.extraction.labels import LabelHit, across_cells, fold_accents
from invoicepipe.domain.extraction.layout import Layout, Line, heading_height

# under the invoice number's routing threshold through any calibration map (``MAX_LIFT``)
STRENGTH = 0.45
# the title word set large, the page's heading ("Invoice" over the seller's address, "Invoice
# #" in the header row under it): two observations, the paper naming itself with the word and
# the caption naming that paper's number, read as a label the vocabulary holds
HEADING_STRENGTH = 0.8
# the strongest a bare title reads as a number label: anything stronger is a real number label
_TITLE_LABEL = 0.35
_ABBREVIATIONS = r"(?:nr|nro|no|n°|nº|n\.°|num|núm|numero|numéro|número|nummer|number|numer|č|c|br|št|st|sz|#)"
# a stem (four letters or more), then the abbreviation glued, hyphenated or a space apart
_STEM_LABEL = re.compile(r"(?<![^\W_])([^\W\d_]{4,}?)(?:-|\s)?%s\.?(?=[\s:#]|$)" % _ABBREVIATIONS, re.I)
_MIN_TITLE = 5
# the head of the first page: where titles and the number's label stand
_HEAD_SHARE = 0.5
_MIN_HEAD_LINES = 12


def add_title_stem_labels(layout: Layout, hits: dict) -> None:
    """Add an invoice-number label hit where a head line's word is the title's stem with a
    number abbreviation, unless a label the vocabulary knows names the number already."""
    if any(h.field == "invoice_number" and h.strength > _TITLE_LABEL for found in hits.values() for h in found):
        return
    head = _head(layout)
    headings = _headings(layout, head)
    titles = _titles(head) | headings
    if not titles:
        return
    for line in head:
        text = fold_accents(line.text).lower()
        for m in _STEM_LABEL.finditer(text):
            if m.group(0).rstrip(".") in titles:
                continue  # a title word itself ("Ksiegowosc" alone on its line ends in "c", no "č." after a stem)
            if names_another(m.group(1)):
                continue  # "Klient nr" under a buyer block's capitals "KLIENT": the buyer's number
            if across_cells(line.words_in(m.start(), m.end())):
                continue  # "ZAMAWIAJĄCY" a cell before "Numer": a block's heading beside a caption
            if _stem_of_title(m.group(1), titles) and not any(h.start < m.end() and m.start() < h.end for h in hits[id(line)]):
                label = LabelHit("invoice_number", _strength(layout, line, m, headings), "", line, m.start(), m.end())
                hits[id(line)] = sorted([*hits[id(line)], label], key=lambda h: h.start)
                return  # the first such label: the number's, further down another document's


def _strength(layout: Layout, line: Line, m: re.Match, headings: set[str]) -> float:
    """``HEADING_STRENGTH`` for a caption of the heading's word that is surely a caption of its
    own (see the module), ``STRENGTH`` for any other caption of a title's stem."""
    sure = (_stem_of_title(m.group(1), headings) and _marked(m) and not _wrapped(layout, line, m.start())
            and not _figure_over(layout, line, m.start(), m.end()))
    return HEADING_STRENGTH if sure else STRENGTH


def _head(layout: Layout) -> list[Line]:
    if not layout.lines:
        return []
    first = [ln for ln in layout.lines if ln.page == layout.lines[0].page]
    return first[:max(_MIN_HEAD_LINES, int(len(first) * _HEAD_SHARE))]


def _titles(head: list[Line]) -> set[str]:
    """Words of the head printed as titles: in capitals, or alone on their line."""
    out = set()
    for line in head:
        words = [w.text.strip(":.,;") for w in line.words]
        for word in words:
            if len(word) >= _MIN_TITLE and word.isalpha() and (word.isupper() or len(words) == 1):
                out.add(fold_accents(word).lower())
    return out


def _headings(layout: Layout, head: list[Line]) -> set[str]:
    """Words of the head set large: the page's heading, whatever its case and its line."""
    tall = heading_height(layout.by_page.get(head[0].page, ())) if head else 0.0
    if not tall:
        return set()
    return {fold_accents(word).lower() for line in head for w in line.words
            if len(word := w.text.strip(":.,;")) >= _MIN_TITLE and word.isalpha() and w.box.bottom - w.box.top >= tall}


def _wrapped(layout: Layout, line: Line, start: int) -> bool:
    """The caption's first word has a word of the line right over it at its left edge, as
    close as a box's lines ("Kreditinės sąskaitos" over "faktūros Nr."): the caption may be
    the lower part of a wrapped one, its line shared with the next boxes' values, and the
    line-by-line reading does not say which value is its."""
    words = line.words_in(start, start + 1)
    if not words:
        return False
    first, cw = words[0], layout.char_width
    height = max(1.0, first.box.bottom - first.box.top)
    for above, _, _ in layout.lines_above(line, first.box.x0 - cw, first.box.x0 + cw, max_lines=1):
        top = next((k for k, w in enumerate(above.words) if abs(w.box.x0 - first.box.x0) <= cw), None)
        if top is None or first.box.top - above.box.bottom > _WRAP_GAP * height:
            continue
        # from there on, words only (a row of wrapped captions' first lines, "Kreditinės
        # sąskaitos  Sąskaitos išrašymo  Pristatymo d."), where a caption with its value
        # over it ("Order Date  01/08/2026") holds a figure
        if not any(ch.isdigit() for w in above.words[top:] for ch in w.text):
            return True
    return False


def _marked(m: re.Match) -> bool:
    """The number word set apart from the stem (a hyphen or a space: "Rechnungs-Nr.",
    "Invoice #"), closed by its period ("Fakturanr.") or a word of three letters or more
    ("Reikningsnúmer"): a word that merely ends in a letter or two of a number word
    ("Wartość", "wartos" + "c") is no caption of the heading's paper."""
    rest = m.group(0)[len(m.group(1)):]
    return rest[:1] in ("-", " ") or rest.endswith((".", "#")) or len(rest) >= 3


def _figure_over(layout: Layout, line: Line, start: int, end: int) -> bool:
    """Values printed right over the caption, close above and across its width, with no
    word over it ("410" over "Fakturanr." in a row of values over a row of captions): the page
    prints its values over their captions, and the readings made for such pages
    (``value_first``, ``unknown_caption``) are the ones to decide. A caption with its value
    over it ("Dagsetning 14.03.2026") is a stack of pairs, not such a row."""
    words = line.words_in(start, end)
    if not words:
        return False
    x0, x1, cw = words[0].box.x0, words[-1].box.x1, layout.char_width
    height = max(1.0, words[0].box.bottom - words[0].box.top)
    for above, s, e in layout.lines_above(line, x0 - cw, x1 + cw, max_lines=1):
        over = above.words_in(s, e)
        if words[0].box.top - above.box.bottom <= _OVER_GAP * height and any(
                sum(ch.isdigit() for ch in w.text) >= 2 for w in over) and not any(
                _WORD.fullmatch(w.text.strip(":.,;")) for w in over):
            return True
    return False


# a word of letters: a caption's, not a value's
_WORD = re.compile(r"[^\W\d_]{3,}")


# a wrapped caption's next line starts within this many of its letter heights under the one before
_WRAP_GAP = 1.6
# a value printed over its caption stands within this many of the caption's letter heights above it
_OVER_GAP = 2.5


def _stem_of_title(stem: str, titles: set[str]) -> bool:
    """``stem`` begins like a title word, an inflection apart ("rechnungs" and "rechnung",
    "laskun" and "lasku", "racuna" and "racun")."""
    for title in titles:
        shared = 0
        for a, b in zip(stem, title):
            if a != b:
                break
            shared += 1
        if shared >= 4 and shared >= min(len(stem), len(title)) - 2:
            return True
    return False
