"""The seller's name read from a labelled party block ("Verkäufer" / "Name: Lieferant GmbH").

Many e-invoice renderers (the XRechnung and ZUGFeRD visualisations, Factur-X readable
copies) print each party as a block: a heading line naming the role ("Verkäufer",
"Seller", "Vendeur", "Leverancier"), then labelled rows ("Nummer: 549910", "Name:
MUSTER-Autovermietung", "Anschrift: ..."). The name then carries no legal form a
letterhead reader could key on ("MUSTER-Autovermietung"), or is not printed anywhere
else. The heading says whose name it is, so no vocabulary of company names is needed:

- the heading is a line holding only a seller-role word (with an optional colon), so a
  name that happens to contain the word ("Lieferant GmbH") is no heading;
- the name is the value of a name row in the block's next lines ("Name:", "Firma:",
  "Nom :", "Naam:"), joined with the lines printed in the value's column right above or
  below it (a long name the renderer wrapped and centred on its label);
- without a name row, the first line of the block that is no labelled row, no postal
  line and holds a letter word is the name (blocks that print the name unlabelled under
  the heading or under its number rows), with the next line when it holds no digit.

A buyer heading or another party's label ends the block. Confidence 0.7 for a name row,
0.6 for the first line: the role is printed, the name is not checked against anything.
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import Candidate, Context

# role words of the party that issues the invoice, accent-folded (the line is folded too);
# ``vendor_name`` strips them as labels from a name read off a letterhead line
SELLER_ROLES = (r"(?:verkaufer|lieferant|leistungserbringer|rechnungssteller|seller|supplier|vendor|issuer|vendeur|fournisseur|"
                r"emetteur|venditore|fornitore|cedente(?:\s*/\s*prestatore)?|vendedor|proveedor|emisor|fornecedor|leverancier|"
                r"verkoper|sprzedawca|dostawca|saljare|leverantor|leverandor|saelger|selger|dodavatel)")
# the labels of a name row, accent-folded
NAME_LABELS = (r"(?:name|firma|firmenname|company(?:\s*name)?|nom|raison\s*sociale|denomination|ragione\s*sociale|"
               r"denominazione|nombre|razon\s*social|nome|naam|bedrijfsnaam|nazwa|namn|navn)")
_SELLER_HEADING = re.compile(rf"(?i)^\s*{SELLER_ROLES}\s*:?\s*$")
_NAME_ROW = re.compile(rf"(?i)^\s*{NAME_LABELS}\s*:\s*")
# "Nummer: 549910", "Anschrift: ...", "USt.-Id.-Nr.: DE..": a labelled row of the block
_LABELLED_ROW = re.compile(r"^\s*[^\W\d][\w.\- /()]{0,40}?\s*:")
_LETTERS = re.compile(r"[^\W\d_]{2}")
_DIGIT = re.compile(r"\d")
_BLOCK_LINES = 8
NAME_ROW_SCORE = 0.7
FIRST_LINE_SCORE = 0.6


def seller_block_name(ctx: Context) -> Optional[Candidate]:
    """The name printed in the first seller block of the document, or None."""
    for line in ctx.layout.lines:
        if not _SELLER_HEADING.match(fold_accents(line.text)):
            continue
        block = _block_after(ctx, line)
        found = _name_row(ctx, block) or _first_line(ctx, block)
        if found is not None:
            return found
    return None


def _block_after(ctx: Context, heading: Line) -> list[Line]:
    """The lines of the block under ``heading``: at most eight, on its page, up to a buyer
    label or a gap of more than three line heights."""
    out: list[Line] = []
    bottom = heading.box.bottom
    for nxt in ctx.layout.by_page[heading.page][heading.index + 1: heading.index + 1 + _BLOCK_LINES]:
        if nxt.box.top - bottom > 3 * heading.height or any(h.field == "buyer" for h in ctx.hits[id(nxt)]):
            break
        if _SELLER_HEADING.match(fold_accents(nxt.text)):
            break
        out.append(nxt)
        bottom = nxt.box.bottom
    return out


def _name_row(ctx: Context, block: list[Line]) -> Optional[Candidate]:
    for i, line in enumerate(block):
        m = _NAME_ROW.match(fold_accents(line.text))
        if not m or not _LETTERS.search(line.text[m.end():]):
            continue
        words = list(line.words_in(m.end(), len(line.text)))
        if not words:
            continue
        x0 = words[0].box.x0
        tol = 1.5 * ctx.layout.char_width
        in_column = lambda ln: abs(ln.box.x0 - x0) <= tol and not _LABELLED_ROW.match(ln.text)  # noqa: E731
        above = []
        for prev in reversed(block[:i]):
            if not in_column(prev):
                break
            above.insert(0, prev)
        below = []
        for nxt in block[i + 1:i + 2]:
            # a wrapped name continues in the value column; an address line there starts with a digit
            if in_column(nxt) and not nxt.text[:1].isdigit() and not _postal(nxt.text):
                below.append(nxt)
        parts = [ln.text.strip() for ln in above] + [line.text[m.end():].strip()] + [ln.text.strip() for ln in below]
        all_words = tuple(w for ln in above for w in ln.words) + tuple(words) + tuple(w for ln in below for w in ln.words)
        return Candidate("vendor", " ".join(parts), NAME_ROW_SCORE, "seller_block", all_words)
    return None


# "DE 80333 München", "F-75001 Paris", "80333 München": an address's postal line
_POSTAL = re.compile(r"^\s*(?:[A-Z]{1,2}[- ]?)?\d{4,5}\b")


def _postal(text: str) -> bool:
    return bool(_POSTAL.match(text))


def _first_line(ctx: Context, block: list[Line]) -> Optional[Candidate]:
    """The block's first line that is no labelled row ("Nummer: 549910"), no postal line
    and holds a letter word; the line right under it joins it when it is in the same
    column and holds no digit (a name wrapped over two lines; a street has its number)."""
    tol = 1.5 * ctx.layout.char_width
    for i, line in enumerate(block):
        text = line.text.strip()
        if _LABELLED_ROW.match(text) or not _LETTERS.search(text) or _postal(text):
            continue
        parts, words = [text], tuple(line.words)
        nxt = block[i + 1] if i + 1 < len(block) else None
        if nxt is not None and abs(nxt.box.x0 - line.box.x0) <= tol and not _DIGIT.search(nxt.text) \
                and not _LABELLED_ROW.match(nxt.text) and _LETTERS.search(nxt.text):
            parts.append(nxt.text.strip())
            words += tuple(nxt.words)
        return Candidate("vendor", " ".join(parts), FIRST_LINE_SCORE, "seller_block", words)
    return None
