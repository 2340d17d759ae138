"""Rows of a correcting document that restate the corrected invoice: neither items nor totals.

A correcting invoice or credit note ("Faktura korygująca", "Rechnungskorrektur", "opravný
daňový doklad") often prints, for each corrected line or for the whole document, the state
before the correction and the state after it, and only then the difference it bills or
credits: "przed korektą 5 x 100,00 = 500,00 | 115,00 | 615,00", "po korekcie 3 x 100,00",
"korekta -2 x 100,00 = -200,00". Each of these rows adds up (net + tax = gross) like a
totals line, and the first of them stands right under the table's net, tax and gross
headers, so reading under the headers, or summing the columns, takes what the corrected
invoice said instead of what this document credits. A row marked as the before or after
state, or standing under such a heading (until a difference heading, a totals label or a
gap), restates; the difference rows and the totals block below are the document's own.
"""

from __future__ import annotations

import re

from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line
from invoicepipe.domain.extraction.pattern_set import compile_guarded
from invoicepipe.domain.extraction.search import Context

_STATE = (
    r"przed\s*korekt[aąy]|po\s*korekcie|stan\s*(?:przed|po)\b|wartości?\s*(?:przed|po)\b|było|powinno\s*być",
    r"before\s*(?:the\s*)?correction|after\s*(?:the\s*)?correction|originally\s*invoiced|as\s*corrected",
    r"vor\s*(?:der\s*)?(?:korrektur|berichtigung)|nach\s*(?:der\s*)?(?:korrektur|berichtigung)|bisher\s*berechnet|richtig\s*ist",
    r"avant\s*(?:la\s*)?(?:correction|rectification)|après\s*(?:la\s*)?(?:correction|rectification)",
    r"p[řr]ed\s*opravou|po\s*oprav[ěe]",
    r"antes\s*de\s*(?:la\s*)?(?:rectificación|corrección|correção)|después\s*de\s*(?:la\s*)?(?:rectificación|corrección)|"
    r"após\s*(?:a\s*)?correção",
    r"prima\s*della\s*rettifica|dopo\s*(?:la\s*)?rettifica|voor\s*correctie|na\s*correctie",
)
# guarded by its first letters (the same matches): every line is searched, see ``amount_due``
_RESTATES = compile_guarded(r"(?<!\w)(?:%s)(?!\w)" % "|".join(fold_accents(rx) for rx in _STATE), re.I)
# the heading of the difference the document bills or credits, which ends the restated block
_DIFFERENCE = re.compile(fold_accents(r"(?i)^\W*(?:korekta|różnica|difference|differenz|korrektur|correction|rozdíl|oprava|"
                                      r"différence|diferencia|differenza|verschil|diferença|change)\b"))
_SUMMARY_FIELDS = ("net", "tax", "total")
_MEMO = "restates_corrected"


def restates_corrected(ctx: Context, line: Line) -> bool:
    """True when ``line`` restates the corrected invoice's state before or after the
    correction (see the module's docstring)."""
    if _MEMO not in line.memo:
        _mark_pages(ctx)
    return line.memo.get(_MEMO, False)


def _mark_pages(ctx: Context) -> None:
    for lines in ctx.layout.by_page.values():
        texts = [fold_accents(ln.text) for ln in lines]
        marks = [_RESTATES.search(text) for text in texts]
        if not any(marks):
            # a row restates only when marked or under a marked heading: a page without a
            # mark has none, and its lines' amounts need not be read for it (most pages)
            for ln in lines:
                ln.memo[_MEMO] = False
            continue
        within, bottom = False, None
        for ln, text, marked in zip(lines, texts, marks):
            has_amounts = any(t.has_decimals for t in amounts_on(ln, ctx.decimal_sep, ctx.layout.char_width))
            if within and bottom is not None and ln.box.top - bottom > 3 * ln.height:
                within = False  # a gap: the block has ended
            if (_DIFFERENCE.match(text) and not marked) or (
                    has_amounts and any(h.field in _SUMMARY_FIELDS for h in ctx.hits[id(ln)]) and not marked):
                within = False  # the difference, or a totals line: the document's own amounts
            if marked and not has_amounts and not text[:marked.start()].strip(" :*-–(|"):
                within = True  # a heading ("Przed korektą:", "Before correction"): the rows under it restate
            ln.memo[_MEMO] = bool(marked) and has_amounts or (within and has_amounts)
            if has_amounts or marked:
                bottom = ln.box.bottom
