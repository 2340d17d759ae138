"""Doubt an invoice number that a short code printed just before it may belong to.

Numbering systems print a document type or series in front of the number, one space apart
("FT A2026/49", "A 2026/0012", "FPR 12/26"). ``identifier_in`` joins the forms it knows; a
form it does not know is read without its code, and the truncated value scores as well as
a whole one (it is the first identifier right of, or under, the label). Nothing in the
value tells it is short, so the safety net looks at what is printed before it: a short
upper-case code no wider apart than a space, that is no label word, may be the number's
first part. Such a value keeps its place but not the machine's word: its confidence stays
under every routing threshold, so a person sees it.

The mirror case: a series code with a digit ("B2 004512", "A1 2026/0042") is itself an
identifier, so the code alone is chosen and its number, one space after it, is lost.
``number_after`` finds such a number-like word; where the chosen value is only a short code
the two are the label's value together (``code_and_number``), and any other value with a
number one space after it is doubted like one with a code before it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.candidates import is_date_or_amount, number_label_word, skipped_before
from invoicepipe.domain.extraction.code_lookalikes import code_read_as_letters
from invoicepipe.domain.extraction.labels import cells_apart, fold_accents, rest_of_cell
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.search import SKIPPED_WORD_QUALITY, Candidate, Context
from invoicepipe.domain.models import Word

# one to four capitals and digits, at least one capital: a series ("FT", "A", "B2", "FPR"),
# not a count or a year (digits alone are other numbers on the line far more often)
SERIES_CODE = re.compile(r"(?=[0-9]*[A-Z])[A-Z0-9]{1,4}")


def series_code(text: str) -> bool:
    """``text`` is a series code, not a number word ("FT", "KNM", "B2"; not "NR", "NO")."""
    return bool(SERIES_CODE.fullmatch(text)) and not number_label_word(text)

# a series code holding a digit, which the identifier reader takes for a whole number
_DIGIT_CODE = re.compile(r"(?=[A-Z]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{2,4}")
# the number part: digits, perhaps grouped by a slash or dash ("004512", "2026/0042"), at
# least four digits (a quantity or a page count after a code is shorter)
_NUMBER = re.compile(r"(?=(?:[^0-9]*[0-9]){4})[0-9][0-9/\-]*[0-9]")
# a space is about half a character wide, but OCR boxes hug the ink, so a scanned space
# measures up to about one character ("FR 2026/235": 5.0 pt at 4.6 pt per character); a
# column or box gap is several characters
_SPACE_GAP = 1.5
# the same for a word set larger than the page's text, in its own letters' height
_SPACE_OF_HEIGHT = 0.8
# the confidence a doubted number keeps: the same ceiling as a value found past a word its
# label does not explain (``search.SKIPPED_WORD_QUALITY``), below every routing threshold
# even after calibration's largest lift
PREFIX_DOUBT_CONFIDENCE = SKIPPED_WORD_QUALITY
# a value left-aligned with its caption starts within a character of the caption's edge (a
# scan's boxes hug the ink, so a little more)
_ALIGNED = 1.0


def code_before(ctx: Context, cand: Candidate) -> Optional[str]:
    """The code printed right before ``cand``'s value that may be part of it, else None."""
    if not cand.words or not cand.value:
        return None
    first = cand.words[0]
    line, k = _line_and_index(ctx, first)
    if line is None or k == 0:
        return None
    # the value opens its first word (a value inside a glued "Nr:A2026/49" has the label before it)
    if not first.text.lstrip("#:(").startswith(cand.value[:1]):
        return None
    prev = line.words[k - 1]
    # a space of the code's own letters: a heading's number is set larger than the page's text
    space = max(_SPACE_GAP * ctx.layout.char_width, _SPACE_OF_HEIGHT * (prev.box.bottom - prev.box.top))
    if first.box.x0 - prev.box.x1 > space:
        return None  # a column or box apart: another field's value, not the number's code
    # on a scan the code's digit may be read as the letter it resembles ("A1" as "Al")
    code = (code_read_as_letters(prev.text) if prev.confidence < 1.0 else None) or prev.text
    if not SERIES_CODE.fullmatch(code) or number_label_word(prev.text):
        return None
    ps, pe = line.spans[k - 1]
    if any(h.start < pe and h.end > ps for h in ctx.hits[id(line)]):
        return None  # the word is (part of) a label the vocabulary knows
    return prev.text


def code_opens_cell(ctx: Context, cand: Candidate, conf: float) -> Optional[tuple[Candidate, float]]:
    """(``cand`` with the code before it joined, its confidence) ("KNM" + "000769") when the code is the first
    thing the label's field holds: right after the label on its line ("Nr. KNM 000769"), or
    the first word of the label's column under it, aligned with the label's left edge
    ("Sąskaitos Nr." over "KNM 000769"). Else None. Right of the label the reader scored the
    number down for the word it skipped to reach it; that word is the code, now the value's.

    A code loose on a line may be anything printed before the number; one that opens the
    label's own field is the field's first part. The identifier reader skipped it only for
    having no digit. On every development set where a code stood there, the number printed
    with it was the invoice's (the ground truth keeps the series: "KNM 000769", "FT A2026/173").
    """
    code = code_before(ctx, cand)
    hit = cand.label
    if code is None or hit is None or not cand.words or not SERIES_CODE.fullmatch(code):
        return None  # a code OCR may have misread ("Al" for "A1") is joined only with a witness
    line, k = _line_and_index(ctx, cand.words[0])
    prev = line.words[k - 1]
    if cand.method == "label_right" and line is hit.line:
        # nothing between the label's end and the code but the label's own punctuation
        if line.text[hit.end:line.spans[k - 1][0]].strip(" :#.") != "":
            return None
        between = line.text[hit.end:line.spans[k][0]]
        factor = 1 / SKIPPED_WORD_QUALITY if skipped_before(between, len(between)) else 1.0
    elif cand.method == "label_below" and line is not hit.line:
        label_words = hit.line.words_in(hit.start, hit.end)
        if not label_words:
            return None
        cw = ctx.layout.char_width
        edges = (label_words[0].box.x0, _caption_start(hit.line, label_words[0], cw))
        if all(abs(prev.box.x0 - x) > _ALIGNED * cw for x in edges):
            return None
        if k >= 2 and prev.box.x0 - line.words[k - 2].box.x1 <= _SPACE_GAP * cw:
            return None  # the code goes on a word before it: part of a longer text
        factor = 1.0
    else:
        return None
    value = f"{code} {cand.value}"
    joined = replace(cand, value=value, raw=value, words=(prev, *cand.words), score=min(0.99, cand.score * factor),
                     notes=[*cand.notes, "code_opens_cell"])
    return joined, round(min(0.99, conf * factor), 3)


def _caption_start(line: Line, first, cw: float) -> float:
    """Where the caption holding the label word ``first`` starts: the label may be the end
    of a longer caption ("Kreditinės sąskaitos Nr."), its words a space apart."""
    k = line.words.index(first)
    while k > 0 and line.words[k].box.x0 - line.words[k - 1].box.x1 <= _SPACE_GAP * cw:
        k -= 1
    return line.words[k].box.x0


# Portugal's certified invoicing programs identify a document by its type's code, its series
# and its number in the series ("FT A2026/319": Portaria 363/2010, SAF-T PT's InvoiceNo): the
# code is the number's first part by law, not a code that may or may not belong to it
_PT_DOCUMENT_TYPES = frozenset(("FT", "FR", "FS", "NC", "ND"))
_PT_SERIES_AND_NUMBER = re.compile(r"[A-Z0-9]{1,10}/\d{1,10}")


def portuguese_document_number(cand: Candidate, ctx: Context) -> bool:
    """True for a value joined from a Portuguese document-type code and a series with its
    number ("FT" over "A2026/319") under a Portuguese label, or under a label the languages
    share ("Doc. n.º") in a row of captions that speaks Portuguese ("Dt. emissão"): the whole
    is the number."""
    code, _, rest = cand.value.partition(" ")
    if cand.label is None or code not in _PT_DOCUMENT_TYPES or _PT_SERIES_AND_NUMBER.fullmatch(rest) is None:
        return False
    return cand.label.lang == "pt" or any(h.lang == "pt" for h in ctx.hits[id(cand.label.line)])


# a number's shape: its digits any digit, its letters and separators as printed
_SHAPE = re.compile(r"[0-9]")


def series_printed_elsewhere(ctx: Context, cand: Candidate) -> bool:
    """A joined value's code is printed elsewhere on the document one space before another
    number of the same shape ("KNM" + "000848" under "SĄSKAITA FAKTŪRA NR. KNM", and in the
    note's reference "sąskaitai Nr. KNM 000843"): the vendor numbers its papers in that series,
    so the code is the number's first part, not a word that happened to end the label's line.
    Another number of the same series is the credited invoice's or an earlier one's, never
    this value (its digits differ)."""
    code, _, rest = cand.value.partition(" ")
    if not code or not rest or " " in rest:
        return False
    shape = _SHAPE.sub("9", rest)
    own = set(map(id, cand.words))
    for line in ctx.layout.lines:
        for k in range(len(line.words) - 1):
            word, after = line.words[k], line.words[k + 1]
            if (word.text == code and id(word) not in own and after.text != rest
                    and _SHAPE.sub("9", after.text.rstrip(".,;:)")) == shape
                    and after.box.x0 - word.box.x1 <= _SPACE_OF_HEIGHT * (word.box.bottom - word.box.top)):
                return True
    return False



def code_after_label(ctx: Context, cand: Candidate) -> Optional[str]:
    """"FATURA N.º FT" over "A2026/173": a value read on the line under its label, where the
    label's own line ends in a code right after it. The number wrapped after its first part
    (a series or document-type code), and the code may be that part: a person decides."""
    if cand.method != "label_below" or cand.label is None or not cand.words:
        return None
    line = ctx.layout.line_of(cand.words[0])
    if line is None or line is cand.label.line:
        return None
    label_line = cand.label.line
    end = _label_cell_end(label_line, cand.label)
    rest = label_line.text[cand.label.end:end].strip(" :#.")
    if not series_code(rest):
        return None
    if any(h is not cand.label and h.start < end and h.end > cand.label.end for h in ctx.hits[id(label_line)]):
        return None  # a word the vocabulary knows ("Nr faktury VAT": the tax's word, no series)
    return rest


def _label_cell_end(line: Line, label) -> int:
    """Where the label's cell ends in ``line.text``: a logo or another box's caption a cell
    further along the line ("SĄSKAITA FAKTŪRA NR. KNM", a logo's "KN" at the page's right
    edge on the same line) is not the label's field."""
    words = line.words_in(label.start, label.end)
    if not words:
        return len(line.text)
    k = line.words.index(words[-1])
    cell = rest_of_cell(line.words, k)
    return line.spans[k + len(cell)][1] if cell else label.end


def _alone_over_value(ctx: Context, cand: Candidate) -> Optional[tuple[Line, Word, Line]]:
    """(its line, the word, the value's line) of the one word standing in the column of a value
    read under its label, between the label's line and the value's, else None."""
    label = cand.label
    if cand.method != "label_below" or label is None or not cand.words:
        return None
    first = cand.words[0]
    below, _ = _line_and_index(ctx, first)
    line = label.line
    if below is None or below.page != line.page or below.index <= line.index + 1:
        return None
    cw = ctx.layout.char_width
    column = [(ln, w) for ln in ctx.layout.by_page[line.page][line.index + 1:below.index] for w in ln.words
              if w.box.x0 < first.box.x1 and w.box.x1 > first.box.x0 - _ALIGNED * cw]
    return (*column[0], below) if len(column) == 1 else None


def code_above_in_cell(ctx: Context, cand: Candidate) -> Optional[Word]:
    """"Nº Fatura" over "FT" over "A2026/783": a value read under its label with a lone series
    code between them in the value's column, the number wrapped in its narrow cell after its
    first part; the code's word, else None. The code may be the number's: a person decides."""
    alone = _alone_over_value(ctx, cand)
    if alone is None:
        return None
    _, code, _ = alone
    if not series_code(code.text):
        return None
    first, cw = cand.words[0], ctx.layout.char_width
    return code if abs(code.box.x0 - first.box.x0) <= _ALIGNED * cw else None


# what OCR glues to the front of a number it read only in part: a letter or digit, or a
# sign a letter is read as ("$" for S, "@" for 0 or O, "&" for 8, "§" for S)
_LOST_LEAD = re.compile(r"[A-Za-z0-9$@&§]")


def glued_before(ctx: Context, cand: Candidate) -> bool:
    """True when ``cand``'s value starts inside an OCR word after characters that may be
    its own first ones, misread ("$1000067" read for "SI000067" gives "1000067"; "SI@00085"
    gives "00085"), and no label explains them ("Nr:2026/49" is label and number glued)."""
    if not cand.words or not cand.value or cand.words[0].confidence >= 1.0:
        return False
    first = cand.words[0]
    at = first.text.find(cand.value.split(" ", 1)[0])
    if at <= 0 or not _LOST_LEAD.search(first.text[:at]):
        return False
    line, k = _line_and_index(ctx, first)
    if line is None:
        return False
    ws = line.spans[k][0]
    return not any(h.start < ws + at and h.end > ws for h in ctx.hits[id(line)])


# a gap narrower than this share of the glyphs' height is no word space: OCR split a word
_SPLIT_GAP = 0.2


def glued_after(ctx: Context, cand: Candidate) -> bool:
    """True when an OCR word with a digit starts closer after ``cand``'s last word than a word
    space ("616/PP" + "1/1" for "616/PP1/1"): OCR split the number, and the rest may be its own."""
    if not cand.words or cand.words[-1].confidence >= 1.0:
        return False
    last = cand.words[-1]
    _, _, nxt = _next_on_line(ctx, last)
    if nxt is None:
        return False
    return (nxt.box.x0 - last.box.x1 < _SPLIT_GAP * max(1.0, last.box.bottom - last.box.top)
            and any(ch.isdigit() for ch in nxt.text) and last.text.rstrip(".,;:").endswith(cand.value[-1:]))


def number_after(ctx: Context, cand: Candidate):
    """The number-like word printed one space after ``cand``'s value that may be its second
    part ("B2" + "004512"), else None. Dates and amounts are other fields."""
    found = _word_after(ctx, cand)
    if found is None:
        return None
    last, nxt = found
    # the value ends its last word ("B2" is the whole word, not "B2:" or a part of it)
    if not last.text.rstrip(".,;:").endswith(cand.value[-1:]):
        return None
    text = nxt.text.rstrip(".,;")
    if not _NUMBER.fullmatch(text) or is_date_or_amount(text):
        return None
    return nxt


def code_and_number(ctx: Context, cand: Candidate) -> Optional[Candidate]:
    """``cand`` joined with the number after it when its value is only a series code with a
    digit ("B2" before "004512"): the label's value is the two together. Else None."""
    if not _DIGIT_CODE.fullmatch(cand.value or ""):
        return None
    nxt = number_after(ctx, cand)
    if nxt is None:
        return None
    value = f"{cand.value} {nxt.text.rstrip('.,;')}"
    return replace(cand, value=value, raw=value, words=(*cand.words, nxt), notes=[*cand.notes, "code_and_number"])


# the Romanian series and number: "Seria SBX nr. 0727" (the vocabulary's label takes in the series)
_SERIES_LABEL = re.compile(r"(?i)seria\s*:?\s*([A-Z]{1,5})\s*,?\s*nr\b\.?\s*:?$")


def series_and_number(cand: Candidate) -> Optional[Candidate]:
    """``cand`` with the series its label names before it ("Seria SBX nr. 0727" gives "SBX
    0727": a Romanian invoice's number is its series and its number together), else None."""
    hit = cand.label
    if hit is None or not cand.value:
        return None
    # the label was matched with its accents folded ("Sęria": OCR's reading of "Seria")
    m = _SERIES_LABEL.search(fold_accents(hit.line.text[hit.start:hit.end]))
    if m is None or cand.value.upper().startswith(m.group(1).upper()):
        return None
    value = f"{m.group(1).upper()} {cand.value}"
    return replace(cand, value=value, raw=value, notes=[*cand.notes, "series"])


# a number's own separators, after which OCR (or a text layer's wide gap) may break it in
# two words: "FV/00747/ 2026", "2026/ 0772", "RE-2026- 0042"
_SEPARATORS = ("/", "-")
# the rest of such a number: letters and digits, a digit among them, perhaps more separators
_REST = re.compile(r"(?=[^0-9]*[0-9])[0-9A-Za-z][0-9A-Za-z/\-]*[0-9A-Za-z]|[0-9]")


def separator_end(cand: Candidate) -> Optional[str]:
    """The separator ``cand``'s last word ends with right after the value ("FV/00747/" for
    "FV/00747": the identifier reader drops it), else None: the number may go on."""
    if not cand.words or not cand.value:
        return None
    text = cand.words[-1].text
    sep = text[-1:]
    return sep if sep in _SEPARATORS and text[:-1].endswith(cand.value.rsplit(" ", 1)[-1]) else None


def number_past_separator(ctx: Context, cand: Candidate) -> Optional[Candidate]:
    """``cand`` joined with the rest of its number when its last word ends with a separator
    and the next word, a space on, continues it ("FV/00747/" + "2026"), or the value ends its
    word and the next one opens with a separator and goes on ("00747" + "/2026"); else None."""
    found = _word_after(ctx, cand)
    if found is None:
        return None
    last, nxt = found
    rest = nxt.text.rstrip(".,;")
    sep = separator_end(cand)
    if sep is None and rest[:1] in _SEPARATORS and last.text.rstrip(".,;:").endswith(cand.value[-1:]):
        sep, rest = rest[0], rest[1:]
    return _continued(cand, sep, rest, nxt, "number_past_separator") if sep is not None else None


def _continued(cand: Candidate, sep: str, rest: str, word, note: str) -> Optional[Candidate]:
    """``cand`` + ``sep`` + ``rest`` (read from ``word``) when the rest continues a number and
    the whole is no date or amount ("2026-" + "01-15" is a date), else None."""
    value = continued_number(f"{cand.value}{sep}", rest)
    if value is None:
        return None
    return replace(cand, value=value, raw=value, words=(*cand.words, word), notes=[*cand.notes, note])


def continued_number(opening: str, rest: str) -> Optional[str]:
    """A number's ``opening`` (up to and with its separator: "2026-", "A-", "BPD-") joined with
    its ``rest`` printed on another line, when the rest continues a number (letters and digits,
    a digit among them) and neither it nor the whole is a date or an amount; else None."""
    if not _REST.fullmatch(rest) or is_date_or_amount(rest):
        return None
    value = f"{opening}{rest}"
    return None if is_date_or_amount(value) else value


def number_below_separator(ctx: Context, cand: Candidate) -> Optional[Candidate]:
    """``cand`` joined with the rest of its number wrapped onto the next line of its cell: its
    last word ends its line with a separator ("2026-" over "00243" in a narrow cell of a row
    of captions over values, "Gutschrift Nr. RE2026-" over "00217" in a heading), and the next
    line holds one word that continues it, left-aligned within a character under that word or
    under its cell's left edge; else None. A word a label's, or two lines down, is another
    field's."""
    sep = separator_end(cand)
    if sep is None:
        return None
    last = cand.words[-1]
    line, k = _line_and_index(ctx, last)
    if line is None or k + 1 < len(line.words) and line.words[k + 1].box.x0 - last.box.x1 < 2 * ctx.layout.char_width:
        return None  # something follows it in its cell: not wrapped
    cw = ctx.layout.char_width
    left = _cell_left(line, k)
    found = ctx.layout.below(line, left - cw, last.box.x1 + cw, max_lines=1)
    if not found:
        return None
    below, s, e = found[0]
    words = below.words_in(s, e)
    if len(words) != 1 or below.box.top - line.box.bottom > line.height:
        return None
    if all(abs(words[0].box.x0 - x) > cw for x in (last.box.x0, left)):
        return None  # under neither the piece nor its cell's left edge: not its wrap
    if any(h.start < e and h.end > s for h in ctx.hits[id(below)]):
        return None
    return _continued(cand, sep, words[0].text.rstrip(".,;"), words[0], "number_below_separator")


# the opening of a number that ends its line at a separator: a series code or year ("A-",
# "FV/", "2026-")
NUMBER_OPENING = re.compile(r"[0-9A-Za-z]{1,8}[/\-]")


def opening_above_in_cell(ctx: Context, cand: Candidate) -> Optional[Candidate]:
    """A value read under its label joined with the opening of the number that stands alone
    over it in its cell and ends at a separator ("N.º factura" over "A-" over "2026/00144": the
    number wrapped in its narrow cell, and the part read is its rest); else None. The opening
    starts within a character of the value's left edge, on the line right over it, and is the
    only word in the value's column between the label and the value; what the two make is no
    date or amount. The mirror of ``number_below_separator``, read from the rest upwards."""
    alone = _alone_over_value(ctx, cand)
    if alone is None:
        return None
    over, opening, below = alone
    first, cw = cand.words[0], ctx.layout.char_width
    if not NUMBER_OPENING.fullmatch(opening.text) or abs(opening.box.x0 - first.box.x0) > _ALIGNED * cw:
        return None
    if below.box.top - over.box.bottom > over.height:
        return None
    value = f"{opening.text}{cand.value}"
    if is_date_or_amount(cand.value) or is_date_or_amount(value):
        return None
    return replace(cand, value=value, raw=value, words=(opening, *cand.words), notes=[*cand.notes, "opening_above_in_cell"])


def opening_over(ctx: Context, line: Line, first: Word) -> Optional[Word]:
    """The one word right over ``first``, starting within a character of it, that opens a
    number and ends at a separator ("A-" over "2026/00682" in a narrow cell); else None."""
    cw = ctx.layout.char_width
    over = ctx.layout.lines_above(line, first.box.x0 - cw, first.box.x1, max_lines=1)
    if not over:
        return None
    above, s, e = over[0]
    words = above.words_in(s, e)
    if len(words) != 1 or not NUMBER_OPENING.fullmatch(words[0].text) or abs(words[0].box.x0 - first.box.x0) > cw:
        return None
    if first.box.top - above.box.bottom > above.box.bottom - above.box.top:
        return None  # a line apart: not the same cell's
    return words[0]


def opening_beside_label(ctx: Context, cand: Candidate) -> Optional[Candidate]:
    """A value read under its label joined with the opening of the number printed after the
    label and cut at a separator by the end of the line ("RECTIFICATIVA Nº A-" over
    "2026/00468" in a narrow heading: the number wrapped, and the part under the label is its
    rest); else None. The opening is the one word left in the label's cell, and the value
    stands on the next line with a letter or digit (a scan's speck line between is none)."""
    label = cand.label
    if cand.method != "label_below" or label is None or not cand.words:
        return None
    line = label.line
    k = next((i for i, (s, _) in enumerate(line.spans) if s >= label.end), None)
    if k is None or not NUMBER_OPENING.fullmatch(line.words[k].text):
        return None
    opening = line.words[k]
    if k + 1 < len(line.words) and not cells_apart(opening, line.words[k + 1]):
        return None  # the cell goes on: not cut by the line's end
    below, _ = _line_and_index(ctx, cand.words[0])
    if below is None or below.page != line.page or below.index <= line.index:
        return None
    between = ctx.layout.by_page[line.page][line.index + 1:below.index]
    if any(any(ch.isalnum() for ch in ln.text) for ln in between):
        return None  # not the next line (a speck's line between counts for none)
    value = f"{opening.text}{cand.value}"
    if is_date_or_amount(cand.value) or is_date_or_amount(value):
        return None
    return replace(cand, value=value, raw=value, words=(opening, *cand.words), notes=[*cand.notes, "opening_beside_label"])


def _cell_left(line: Line, k: int) -> float:
    """The left edge of the cell of ``line`` that holds its ``k``-th word: a heading wraps to
    it ("Gutschrift Nr. RE2026-" over "00217" under "Gutschrift")."""
    while k > 0 and not cells_apart(line.words[k - 1], line.words[k]):
        k -= 1
    return line.words[k].box.x0


def _word_after(ctx: Context, cand: Candidate):
    """(``cand``'s last word, the word one space after it on its line) when that next word is
    no label's, else None: a word a column apart or a label's is another field."""
    if not cand.words or not cand.value:
        return None
    last = cand.words[-1]
    line, k, nxt = _next_on_line(ctx, last)
    if nxt is None or nxt.box.x0 - last.box.x1 > _SPACE_GAP * ctx.layout.char_width:
        return None
    ns, ne = line.spans[k + 1]
    if any(h.start < ne and h.end > ns for h in ctx.hits[id(line)]):
        return None
    return last, nxt


def _next_on_line(ctx: Context, word: Word) -> tuple[Optional[Line], int, Optional[Word]]:
    """(``word``'s line, its index there, the word after it or None)."""
    line, k = _line_and_index(ctx, word)
    if line is None or k + 1 >= len(line.words):
        return line, k, None
    return line, k, line.words[k + 1]


def _line_and_index(ctx: Context, word) -> tuple[Optional[Line], int]:
    for line in ctx.layout.by_page[word.page]:
        for k, w in enumerate(line.words):
            if w is word:
                return line, k
    return None, -1


# an O beside the zeros or after a digit of a number ("INVO000424" for "INV0000424"): the
# letter and the digit print alike, and OCR reads either for the other
_LETTER_FOR_ZERO = re.compile(r"(?<=\d)[Oo]|[Oo](?=0)")


def letter_among_zeros(cand: Candidate) -> bool:
    """True when an OCR-read number holds an O where a zero may stand: which it is, only a
    person (or another reading) can say."""
    if not cand.value or not cand.words or all(w.confidence >= 1.0 for w in cand.words):
        return False
    return bool(_LETTER_FOR_ZERO.search(cand.value))
