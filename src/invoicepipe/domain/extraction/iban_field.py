"""The IBAN field: an IBAN printed on the page that passes its check digits.

Two checks guard an IBAN read off a page: ISO 13616's mod 97 over the whole string and,
for some countries (Spain's CCC, Belgium, Norway, Montenegro in python-stdnum), inner
check digits of the account number. An IBAN that passes both is read. One that passes mod
97 but fails its country's inner check is read only when it is, character for character,
an account of the vendor already on file: the master vouches for the very string, so the
page agrees with it (evidence for the bank check, not a reason to hold); any other such
string may be a misread the mod-97 check let through, so it is left unread and the bank
details are reported unreadable (``bank_details``). An IBAN wrapped over two lines is read
when its joined parts pass the same checks (``iban_wrap``). An IBAN on a line that speaks of
a direct debit is the account the vendor collects from, the buyer's: it stays a candidate,
far below any IBAN the vendor prints to be paid into.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from invoicepipe.domain.extraction.iban_wrap import wrapped_iban
from invoicepipe.domain.extraction.parsing import find_iban, normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context


# "Prélèvement SEPA ... sur le compte FR76 ...", "IBAN (prélèvement)", "Lastschrift von Konto",
# "wird von Ihrem Konto abgebucht", "direct debit from", "domiciliación", "addebito SDD",
# "automatische incasso", "débito direto", "polecenie zapłaty"
_DEBITED = re.compile(r"(?i)pr[ée]l[èe]vement|lastschrift|abgebucht|abbuchung|direct\s*debit|domiciliaci[oó]n|adeudo\s*directo"
                      r"|addebito|automatische\s*incasso|incasso\s*machtiging|d[ée]bito\s*direto|polecenie\s*zap[łl]aty")
DEBITED_SCALE = 0.3


def iban_candidates(ctx: Context, on_file: Iterable[str] = ()) -> list[Candidate]:
    """One candidate per line with a readable IBAN; ``on_file`` are the resolved vendor's IBANs.
    An IBAN a direct debit collects from (``_DEBITED`` on its line) is the buyer's: its score
    is scaled by ``DEBITED_SCALE``."""
    cands = _iban_candidates(ctx, on_file)
    for c in cands:
        line = ctx.layout.line_of(c.words[0]) if c.words else None
        if line is not None and _DEBITED.search(line.text):
            c.score *= DEBITED_SCALE
            c.notes.append("debited_account")
    return cands


def _iban_candidates(ctx: Context, on_file: Iterable[str] = ()) -> list[Candidate]:
    known = {normalise_id(i) for i in on_file}
    cands = []
    for ln in ctx.layout.lines:
        found, notes = find_iban(ln.text), []
        if found is None and known:
            found = find_iban(ln.text, national_check=False)
            if found is not None and normalise_id(found[0]) not in known:
                continue
            notes.append("national_check_failed")
        label = next((h for h in ctx.hits[id(ln)] if h.field == "iban"), None)
        if found is None and label is not None:
            specked = _iban_among_specks(ln, label.end)
            if specked is not None:
                value, words = specked
                notes = ["ocr_specks", *(["matches_vendor_master"] if value in known else [])]
                cands.append(Candidate("iban", value, 0.95, "label_right", words, value, notes))
                continue
        if found is None:
            wrapped = wrapped_iban(ctx, ln)
            if wrapped is not None:
                notes = ["wrapped", *(["matches_vendor_master"] if normalise_id(wrapped[0]) in known else [])]
                labelled = any(h.field == "iban" for h in ctx.hits[id(ln)])
                cands.append(Candidate("iban", wrapped[0], 0.9 if labelled else 0.8, "label_wrapped", wrapped[1], wrapped[0], notes))
            continue
        if normalise_id(found[0]) in known:
            notes.append("matches_vendor_master")
        labelled = any(h.field == "iban" for h in ctx.hits[id(ln)])
        cands.append(Candidate("iban", found[0], 0.95 if labelled else 0.8, "label_right" if labelled else "pattern",
                               ln.words_in(found[1], found[2]), found[0], notes))
    return cands


# A scan reads specks between an IBAN's groups as punctuation ("GBO7 PNIj 6639 : 7755") and
# a J as a bracket ("PNI)"). Right of an IBAN label, the words are read again without such
# specks; the check digits decide, as for any IBAN.
_SPECK = re.compile(r"^[^\w]{1,2}$")
_BRACKET_J = re.compile(r"(?<=[A-Za-z])\)")


def _iban_among_specks(line, start: int) -> Optional[tuple[str, tuple]]:
    words = [w for w, (s, _) in zip(line.words, line.spans) if s >= start and not _SPECK.match(w.text)]
    found = find_iban(" ".join(_BRACKET_J.sub("J", w.text) for w in words))
    if found is None:
        return None
    kept, length = [], 0
    for w in words:
        if length >= len(found[0]):
            break
        kept.append(w)
        length += sum(ch.isalnum() for ch in w.text) + (w.text.endswith(")"))
    return found[0], tuple(kept)


def vendor_ibans(resolved: Optional[tuple]) -> tuple[str, ...]:
    """The IBANs on file for a resolved vendor (``resolve_vendor``'s result), else none."""
    return tuple(a.iban for a in resolved[0].bank_accounts) if resolved else ()
