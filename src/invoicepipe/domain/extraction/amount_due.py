"""The amount due (EN 16931 BT-115): what is still to be paid after any prepayment.

Most invoices print it under a label of its own ("Zahlbetrag", "Amount due", "Net à payer",
"Do zapłaty"), often the total repeated, after a prepayment less ("Erhaltene Anzahlungen
-201,00" then "Zahlbetrag 470,15"). Its labels are searched here, apart from the label
vocabulary: several of them are also the total's labels, and the label resolution keeps one
field per word, so one reading of them must not take the other's away. Where no due line is
printed and nothing was paid in advance, what is due is the total, a weaker reading with its
own evidence tag; where a prepayment is printed and no due line, nothing is claimed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from invoicepipe.domain.extraction.candidates import AmountToken, amounts_on, dates_in
from invoicepipe.domain.extraction.labels import fold_accents
from invoicepipe.domain.extraction.layout import Line, min_confidence
from invoicepipe.domain.extraction.parsing import format_amount
from invoicepipe.domain.extraction.pattern_set import compile_guarded
from invoicepipe.domain.extraction.search import Candidate, Context

_DUE_LABELS = (
    r"(?:amount|balance|total)\s*(?:now\s*)?due|due\s*payable|(?:amount|balance)\s*payable|amount\s*to\s*pay|"
    r"(?:balance|amount)\s*outstanding|outstanding\s*(?:amount|balance)|residual(?:\s*amount)?|remaining\s*(?:amount|balance)|"
    r"balance\s*remaining",
    r"zahlbetrag|(?:noch\s*)?zu\s*zahlen(?:der?\s*(?:betrag|beitrag))?|fälliger\s*betrag|restbetrag|offener\s*betrag|"
    r"zahlbarer\s*betrag",
    r"(?:montant|net|reste|solde|total|somme)\s*(?:restant\s*)?à\s*payer|solde\s*dû",
    r"(?:importe|total|saldo)\s*a\s*pagar|saldo\s*pendiente",
    # after a withholding: "Líquido a percibir", "Importe líquido", "Valor líquido a receber"
    r"l[ií]quido\s*a\s*(?:percibir|pagar|cobrar|receber)|(?:importe|valor|total)\s*l[ií]quido(?:\s*a\s*(?:pagar|receber))?",
    r"(?:totale|netto|importo|saldo)\s*(?:da|a)\s*pagare|da\s*pagare",
    r"(?:totaal\s*)?te\s*betalen|openstaand\s*bedrag",
    r"valor\s*(?:a|em)\s*(?:pagar|dívida)",
    r"(?:pozostało\s*|razem\s*)?do\s*zapłaty",
    # a credit note's amount due is what it pays back
    r"(?:razem\s*|kwota\s*)?do\s*zwrotu|(?:totaal\s*)?te\s*crediteren|(?:total|montant)\s*à\s*rembourser|"
    r"(?:importe|total)\s*a\s*devolver|(?:totale|importo)\s*da\s*rimborsare|erstattungsbetrag|refund\s*due",
    r"(?:celkem\s*|celkom\s*|suma\s*)?k\s*(?:úhradě|úhrade)|(?:summa\s*)?att\s*betala|(?:at|å)\s*betale",
)
# what was paid before this document: a prepayment, a deposit, an instalment received (an
# Italian "acconto", but not the "ritenuta d'acconto" withheld below)
_PREPAID_LABELS = (
    r"(?:erhaltene|geleistete)\s*anzahlung(?:en)?|anzahlung(?:en)?|vorauszahlung(?:en)?|bereits\s*(?:gezahlt|bezahlt)|"
    r"gezahlter\s*betrag",
    r"prepaid(?:\s*amount)?|(?:amount|total)\s*paid|already\s*paid|paid\s*amount|payments?\s*received|less\s*(?:payments?|deposit)|"
    r"deposit\s*paid",
    r"acomptes?(?:\s*versés?)?|déjà\s*(?:payé|réglé|versé)|montant\s*(?:payé|versé)",
    r"anticipos?|ya\s*pagado|(?<!d['’])(?<!d['’]\s)acconto|già\s*pagato|aanbetaling|reeds\s*betaald|já\s*pago|adiantamento|zaliczka|zapłacono",
)
# what the buyer keeps back and pays to the tax office instead of the vendor: withholding on
# professional fees (Spanish IRPF "Retención", Italian "Ritenuta d'acconto", Portuguese
# "Retenção na fonte"); the vendor is paid the total less it
_WITHHELD_LABELS = (
    r"retenci[oó]n(?:\s*(?:de\s*)?irpf)?|irpf\s*retenido|ritenuta(?:\s*d['’]\s*acconto)?|reten[cç][aã]o\s*na\s*fonte|"
    r"withholding\s*tax|tax\s*withheld|quellensteuer",
)
# guarded by their first letters (``compile_guarded``: the same matches): every line is searched
# for all three, and the engine tried each label at every word start
_DUE = compile_guarded(r"(?<!\w)(?:%s)(?!\w)" % "|".join(fold_accents(rx) for rx in _DUE_LABELS), re.I)
PREPAID = compile_guarded(r"(?<!\w)(?:%s)(?!\w)" % "|".join(fold_accents(rx) for rx in _PREPAID_LABELS), re.I)
WITHHELD = compile_guarded(r"(?<!\w)(?:%s)(?!\w)" % "|".join(fold_accents(rx) for rx in _WITHHELD_LABELS), re.I)
# a due-date label shares words with the amount's ("da pagare entro", "te betalen voor"): a
# date or a deadline word right after the label says the line dates the payment
_DEADLINE_AFTER = re.compile(r"(?i)^\W*(?:entro|voor|avant|bis|by|before|until|antes|até|do\s+dnia|no\s+later)\b")

DUE_LABEL_SCORE = 0.8
# the total standing for the amount due: right when nothing was paid in advance, which the
# printed text can only show by the absence of a prepayment line
TOTAL_AS_DUE_SCORE = 0.6


def amount_due(ctx: Context, total: Optional[Candidate], total_confidence: float) -> tuple[Optional[Candidate], float]:
    """The amount due and its raw score: the last amount printed under a due label (on its
    line, else right under it), with evidence ``equals_total`` or ``total_less_prepaid``
    when the total (less a printed prepayment) agrees; else the total itself (evidence
    ``total_as_due``) when no prepayment is printed; else nothing."""
    prepaid = _deducted(ctx, PREPAID)
    withheld = _deducted(ctx, WITHHELD)
    labelled = _labelled(ctx)
    total_value = total.raw if total is not None and isinstance(total.raw, Decimal) else None
    if labelled:
        cand = labelled[-1]
        score = DUE_LABEL_SCORE * min_confidence(cand.words) if cand.words else DUE_LABEL_SCORE
        if total_value is not None and abs(cand.raw) == abs(total_value) and not (prepaid or withheld):
            cand.notes.append("equals_total")
            score = max(score, min(0.95, total_confidence))
        elif total_value is not None and (prepaid or withheld) and _less(total_value, prepaid + withheld) == cand.raw:
            cand.notes.append("total_less_prepaid" if prepaid else "total_less_withheld")
            score = max(score, min(0.9, total_confidence))
        return cand, round(score, 3)
    if total is None or total_value is None or prepaid or withheld:
        return None, 0.0
    cand = Candidate("amount_due", total.value, TOTAL_AS_DUE_SCORE, "total_as_due", total.words, total_value,
                     ["total_as_due"], anchor=total.anchor)
    return cand, round(min(TOTAL_AS_DUE_SCORE, total_confidence), 3)


def _labelled(ctx: Context) -> list[Candidate]:
    out = []
    for ln in ctx.layout.lines:
        text = fold_accents(ln.text)
        for m in _DUE.finditer(text):
            if _DEADLINE_AFTER.match(text[m.end():]):
                continue
            tok = _amount_right(ctx, ln, m.end())
            if tok is not None:
                out.append(_candidate(ln, tok, "label_right"))
                continue
            # a boxed label over its value: the value starts the next line in the label's column
            label = ln.words_in(m.start(), m.end())
            below = ctx.layout.below(ln, label[0].box.x0, label[-1].box.x1, max_lines=1) if label else []
            if below:
                nxt, start, _ = below[0]
                tok = _amount_right(ctx, nxt, start)
                if tok is not None and tok.start == start:
                    out.append(_candidate(nxt, tok, "label_below"))
    return out


def _amount_right(ctx: Context, line: Line, after: int) -> Optional[AmountToken]:
    """The first amount with cents or a currency after ``after`` on ``line``, none inside a date."""
    dates = dates_in(line.text, 0, ctx.date_order)
    for tok in amounts_on(line, ctx.decimal_sep, ctx.layout.char_width):
        if tok.start < after or any(d.start < tok.end and tok.start < d.end for d in dates):
            continue
        return tok if tok.has_decimals or tok.currency else None
    return None


def _candidate(line: Line, tok: AmountToken, method: str) -> Candidate:
    return Candidate("amount_due", format_amount(tok.value), DUE_LABEL_SCORE, method, line.words_in(tok.start, tok.end),
                     tok.value, ["due_label"], anchor=line)


def _less(total: Decimal, deductions: list[Decimal]) -> Decimal:
    """The total less what was paid before or is withheld, of a credit note as of an invoice:
    the deductions are printed with or without their minus, and shrink the total's size."""
    left = abs(total) - sum(abs(d) for d in deductions)
    return left if total >= 0 else -left


def _deducted(ctx: Context, label: re.Pattern) -> list[Decimal]:
    """The non-zero amounts printed after a prepayment or withholding label (``label``); a
    withholding line prints its rate first ("Retención IRPF 15 % -181,44"), which has no cents.
    One amount counts once: a letter names its withholding in a sentence and again in its table."""
    out: list[Decimal] = []
    for ln in ctx.layout.lines:
        m = label.search(fold_accents(ln.text))
        if m is None:
            continue
        tok = _amount_right(ctx, ln, m.end())
        if tok is not None and tok.value and abs(tok.value) not in (abs(v) for v in out):
            out.append(tok.value)
    return out
