"""The invoice number printed only in the title: "RECHNUNG 2026-0412", "INVOICE 10234",
"GUTSCHRIFT 2026-0135", "FACTURE F2600731".

Many billing programs print the document's name and its number as one heading and no
"Invoice No." label anywhere. The bare title word labels the number only weakly (0.35 in
``vocabulary``, as "Invoice" may head any line), which keeps a right value under every
threshold. The heading is told apart by its print: the title word is set larger than the
page's text, and the heading holds nothing but the word and one identifier. Then, when no
strong number label is on the page, the identifier is the number (``TITLE_NUMBER_SCORE``).
"""

from __future__ import annotations

import re
from statistics import median
from typing import Callable

from invoicepipe.domain.extraction.candidates import dates_in, number_label_word
from invoicepipe.domain.extraction.caption_stems import ANOTHER_DOCUMENT
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import heading_height, min_confidence
from invoicepipe.domain.extraction.number_prefix import continued_number, series_code
from invoicepipe.domain.extraction.search import Candidate, Context, label_candidates, scored_candidate

TITLE_NUMBER_SCORE = 0.85
_TITLE_STRENGTH = 0.35  # the bare document words of ``vocabulary``
_STRONG_LABEL = 0.8
_HEADING_SCALE = 1.3  # a heading's letters against the page's median word height
# text left of a heading on its line is another column's when it ends this many of the
# heading's letter heights before it (a cell gap, ``labels.CELL_GAP``, in the larger heading's letters)
_COLUMN_GAP = 1.5
# a label column: this many other fields' labels at the title word's left edge, within this
# many of its heights above or below it
_COLUMN_LABELS = 2
_COLUMN_REACH = 5.0
# a number in a column of labels has at least this many letters and digits
_MIN_NUMBER_CHARS = 3


def title_numbers(ctx: Context, parser: Callable) -> list[Candidate]:
    """The identifier right of a heading "<document word> <identifier>", scored as a label's
    value, when no number label of strength 0.8 or more is on the page."""
    if any(h.strength >= _STRONG_LABEL for h in ctx.hits_for("invoice_number")):
        return []
    out = []
    for field, labels in (("invoice_number", None), ("invoice_number", "credit_note")):
        for c in label_candidates(ctx, field, parser, labels=labels) if labels else label_candidates(ctx, field, parser):
            label = c.label
            if label is None or c.method != "label_right" or not c.words:
                continue
            if labels is None and label.strength > _TITLE_STRENGTH:
                continue
            line = label.line
            title_words = line.words_in(label.start, label.end)
            if not title_words:
                continue
            if _heading(ctx, line, title_words, c.words):
                note = "title_heading"
            elif labels is None and _in_label_column(ctx, line, title_words, c.words):
                note = "label_column"
            else:
                continue
            # the OCR's word confidence weighs in as in every label's score (``search``): the
            # calibration parts how surely it is the field from how surely it was read
            out.append(Candidate(c.field, c.value, round(TITLE_NUMBER_SCORE * min_confidence(c.words), 4), "title_number",
                                 c.words, c.raw, [*c.notes, note], c.anchor, c.label))
    return out


def unread_title_numbers(ctx: Context, parser: Callable) -> list[Candidate]:
    """The identifier closing a heading whose title word no vocabulary holds ("FAKTURA
    2026/0412" where Polish is unknown, "SZÁMLA 0412"): on the first page, a cell of one or
    two words of letters set large (``layout.heading_height``) and one identifier a word
    space after them, closing the line. A heading's word names the paper, and a paper that
    titles itself with a number is the invoice, in whatever language: scored as a title
    heading's number a little below a known word's (``UNREAD_TITLE_SCORE``), when no number
    label of strength 0.8 or more is on the page. A line a known label reads (another
    paper's number, a customer's) is the labels' to read, and a heading naming another
    paper ("PROFORMA") is not the invoice's."""
    if not ctx.layout.by_page or any(h.strength >= _STRONG_LABEL for h in ctx.hits_for("invoice_number")):
        return []
    lines = ctx.layout.by_page[min(ctx.layout.by_page)]
    tall = heading_height(lines)
    out = []
    for line in lines:
        if ctx.hits[id(line)] or len(line.words) < 2 or max(_height(w) for w in line.words) < tall:
            continue
        found = _closing_identifier(ctx, line, parser, tall)
        if found is None:
            continue
        title, (text, raw, start, end, quality) = found
        words = line.words_in(start, end)
        if not words or ANOTHER_DOCUMENT.search(fold_accents(" ".join(w.text for w in title))):
            continue
        out.append(Candidate("invoice_number", text, round(UNREAD_TITLE_SCORE * quality * min_confidence(words), 4),
                             "title_number", tuple(words), raw, ["unread_title"], line, None))
    return out


# a known title word's heading scores ``TITLE_NUMBER_SCORE``; one no vocabulary holds a little less
UNREAD_TITLE_SCORE = 0.75
# the title word itself: a word, longer than a series code ("FS", "FT", "INV")
_TITLE_WORD = re.compile(r"[^\W\d_]{4,}")


def _closing_identifier(ctx: Context, line, parser: Callable, tall: float):
    """(title words, parsed identifier) when ``line`` ends in a cell of one or two words of
    letters, each at least ``tall``, and one identifier that closes the line; else None."""
    for k in range(len(line.words) - 1):
        first = line.words[k]
        if not _TITLE_WORD.fullmatch(first.text) or _height(first) < tall:
            continue  # "FS" opening a box "FS 578/01/2026" is the number's series code, no title
        if k and first.box.x0 - line.words[k - 1].box.x1 <= _COLUMN_GAP * _height(first):
            continue  # no cell's first word: a title opens its cell (a column's gap before it) or the line
        # "FATURA | FT A2026/810" before "RECHNUNG Nr. | 2026000068"; a third word only as the
        # number word ("CREDIT MEMO NO. | 000607")
        for n in (1, 2, 3):
            title, rest = line.words[k:k + n], line.words[k + n:]
            if n == 3 and not number_label_word(title[-1].text):
                break
            if not rest or not all(_LETTERS.fullmatch(w.text) and _height(w) >= tall for w in title) or any(
                    b.box.x0 - a.box.x1 > _COLUMN_GAP * _height(first) for a, b in zip(title, (*title[1:], rest[0]))):
                break
            start = line.spans[k + n][0]
            parsed = parser(ctx, line, start, len(line.text))
            if parsed is None or parsed[2] != start or parsed[3] != len(line.text.rstrip()):
                continue  # the identifier is the rest of the line, whole
            if sum(ch.isalnum() for ch in parsed[0]) < _MIN_NUMBER_CHARS or dates_in(parsed[0], 0, ctx.date_order):
                break
            return title, parsed
    return None


def _heading(ctx: Context, line, title_words, value_words) -> bool:
    """The title word opens its cell of the line, the value closes the line, nothing between,
    set large. Text left of the heading a column apart is another block's (the seller's name
    or address beside a heading at the right: the line groups what stands at one height)."""
    if line.words[-1] is not value_words[-1] or title_words[0] not in line.words:
        return False
    i = line.words.index(title_words[0])
    if len(line.words) - i != len(title_words) + len(value_words):
        return False
    # words of the heading's own print before the title word qualify it ("Tax Invoice",
    # "Commercial Invoice"): the heading is the qualified title
    while i and len(title_words) < _MAX_HEADING_WORDS and _qualifies(line.words[i - 1], title_words[0]):
        i -= 1
        title_words = [line.words[i], *title_words]
    if len(title_words) > 1 and ANOTHER_DOCUMENT.search(fold_accents(" ".join(w.text for w in title_words))):
        return False  # "PROFORMA INVOICE", "ADVANCE INVOICE": another paper's number
    if i and title_words[0].box.x0 - line.words[i - 1].box.x1 <= _COLUMN_GAP * _height(title_words[0]):
        return False
    return _set_large(ctx, line.page, title_words)


# a heading's words: the title word and at most two qualifying it ("Tax Invoice")
_MAX_HEADING_WORDS = 3
# a word of letters (its period after it): a title's qualifier or second word, not a figure or code
_LETTERS = re.compile(r"[^\W\d_]{2,}\.?")


def _qualifies(word, title) -> bool:
    """``word`` right before the title word, set in the same print: a word of letters as tall
    as it (within a fifth) and a word space before it."""
    tall = _height(title)
    return (_LETTERS.fullmatch(word.text) is not None and abs(_height(word) - tall) <= 0.2 * tall
            and title.box.x0 - word.box.x1 <= _COLUMN_GAP * tall)


def _height(word) -> float:
    return max(1.0, word.box.bottom - word.box.top)


def _in_label_column(ctx: Context, line, title_words, value_words) -> bool:
    """The bare document word as one label of a block of labels ("Invoice  000679-A" over
    "Receiving Date  01/09/2026", "Customer  33530", "Payment Due  02/08/2026"): its value
    is the next word, and at least ``_COLUMN_LABELS`` other fields' labels start at its
    left edge on the lines just above or below it, each with a value right of it. A title
    word among labels is a label, at the body's size as much as at a heading's."""
    i = line.words.index(title_words[-1])
    if i + 1 >= len(line.words) or line.words[i + 1] is not value_words[0]:
        return False
    if sum(ch.isalnum() for w in value_words for ch in w.text) < _MIN_NUMBER_CHARS or number_label_word(value_words[0].text):
        return False  # "n2", an ordinal OCR misread, names the number; it is not one
    first = title_words[0]
    height = max(1.0, first.box.bottom - first.box.top)
    cw = ctx.layout.char_width
    found = 0
    for other in ctx.layout.by_page.get(line.page, ()):
        if other is line or abs(other.words[0].box.top - first.box.top) > _COLUMN_REACH * height:
            continue
        for h in ctx.hits[id(other)]:
            if h.field == "invoice_number" or h.strength < 0.5:
                continue
            words = other.words_in(h.start, h.end)
            if not words or abs(words[0].box.x0 - first.box.x0) > cw:
                continue
            k = other.words.index(words[-1])
            if k + 1 < len(other.words) and any(ch.isdigit() for ch in other.words[k + 1].text):
                found += 1
                break
    return found >= _COLUMN_LABELS


def _set_large(ctx: Context, page: int, words) -> bool:
    heights = [w.box.bottom - w.box.top for ln in ctx.layout.by_page.get(page, ()) for w in ln.words]
    if not heights:
        return False
    body = median(heights)
    return min(w.box.bottom - w.box.top for w in words) >= _HEADING_SCALE * body


# a bare number word: "N.º", "Nº", "N°", "No.", "Nr.", "Número", "Numero", "Nummer", "Numer"
_NUMBER_WORD = re.compile(r"(?i)(?:n\.?[°º]\.?|no\.|nr\.?|n[úu]mero|nummer|numer|#)")
# the raised ordinal as OCR reads it ("N2", "N?", "N.2", "Ne", "N*", "No" for "Nº"; ``labels._MISREAD_ORDINAL``), on OCR'd words only
_OCR_NUMBER_WORD = re.compile(r"N\.?[?2º°*]\.?|Ne|No")
# how far under the title its box's lines reach, in the title's own letter heights
_BOX_REACH = 3.0


def numbers_under_heading(ctx: Context, parser: Callable) -> list[Candidate]:
    """"FATURA-RECIBO" over "N.º FR A2026/740": a document title set large, and on one of the
    two lines under it a bare number word aligned with the title's left edge, followed by an
    identifier. A document box prints its own number so, and the word may share its printed
    line with text of another column (the seller's telephone left of the box), so the word
    is found by its place under the title rather than at the start of a line. Scored as a
    title heading's number (``TITLE_NUMBER_SCORE``), when no number label of strength 0.8
    or more is on the page."""
    cw = ctx.layout.char_width
    out = []
    for hit, words in _large_titles(ctx):
        title_line = hit.line
        x0, x1 = words[0].box.x0, words[-1].box.x1
        tall = max(w.box.bottom - w.box.top for w in words)
        bottom = max(w.box.bottom for w in words)
        # the box's lines: those starting within a few title heights under it (a scan's line
        # grouping may put lines of the column beside it in between)
        lines = [ln for ln in ctx.layout.by_page[title_line.page][title_line.index + 1:]
                 if ln.box.top - bottom < _BOX_REACH * tall]
        for line in lines:
            for k, (w, (ws, we)) in enumerate(zip(line.words, line.spans)):
                numbered = _NUMBER_WORD.fullmatch(w.text) or (w.confidence < 1.0 and _OCR_NUMBER_WORD.fullmatch(w.text))
                if not numbered or k + 1 >= len(line.words) or w.box.x0 < x0 - 1.5 * cw:
                    continue
                # the value runs to the next gap wider than two characters (the next cell)
                end = len(line.text)
                for a, b, (bs, _) in zip(line.words[k + 1:], line.words[k + 2:], line.spans[k + 2:]):
                    if b.box.x0 - a.box.x1 > 2 * cw:
                        end = bs
                        break
                found = parser(ctx, line, we, end)
                if found and any(ch.isdigit() for ch in found[0]):
                    value, raw, vs, ve, quality = found
                    # the box is aligned left under the title ("FATURA-RECIBO" / "N.º FR …") or,
                    # set right as many programs set it, the value ends where the title ends
                    # ("CREDIT NOTE" / "# INV-000068")
                    right = max(v.box.x1 for v in line.words_in(vs, ve))
                    if abs(w.box.x0 - x0) > 1.5 * cw and abs(right - x1) > 1.5 * cw:
                        continue
                    # the value's OCR confidence counts as for any label's value (``scored_candidate``)
                    out.append(scored_candidate("invoice_number", value, raw, TITLE_NUMBER_SCORE * quality, "title_number",
                                                line.words_in(vs, ve), line, hit, ["under_heading"]))
    return out


# a bare identifier under a title: letters or a separator with its digits, so neither a
# plain count nor a date or amount ("FV/887/02/2026", "INV-0042", "RE2026-00853")
_BARE_IDENTIFIER = re.compile(r"(?=.*\d)(?=.*[A-Za-z/\-])[A-Za-z0-9][A-Za-z0-9/\-.]{4,}")


def bare_numbers_under_heading(ctx: Context, parser: Callable) -> list[Candidate]:
    """"Faktura VAT" over "FV/887/02/2026": a document title set large, and right under it,
    aligned with its left edge, an identifier alone in its cell with no word before it. The
    document's heading prints its own number so; a logo or the seller's block may share the
    printed line in another column. Scored as a title heading's number, when no number label
    of strength 0.8 or more is on the page."""
    cw = ctx.layout.char_width
    out = []
    for hit, words in _large_titles(ctx):
        tall = max(w.box.bottom - w.box.top for w in words)
        # the heading's left edge: its title word's, or the first word of its cell ("SALES
        # INVOICE", "TAX INVOICE": a qualifier set as large before the title word)
        x0 = _heading_start(hit.line, words, tall).box.x0
        bottom = max(w.box.bottom for w in words)
        below = ctx.layout.by_page[hit.line.page][hit.line.index + 1:hit.line.index + 2]
        line = below[0] if below and below[0].box.top - bottom < 1.5 * tall else None
        if line is None:
            continue
        k = next((k for k, w in enumerate(line.words) if abs(w.box.x0 - x0) <= 1.5 * cw), None)
        if k is None or (k > 0 and x0 - line.words[k - 1].box.x1 < _COLUMN_GAP * tall):
            continue  # nothing starts under the title, or what does is the end of a phrase
        w = line.words[k]
        code = None
        wrapped = _wrapped_start(hit.line, words, tall)
        if k + 1 < len(line.words) and series_code(w.text) and line.words[k + 1].box.x0 - w.box.x1 <= 2 * cw:
            # "KNM 000520": a series code of capitals a space before the number is its first
            # part (as ``number_prefix.code_opens_cell`` joins it), the pair alone in its cell
            code, w, k = w, line.words[k + 1], k + 1
        if k + 1 < len(line.words) and line.words[k + 1].box.x0 - w.box.x1 <= 2 * cw:
            continue  # more words in the cell: a phrase, not an identifier alone
        digits = w.text.isdigit() and len(w.text) >= 4
        if wrapped is not None and code is None and (digits or _BARE_IDENTIFIER.fullmatch(w.text)):
            # "BPD-" closing the heading over "00781", "A-" over "2026/00819": the number wrapped
            # at its separator; what stands under the heading is its rest, never the whole
            joined = continued_number(wrapped.text, w.text)
            if joined is None:
                continue
        elif not _BARE_IDENTIFIER.fullmatch(w.text) and not (code is not None and digits) \
                or dates_in(w.text, 0, ctx.date_order):
            continue
        else:
            wrapped = None
        ws, we = line.spans[k]
        found = parser(ctx, line, ws, we)
        if found and found[0] == w.text:
            value, raw, vs, ve, quality = found
            words = line.words_in(vs, ve)
            note = "bare_under_heading"
            if code is not None:
                value = raw = f"{code.text} {value}"
                words = (code, *words)
            elif wrapped is not None:
                value = raw = joined  # the parser read the rest's word whole (``found[0] == w.text``)
                words, note = (wrapped, *words), "wrapped_under_heading"
            out.append(scored_candidate("invoice_number", value, raw, TITLE_NUMBER_SCORE * quality, "title_number",
                                        words, line, hit, [note]))
    return out


# the first part of a number a heading wrapped at its separator: a series code, perhaps with
# digits or further groups, ending in a dash or slash ("BPD-", "FV/2026/")
_WRAPPED_PART = re.compile(r"(?=[^/\-]*[A-Za-z])[A-Za-z0-9]+(?:[/\-][A-Za-z0-9]+)*[/\-]")


def _wrapped_start(line, words, tall: float):
    """The word closing the heading's cell when it is a number's first part broken at its
    separator ("RĒĶINS / INVOICE BPD-" over "00781", "Factura de abono A-" over "2026/00819"),
    else None. A heading set in a box of fixed width breaks a long number where a line may
    break, after a dash or slash, and the rest opens the next line at the heading's left edge.
    The heading's cell runs from the title word over the words set as large a word space
    apart; its last word is the part."""
    k = next(i for i, w in enumerate(line.words) if w is words[-1])
    last = k
    while last + 1 < len(line.words):
        nxt, prev = line.words[last + 1], line.words[last]
        if nxt.box.x0 - prev.box.x1 >= _COLUMN_GAP * tall or nxt.box.bottom - nxt.box.top < 0.8 * tall:
            break
        last += 1
    if last == k:
        return None
    part = line.words[last]
    if not _WRAPPED_PART.fullmatch(part.text) or number_label_word(part.text.rstrip("/-")):
        return None
    return part


def _heading_start(line, words, tall: float):
    """The first word of the heading's cell: words before the title word set as large, a word
    space apart (less than a cell gap, ``_COLUMN_GAP`` of the heading's letter heights)."""
    first = words[0]
    k = next(i for i, w in enumerate(line.words) if w is first)
    while k > 0:
        before = line.words[k - 1]
        if first.box.x0 - before.box.x1 >= _COLUMN_GAP * tall or before.box.bottom - before.box.top < 0.8 * tall:
            break
        first, k = before, k - 1
    return first


def _large_titles(ctx: Context):
    """(hit, words) of each bare document title set large, none where a number label of
    strength 0.8 or more is on the page (then the number has its label)."""
    if any(h.strength >= _STRONG_LABEL for h in ctx.hits_for("invoice_number")):
        return
    titles = [h for h in ctx.hits_for("invoice_number") if h.strength <= _TITLE_STRENGTH] + ctx.hits_for("credit_note")
    for hit in titles:
        words = hit.line.words_in(hit.start, hit.end)
        if words and _set_large(ctx, hit.line.page, words):
            yield hit, words
