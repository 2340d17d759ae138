"""Label-anchored value search: to the right on the label's line, then below it.

Every candidate gets a score in [0, 1] before cross-checks:

    score = label_strength * placement * format_quality * ocr_confidence

``placement`` is 1.0 right of the label (0.85 when far across the line), 0.8 on the first
line below, 0.65 on a further one; ``format_quality`` is 1.0 for a fully valid value (an
amount with decimals, an unambiguous date) and lower for weaker forms (0.6 integer amount,
0.75 day/month-ambiguous date, 0.9 when the locale backs its order: ``date_quality``);
``ocr_confidence`` is the lowest word confidence, which other readings of the same value can
stand in for (``agreement``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from invoicepipe.domain.extraction.candidates import amounts_on, dates_in, identifier_in, skipped_before
from invoicepipe.domain.extraction.invoice_word import is_invoice_word
from invoicepipe.domain.extraction.second_reading import read_again_alike, stands_apart
from invoicepipe.domain.extraction.labels import (LabelHit, across_cells, cells_apart, find_labels, fold_accents, labels_in_text,
                                                rest_of_cell)
from invoicepipe.domain.extraction.layout import Layout, Line, min_confidence, union_box
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.stacked_date import STACKED_PLACEMENT, stacked_date
from invoicepipe.domain.extraction.table_columns import find_header
from invoicepipe.domain.extraction.title_stem import add_title_stem_labels
from invoicepipe.domain.extraction.wrapped_labels import join_wrapped_labels
from invoicepipe.domain.models import Box, Word


@dataclass
class Candidate:
    field: str
    value: str
    score: float
    method: str
    words: tuple[Word, ...]
    raw: object = None
    notes: list = field(default_factory=list)
    anchor: Optional[Line] = None  # the line of the label that led to the value
    label: Optional[LabelHit] = None  # the label hit itself (label-anchored candidates only)

    @property
    def page(self) -> Optional[int]:
        return self.words[0].page if self.words else None

    @property
    def box(self) -> Optional[Box]:
        return union_box(self.words) if self.words else None


@dataclass
class Context:
    layout: Layout
    hits: dict  # line id -> list[LabelHit]
    decimal_sep: Optional[str] = None
    date_order: Optional[str] = None
    date_order_proven: bool = False  # True when an unambiguous date on the page fixed the order
    # True when, short of such a date, the locale gives the order on two independent signals
    # (``conventions.locale_backs_order``)
    date_order_local: bool = False
    countries: Optional[set] = None  # of the VAT ids and IBANs on the page, read once (conventions)
    # the hits by field, in reading order: gathered once, as every field's search asks
    _by_field: Optional[dict] = field(default=None, init=False, repr=False, compare=False)
    _long_years: Optional[bool] = field(default=None, init=False, repr=False, compare=False)

    @property
    def prints_long_years(self) -> bool:
        """Whether a numeric date on the document prints its year in four digits."""
        if self._long_years is None:
            self._long_years = any(_LONG_YEAR.search(ln.text) for ln in self.layout.lines)
        return self._long_years

    def hits_for(self, name: str) -> list[LabelHit]:
        if self._by_field is None:
            by_field: dict[str, list[LabelHit]] = {}
            for ln in self.layout.lines:
                for h in self.hits[id(ln)]:
                    by_field.setdefault(h.field, []).append(h)
            self._by_field = by_field
        return list(self._by_field.get(name, ()))


def make_context(layout: Layout) -> Context:
    hits = {id(ln): find_labels(ln) for ln in layout.lines}
    join_wrapped_labels(layout, hits)  # "Montant" over "TTC": one label, on the line of its value
    add_title_stem_labels(layout, hits)  # "Factuurnr." under "FACTUUR" where no known label names the number
    return Context(layout, hits)


# A value parser receives (line, start, end) and returns (value, raw, start, end, quality) or None.
Parser = Callable[[Context, Line, int, int], Optional[tuple[str, object, int, int, float]]]


# an identifier found right of its label past a word the label does not explain ("Faktura
# nr: F 1234K20…" read without its "F") may be part of the number or not the number at all:
# below every routing threshold even after calibration's largest lift. (Under a label, a
# word of a neighbouring block may reach into the column: no such doubt there.)
SKIPPED_WORD_QUALITY = 0.45


def priced_line(ctx: Context, line: Line) -> bool:
    """An item's line: it prints a price and an amount ("Fachbuch: Praxis Umsatzsteuer 2026 ...
    43,09 129,27"), so a year in its words names the item (a book's edition), not a date, and a
    code in it ("ISO-1003" under "Pos. Art.-Nr.") is an article's, no document's number."""
    return sum(t.has_decimals for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width)) >= 2


def parse_identifier(ctx: Context, line: Line, start: int, end: int):
    found = identifier_in(line.text[start:end], start)
    if not found:
        return None
    after_label = any(h.end == start for h in ctx.hits[id(line)])
    quality = SKIPPED_WORD_QUALITY if after_label and skipped_before(line.text[start:end], found[1] - start) else 1.0
    return found[0], found[0], found[1], found[2], quality


def parse_date_value(ctx: Context, line: Line, start: int, end: int):
    for d in dates_in(line.text[start:end], start, ctx.date_order)[:1]:
        quality = date_quality(ctx, d.ambiguous)
        if _SHORT_YEAR.fullmatch(line.text, d.start, d.end) and ctx.prints_long_years:
            quality *= CUT_YEAR_QUALITY
        return d.value.isoformat(), d.value, d.start, d.end, quality
    return None


# A numeric date with a two-digit year ("23/02/20") on a document whose numeric dates print
# four ("25/03/2026") may be a four-digit year OCR broke ("23/02/20 is 026"): the century is
# then a guess, and the value stays under every threshold unless something else confirms it.
_SHORT_YEAR = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d\d")
_LONG_YEAR = re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d(?!\d)")
CUT_YEAR_QUALITY = 0.5


# format factor of a day/month-ambiguous date: read in the order the locale gives on two
# independent signals, or on a guess of it (an unambiguous date on the page removes the doubt)
LOCALE_DATE_QUALITY = 0.9
AMBIGUOUS_DATE_QUALITY = 0.75


def date_quality(ctx: Context, ambiguous: bool) -> float:
    if not ambiguous or ctx.date_order_proven:
        return 1.0
    return LOCALE_DATE_QUALITY if ctx.date_order_local else AMBIGUOUS_DATE_QUALITY


# an IBAN's digit groups ("ES21 7978 0580 1445 3612 9916") are no amounts
_IBAN_RUN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,8}(?: ?[A-Z0-9]{1,4})?\b")


def _in_iban(line: Line, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in _IBAN_RUN.finditer(line.text))


def parse_amount_value(ctx: Context, line: Line, start: int, end: int):
    toks = [t for t in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width) if t.start >= start and t.end <= end
            and not _in_iban(line, t.start, t.end)]
    if not toks:
        return None
    with_dec = [t for t in toks if t.has_decimals]
    tok = (with_dec or toks)[-1]  # rightmost: summary rows put the amount in the last column
    return format_amount(tok.value), tok.value, tok.start, tok.end, 1.0 if tok.has_decimals else 0.6


def _label_continued(hit: LabelHit, below: Line, start: int, end: int) -> Optional[tuple[str, float]]:
    """(field, strength) of a longer label that ``hit``'s words make together with the first
    word under them (a label wrapped onto a second line in its box), else None."""
    words = below.words_in(start, end)
    if not words or any(ch.isdigit() for ch in words[0].text):
        return None
    label = fold_accents(hit.line.text[hit.start:hit.end])
    joined = f"{label} {fold_accents(words[0].text)}"
    for field, strength, _, s, e in labels_in_text(joined):
        if s == 0 and e > len(label) + 1 and strength > hit.strength:
            return field, strength
    if len(words) == 1 and hit.field in ("invoice_date", "invoice_number") and hit.strength >= 0.8 \
            and is_invoice_word(fold_accents(words[0].text).lower().strip(".:")):
        # "Data wystawienia" over "faktury", "Datum" over "Rechnung": the invoice's word alone
        # finishes the label without changing what it names
        return hit.field, hit.strength
    return None


# A value right of a caption's lower line in the next caption's column: a guess, scored as one (calibration
# lifts a score by at most 0.4, so it stays under every routing threshold)
NEXT_COLUMN_PLACEMENT = 0.4


def _in_next_caption_column(ctx: Context, hit: LabelHit, label_words: tuple[Word, ...], words: tuple[Word, ...]) -> bool:
    """Whether the value right of ``hit`` stands in another caption's column of a row of boxes:
    the label is the lower line of a caption wrapped in its box (the word right over its first
    word is that caption's first line: no figure in it, no colon closing it, and no label of
    another field), and the value starts where a word of text starts on that line above, the
    next box's caption ("Väljastamise" over "kuupäev  2026-03-04", the date under
    "Maksetähtpäev", a caption no vocabulary needs to know; the label's own date is under it).
    Two label/value pairs stacked in columns put a value over the value ("Invoice no: 123"
    over "Date: 01.02.2026") or a complete caption over the label, and no other field's
    caption of the row has its value under it."""
    if not label_words or not words or hit.line.index == 0:
        return False
    line, cw = hit.line, ctx.layout.char_width
    above = ctx.layout.by_page[line.page][line.index - 1]
    if line.box.top - above.box.bottom > 1.5 * line.height:
        return False

    def starting_at(x: float) -> Optional[int]:
        return next((k for k, w in enumerate(above.words) if abs(w.box.x0 - x) <= cw), None)

    head, over = starting_at(label_words[0].box.x0), starting_at(words[0].box.x0)
    if head is None or over is None or over <= head:
        return False
    head_word, over_word = above.words[head], above.words[over]
    if any(ch.isdigit() for ch in head_word.text + over_word.text) or head_word.text.endswith(":"):
        return False
    # a caption's words, not a stray mark: its phrase up to the next cell ("Do zapłaty do
    # dnia" over the due date: its first word alone is two letters)
    phrase = [over_word, *rest_of_cell(above.words, over)]
    if sum(ch.isalpha() for w in phrase for ch in w.text) < 3:
        return False
    start = above.spans[head][0]
    own = [h for h in ctx.hits[id(above)] if h.start <= start < h.end]
    if any(h.field != hit.field for h in own):
        return False
    # the value under another field's caption ("Numero fattura /" over "Invoice No.  24 aprile
    # 2026", the date under "Data emissione")
    over_start = above.spans[over][0]
    if any(h.field != hit.field and h.strength >= 0.5 and h.start == over_start for h in ctx.hits[id(above)]):
        return True
    # or a row of boxes: left of the label's caption another field's caption, with its value
    # right under it on the label's line ("Dokument nr" over "64"); a place of issue and its
    # town over the date and its value ("Miejsce wystawienia  Katowice") are a stack of pairs
    label_x0 = label_words[0].box.x0
    for h in ctx.hits[id(above)]:
        caption = above.words_in(h.start, h.end)
        if h.field == hit.field or h.strength < 0.5 or not caption or caption[-1].box.x1 > above.words[head].box.x0:
            continue
        if any(abs(w.box.x0 - caption[0].box.x0) <= cw and w.box.x1 < label_x0 for w in line.words):
            return True
    # or a row of boxes whose captions no list holds: a word of text left of the label's caption
    # with a value (a figure in it) starting right under it ("Rech.-Nr." over "RE2026-00857"
    # where only English labels are known); an address block's heading has a name under it
    for caption in above.words[:head]:
        if any(ch.isdigit() for ch in caption.text) or sum(ch.isalpha() for ch in caption.text) < 3:
            continue
        if any(abs(w.box.x0 - caption.box.x0) <= cw and w.box.x1 < label_x0 and any(ch.isdigit() for ch in w.text)
               for w in line.words):
            return True
    return False


def label_candidates(ctx: Context, name: str, parser: Parser, labels: Optional[str] = None, scale: float = 1.0,
                     hits: Optional[list[LabelHit]] = None) -> list[Candidate]:
    """Candidates for field ``name`` from every label hit, right of the label first, else below.

    ``labels`` takes the hits of another label family (a document title standing in for an
    invoice-number label), with their strength multiplied by ``scale``; ``hits`` takes these
    hits instead (captions found otherwise, ``unknown_caption``).
    """
    out: list[Candidate] = []
    cw = ctx.layout.char_width
    for hit in (hits if hits is not None else ctx.hits_for(labels or name)):
        strength = hit.strength * scale
        line = hit.line
        later = [h.start for h in ctx.hits[id(line)] if h.start >= hit.end]
        seg_end = min(later) if later else len(line.text)
        found = parser(ctx, line, hit.end, seg_end)
        label_words = line.words_in(hit.start, hit.end)
        if found:
            value, raw, s, e, quality = found
            words = line.words_in(s, e)
            gap = words[0].box.x0 - label_words[-1].box.x1 if words and label_words else 0
            placement = 1.0 if gap < 15 * cw else 0.85
            next_column = _in_next_caption_column(ctx, hit, label_words, words)
            if next_column:
                placement = NEXT_COLUMN_PLACEMENT
            overlaid = _overlaid(line, words, parser) or _joined_doubt(line, words, parser)
            quality *= OVERLAID_QUALITY if overlaid else 1.0
            out.append(scored_candidate(name, value, raw, strength * placement * quality, "label_right", words, line, hit,
                                        ["overlaid"] if overlaid else []))
            if not next_column:
                continue
            # the next box's value: the label's own is under it, in its own box
        if not label_words or hit.across:
            continue  # a phrase across two captions heads neither's column
        split = _hyphen_wrapped_date(ctx, line, hit, seg_end) if parser is parse_date_value else None
        if split is not None:
            value, raw, words, quality = split
            out.append(scored_candidate(name, value, raw, strength * 0.85 * quality, "label_right", words, line, hit))
            continue
        lbox = union_box(label_words)
        beside = _beside_tall_label(ctx, line, lbox, parser)
        if beside is not None:
            (value, raw, s, e, quality), row = beside
            out.append(scored_candidate(name, value, raw, strength * 0.85 * quality, "label_right", row.words_in(s, e), line, hit))
            continue
        before = len(out)
        col_x1 = max(lbox.x1 + 4 * cw, lbox.x0 + 25 * cw)
        # a row of boxed labels ("Delivery Note No.  Buyer's Order No.") over a row of values:
        # the column ends where the next label on the line starts
        next_label = line.words_in(min(later), min(later) + 1) if later else ()
        if next_label and next_label[0].box.x0 > lbox.x1:
            col_x1 = min(col_x1, max(lbox.x1 + cw, next_label[0].box.x0 - 0.5 * cw))
        col_x1 = _cell_end(ctx, line, lbox, col_x1)
        above = _value_above(ctx, line, lbox, col_x1, parser, hit)  # only in a row of captions
        passed = 0  # lines under the label with a letter or digit (a speck's line is none)
        wrapped_at = None  # the line the label's own words continue on, when they do
        label_end = line  # the label's last line: its own, or the one it wraps onto
        for n, (below, s, e) in enumerate(ctx.layout.below(line, lbox.x0 - 3 * cw, col_x1, max_lines=2)):
            if passed and above is not None:
                break  # a caption's value stands right over it, not two lines down
            passed += any(ch.isalnum() for ch in below.text[s:e])
            own_labels = [h for h in ctx.hits[id(below)] if h.start < e and h.end > s and h.strength >= 0.5
                          and not _date_column_head(name, h)]
            # the label's own second line may be a label word alone ("Invoice" over "Number"),
            # where the label is a caption among others on its line; under a title standing
            # alone ("INVOICE" over a table's "No." column) a label word starts another block
            joined = _label_continued(hit, below, s, e)
            if own_labels and joined is not None and len(label_words) == len(line.words):
                joined = None
            if (own_labels and joined is None) or _percent_under(below, lbox):
                break  # the next line starts another labelled block, or the label heads a rate column
            if parser is not parse_amount_value and find_header(below) is not None:
                # the items' column names: what stands under them is a row of the table's.
                # Not for a sum: a row of sum captions ("Netto  Btw  Totaal") reads as such
                # names too, and a sum's value may stand under it (an OCR page's second
                # reading of its amounts is placed by these candidates)
                break
            if joined is not None:
                # the label wraps in its box ("DATUM" over "VYSTAVENÍ"): a value a space after
                # its second line is its own ("INVOICE" over "# 2041"); one further right is the
                # next box's, and its own is further down. A whole naming another field ("DATUM"
                # over "SPLATNOSTI") is not this label's.
                if joined[0] != name:
                    break
                strength = max(strength, joined[1] * scale)
                cont = below.words_in(s, e)
                k = below.words.index(cont[0])
                if k + 1 < len(below.words) and below.words[k + 1].box.x0 - cont[0].box.x1 <= 1.5 * cw:
                    s = below.spans[k][1]
                else:
                    wrapped_at, label_end = n, below
                    continue
            s = _column_start(below, s, e, lbox, cw)
            if next_label and next_label[0].box.x0 > lbox.x1:
                e = _before_next_column(below, s, e, next_label[0].box.x0, cw)
            if parser is parse_amount_value:
                s = _amount_reaching_left(ctx, line, hit, below, s, e)
                found = _amount_under(ctx, below, s, e, lbox)
            else:
                found = parser(ctx, below, s, e)
            if found:
                value, raw, vs, ve, quality = found
                words = below.words_in(vs, ve)
                # right under the label's last line: under its second where it wraps ("Nr." over
                # "documento" over "526/2026"), as under a label of one line
                under_label = n == 0 or (wrapped_at is not None and n == wrapped_at + 1)
                placement = (1.0 if _stacked_pair(ctx, below, words, lbox) else 0.8) if under_label else 0.65
                overlaid = _overlaid(below, words, parser) or _joined_doubt(below, words, parser)
                quality *= OVERLAID_QUALITY if overlaid else 1.0
                out.append(scored_candidate(name, value, raw, strength * placement * quality, "label_below", words, line, hit,
                                            ["overlaid"] if overlaid else []))
                break
        if len(out) == before:
            in_cell = _right_aligned_in_cell(ctx, name, line, lbox, col_x1, parser)
            if in_cell is not None:
                (value, raw, vs, ve, quality), below = in_cell
                out.append(scored_candidate(name, value, raw, strength * CELL_PLACEMENT * quality, "label_below",
                                            below.words_in(vs, ve), line, hit, ["in_cell"]))
                continue
        if len(out) == before and parser is parse_date_value:
            # under the label's last line: "Data wystawienia" / "faktury" over "6 kwietnia" / "2026 r."
            stacked = stacked_date(ctx.layout, label_end, lbox.x0 - 3 * cw, col_x1, ctx.date_order)
            if stacked is not None:
                value, raw, words, ambiguous = stacked
                out.append(scored_candidate(name, value, raw, strength * STACKED_PLACEMENT * date_quality(ctx, ambiguous),
                                            "label_below", words, line, hit, ["stacked"]))
                continue
        if len(out) == before and above is not None:
            (value, raw, vs, ve, quality), row = above
            out.append(scored_candidate(name, value, raw, strength * ABOVE_PLACEMENT * quality, "label_above",
                                        row.words_in(vs, ve), line, hit))
            continue
        wrapped = _wrapped_value(ctx, line, hit, parser) if len(out) == before else None
        if wrapped is not None:
            value, raw, below, vs, ve, quality = wrapped
            out.append(scored_candidate(name, value, raw, strength * 0.7 * quality, "label_wrapped", below.words_in(vs, ve), line, hit))
    return out


def _date_column_head(name: str, hit: LabelHit) -> bool:
    """Under a due-date heading, a bare date word ("Fecha", "Data", "Datum": an invoice-date
    label of strength 0.5 or less) heads the date column of the heading's own schedule of
    instalments; it starts no other block."""
    return name == "due_date" and hit.field == "invoice_date" and hit.strength <= 0.5


def _cell_end(ctx: Context, line: Line, lbox, col_x1: float) -> float:
    """Where the label's cell ends in a row of labels over a row of values. The next cell
    starts at the next word after a gap of more than two characters, whether or not its words
    are a label we know ("Taxable Value   Central Tax" over "5,152.00   6% 309.12": the amount
    under "Central" is not the taxable value). The last cell of a row of three or more runs to
    the end of the row: a totals strip prints its last value right-aligned in a wide cell
    ("BASE IMPONIBLE  % IVA  CUOTA IVA  TOTAL FACTURA" over "451,39  21 %  94,79  546,18 €")."""
    cw = ctx.layout.char_width
    starts = [x for x in (_next_cell(ctx, line, lbox), _cell_beside(ctx, line, lbox)) if x is not None]
    if starts:
        return min(col_x1, max(lbox.x1 + cw, min(starts) - 0.5 * cw))
    if any(w.box.x0 >= lbox.x1 - 0.1 for w in line.words):
        return col_x1
    cells = 1 + sum(1 for a, b in zip(line.words, line.words[1:]) if b.box.x0 - a.box.x1 > 2 * cw)
    if cells >= 3:
        width = ctx.layout.page_sizes.get(line.page, (595.0, 842.0))[0]
        return max(col_x1, width)
    return col_x1


def _next_cell(ctx: Context, line: Line, lbox) -> Optional[float]:
    """Where the next cell starts on a label's line: its first word after a gap of more than
    two characters right of the label, or None."""
    cw = ctx.layout.char_width
    prev = lbox.x1
    for w in (w for w in line.words if w.box.x0 >= lbox.x1 - 0.1):
        if w.box.x0 - prev > 2 * cw:
            return w.box.x0
        prev = w.box.x1
    return None


def _cell_beside(ctx: Context, line: Line, lbox) -> Optional[float]:
    """Where the next cell starts on a line level with the label's in a row of captions set
    with their lines centred: a one-line caption ("Invoice Date") stands between the two
    lines of a wrapped one ("Invoice" over "Number"), on a line of its own that overlaps the
    label's. The first caption (a label the vocabulary knows) starting more than two
    characters right of the label on such a line, or None: a value there (a total printed a
    little lower than its label, on the next line's band) is no cell's start."""
    cw = ctx.layout.char_width
    found = [other.words[k].box.x0 for other in ctx.layout.by_page[line.page] if other is not line
             and other.box.top < line.box.bottom and other.box.bottom > line.box.top
             for h in ctx.hits[id(other)] if h.strength >= 0.5
             for k in range(len(other.words)) if other.spans[k][0] <= h.start < other.spans[k][1]
             and other.words[k].box.x0 - lbox.x1 > 2 * cw]
    return min(found, default=None)


# a value found right-aligned in its label's wide cell rather than under the label itself
CELL_PLACEMENT = 0.8
# a value printed over its label in a row of captions ("44  09.01.2026" over "Fakturanr.
# Fakturadato"): rarer than under it, so weaker
ABOVE_PLACEMENT = 0.7
# a row of captions has at least this many labels
CAPTION_ROW = 3


def _caption_cells(line: Line) -> int:
    """The cells of a line of captions alone (no figure in any word), else 0."""
    if any(ch.isdigit() for ch in line.text):
        return 0
    return 1 + sum(1 for a, b in zip(line.words, line.words[1:]) if cells_apart(a, b))


def _value_above(ctx: Context, line: Line, lbox, col_x1: float, parser: Parser, hit: Optional[LabelHit] = None):
    """((value, raw, start, end, quality), line) of a value printed right over its label, where
    the label is one of a row of three or more captions with nothing of theirs under them
    (a Norwegian or Danish strip "44  09.01.2026  23.01.2026" over "Fakturanr.  Fakturadato
    Forfallsdato"). The line over it must hold no label of its own (a stack of label/value
    pairs puts a label there, and its value under it) and stand close above. Identifiers and
    dates only: an amount over a row of sum labels is the last item's."""
    # a caption no list holds ("xx", ``unknown_caption``) in a row of captions no list holds
    # either: the row counts its cells, none with a figure
    unknown_row = hit is not None and hit.lang == "xx" and _caption_cells(line) >= CAPTION_ROW
    if parser is parse_amount_value or (sum(1 for h in ctx.hits[id(line)] if h.strength >= 0.5) < CAPTION_ROW
                                        and not unknown_row):
        return None
    cw = ctx.layout.char_width
    found = ctx.layout.lines_above(line, lbox.x0 - 3 * cw, col_x1, max_lines=1)
    if not found:
        return None
    above, s, e = found[0]
    if line.box.top - above.box.bottom > 1.5 * line.height or any(h.strength >= 0.5 for h in ctx.hits[id(above)]):
        return None
    s = _column_start(above, s, e, lbox, cw)
    value = parser(ctx, above, s, e)
    return (value, above) if value else None


# an identifier over a label counts from this many digits: "15", "M5J" in an address are none;
# "518", a small firm's invoice number over "Arve nr", is one (no evaluation set moved from 4)
_MIN_ID_DIGITS_OVER = 3


def value_over_label(ctx: Context, cand: Candidate, parser: Parser) -> bool:
    """A value read under its label, where right over the label, close above and in its column,
    another value of the same kind is printed on a line without labels: "RE-2026-0042" over
    "Invoice No." over "C-10442" over "Customer No.". Whether the captions stand under their
    values or over them, the geometry of one pair cannot say, and the value under the label may
    be the next caption's (the customer number taken as the invoice number at full confidence):
    a person decides."""
    if cand.method != "label_below" or cand.label is None:
        return False
    line = cand.label.line
    words = line.words_in(cand.label.start, cand.label.end)
    if not words:
        return False
    lbox, cw = union_box(words), ctx.layout.char_width
    if _value_over_on_its_line(ctx, cand, line, lbox, parser):
        return True
    found = ctx.layout.lines_above(line, lbox.x0 - cw, lbox.x1 + cw, max_lines=1)
    if not found:
        return False
    above, s, e = found[0]
    if line.box.top - above.box.bottom > 1.5 * line.height or _labelled(ctx, above, s, e):
        return False
    value = parser(ctx, above, s, e)
    if not value or value[0] == cand.value:
        return False
    if parser is parse_identifier and (dates_in(above.text[s:e], 0, ctx.date_order)
                                       or sum(ch.isdigit() for ch in value[0]) < _MIN_ID_DIGITS_OVER):
        return False  # nothing of the kind over the label: a date's year, a house number or postcode part
    # a label right over that value is its own: a stack of label/value pairs ("Date" / "7 Feb
    # 2026" / "Credit Note Number" / "INV-0834"), each value under its label
    span = above.words_in(s, e)
    over = ctx.layout.lines_above(above, span[0].box.x0 - cw, span[-1].box.x1 + cw, max_lines=1) if span else []
    return not any(_labelled(ctx, ln, s2, e2) for ln, s2, e2 in over)


def _value_over_on_its_line(ctx: Context, cand: Candidate, line: Line, lbox, parser: Parser) -> bool:
    """A value of the kind printed right over the label within the label's own line: OCR took
    a row of values and the row of their captions under it for one line ("POS000458 Invoice
    No. 7 Date May of Issue 2026", words of both rows in one reading order), so no line lies
    between them and the line above the label is the rows' neighbour. Words over the label end
    above its middle and overlap it across."""
    if all(w.confidence >= 1.0 for w in line.words):
        return False  # a text layer's lines are its own
    cw = ctx.layout.char_width
    for word, (s, e) in zip(line.words, line.spans):
        if word.box.bottom > (lbox.top + lbox.bottom) / 2 or word.box.x1 < lbox.x0 - cw or word.box.x0 > lbox.x1 + cw:
            continue
        value = parser(ctx, line, s, e)
        if not value or value[0] == cand.value or value[2] != s or value[3] != e:
            continue
        if parser is parse_identifier and (dates_in(line.text[s:e], 0, ctx.date_order)
                                           or sum(ch.isdigit() for ch in value[0]) < _MIN_ID_DIGITS_OVER):
            continue
        return True
    return False


def value_left_of_label(ctx: Context, cand: Candidate, parser: Parser) -> bool:
    """A value read right of its label, where the label has a value of the same kind right
    before it and the value read stands as close to the next label after it as to its own:
    "A-2026/00140  Nº factura  23068  Nº cliente" is a row of values each printed before its
    caption, and the value right of "Nº factura" is the customer number's. Whether the
    captions follow their values or precede them, the spacing of one line cannot say when the
    gaps are alike: a person decides."""
    if cand.method != "label_right" or cand.label is None or not cand.words:
        return False
    hit, line = cand.label, cand.label.line
    if ctx.layout.line_of(cand.words[0]) is not line:
        return False
    label_words = line.words_in(hit.start, hit.end)
    nxt = [h for h in ctx.hits[id(line)] if h.start >= line.spans[line.words.index(cand.words[-1])][1] and h.strength >= 0.5]
    if not label_words or not nxt:
        return False
    first_next = line.words_in(nxt[0].start, nxt[0].end)
    if not first_next:
        return False
    cw = ctx.layout.char_width
    own_gap = cand.words[0].box.x0 - label_words[-1].box.x1
    next_gap = first_next[0].box.x0 - cand.words[-1].box.x1
    if next_gap > own_gap + cw:
        return False  # the value stands clearly with its own label
    before = line.words[:line.words.index(label_words[0])]
    k, edge = len(before), label_words[0].box.x0
    while k > 0 and edge - before[k - 1].box.x1 <= 1.5 * cw and not any(ch.isdigit() for ch in before[k - 1].text):
        k, edge = k - 1, before[k - 1].box.x0  # words of the label's own caption left of its vocabulary match
    if k == 0 or edge - before[k - 1].box.x1 > max(own_gap, next_gap) + cw:
        return False  # nothing, or nothing as close as the values right of it, before the label
    first = k - 1
    while first > 0 and before[first].box.x0 - before[first - 1].box.x1 <= 1.5 * cw:
        first -= 1  # the cell right before the label
    value = parser(ctx, line, line.spans[first][0], line.spans[k - 1][1])
    return bool(value) and value[0] != cand.value and any(ch.isdigit() for ch in value[0])


def _labelled(ctx: Context, line: Line, start: int, end: int) -> bool:
    return any(h.strength >= 0.5 and h.start < end and h.end > start for h in ctx.hits[id(line)])


def _right_aligned_in_cell(ctx: Context, name: str, line: Line, lbox, col_x1: float, parser: Parser):
    """((value, raw, start, end, quality), line) of a value printed right-aligned in a wide
    cell of a row of three or more labels, past the reach of a value under the label itself:
    "BASE IMPONIBLE   % IVA   TOTAL FACTURA" over "451,39   94,79   546,18 €", where the net
    ends just before the next cell starts, further from its label's start than a label's
    column usually reaches (``label_candidates``). The cell ends where the next cell's first
    word starts, on the label's line; the value's words lie wholly inside it, so a value
    centred under the next label (starting left of it, ending right of it) is not taken. Only
    the first line under the label is read, and none that starts another labelled block."""
    cw = ctx.layout.char_width
    words = line.words
    if 1 + sum(1 for a, b in zip(words, words[1:]) if b.box.x0 - a.box.x1 > 2 * cw) < 3:
        return None
    nxt = _next_cell(ctx, line, lbox)
    reach = None if nxt is None else nxt - 0.5 * cw
    if reach is None or reach <= col_x1:
        return None
    for below, s, e in ctx.layout.below(line, lbox.x0 - 3 * cw, reach, max_lines=1):
        inside = below.words_in(s, e)
        if not inside or inside[-1].box.x1 > reach or inside[0].box.x0 < lbox.x0 - 3 * cw:
            return None
        if any(h.start < e and h.end > s and h.strength >= 0.5 and not _date_column_head(name, h) for h in ctx.hits[id(below)]):
            return None
        if _percent_under(below, lbox):
            return None
        found = parser(ctx, below, s, e)
        return (found, below) if found else None
    return None


def _stacked_pair(ctx: Context, below: Line, words: tuple[Word, ...], lbox) -> bool:
    """The value stands right under its label, left-aligned with it, and the next line of the
    column, as close, starts another label: a block of label/value pairs stacked one over the other (a
    reference sidebar: "Rechnungs-Nr." / number / "Datum" / date / "Kunden-Nr." / ...). There
    the value under a label is as surely its own as one beside it; under a table's column
    header the next line holds the next row's value instead, and the first row's keeps the
    lower placement."""
    cw = ctx.layout.char_width
    if not words or abs(words[0].box.x0 - lbox.x0) > cw:
        return False
    col_x1 = max(lbox.x1, max(w.box.x1 for w in words))
    for nxt, s, e in ctx.layout.below(below, lbox.x0 - cw, col_x1, max_lines=1):
        first = nxt.words_in(s, e)
        # the pairs of one block are set as close as its lines: a label further down starts another block
        close = bool(first) and first[0].box.top - max(w.box.bottom for w in words) <= 1.5 * below.height
        return close and abs(first[0].box.x0 - lbox.x0) <= cw and any(
            h.start <= s < h.end and h.strength >= 0.5 for h in ctx.hits[id(nxt)])
    return False


# a value overlaid by another word of its line was read twice, differently
OVERLAID_QUALITY = 0.5


def _overlaid(line: Line, words: tuple[Word, ...], parser: Optional[Parser] = None) -> bool:
    """Another word of the line and one of the value's words cover each other by a third:
    OCR read the same place twice and disagreed ("FE2026-0077" over "26-00775"), so which
    reading (or which part of it) is the value is uncertain. Printed text never overlaps.
    An identifier standing apart whose part was read again alike (``second_reading``)
    disagrees with nothing."""
    alike_agrees = parser is parse_identifier and stands_apart(line.words, words)
    for w in words:
        for o in line.words:
            if o in words or (alike_agrees and read_again_alike(w, o)):
                continue
            cover = min(w.box.x1, o.box.x1) - max(w.box.x0, o.box.x0)
            # a third of the wider of the two: a speck read as "3" inside a date is no second reading
            if cover > 0.33 * max(w.box.x1 - w.box.x0, o.box.x1 - o.box.x0):
                return True
            # nor is one character; but a word of two or more letters or digits lying inside
            # the value ("100" inside "450001080") is its middle read again
            if cover >= 0.8 * min(w.box.x1 - w.box.x0, o.box.x1 - o.box.x0) and _alnum(o.text) >= 2 and _alnum(w.text) >= 2:
                return True
    return False


def _joined_doubt(line: Line, words: tuple[Word, ...], parser: Parser) -> bool:
    """A value in a word joined from two overlapping OCR readings (``layout._one_reading``)
    whose end only one of them read: a date's grammar says where a date ends, nothing says
    where a number or a code does, so anything but a date stays doubted."""
    if not line.rereads or parser is parse_date_value:
        return False
    return any(i in line.rereads for i, w in enumerate(line.words) if w in words)


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _beside_tall_label(ctx: Context, line: Line, lbox, parser: Parser):
    """The value right of a label whose OCR box spans two rows of text ("Echéance:" read with
    a blot under it, 17 points high among 7-point words): the line grouping puts such a word
    with whichever row its centre is nearer, which may be the row below its value. Each
    neighbouring row whose middle lies inside the label's box is searched right of the label,
    within a reach of the label, up to the row's next label; the row nearest the label's
    middle first. Returns (parsed, row) or None."""
    tall = lbox.bottom - lbox.top
    cw = ctx.layout.char_width
    middle = (lbox.top + lbox.bottom) / 2
    page_lines = ctx.layout.by_page[line.page]
    rows = [r for r in page_lines[max(0, line.index - 2):line.index + 3]
            if r is not line and 1.8 * r.height < tall and lbox.top < (r.box.top + r.box.bottom) / 2 < lbox.bottom]
    for row in sorted(rows, key=lambda r: abs((r.box.top + r.box.bottom) / 2 - middle)):
        s = row.offset_at_x(lbox.x1)
        later = [h.start for h in ctx.hits[id(row)] if h.start >= s]
        # a value of the label's own row starts within a short reach of it: past that, the
        # words belong to another column (the buyer's address beside the dates)
        e = min([row.offset_at_x(lbox.x1 + 25 * cw), *later])
        found = parser(ctx, row, s, e) if s < e else None
        if found:
            return found, row
    return None


def _amount_under(ctx: Context, below: Line, s: int, e: int, label: Box):
    """``parse_amount_value`` of ``[s, e)`` under a caption, but the rightmost amount of those
    under the caption itself where any is: the column reaches past the caption's end (a
    value may be printed wider than it), and in a breakdown's row of captions with no label
    after this one ("VAT rate  Net  VAT  Gross" over "20%  -266.22  -53.24  -319.46") the
    rightmost amount of that reach is the next column's ("Gross"), not this one's."""
    found = parse_amount_value(ctx, below, s, e)
    if found is None:
        return None
    cw = ctx.layout.char_width
    under = [t for t in amounts_on(below, ctx.decimal_sep, cw) if t.start >= s and t.end <= e and t.has_decimals
             and not _in_iban(below, t.start, t.end)
             and (box := union_box(below.words_in(t.start, t.end))).x0 < label.x1 and box.x1 > label.x0]
    if not under or under[-1].start == found[2]:
        return found
    tok = under[-1]
    return format_amount(tok.value), tok.value, tok.start, tok.end, 1.0


def _amount_reaching_left(ctx: Context, line: Line, hit: LabelHit, below: Line, s: int, e: int) -> int:
    """Where ``[s, e)`` of a line under a caption starts when an amount in it begins further
    left: a right-aligned amount wider than its short caption ("K úhrade" over "1 660,55 EUR")
    has its leading digit group out of the caption's column, and the column alone reads
    "660,55 EUR". The amount is taken whole while it starts right of the caption before this
    one on its line (that caption's value is its own)."""
    cw = ctx.layout.char_width
    k = next((i for i, (ws, _) in enumerate(line.spans) if ws >= hit.start), None)
    left_edge = line.words[k - 1].box.x1 + cw if k else float("-inf")
    for tok in amounts_on(below, ctx.decimal_sep, cw):
        if tok.start < s < tok.end <= e:
            first = below.words_in(tok.start, tok.start + 1)
            if first and first[0].box.x0 > left_edge:
                return tok.start
            break
    return s


def _column_start(line: Line, s: int, e: int, label: Box, cw: float) -> int:
    """Where the label's column starts within ``[s, e)`` of ``line``. The search reaches a
    little left of the label for values printed right-aligned under it; in a row of narrow
    boxed labels ("Invoice date / Tax point | Payment due" over "08/01/2026 07/02/2026") that
    reach takes in the end of the neighbour's value. Words centred left of the label's left
    edge belong to that neighbour when a word of the label's own column follows them past a
    gap wider than a word space (the digit groups of "11 852,93" are one value), unless they
    end where the label ends: a right-aligned figure wider than its short caption ("VAT" over
    "-53.24", its centre a point left of the caption's start) is the caption's own, and the
    next column's ("Gross" over "-319.46") is not."""
    inside = [(w, ws) for w, (ws, we) in zip(line.words, line.spans) if ws >= s and we <= e]
    for (left, _), (w, ws) in zip(inside, inside[1:]):
        if (w.box.x0 + w.box.x1) / 2 < label.x0:
            continue
        if ((left.box.x0 + left.box.x1) / 2 < label.x0 and w.box.x0 - left.box.x1 > 1.5 * cw
                and abs(left.box.x1 - label.x1) > cw):
            return ws
        break
    return s


def _before_next_column(line: Line, s: int, e: int, next_x0: float, cw: float) -> int:
    """Where ``[s, e)`` of a line under a row of labels ends: before the first word that starts
    within a character of the next label's start. The column is cut half a character before
    the next label, and a scan's boxes shift by as much: "2026-02-14" under "Dátum dodania",
    starting two pixels left of it, is the delivery date's cell, not the issue date's. A
    value starting further left is this label's, even where it reaches under the next one (a
    photographed row of captions askew over its values)."""
    for w, (ws, we) in zip(line.words, line.spans):
        if ws >= s and we <= e and w.box.x0 >= next_x0 - cw:
            return ws
    return e


def _percent_under(line: Line, lbox) -> bool:
    """The cell right under a label is a percentage ("BTW" over "21 %"): the label names
    the rate column of a table, and no amount below it is its value."""
    words = line.words
    for i, w in enumerate(words):
        if w.box.x1 > lbox.x0 and w.box.x0 < lbox.x1:
            nxt = words[i + 1].text if i + 1 < len(words) else ""
            if w.text.endswith("%") or (nxt.startswith("%") and any(ch.isdigit() for ch in w.text)):
                return True
    return False


# a date broken where running text wraps at its hyphen ("Vencimiento: 09-mar-" / "2026"): the
# head ends its line, the year starts the next one flush left
_DATE_HEAD = re.compile(r"(\S+-)\s*$")
_YEAR_TAIL = re.compile(r"(?:\d{4}|\d{2})(?![\d/.-])")


def _hyphen_wrapped_date(ctx: Context, line: Line, hit: LabelHit, seg_end: int):
    """(value, date, words, quality) of a date whose year the line's wrap moved to the start
    of the next line, where the label's segment ends the line with the head of a date."""
    head = _DATE_HEAD.search(line.text, hit.end, seg_end)
    if head is None or seg_end != len(line.text):
        return None
    page_lines = ctx.layout.by_page[line.page]
    nxt = page_lines[line.index + 1] if line.index + 1 < len(page_lines) else None
    if nxt is None or abs(nxt.box.x0 - line.box.x0) > 2 * ctx.layout.char_width or nxt.box.top - line.box.bottom > line.height:
        return None
    tail = _YEAR_TAIL.match(nxt.text)
    if tail is None or tail.end() != nxt.spans[0][1]:
        return None
    found = dates_in(head.group(1) + tail.group(0), 0, ctx.date_order)
    if not found or found[0].start != 0:
        return None
    d = found[0]
    # the candidate's words are its line's (what follows a value is looked up on its line)
    words = line.words_in(head.start(1), head.end(1))
    return d.value.isoformat(), d.value, words, date_quality(ctx, d.ambiguous)


def _wrapped_value(ctx: Context, line: Line, hit: LabelHit, parser: Parser):
    """A label ending a long line whose value starts the next line, flush left ("Nr. 7 vom" /
    "05.03.2018"): running text wrapped between label and value. Running text runs on
    without a cell's gap: a label set a cell apart from the line's start ("KEYSTONE FASTENER
    CORP.      CREDIT NOTE", a letterhead beside a title) heads a block of its own, and the
    next line's first word (the letterhead's street number) is another block's."""
    if line.text[hit.end:].strip() or len(line.words) < 4:
        return None
    label_words = line.words_in(hit.start, hit.end)
    if not label_words:
        return None
    if across_cells([w for w in line.words if w.box.x0 <= label_words[0].box.x0]):
        return None
    page_lines = ctx.layout.by_page[line.page]
    nxt = page_lines[line.index + 1] if line.index + 1 < len(page_lines) else None
    if nxt is None or abs(nxt.box.x0 - line.box.x0) > 2 * ctx.layout.char_width or nxt.box.top - line.box.bottom > line.height:
        return None
    first_end = nxt.spans[0][1]
    found = parser(ctx, nxt, 0, first_end)
    return (found[0], found[1], nxt, found[2], found[3], found[4]) if found else None


def scored_candidate(name: str, value: str, raw: object, score: float, method: str, words: tuple[Word, ...], anchor: Line,
                     label: Optional[LabelHit] = None, notes: Optional[list] = None) -> Candidate:
    return Candidate(name, value, score * min_confidence(words), method, words, raw, notes or [], anchor=anchor, label=label)


def best_candidate(cands: list[Candidate]) -> tuple[Optional[Candidate], float]:
    """The best-supported value and its confidence.

    Support for a value is its best score plus 0.05 for each further sighting (capped at
    +0.1): the same number printed twice is more likely the field. A competing different
    value within 80 % of the winner's support multiplies the confidence by 0.8.
    """
    if not cands:
        return None, 0.0
    by_value, support, ranked = _support(cands)
    top = max(by_value[ranked[0]], key=lambda c: c.score)
    conf = min(1.0, support[ranked[0]])
    if contested(cands):
        conf *= 0.8
    return top, round(min(conf, 0.99), 3)


def _support(cands: list[Candidate]) -> tuple[dict[str, list[Candidate]], dict[str, float], list[str]]:
    by_value: dict[str, list[Candidate]] = {}
    for c in cands:
        by_value.setdefault(c.value, []).append(c)
    support = {v: max(c.score for c in cs) + min(0.1, 0.05 * (len(cs) - 1)) for v, cs in by_value.items()}
    return by_value, support, sorted(support, key=lambda v: -support[v])


def contested(cands: list[Candidate]) -> bool:
    """Another value has at least 80 % of the best-supported value's support (``best_candidate``)."""
    if not cands:
        return False
    _, support, ranked = _support(cands)
    return len(ranked) > 1 and support[ranked[1]] >= 0.8 * support[ranked[0]]
