"""Labels wrapped onto two lines in a narrow box ("Montant" over "TTC", "Total" over "incl.
VAT", "Gesamt" over "brutto"), read as the one label they are.

Line by line, the label matcher sees "Montant" (no label, or a weaker or other one: "Total"
alone is a total, "Total HT" a net) and "TTC" (nothing), and the box's value goes to a
neighbouring label or to none. A wrapped label is recognised by its geometry: a word run on
one line and a word run starting at the same left edge right under it, close as the lines
of one cell are, whose joined text is a longer label than the first run's own. The value of
such a label stands right of one of its two lines (level with its first or its last line,
or between them, where the line grouping puts it with either): the joined label is placed
on the line that has it, and the hits of its parts are dropped. When both lines have a value
right of them they are two rows with a label each, not one wrapped label; when neither has,
the value is under the box: ``search._label_continued`` joins the label as it searches down
from a first line that names the field, and where the first line names none ("Nº de" over
"factura", the lower word a weak label of its own) the joined label is the lower line's.
A word hyphenated at the line break ("Rechnungs-" over "Nummer:") is joined whole; such a
caption in a row of boxes has the next box's value right of its lower line and its own under
it, so it is placed on the lower line, over its value.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from invoicepipe.domain.extraction.labels import LabelHit, label_text, labels_in_text
from invoicepipe.domain.extraction.layout import Layout, Line

# words of one label part: at most this many, a word space apart
_MAX_WORDS = 4
# word gap (in character widths) that ends a label part: a wider one leads to the value's cell
_WORD_GAP = 1.5
# the two parts' left edges differ by at most this much (character widths)
_ALIGN = 1.0
# the second line starts at most this fraction of the first part's height below it: a
# cell's lines are set closer than the rows of a box
_LINE_GAP = 0.8
# a value right of a part lies within this reach (character widths)
_REACH = 30


def join_wrapped_labels(layout: Layout, hits: dict) -> None:
    """Replace, in ``hits`` (line id -> [LabelHit]), the parts of every wrapped label by the
    joined label on the line whose value it names (see the module)."""
    cw = layout.char_width
    for lines in layout.by_page.values():
        runs = [_runs(line, cw) for line in lines]  # each line is once the upper, once the lower one
        for k, (upper, lower) in enumerate(zip(lines, lines[1:])):
            for a, b in _aligned_runs(upper, lower, runs[k], runs[k + 1], cw):
                _join(upper, lower, a, b, hits, cw)


def _runs(line: Line, cw: float) -> list[tuple[int, int]]:
    """(first, last) word indices of the runs of letter words set a word space apart."""
    out, start = [], None
    words = line.words
    for i, w in enumerate(words):
        lettered = _lettered(w.text)
        if start is not None and (not lettered or w.box.x0 - words[i - 1].box.x1 > _WORD_GAP * cw or i - start >= _MAX_WORDS):
            out.append((start, i - 1))
            start = None
        if start is None and lettered and (i == 0 or w.box.x0 - words[i - 1].box.x1 > _WORD_GAP * cw):
            start = i
    if start is not None:
        out.append((start, len(words) - 1))
    return out


@lru_cache(maxsize=8192)
def _lettered(text: str) -> bool:
    """No digit in the word (kept per text: a layout prints the same words on every line and page)."""
    return not any(ch.isdigit() for ch in text)


def _aligned_runs(upper: Line, lower: Line, upper_runs: list[tuple[int, int]], lower_runs: list[tuple[int, int]], cw: float):
    for a in upper_runs:
        w = upper.words[a[0]]
        height = max(1.0, w.box.bottom - w.box.top)
        for b in lower_runs:
            u = lower.words[b[0]]
            if abs(u.box.x0 - w.box.x0) <= _ALIGN * cw and 0 < u.box.top - w.box.top and u.box.top - w.box.bottom <= _LINE_GAP * height:
                yield a, b


def _span(line: Line, first: int, last: int) -> tuple[int, int]:
    return line.spans[first][0], line.spans[last][1]


def _value_right(line: Line, last: int, cw: float) -> bool:
    """The word after the run holds a digit, stands within reach of it and is at least half
    as tall as its words (a speck that OCR read as "3" is no value)."""
    if last + 1 >= len(line.words):
        return False
    nxt, end = line.words[last + 1], line.words[last]
    tall = nxt.box.bottom - nxt.box.top >= 0.5 * (end.box.bottom - end.box.top)
    return any(ch.isdigit() for ch in nxt.text) and tall and nxt.box.x0 - end.box.x1 <= _REACH * cw


def _join(upper: Line, lower: Line, a: tuple[int, int], b: tuple[int, int], hits: dict, cw: float) -> None:
    sa, ea = _span(upper, *a)
    sb, eb = _span(lower, *b)
    first = label_text(upper)[sa:ea]
    joined = f"{first} {label_text(lower)[sb:eb]}"
    found = _joined_label(joined, len(first))
    gap = 1  # characters between the parts in ``joined``
    if found is None and first.endswith("-"):
        # a word hyphenated at the line break ("Rechnungs-" over "Nummer:"): joined whole
        joined = f"{first[:-1]}{label_text(lower)[sb:eb]}"
        found = _joined_label(joined, len(first) - 2)
        gap = -1
    if found is None:
        return
    field, strength, lang, end = found
    on_upper = [h for h in hits[id(upper)] if h.start < ea and h.end > sa]
    if any(h.field == field and h.strength >= strength for h in on_upper):
        return  # the first line's words already name the field as surely
    used_end = sb + end - len(first) - gap  # where the label ends on the lower line
    right_upper, right_lower = _value_right(upper, a[1], cw), _value_right(lower, b[1], cw)
    # a value under the box whose first line names no field ("Nº de" over "factura" over "NC
    # B/628"): the label is the lower line's, right over the value; where the first line names
    # the field, ``search._label_continued`` joins it while it searches down. Not where a
    # figure stands right of the lower line past a colon or any other mark: placed there, the
    # label would read it beside itself ("Datum i vrijeme" over "izdavanja :" beside the
    # delivery date, printed under the next caption)
    under_box = (not right_upper and not right_lower and not any(h.field == field for h in on_upper)
                 and not _figure_right(lower, b[1]))
    if (right_upper == right_lower and not under_box) or (right_lower and _figure_right(upper, a[1])):
        # two labelled rows (the upper's value may stand far right in an amount column: "Total
        # 1 418,90 €" over "Acompte (...) -420,00 €"), or a value under the box (``search._label_continued``)
        return
    if right_lower and _under_other_label(upper, lower.words[b[1] + 1], on_upper, hits):
        if not first.endswith("-") and on_upper:
            return  # the value heads down another label's column ("BON DE / COMMANDE" beside "BL N°" over its number)
        # a hyphenated caption of a row of boxes ("Rechnungs-" over "Nummer:" beside the next
        # box's date), or one whose first line names nothing alone ("Kreditinės sąskaitos" over
        # "Nr." beside the next box's date): its value is under it
        right_lower = False
    on_lower = [h for h in hits[id(lower)] if h.start < used_end and h.end > sb]
    if on_lower and not all(h.field == field for h in on_lower):
        return  # the lower words name another field of their own: not this label's second half
    if any(h.strength >= strength and h.end >= used_end for h in on_lower):
        # the lower line is a whole label of its own ("FACTURA" over "Nº de factura 2026/A/0343"
        # joins to "FACTURA Nº", which would cut the lower label short at "Nº" and leave its
        # "de factura" a skipped word before the value)
        return
    keep_upper = [h for h in hits[id(upper)] if h not in on_upper]
    keep_lower = [h for h in hits[id(lower)] if h not in on_lower]
    if right_upper:
        keep_upper.append(LabelHit(field, strength, lang, upper, sa, ea))
    else:
        # the label's end on the lower line: its last word, so the value search starts after it
        end_word = max(i for i in range(b[0], b[1] + 1) if lower.spans[i][0] < used_end)
        keep_lower.append(LabelHit(field, strength, lang, lower, sb, lower.spans[end_word][1]))
    hits[id(upper)] = sorted(keep_upper, key=lambda h: h.start)
    hits[id(lower)] = sorted(keep_lower, key=lambda h: h.start)


def _figure_right(line: Line, last: int) -> bool:
    """A word with a digit anywhere right of the run ending at word ``last``."""
    return any(any(ch.isdigit() for ch in w.text) for w in line.words[last + 1:])


def _under_other_label(upper: Line, value, own: list[LabelHit], hits: dict) -> bool:
    """A label of the upper line other than the wrapped one's part stands over ``value``."""
    for h in hits[id(upper)]:
        if h in own:
            continue
        words = upper.words_in(h.start, h.end)
        if words and words[0].box.x0 < value.box.x1 and words[-1].box.x1 > value.box.x0:
            return True
    return False


def _joined_label(joined: str, first_len: int) -> Optional[tuple[str, float, str, int]]:
    """(field, strength, language, end) of a label that starts the joined text and reaches
    into its second part, else None."""
    for field, strength, lang, start, end in labels_in_text(joined):
        if start == 0 and end > first_len + 1:
            return field, strength, lang, end
    return None
