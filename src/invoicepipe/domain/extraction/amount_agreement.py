"""The OCR factor of amounts that add up, from the agreement of their readings.

An amount's candidate score is ``label x placement x format x OCR word confidence``
(``search``), and an amount whose class is ``two`` keeps that OCR factor in its raw score
(``totals``). Tesseract reports 0.5-0.7 for clean digits in a boxed cell, so a total that
net + tax confirms is scored as if nothing had checked its digits. Yet the net and the tax,
read as other words under their own labels, are witnesses of exactly those digits: three
readings apart that add up to the cent are very unlikely all misread (a lost thousands
group or a misread digit breaks the sum; ``amount_checks`` classes such a value apart).

So, as ``agreement`` does for identifiers and dates, the OCR factor of an amount in class
``two`` whose sum closes becomes ``1 - prod(1 - confidence)`` over its reading and the
other two amounts' readings (a reading's confidence being its words' lowest). Only that
factor moves; a value lacking one of the other two readings (a zero or derived tax, a
fallback), read on a text layer (confidence 1) or sharing words with another keeps its score.
The lift is recorded among the field's evidence (``agreed``).
"""

from __future__ import annotations

from typing import Sequence

from invoicepipe.domain.extraction.agreement import combined
from invoicepipe.domain.extraction.layout import min_confidence
from invoicepipe.domain.extraction.search import Candidate

AGREED_TAG = "agreed"


def agreed_base(cand: Candidate, base: float, others: Sequence[Candidate], unread: Sequence[str]) -> float:
    """``base`` with ``cand``'s OCR factor replaced by the agreement of its reading and the
    readings of ``others`` (the two other amounts of the closing sum); ``base`` unchanged
    unless both were read apart from it. Lifted candidates get ``agreed`` in their notes."""
    own = min_confidence(cand.words) if cand.words else 0.0
    mine = {id(w) for w in cand.words}
    read = [o for o in others if o.words and o.method not in unread and not mine & {id(w) for w in o.words}]
    if own <= 0 or own >= 1 or len(read) < 2:
        return base
    lifted = min(1.0, base / own * combined(own, [min_confidence(o.words) for o in read]))
    if lifted <= base:
        return base
    cand.notes.append(AGREED_TAG)
    return lifted
