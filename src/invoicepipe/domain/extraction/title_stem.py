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
"""

from __future__ import annotations

import re

from invoicepipe.domain.extraction.caption_stems import names_another
from invoicepipe.domain.extraction.labels import LabelHit, across_cells, fold_accents
from invoicepipe.domain.extraction.layout import Layout, Line

# under the invoice number's routing threshold through any calibration map (``MAX_LIFT``)
STRENGTH = 0.45
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
    titles = _titles(head)
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
                hits[id(line)] = sorted([*hits[id(line)], LabelHit("invoice_number", STRENGTH, "", line, m.start(), m.end())],
                                        key=lambda h: h.start)
                return  # the first such label: the number's, further down another document's


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
