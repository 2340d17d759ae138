"""Confidence from the agreement of independent evidence, for identifiers and dates.

A candidate's raw score is ``label strength x placement x format x OCR word confidence``
(``search``). The first three say whether the value is the *field* (the label names it,
it stands where values of that label stand, it has the field's form); the last says only
whether its *characters* were read right. Tesseract reports 0.4-0.6 for clean digits in a
boxed cell, so a right value under a strong label is scored like a guess.

Whether the characters were read right has other witnesses than the engine's own
confidence in one reading:

- ``repeated``: the same value read again elsewhere on the document, as separate words
  (another line, another box: a payment reference repeating the invoice number, the date
  printed in a footer or as the tax point). Words whose boxes overlap the value's are the
  same place read twice, one reading, never a second witness;
- ``terms``: the invoice date and the due date differ by exactly the payment terms, the
  printed ones (one term on the page) or the resolved vendor's from the master: two dates
  read apart that keep the agreed distance are very unlikely both misread.

Each witness is one more reading; the chance that every reading is wrong is taken as the
product of their own doubts, so the OCR factor becomes ``1 - prod(1 - confidence)`` over
the value's reading and its witnesses (a reading's confidence being its words' lowest).
Only that factor moves: a value no witness agrees with keeps its score, and a witness never
makes a weak label a strong one.

A value any evidence contradicts is never lifted: another value nearly as well supported
for the field (``contested``), a value read twice over itself differently (``overlaid``),
a code or a number beside it that may belong to it (``code_before``, ``number_after``),
characters glued before it in its word that may be its own (``glued_before``), a separator
ending its word with nothing after it (``separator_end``), a due date before the invoice date. (A number found past a word its label does not explain
keeps its format factor of 0.45, so no witness takes it near a routing threshold.) The lift is recorded among the field's evidence (``repeated:2``, ``terms``) so a
reviewer and the calibration fit see why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable, Mapping, Optional, Sequence

from invoicepipe.domain.calibration import READ_TAG
from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.layout import Line, min_confidence
from invoicepipe.domain.extraction.parsing import normalise_id
from invoicepipe.domain.extraction.search import Candidate, Context
from invoicepipe.domain.models import Word

# notes of a candidate that doubt it: the lift never applies. Besides doubts about its
# characters, every hold ``extract`` puts on a value for a person: a second printing of the
# same characters says nothing about which field, caption or document they are ("2026" recurs
# in every date; a customer number under "Invoice No." recurs where it is printed again)
CONTRADICTIONS = frozenset({"contested", "overlaid", "code_before", "number_after", "glued_before",
                            "separator_end", "engines_disagreed", "dated_elsewhere", "year_apart",
                            "value_over_label", "value_left_of_label", "letter_among_zeros",
                            "sibling_number", "bare_year", "qualified", "stronger_label_unread",
                            "header_row_differs"})
# an identifier shorter than this (after dropping separators) recurs by chance: quantities,
# positions, a "2026" in every date
MIN_ID_CHARS = 4
# the raw score is capped as ``best_candidate`` caps it
MAX_SCORE = 0.99
# a run of up to this many adjacent words can print one identifier ("4500 0105 21")
MAX_RUN = 3


def _overlap(a: Word, b: Word) -> bool:
    return (a.page == b.page and min(a.box.x1, b.box.x1) > max(a.box.x0, b.box.x0)
            and min(a.box.bottom, b.box.bottom) > max(a.box.top, b.box.top))


def _apart(words: Sequence[Word], from_words: Sequence[Word]) -> bool:
    """True when no word of ``words`` is or covers one of ``from_words``: another reading."""
    return not any(w is o or _overlap(w, o) for w in words for o in from_words)


def _id_runs(line: Line) -> Iterable[tuple[str, tuple[Word, ...]]]:
    """Every word and every run of up to ``MAX_RUN`` adjacent words, in compare form."""
    words = line.words
    for i in range(len(words)):
        text = ""
        for j in range(i, min(len(words), i + MAX_RUN)):
            text += words[j].text
            yield normalise_id(text.strip("#:;,()")), words[i:j + 1]


def _compact(line: Line) -> str:
    """The line's text in compare form, kept with the line: every run of its words in compare
    form is a part of it."""
    found = line.memo.get("compact_id")
    if found is None:
        found = line.memo["compact_id"] = normalise_id(line.text)
    return found


def id_witnesses(ctx: Context, value: str, own: Sequence[Word]) -> list[float]:
    """Confidences of the other readings of identifier ``value`` on the document."""
    key = normalise_id(value)
    if len(key) < MIN_ID_CHARS or not any(ch.isdigit() for ch in key):
        return []
    found: list[tuple[Word, ...]] = []
    for line in ctx.layout.lines:
        if key not in _compact(line):
            continue  # no run of the line's words can hold it (most lines): nothing to split
        for text, words in _id_runs(line):
            if text == key and _apart(words, own) and all(_apart(words, f) for f in found):
                found.append(words)
    return [min_confidence(w) for w in found]


def date_witnesses(ctx: Context, value: date, own: Sequence[Word]) -> list[float]:
    """Confidences of the other readings of date ``value`` on the document (any written form)."""
    found: list[tuple[Word, ...]] = []
    for line in ctx.layout.lines:
        for d in dates_in(line.text, 0, ctx.date_order):
            words = line.words_in(d.start, d.end)
            if d.value == value and words and _apart(words, own) and all(_apart(words, f) for f in found):
                found.append(words)
    return [min_confidence(w) for w in found]


def combined(own: float, witnesses: Iterable[float]) -> float:
    """The chance that at least one of independent readings that agree is right."""
    doubt = 1.0 - own
    for c in witnesses:
        doubt *= 1.0 - c
    return 1.0 - doubt


def lifted(cand: Candidate, conf: float, witnesses: Sequence[float], tags: Sequence[str]) -> float:
    """``conf`` with the candidate's OCR factor replaced by the agreement of its readings
    (see the module); ``conf`` unchanged when nothing agrees or something contradicts."""
    own = min_confidence(cand.words)
    if not witnesses or not cand.words or own <= 0 or own >= 1 or CONTRADICTIONS & set(cand.notes):
        return conf
    agreed = combined(own, witnesses)
    score = min(MAX_SCORE, cand.score / own * agreed)
    if score <= conf:
        return conf
    cand.notes.extend([*tags, f"{READ_TAG}{agreed:.3f}"])
    return round(score, 3)


def read_evidence(cand: Candidate) -> tuple[str, ...]:
    """The ``read:`` tag of an OCR value whose characters nothing contradicts: the factor its
    words' reading (and the readings agreeing with it) put into its score, so the calibration
    can weigh *is this the field* (the rest of the score, measured on text layers) apart from
    *were its characters read right* (``calibration``). Empty for a text layer's value, for
    a value already tagged by ``lifted`` and for one any evidence doubts."""
    own = min_confidence(cand.words)
    if not cand.words or own >= 1 or own <= 0 or CONTRADICTIONS & set(cand.notes):
        return ()
    if any(n.startswith(READ_TAG) for n in cand.notes):
        return ()
    return (f"{READ_TAG}{own:.3f}",)


def dates_keep_terms(issued: Optional[date], due: Optional[date], terms: Iterable[int]) -> bool:
    """True when the due date is the invoice date plus one of ``terms`` (days)."""
    return bool(issued and due and any(due - issued == timedelta(days=t) for t in terms if t))


def _as_date(value: str) -> Optional[date]:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def agree(ctx: Context, chosen: Mapping[str, tuple[Candidate, float, bool]], terms: Iterable[int]) -> dict[str, float]:
    """The confidence of each chosen identifier and date after its witnesses (see the module):
    ``chosen`` maps a field to (candidate, confidence, contested); ``terms`` are the payment
    terms in days (printed, or the resolved vendor's). Candidates lifted get their tags in
    their notes; fields not lifted are left out."""
    issued, due = chosen.get("invoice_date"), chosen.get("due_date")
    issued_on = _as_date(issued[0].value) if issued else None
    due_on = _as_date(due[0].value) if due else None
    # a due date before the invoice date: one of the two is misread or not what its label says
    dates_contradict = bool(issued_on and due_on and due_on < issued_on)
    keep_terms = dates_keep_terms(issued_on, due_on, terms)
    out: dict[str, float] = {}
    for name, (cand, conf, doubted) in chosen.items():
        if doubted:
            continue
        if name in DATE_FIELDS:
            on = _as_date(cand.value)
            if on is None or dates_contradict:
                continue
            witnesses = date_witnesses(ctx, on, cand.words)
            other = due if name == "invoice_date" else issued
            tags = [f"repeated:{len(witnesses)}"] if witnesses else []
            if keep_terms and other is not None and other[0].words and not (CONTRADICTIONS & set(other[0].notes)):
                witnesses.append(min_confidence(other[0].words))
                tags.append("terms")
        else:
            witnesses = id_witnesses(ctx, cand.value, cand.words)
            tags = [f"repeated:{len(witnesses)}"] if witnesses else []
        new = lifted(cand, conf, witnesses, tags)
        if new > conf:
            out[name] = new
    return out


DATE_FIELDS = ("invoice_date", "due_date")
