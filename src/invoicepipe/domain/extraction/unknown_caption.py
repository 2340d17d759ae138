"""The document's number under a caption the vocabulary does not know.

Billing programs name the number in words no list holds ("Boekstuknummer", "RECH.-NR.",
"Dok. Nr.", "Memo No."), and then no label leads to it and the field is missing. What such
a caption shares with every number caption is its end: a number word ("No.", "Nr.", "#",
"N°", "Nummer", "número", glued or apart). A caption ending so, in the page's head (above the
items), that no label of any field covers, names some document's number; which document's,
only its other words say. So:

- a caption whose words hold a document word's stem ("rech", "fact", "dok", "memo", "beleg"…)
  names the document's own number, and when exactly one such caption leads to an
  identifier, that identifier is a candidate;
- short of one, a single unknown number caption on the head is one too, weaker: the
  vocabulary knows the usual other numbers' captions (order, delivery note, customer), so
  the one it does not is likelier the document's own;
- two unknown captions and no document word: nothing (which is which, nothing says).

Not every caption ending in a number word is a candidate (kv-2.46). One whose words name
another party or paper (a customer, an order, a delivery, a tax or company register, a
telephone, a street: ``caption_stems``, stems shared by the project's languages and their
cognates) is no lone guess; nor a word whose own ending is "no" ("interno", "Telefono"), nor
a number word its cell's words go on after ("Número de cliente", unless they name the
document: "Nº de abono"), nor a caption over an items column whose value is an article's code
on a priced line ("Pos. Art.-Nr."). Each of these, left in, made the lone unknown caption
two, and so nothing, or was the lone one and gave a wrong value. (English labels only, on the
dev sets: 6 fewer wrong numbers, 2 fewer missing; all labels: 3 wrong numbers fewer.) A caption
that names the document also competes where every label reaches its value only past words
it does not explain (``extract.FAR_VALUE_SCORE``: "Kreditinė sąskaita sąskaitai Nr. KNM
000369", the credited invoice's number, against "KREDITINĖS SĄSKAITOS NR." over the note's
own; English labels only: 5 wrong numbers fewer on the dev sets). A lone
caption's value gives way to the one identifier the page's year dates (``dated_number``),
where there is one: measured with English labels only, a lone caption's value was right 26
times in 47 before these exclusions, a dated number 97 times in 100.

kv-2.48 widened what a caption is and narrowed whose number it names: a number word alone,
spelled out ("Número" in a box of captions with no title over it), is a caption; the Slavic
and Baltic number words ("Št. računa", "Broj računa", "Č. faktúry", "Rēķina numurs",
"Számla sorszáma", "Fattura n.") count as number words, the short ones only as words of their
own; an address ("Sediul: Bd. Dacia nr.") names a house number; and a paper named with the
document's own word that is not the document ("Predračun št.", a pro forma's; "Cenová
ponuka č.", an offer's: ``caption_stems.ANOTHER_DOCUMENT``) names another paper's number.
Where no caption has a value right of it or under it, a value printed before its caption
("512  Arve nr.") or over it ("KNM 000350" over "Sąskaitos numeris") is read back, a guess
as well (``value_first.read_back``). Measured with English labels only on the 23 digital dev
sets: numbers right 94.2 -> 97.1 %, none of the new readings wrong at a routable score
(fixtures/README.md, "Measured: captions no list holds, widened and read back").

Either way the score stays under the number's routing threshold: the caption is a guess, the
value is read for a person to confirm, not to pay on.

Except where the caption's words are the invoice's own word and a number word, nothing else
("Fact.nr.:", "Nr. factuur", "Rechnungsnummer", "Fakturanr" in a language or an abbreviation
no list holds): then which document's number it names is said, as "Date Invoiced" says which
date (``qualified_dates``), and the caption counts as the vocabulary's abbreviated "Inv. No."
(``INVOICE_CAPTION_STRENGTH``, note ``invoice_caption``). So does the bare word for a
document with a number word ("Nº doc.", "Nr dok."): on the page, the page's own, and on a
credit note "Memo No." (a credit memo's own word). Any other word keeps the guess: "memo" on
an invoice, "Beleg" or "Boekstuk" name some paper, and a qualifier
("Invoice ref. no.", "Original invoice no.", "Doc. transporte") another document's number;
and on a credit note the invoice's word names the credited invoice's number, so there only
the document's word counts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Optional

from invoicepipe.domain.extraction.candidates import is_bare_year
from invoicepipe.domain.extraction.invoice_word import is_invoice_word
from invoicepipe.domain.extraction.labels import LabelHit, cells_apart, fold_accents
from invoicepipe.domain.extraction.number_prefix import NUMBER_OPENING, separator_end
from invoicepipe.domain.extraction.caption_stems import DOCUMENT_STEM, names_another, names_the_document
from invoicepipe.domain.extraction.layout import min_confidence
from invoicepipe.domain.extraction.search import Candidate, Context, label_candidates, priced_line, scored_candidate
from invoicepipe.domain.extraction.value_first import PLACEMENT, read_back

# a caption's closing number word, glued ("Boekstuknummer", "RECH.-NR.") or a word apart
# (the Latvian "numurs", Lithuanian "numeris" and Hungarian "sorszám" too; "n." with its dot,
# "Fattura n." (a lone "n" is a title's letter or a lost ordinal's), and the Slavic "Broj",
# "Br.", "Št.", "č.", "Číslo", only as words of their own: glued, they end other words)
_NUMBER_END = re.compile(r"(?i)(?:nr|no|n[°º]|n\.[°º]|nro|num|núm|nummer|number|numero|número|numéro|numer|numurs|numeris|#"
                         r"|sorszáma|sorszám|(?<![^\W\d_])(?:n(?=\.)|br|broj|št|č|číslo|cislo))\.?:?$")
# "Nº doc.:", "Nr dok.", "Št. računa", "Broj računa": a number word before a document word,
# abbreviated or whole
_NUMBER_FIRST = re.compile(r"(?i)(?:nr|no|n[°º]|n\.[°º]|nro|num|núm|n|br|broj|št|č|číslo|cislo)\.?")
# the bare word for a document, whole or abbreviated: on a page, the page's own
_DOCUMENT_WORD = re.compile(r"doc|dok|docum\w*|dokum\w*")
_NUMBER_WORD = re.compile(r"nr|no|n|nro|num|nummer|number|numero|numer|numurs|numeris|br|broj|c|cislo|st|sz|sorszama|sorszam")
# joining words a number caption may hold ("N° de facture", "Numer faktury")
_JOINING = frozenset(("de", "del", "der", "des", "du", "di", "da", "do", "van", "of", "la", "the"))
_PART = re.compile(r"[^\W\d_]+")
INVOICE_CAPTION_STRENGTH = 0.9
# a value the caption reaches only weakly (two lines down, past the items' column names: an
# article number under "Fakturanr." printed below its value) is no reading of that caption;
# measured with every other language's labels removed, the right ones scored 0.72 or more
MIN_INVOICE_CAPTION_SCORE = 0.7
# the head of the page: a caption further down is the items' or the footer's
_HEAD_SHARE = 0.45
_MAX_CAPTION_WORDS = 4
DOCUMENT_CAPTION_STRENGTH = 0.6
LONE_CAPTION_STRENGTH = 0.45
# the invoice's own caption below the head: as weak a guess as a lone caption
BELOW_HEAD_STRENGTH = LONE_CAPTION_STRENGTH


def unknown_caption_numbers(ctx: Context, parser: Callable) -> list[Candidate]:
    """Candidates from number captions no label covers (see the module), or none."""
    named, other = [], []
    for hit in _unknown_captions(ctx):
        words = fold_accents(hit.line.text[hit.start:hit.end])
        if names_the_document(words):
            named.append(hit)
        elif not names_another(words):
            other.append(hit)  # "Klient nr:", "Otpremnica br.": another party's or paper's number
    for hits, strength in ((named, DOCUMENT_CAPTION_STRENGTH), (other, LONE_CAPTION_STRENGTH)):
        found = [c for c in _with_digits(label_candidates(ctx, "invoice_number", parser,
                                                          hits=[replace(h, strength=strength) for h in hits]))
                 if not _on_item_line(ctx, c) and not _beside_wrapped_caption(ctx, c)]
        if not found:
            # nothing right of or under any caption: a head that prints values first
            found = _read_back(ctx, hits, parser, strength)
        if len(found) == 1:
            found[0].notes.append("unknown_caption")
            return found
        if found or hits:
            return []  # two captions and nothing to tell them apart
    return []


def _read_back(ctx: Context, hits: list[LabelHit], parser: Callable, strength: float) -> list[Candidate]:
    """The captions' values read the other way (``value_first.read_back``): before the caption
    on its line ("512  Arve nr.", "BPD-00209  Rēķina numurs") or right over it ("KNM 000350"
    over "Sąskaitos numeris"), where no caption has a value the usual way. A guess, as every
    unknown caption's value is: a page whose values come first is not told by its dates here
    (read so, the dates of the development sets' value-first heads were too varied to say it:
    written, wrapped, over and before their captions)."""
    out = []
    for hit in hits:
        found = read_back(ctx, hit, parser)
        if found is None:
            continue
        (value, raw, s, e, quality), line, way = found
        if not any(ch.isdigit() for ch in value):
            continue
        out.append(scored_candidate("invoice_number", value, raw, strength * PLACEMENT * quality,
                                    "label_after" if way == "before" else "label_above",
                                    line.words_in(s, e), hit.line, hit, ["value_first"]))
    return [c for c in out if not _on_item_line(ctx, c)]


def lone_caption(cand: Candidate) -> bool:
    """The candidate is a lone unknown caption's, no word of which names the document."""
    return "unknown_caption" in cand.notes and cand.label is not None and cand.label.strength <= LONE_CAPTION_STRENGTH


def invoice_caption_numbers(ctx: Context, parser: Callable, below_head: bool = False) -> list[Candidate]:
    """The one candidate under captions no list holds made of the invoice's word, or the bare
    word for a document, and a number word (see the module), or none: two such values say
    nothing, and on a credit note only the document's word names its own number.

    ``below_head``: such captions on the rest of the first page instead, as a guess
    (``BELOW_HEAD_STRENGTH``), for a page whose number is printed only in its payment line
    ("Vermeld bij betaling: factuurnummer F2026.00199"): the value after the caption on its
    line, and not on an item's line, where an invoice's number is the one an item refers to."""
    credit_note = bool(ctx.hits_for("credit_note"))
    own = ("document",) if credit_note else ("invoice", "document")
    strength = BELOW_HEAD_STRENGTH if below_head else INVOICE_CAPTION_STRENGTH
    hits = [replace(h, strength=strength) for h in _unknown_captions(ctx, below_head)
            if _own_caption(fold_accents(h.line.text[h.start:h.end]), credit_note) in own]
    found = [c for c in _with_digits(label_candidates(ctx, "invoice_number", parser, hits=hits))
             if not _beside_wrapped_caption(ctx, c)] if hits else []
    if below_head:
        # a sentence's caption names the value after it on its line, never one under it (the
        # IBAN's last group wrapped under "Sąskaitos Nr. (IBAN):", an account's number)
        found = [c for c in found if c.method == "label_right" and not _on_item_line(ctx, c)]
    # the placement is what the bound is about: a scan's word read at 0.93 is no weaker a
    # reading of the caption than the same word printed (its score carries that confidence)
    if len(found) != 1 or found[0].score / max(min_confidence(found[0].words), 0.01) < (
            MIN_INVOICE_CAPTION_SCORE * strength / INVOICE_CAPTION_STRENGTH):
        return []
    if _words_after_in_cell(ctx, found[0]):
        # "Sąskaitos numeris" beside "30 d.", a date's day wrapped in the next cell: a value
        # with words after it in its cell is a part of something else, as far as a caption
        # no list holds can say
        found[0] = replace(found[0], score=round(found[0].score * LONE_CAPTION_STRENGTH / strength, 4))
    found[0].notes.append("invoice_caption")
    return found


def _words_after_in_cell(ctx: Context, cand: Candidate) -> bool:
    """A word with letters follows the value in its cell (a series code's number after it,
    digits only, is the value's own: ``number_prefix.code_and_number``)."""
    if not cand.words:
        return False
    last = cand.words[-1]
    line = ctx.layout.line_of(last)
    if line is None or last not in line.words:
        return False
    k = line.words.index(last)
    while k + 1 < len(line.words) and not cells_apart(line.words[k], line.words[k + 1]):
        k += 1
        if any(ch.isalpha() for ch in line.words[k].text):
            return True
    return False


def _on_item_line(ctx: Context, cand: Candidate) -> bool:
    """The value stands on an item's line (a price and an amount): the caption heads an items
    column ("Pos. Art.-Nr.", "Eil. Nr."), and the value is an article's code."""
    line = ctx.layout.line_of(cand.words[0]) if cand.words else None
    return line is not None and priced_line(ctx, line)


def _with_digits(cands: list[Candidate]) -> list[Candidate]:
    """The candidates with a digit, and not a year alone: under a caption no list holds, a
    bare "2026" is a date's piece wrapped beside it ("Nº rectificativa  2026" under
    "15 de enero de"), never a guess worth a person's time; a year ending its word with a
    separator ("2026-" over "00243") is a number's first part, joined later."""
    return [c for c in cands if any(ch.isdigit() for ch in c.value)
            and not (is_bare_year(c.value) and separator_end(c) is None)]


def _own_caption(words: str, credit_note: bool = False) -> Optional[str]:
    """"invoice" or "document" when a caption's words are that word and a number word only
    ("Fact.nr.", "Nr. factuur", "Nº doc.", "Nr dok."), else None (see the module). On a credit
    note "memo" is the document's word too ("Memo No.": a credit memo's own number, as the
    vocabulary's "Credit Memo No." is)."""
    named, number = set(), False
    for part in _PART.findall(words.lower()):
        glued = re.fullmatch(r"(\w{3,}?)(?:s?-?)(nr|nummer|number|numero|numer|nro|no)", part)
        word = glued.group(1) if glued else part
        document = _DOCUMENT_WORD.fullmatch(word) or (credit_note and word == "memo")
        kind = "invoice" if is_invoice_word(word) else "document" if document else None
        if kind is not None:
            named.add(kind)
            number = number or glued is not None
        elif _NUMBER_WORD.fullmatch(part):
            number = True
        elif part not in _JOINING:
            return None
    return named.pop() if number and len(named) == 1 else None


def _document_after(line, k: int) -> Optional[int]:
    """The index of the document's word the number word at ``k`` names, in its cell past
    joining words only ("Nº doc.", "Nº de abono:", "Número de factura"), or None."""
    j = k + 1
    while j < len(line.words) and not cells_apart(line.words[j - 1], line.words[j]):
        text = line.words[j].text
        if _names_a_document(text) or DOCUMENT_STEM.match(fold_accents(text)):
            return j
        if fold_accents(text).lower().rstrip(".:") not in _JOINING:
            return None
        j += 1
    return None


def _beside_wrapped_caption(ctx: Context, cand: Candidate) -> bool:
    """``cand`` was read right of a caption that is a number word alone under a word of
    letters in its column ("KREDITINĖS" / "SĄSKAITOS" / "NUMERIS:"): the caption wraps in its
    box, and its value is under it, not in the next box on its line."""
    hit = cand.label
    if cand.method != "label_right" or hit is None:
        return False
    words = hit.line.words_in(hit.start, hit.end)
    return (len(words) == 1 and _NUMBER_END.fullmatch(words[0].text) is not None
            and _caption_wrapped_over(ctx, hit.line, words[0]))


def _caption_wrapped_over(ctx: Context, line, word) -> bool:
    """A word of letters stands right over ``word`` in its column, on the line just above: the
    caption wraps in its box and ``word`` is its last line."""
    cw = ctx.layout.char_width
    above = ctx.layout.lines_above(line, word.box.x0 - cw, word.box.x0 + cw, max_lines=1)
    if not above or line.box.top - above[0][0].box.bottom > line.height:
        return False
    over = above[0][0].words_in(above[0][1], above[0][2])
    # (a word ending in a colon is a caption of its own over the next one, no wrap)
    return bool(over) and abs(over[0].box.x0 - word.box.x0) <= cw and all(w.text.rstrip(".").isalpha() for w in over)


def _number_end(text: str) -> bool:
    """The word ends in a number word, glued or alone ("Boekstuknummer", "RECH.-NR.", "Nr.:"),
    but not in a word's own ending "no" ("interno", "Telefono", "Milano"): a glued "no" closes
    a caption only after a separator, in capitals ("FAKTURA-NO", "BELEGNO") or ending a
    document's word ("abono:")."""
    m = _NUMBER_END.search(text)
    if m is None:
        return False
    glued = m.start() > 0 and text[m.start() - 1].isalpha()
    if not glued or m.group(0).lower().rstrip(".:") != "no" or text[m.start():m.start() + 2].isupper():
        return True
    # a document's word that ends so names the number it heads as well ("de abono:", the credit's)
    return DOCUMENT_STEM.match(fold_accents(text)) is not None


def _qualified_after(line, k: int) -> bool:
    """Words of letters follow the number word in its cell: the caption goes on past it, and
    which number it names is said after it, in words no list holds (unless they name the
    document: ``number_first``)."""
    nxt = line.words[k + 1] if k + 1 < len(line.words) else None
    if nxt is None or cells_apart(line.words[k], nxt) or any(ch.isdigit() for ch in nxt.text):
        return False
    letters = [ch for ch in nxt.text if ch.isalpha()]
    # a series code or the number's opening ("FACTURA N.º A-" over "2026/00540", "Nr. KNM") is
    # the value's first part, not a word of the caption
    return len(letters) >= 2 and not NUMBER_OPENING.fullmatch(nxt.text) and (
        any(ch.islower() for ch in letters) or len(letters) >= 5)


def _names_a_document(text: str) -> bool:
    """A word that is the invoice's or the page's document word, with its dot or colon."""
    word = fold_accents(text).lower().rstrip(".:")
    return is_invoice_word(word) or _DOCUMENT_WORD.fullmatch(word) is not None


def _unknown_captions(ctx: Context, below_head: bool = False) -> list[LabelHit]:
    """Captions ending in a number word on the first page's head (or, ``below_head``, on the
    rest of that page) that no label covers."""
    first = min(ctx.layout.by_page, default=None)
    if first is None:
        return []
    _, height = ctx.layout.page_sizes.get(first, (595.0, 842.0))
    out = []
    for line in ctx.layout.by_page[first]:
        if (line.box.top > _HEAD_SHARE * height) != below_head:
            if below_head:
                continue
            break
        covered = [(h.start, h.end) for h in ctx.hits[id(line)] if h.strength >= 0.5]
        # a bare number word opening the line is no label of its own (``vocabulary``: only
        # under a title): before a document word it covers nothing ("Nr. factuur")
        labels = [(h.start, h.end) for h in ctx.hits[id(line)] if h.strength >= 0.5 and h.field != "number_word"]
        for k, word in enumerate(line.words):
            if any(ch.isdigit() for ch in word.text):
                continue
            named_after = _document_after(line, k) if _NUMBER_FIRST.fullmatch(word.text) else None
            number_first = named_after is not None
            if number_first:
                k = named_after  # "Nº doc.:", "Nº de abono:": the number word first, then the document's
            elif not _number_end(word.text):
                continue
            elif _qualified_after(line, k):
                continue  # "Número de factura", "Nr. klienta": the words after it say whose number
            word = line.words[k]
            first_k = k  # the caption's first word: back to the cell's start, letters only
            while (first_k > 0 and k - first_k + 1 < _MAX_CAPTION_WORDS
                   and not cells_apart(line.words[first_k - 1], line.words[first_k])
                   and not any(ch.isdigit() for ch in line.words[first_k - 1].text)
                   and not line.words[first_k - 1].text.endswith(":")):  # "Vermeld bij betaling:" ends its own
                first_k -= 1
            start, end = line.spans[first_k][0], line.spans[k][1]
            bare = k == first_k and _NUMBER_END.fullmatch(word.text) is not None
            if bare and len(word.text.rstrip(".:")) <= 2:
                continue  # a bare "No." heads a table's position column
            # a number word alone, spelled out ("Número", "Nummer" in a box of captions with no
            # title over it): the vocabulary's bare number word reads it only under a title, so
            # here it is a caption no label covers
            if any(s < end and start < e for s, e in (labels if number_first or bare else covered)):
                continue  # a known label's words: its own field reads it
            if any(h.line is line and (h.start, h.end) == (start, end) for h in out):
                continue  # "Nº de abono:" read from its number word and from its glued end: one caption
            out.append(LabelHit("invoice_number", DOCUMENT_CAPTION_STRENGTH, "xx", line, start, end))
    return out
