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

from statistics import median
from typing import Callable

from invoicepipe.domain.extraction.search import Candidate, Context, label_candidates

TITLE_NUMBER_SCORE = 0.85
_TITLE_STRENGTH = 0.35  # the bare document words of ``vocabulary``
_STRONG_LABEL = 0.8
_HEADING_SCALE = 1.3  # a heading's letters against the page's median word height


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
            # the heading: the title word opens the line, the value closes it, nothing between
            if not title_words or line.words[0] is not title_words[0] or line.words[-1] is not c.words[-1]:
                continue
            if len(line.words) != len(title_words) + len(c.words):
                continue
            if not _set_large(ctx, line.page, title_words):
                continue
            out.append(Candidate(c.field, c.value, TITLE_NUMBER_SCORE, "title_number", c.words, c.raw,
                                 [*c.notes, "title_heading"], c.anchor, c.label))
    return out


def _set_large(ctx: Context, page: int, words) -> bool:
    heights = [w.box.bottom - w.box.top for ln in ctx.layout.by_page.get(page, ()) for w in ln.words]
    if not heights:
        return False
    body = median(heights)
    return min(w.box.bottom - w.box.top for w in words) >= _HEADING_SCALE * body
