"""Another number of the invoice's own numbering scheme printed on the document.

An issuer numbers its invoices in one scheme ("FV 316/2026", "INV0000429", "F2026-00276"),
and a document that prints two different numbers of that scheme speaks of two of its
documents: a credit note of the invoice it corrects, a final invoice of the advance invoices
it settles, a reminder of the invoices overdue, a statement of every open one. Which of the
two is the document's own is then read from the labels, and a label the vocabulary does not
know ("rozliczenie zaliczki z faktury", an unfamiliar phrasing of "credit memo against
invoice") makes the other number look like the document's own, at a label's full score: the
credited invoice's number was auto-approved on an unseen correcting invoice.

So the chosen number's scheme (its letters and separators, each run of digits as a run of
that length) is looked for elsewhere on the document. Another number in it that no
reference wording the vocabulary knows stands before on a line (``other_reference``: the
credited or related invoice's labels, a delivery note's) in any of its printings is a
sibling, and the chosen number is held for a
person (``sibling_number``): two numbers of one scheme and nothing that says which is the
document's. A payment reference ("Sklic", "Poziv na broj", "Variabilný symbol", "KID") is no
such wording: the number a transfer quotes is as likely the document's own. A scheme of digits alone ("2026000822") is no scheme: order, customer and
delivery-note numbers share it by chance. The same number printed again (a payment
reference, a footer) is the number itself.
"""

from __future__ import annotations

import re
from typing import Optional

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.extraction.vocabulary import PAYMENT_REFERENCE, RAW
from invoicepipe.domain.extraction.vocabulary_further import FURTHER_TERMS

# the wordings that say a number after them is another document's: the vocabulary's
# ``other_reference`` family, looked for as printed (the label search keeps one label of
# overlapping ones, and "Avoir" + "facture" may win over "Avoir sur la facture")
_REFERENCE = re.compile(r"(?i)(?<!\w)(?:%s)" % "|".join(
    fold_accents(rx) for rx, _, _ in (*RAW["other_reference"], *FURTHER_TERMS.get("other_reference", ()))))
_DIGITS = re.compile(r"\d+")


def scheme(value: str) -> Optional[re.Pattern]:
    """A pattern of numbers in ``value``'s scheme: its letters and separators as printed
    (spaces optional), each run of digits as a run of that length; None for a value of digits
    alone or without digits."""
    compact = "".join(value.split())
    if not _DIGITS.search(compact) or compact.isdigit() or len(compact) < 4:
        return None
    parts, at = [], 0
    for m in _DIGITS.finditer(compact):
        parts.append(r"\s?".join(re.escape(ch) for ch in compact[at:m.start()]))
        parts.append(r"\s?\d{%d}" % len(m.group()))
        at = m.end()
    parts.append(r"\s?".join(re.escape(ch) for ch in compact[at:]))
    body = "".join(parts)
    return re.compile(r"(?<![\w/.-])" + body + r"(?![\w/-]|\.\d)", re.I)


_PAYMENT = re.compile(r"(?i)(?:%s)" % fold_accents(PAYMENT_REFERENCE))


def _another_documents(before: str) -> bool:
    """Whether the reference wording nearest before a number on its line names another
    document: a payment reference ("Sklic: SI00 2026-00217", "Variabilný symbol") names the
    payment of this one, and its number is as likely the document's own."""
    found = list(_REFERENCE.finditer(before))
    return bool(found) and not _PAYMENT.fullmatch(found[-1].group().strip())


def _key(text: str) -> str:
    return "".join(text.split()).upper()


def sibling_number(ctx: Context, cand: Candidate) -> Optional[str]:
    """Another number of ``cand``'s scheme printed on the document with no reference label
    before it on its line (see the module), else None."""
    pattern = scheme(cand.value)
    if pattern is None:
        return None
    own = _key(cand.value)
    found: dict[str, str] = {}  # each sibling as printed, by its key
    explained: set[str] = set()
    for line in ctx.layout.lines:
        for m in pattern.finditer(line.text):
            key = _key(m.group())
            if key == own:
                continue
            found.setdefault(key, m.group())
            if _another_documents(fold_accents(line.text[:m.start()])):
                # "Credit memo against invoice INV0000422": the credited invoice's, wherever
                # else it is printed too ("Adjusts e-Invoice INV0000422")
                explained.add(key)
    return next((printed for key, printed in found.items() if key not in explained), None)
