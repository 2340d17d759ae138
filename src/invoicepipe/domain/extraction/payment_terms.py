"""A due date from the printed payment terms, where the due date's own value is unreadable.

OCR garbles a date now and then ("03-Mar-2026" read "Oo}-Mar-202") while the terms line
("Payment terms: 15 days net", "Zahlbar innerhalb von 30 Tagen", "Paiement à 45 jours",
"Splatnost 14 dnů") reads well. When the document has a due-date label but no due date was
read, the invoice date plus the one term printed is the due date. Terms counted from the
end of a month, several different terms (a discount's "10 days" beside "30 days net") or no
invoice date give nothing. The value is derived, not read: its score stays under every
routing threshold, so a person confirms it, and it never corroborates the invoice date it
was computed from (``routing.dates_agree_with_terms``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.pattern_set import compile_guarded
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.models import DERIVED_DUE_METHOD, DERIVED_ISSUE_METHOD

# "15 days", "30 Tagen", "45 jours", "30 días", "60 gg", "30 dagen", "14 dni", "14 dnů", "30 dage", "30 dagar"
TERM_DAYS = re.compile(r"(?i)(?<![\d.,])(\d{1,3})\s*(?:-\s*)?(?:days?|tagen?|jours?|dias|giorni|gg|dagen|dagar|dage|dager|dni|dnu|dnech)\b")
# a terms sentence: a payment word on the same line
_TERMS_WORDS = compile_guarded(r"\b(?:terms?|payment|payable|due|net|zahlbar|zahlung\w*|netto|paiement|reglement|pago|"
                             r"vencimiento|pagamento|scadenza|betaling|betaalbaar|splatnost|platnost|termin|płatności|platnosci|"
                             r"betalning\w*|betales|forfald)\b", re.I)
# counted from another day than the invoice's, or a discount's term: not the due date
_OTHER_START = re.compile(r"(?i)end\s*of\s*(?:the\s*)?month|\beom\b|fin\s*de\s*mois|monatsende|ende\s*des\s*monats|ultimo|"
                          r"fine\s*mese|\bf\.?m\.?\b|\bd\.?f\.?f\.?m\b|fin\s*de\s*mes|einde\s*van\s*de\s*maand|"
                          r"skonto|discount|escompte|sconto|descuento|korting|rabat|%|delivery|receipt|lieferung|livraison")
DERIVED_SCORE = 0.5


def due_from_terms(ctx: Context, issued: Optional[date]) -> Optional[Candidate]:
    """The due date the terms give (see the module), else None."""
    if issued is None or not ctx.hits_for("due_date"):
        return None
    found = printed_terms(ctx)
    if len(found) != 1:
        return None
    days, (line, m) = next(iter(found.items()))
    due = issued + timedelta(days=days)
    return Candidate("due_date", due.isoformat(), DERIVED_SCORE, DERIVED_DUE_METHOD, line.words_in(m.start(), m.end()), due,
                     notes=["payment_terms"])


def issue_from_terms(ctx: Context, due: Optional[Candidate], agreed: Optional[int]) -> Optional[Candidate]:
    """The invoice date the terms count back from a read due date, where no invoice date was
    read at all (a stamp over the label block leaves "Zahlbar bis 07.02.2026" below): the
    one term printed, else the vendor's ``agreed`` days from the master. Derived, not read:
    it keeps its low score (an unmeasured method) and corroborates nothing."""
    if due is None or due.method == DERIVED_DUE_METHOD or not isinstance(due.raw, date):
        return None
    found = printed_terms(ctx)
    if len(found) > 1 or not (found or agreed):
        return None
    days = next(iter(found)) if found else agreed
    issued = due.raw - timedelta(days=days)
    return Candidate("invoice_date", issued.isoformat(), DERIVED_SCORE, DERIVED_ISSUE_METHOD, due.words, issued,
                     notes=["payment_terms"])


def printed_terms(ctx: Context) -> dict[int, tuple]:
    """The payment terms printed on the document, counted from the invoice date: days ->
    (line, match) of the first line that states them."""
    found: dict[int, tuple] = {}
    for line in ctx.layout.lines:
        text = fold_accents(line.text)
        if not _TERMS_WORDS.search(text) or _OTHER_START.search(text):
            continue
        for m in TERM_DAYS.finditer(text):
            days = int(m.group(1))
            if 0 < days <= 180:
                found.setdefault(days, (line, m))
    return found
