"""The invoice number checked against the vendor's own numbering: its earlier invoices' numbers.

A caption finds *a* number beside "No."/"Nr."/"N°", and where the caption is worded in a way
no list holds, the number is a guess among the page's identifiers (the customer number, the
delivery note, the order confirmation). The buyer's books already hold the numbers of the
vendor's earlier invoices, and a vendor numbers its invoices in a series: "RE-2026-00857"
follows "RE-2026-00851", "FT A2026/593" follows "FT A2026/590". A number that continues the
series (``continues``: the same letters and separators, the same digit groups but one, that
one at most ``MAX_STEP`` away and not equal; or but the counter and a later month beside the
year, "FS 581/02/2026" after "FS 578/01/2026") is the vendor's invoice number far more surely
than any caption says. So once the vendor is resolved and it has earlier numbers:

- the extraction's number continues the series and nothing else on the page does:
  confirmed (``CONTINUES``);
- it does not, or none was read, and exactly one other value printed on the page continues
  the series: that value, at ``FOUND`` when the extraction's own number was a guess (under
  ``GUESS``) or missing; a number read surely that the series contradicts is held
  (``SERIES_DOUBT``): a new series, or another paper's number, for a person to decide. A
  credit note prints the number of the invoice it corrects, which continues the series too:
  its own number is never replaced;
- its number is an earlier one's with one digit more or fewer in a zero-padded group
  ("POS00487" where the series runs "POS000480", "POS000483"): a digit lost or doubled by the
  scan, held (``SERIES_DOUBT``).

Two values on the page continuing the series (a vendor whose delivery notes share the
invoices' counter) decide nothing, except on a credit note counted with the invoices: it
prints the number of the invoice it corrects, issued before it, so of two numbers one counter
apart in one frame the later is its own (``_credited``). Its number is then confirmed at
``FOUND`` whatever language the reference is worded in, or held when it is the earlier one
(the corrected invoice's number taken for the credit note's). Numbers of four characters or
fewer, and digits alone shorter than ``MIN_BARE_DIGITS``, are too common on a page
(quantities, days, postcodes) to say whose they are: they are left as read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache
from typing import Iterator, Optional, Sequence

from invoicepipe.domain.models import DocumentText, ExtractedField, Extraction, Word

CONTINUES, FOUND = 0.97, 0.93
SERIES_DOUBT = 0.5
GUESS = 0.5  # a calibrated number under this was the extractor's guess
# consecutive invoices of one vendor to one buyer: the vendor's other customers' invoices fall
# between them, so the step is not one; a few hundred covers a month of a busy vendor's
# invoices without making every number in a wide range the next one
MAX_STEP = 500
MIN_BARE_DIGITS = 5
# how many of the vendor's latest confirmed invoice numbers are read: a series restarts each
# year or runs beside a credit-note series, and the latest numbers say where each one is
HISTORY = 20
_RUNS = re.compile(r"[^\W\d_]+|\d+|[^\w]+|_+")
_YEAR = re.compile(r"(?:19|20)\d\d")
SERIES_METHOD = "vendor_number_series"


def _runs(number: str) -> list[str]:
    return _RUNS.findall(" ".join(number.split()))


def _worth_checking(number: str) -> bool:
    compact = "".join(number.split())
    if len(compact) <= 4 or not any(ch.isdigit() for ch in compact):
        return False
    return not compact.isdigit() or len(compact) >= MIN_BARE_DIGITS


def _same_frame(a: list[str], b: list[str]) -> Optional[list[int]]:
    """The positions of the digit runs that differ when ``a`` and ``b`` are the same frame
    (letters equal ignoring case, separators equal, digit runs where digit runs are), else None."""
    if len(a) != len(b):
        return None
    differ = []
    for k, (x, y) in enumerate(zip(a, b)):
        if x.isdigit() and y.isdigit():
            if x != y:
                differ.append(k)
        elif x.upper() != y.upper():
            return None
    return differ


def continues(number: str, earlier: Sequence[str]) -> Optional[str]:
    """The earlier number ``number`` continues (see the module), else None."""
    if not _worth_checking(number):
        return None
    mine = _runs(number)
    found = None
    for other in earlier:
        theirs = _runs(other)
        differ = _same_frame(mine, theirs)
        if differ == []:
            return None  # an earlier invoice's own number: a copy of it, or a reference to it
        if found is not None or differ is None:
            continue
        if len(differ) == 2:
            differ = _counter_beside_later_month(mine, theirs, differ)
        if len(differ) != 1:
            continue
        x, y = mine[differ[0]], theirs[differ[0]]
        if len(x) != len(y) and (x.startswith("0") or y.startswith("0")):
            continue  # a zero-padded counter keeps its width
        if 0 < abs(int(x) - int(y)) <= MAX_STEP:
            found = other
    return found


def _counter_beside_later_month(mine: list[str], theirs: list[str], differ: list[int]) -> list[int]:
    """[the counter's position] when of the two digit groups that differ one is a month beside
    the year ("FS 581/02/2026" after "FS 578/01/2026", "FV/800/01/2026"): a later month of the
    same year, one separator from a year group both share. A frame without letters is left out
    ("28/02/2026" is a date, not an invoice of the series "30/01/2026"). Else []."""
    if not any(run.isalpha() for run in mine):
        return []
    for month, counter in (differ, differ[::-1]):
        if 1 <= int(theirs[month]) < int(mine[month]) <= 12 and any(
                0 <= year < len(mine) and _YEAR.fullmatch(mine[year]) and len(mine[(month + year) // 2]) == 1
                for year in (month - 2, month + 2)):  # the run between them one separator
            return [counter]
    return []


def digit_lost(number: str, earlier: Sequence[str]) -> Optional[str]:
    """The earlier number whose zero-padded digit group ``number`` prints one digit shorter or
    longer, the rest of the frame the same ("POS00487" against "POS000480"), else None."""
    if not _worth_checking(number):
        return None
    mine = _runs(number)
    for other in earlier:
        theirs = _runs(other)
        if len(mine) != len(theirs):
            continue
        off = [k for k, (x, y) in enumerate(zip(mine, theirs)) if x.isdigit() and y.isdigit() and len(x) != len(y)]
        same = all(x.upper() == y.upper() for x, y in zip(mine, theirs) if not (x.isdigit() and y.isdigit()))
        if same and len(off) == 1 and abs(len(mine[off[0]]) - len(theirs[off[0]])) == 1 and theirs[off[0]].startswith("0"):
            return other
    return None


@lru_cache(maxsize=512)
def _frames(earlier: tuple[str, ...]) -> re.Pattern:
    """One pattern for the frames of ``earlier``: their letters and separators as printed (any
    case), each digit group as digits of its width (zero-padded) or up to one digit more. The
    page is searched with it once, not every run of its words compared with every number: the
    check runs on every parse of a vendor with history, beside an extraction of about 15 ms."""
    alternatives = set()
    for number in earlier:
        parts = []
        for run in _runs(number):
            if run.isdigit():
                parts.append(r"\d{%d}" % len(run) if run.startswith("0") else r"\d{1,%d}" % (len(run) + 1))
            else:
                parts.append(" " if run.isspace() else re.escape(run))
        alternatives.add("".join(parts))
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:%s)(?![^\W_])" % "|".join(ordered), re.IGNORECASE)


def _printed(doc: DocumentText, earlier: tuple[str, ...]) -> Iterator[tuple[str, Word, Word]]:
    """The values printed in the frame of an earlier number (``_frames``), with their first and
    last word, a number in parts ("KNM 000374", "FT A2026/593") read whole on its line."""
    pattern = _frames(earlier)
    for page in doc.pages:
        words = list(page.words)
        starts, at = [], 0
        for w in words:
            starts.append(at)
            at += len(w.text) + 1
        text = " ".join(w.text for w in words)
        for m in pattern.finditer(text):
            first, last = words[bisect_right(starts, m.start()) - 1], words[bisect_right(starts, m.end() - 1) - 1]
            if abs(last.box.top - first.box.top) > max(2.0, first.box.bottom - first.box.top):
                continue  # two lines' ends, not one value
            yield m.group(0), first, last


def refine_invoice_number(extraction: Extraction, doc: DocumentText, earlier: Sequence[str]) -> Extraction:
    """The extraction with its invoice number checked against the vendor's earlier invoice
    numbers (see the module); unchanged when the vendor has none."""
    earlier = [n for n in earlier if n and _worth_checking(n)]
    field = extraction.fields.get("invoice_number")
    if not earlier or (field is not None and field.by):
        return extraction
    own = field.value if field is not None and field.value else None
    found: dict[str, tuple[str, str, Word, Word]] = {}
    taken = {" ".join(n.upper().split()) for n in earlier}
    for text, first, last in _printed(doc, tuple(earlier)):
        key = text.upper()
        if key in taken or key in found:
            continue
        witness = continues(text, earlier)
        if witness is not None:
            found[key] = (witness, text, first, last)
    own_key = " ".join(own.upper().split()) if own else None
    if own_key is not None and own_key in found:
        if len(found) == 1:
            witness = found[own_key][0]
            return _with(extraction, replace(field, confidence=max(field.confidence, CONTINUES),
                                             evidence=(*field.evidence, f"series:{witness}")))
        credited = _credited(extraction, found, own_key)
        if credited is None:
            return extraction  # two values continue the series: nothing said
        if credited[0]:  # the other value is the invoice this credit note corrects
            return _with(extraction, replace(field, confidence=max(field.confidence, FOUND),
                                             evidence=(*field.evidence, f"series:{found[own_key][0]}",
                                                       f"credits:{credited[1]}")))
        # the credit note's number is the corrected invoice's: its own is the later one
        return _with(extraction, replace(field, confidence=min(field.confidence, SERIES_DOUBT),
                                         evidence=(*field.evidence, f"series_credited_by:{credited[1]}")))
    if len(found) == 1 and extraction.value("document_type") != "credit_note":
        [(key, (witness, value, first, last))] = found.items()
        if field is None or field.confidence < GUESS:
            box = first.box.union(last.box)
            return _with(extraction, ExtractedField("invoice_number", value, FOUND, SERIES_METHOD, first.page, box,
                                                    evidence=(f"series:{witness}",)))
        return _with(extraction, replace(field, confidence=min(field.confidence, SERIES_DOUBT),
                                         evidence=(*field.evidence, f"series_elsewhere:{key}")))
    if own is not None and not found:
        lost = digit_lost(own, earlier)
        if lost is not None:
            return _with(extraction, replace(field, confidence=min(field.confidence, SERIES_DOUBT),
                                             evidence=(*field.evidence, f"series_digit_lost:{lost}")))
    return extraction


def _credited(extraction: Extraction, found: dict, own_key: str) -> Optional[tuple[bool, str]]:
    """For a credit note whose number and one other printed value both continue the series:
    (whether its own number is the later of the two, the other value), else None. A credit note
    corrects an invoice issued before it, so where both are counted in one series (one frame,
    one counter apart) the earlier number is the corrected invoice's and the later one the
    credit note's own; this needs no caption, in whatever language the reference is worded.
    Numbers in different frames (a credit-note series beside the invoices') say nothing."""
    if extraction.value("document_type") != "credit_note" or len(found) != 2:
        return None
    [other] = [text for key, (_, text, _, _) in found.items() if key != own_key]
    mine, theirs = _runs(found[own_key][1]), _runs(other)
    differ = _same_frame(mine, theirs)
    if not differ or len(differ) != 1:
        return None
    k = differ[0]
    return int(mine[k]) > int(theirs[k]), other


def _with(extraction: Extraction, field: ExtractedField) -> Extraction:
    return replace(extraction, fields={**extraction.fields, "invoice_number": field})
