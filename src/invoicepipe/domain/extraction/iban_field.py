"""The IBAN field: an IBAN printed on the page that passes its check digits.

Two checks guard an IBAN read off a page: ISO 13616's mod 97 over the whole string and,
for some countries (Spain's CCC, Belgium, Norway, Montenegro in python-stdnum), inner
check digits of the account number. An IBAN that passes both is read. One that passes mod
97 but fails its country's inner check is read only when it is, character for character,
an account of the vendor already on file: the master vouches for the very string, so the
page agrees with it (evidence for the bank check, not a reason to hold); any other such
string may be a misread the mod-97 check let through, so it is left unread and the bank
details are reported unreadable (``bank_details``).
"""

from __future__ import annotations

from typing import Iterable, Optional

from invoicepipe.domain.extraction.parsing import find_iban, normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context


def iban_candidates(ctx: Context, on_file: Iterable[str] = ()) -> list[Candidate]:
    """One candidate per line with a readable IBAN; ``on_file`` are the resolved vendor's IBANs."""
    known = {normalise_id(i) for i in on_file}
    cands = []
    for ln in ctx.layout.lines:
        found, notes = find_iban(ln.text), []
        if found is None and known:
            found = find_iban(ln.text, national_check=False)
            if found is None or normalise_id(found[0]) not in known:
                continue
            notes.append("national_check_failed")
        if found is None:
            continue
        if normalise_id(found[0]) in known:
            notes.append("matches_vendor_master")
        labelled = any(h.field == "iban" for h in ctx.hits[id(ln)])
        cands.append(Candidate("iban", found[0], 0.95 if labelled else 0.8, "label_right" if labelled else "pattern",
                               ln.words_in(found[1], found[2]), found[0], notes))
    return cands


def vendor_ibans(resolved: Optional[tuple]) -> tuple[str, ...]:
    """The IBANs on file for a resolved vendor (``resolve_vendor``'s result), else none."""
    return tuple(a.iban for a in resolved[0].bank_accounts) if resolved else ()
